import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Test this checkout's package, whatever else is installed.
sys.path.insert(0, str(ROOT))
# `python -m microgpt train` saves its model in the user's folder and `sample` looks there first: the
# tests, and the notebook kernels nbval starts (they inherit this), get an empty folder of their own.
os.environ['MICROGPT_HOME'] = tempfile.mkdtemp(prefix='microgpt-home-')


def reference_setup():
    "The reference recipe: seed 42, shuffled names, their tokenizer, the default model's initial weights."
    import random

    from microgpt.embeddings import GPTConfig, init_state_dict
    from microgpt.tokenizer import Tokenizer, load_docs
    rng = random.Random(42)
    docs = load_docs(ROOT / 'data' / 'names.txt')
    rng.shuffle(docs)
    tokenizer = Tokenizer.from_docs(docs)
    config = GPTConfig(vocab_size=tokenizer.vocab_size)
    return rng, docs, tokenizer, config, init_state_dict(config, rng)
