"""microgpt: a tiny GPT in plain Python, built chapter by chapter in chapters/.

The modules at this level are the ones the chapters build (derivatives, autograd, tokenizer,
embeddings, loss, attention, model, optim, floats, sample, fast, exact, scale, practice, inside,
torch_gpt); the course's own machinery
(drawings, plots, widgets, checkers, checkpoints, the command line) is in microgpt/helpers/.
See ARCHITECTURE.md.
"""
