"""The glossary defines every term the chapters teach, and links each to the section that teaches it."""
import json
import re

import pytest

from conftest import ROOT

CHAPTERS = ROOT / 'chapters'
GLOSSARY = CHAPTERS / '99_glossary.ipynb'
# The terms each chapter promises to teach, spelled as the course spells them.
TAUGHT = {
    '01_derivatives': ['Derivative', 'Local Gradient', 'Chain Rule', 'Gradient', 'Gradient Descent', 'Epsilon'],
    '02_autograd': ['Autograd', 'Computation Graph', 'Forward Pass', 'Backward Pass', 'Topological Sort',
                    'Gradient Accumulation'],
    '03_tokenizer': ['Dataset', 'Document', 'Token', 'Tokenizer', 'Vocabulary', 'Vocab Size', 'BOS', 'Sequence',
                     'Block Size'],
    '04_embeddings': ['Parameters', 'Hyperparameter', 'Weight Matrix', 'State Dict', 'Embedding', 'Embedding Table',
                      'Position Embedding', 'Linear Layer', 'Dot Product', 'Logits', 'Softmax',
                      'Probability Distribution', 'Cross-Entropy Loss'],
    '05_attention': ['Attention', 'Query (Q)', 'Key (K)', 'Value (V)', 'Scaled Attention', 'Head',
                     'Multi-Head Attention', 'Output Projection', 'KV Cache', 'Causal Masking'],
    '06_mlp': ['MLP', 'Activation Function', 'ReLU', 'Normalization', 'RMSNorm', 'Pre-normalization',
               'Residual Connection', 'Layer', 'Transformer'],
    '07_adam': ['Training', 'Training Step', 'Epoch', 'Learning Rate', 'Cosine Decay', 'Momentum',
                'Exponential Moving Average', 'Adam', 'Bias Correction', 'Loss'],
    '08_sampling': ['Inference', 'Autoregressive', 'Sampling', 'Temperature'],
}
ENTRY = re.compile(r'^\*\*(?P<term>[^*]+)\*\*: (?P<definition>.+) \(\[[^\]]+\]\((?P<nb>[\w.]+\.ipynb)#(?P<anchor>[^)]+)\)\)$')


def markdown(nb_path):
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    return [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'markdown']


def entries():
    found = {}
    for cell in markdown(GLOSSARY):
        for line in cell.splitlines():
            m = ENTRY.match(line.strip())
            if m:
                found[m['term']] = m
    return found


def sections(nb_path):
    """Each heading's anchor (as JupyterLab makes it: spaces to dashes) and the markdown up to the next
    heading; the sections of a markdown cell are also found together as `cell-id=ID` (the form the
    glossary links use, see chapters/tidy.py)."""
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    out, anchor, cell_anchor = {}, None, {}
    for cell in nb['cells']:
        if cell['cell_type'] != 'markdown':
            continue
        for line in ''.join(cell['source']).splitlines():
            heading = re.match(r'#+\s+(.*)', line)
            if heading:
                anchor = re.sub(r'[`*]', '', heading[1]).strip().replace(' ', '-')
                out[anchor] = line
                cell_anchor.setdefault(f'cell-id={cell["id"]}', []).append(anchor)
            elif anchor:
                out[anchor] += '\n' + line
    return out | {cell_id: '\n'.join(out[a] for a in anchors) for cell_id, anchors in cell_anchor.items()}


def test_every_taught_term_has_an_entry_in_alphabetical_order():
    terms = list(entries())
    missing = [t for ts in TAUGHT.values() for t in ts if t not in terms]
    assert not missing, f'define these in chapters/99_glossary.ipynb: {missing}'
    assert terms == sorted(terms, key=str.lower)


@pytest.mark.parametrize('term, chapter', [(t, c) for c, ts in TAUGHT.items() for t in ts])
def test_entry_links_to_the_section_that_teaches_the_term(term, chapter):
    entry = entries()[term]
    assert entry['nb'] == f'{chapter}.ipynb', f'{term} is taught in {chapter}'
    text = sections(CHAPTERS / entry['nb']).get(entry['anchor'])
    assert text is not None, f'{entry["nb"]} has no heading with anchor #{entry["anchor"]}'
    # Taught there: in the heading itself or in bold at its first use.
    pattern = rf'(^#+ .*\b{re.escape(term)}|\*\*{re.escape(term)}\*\*)'
    assert re.search(pattern, text, re.IGNORECASE | re.MULTILINE), \
        f'{term} is not in a heading or in bold in section #{entry["anchor"]} of {entry["nb"]}'
