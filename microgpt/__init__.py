"""microgpt: a tiny GPT in plain Python, built chapter by chapter in chapters/.

The core modules (autograd, tokenizer, embeddings, attention, model, optim, sample) use only the
standard library; drawing, plotting and widgets live in their own modules at the edge.
"""
