"""The glossary defines every term the chapters teach, and links each to the section that teaches it first.

A term is taught where it first appears in bold, or under a heading that names it, in course order. A
chapter's opening cell only announces what the chapter will teach: a bold term there counts only when the
chapter teaches it nowhere else. Chapter 00 teaches nothing (it shows where the course goes).
"""
import re

import pytest

from conftest import ROOT, notebook_cells
from microgpt.helpers.course_map import CHAPTERS as COURSE

CHAPTERS = ROOT / 'chapters'
GLOSSARY = CHAPTERS / '99_glossary.ipynb'
# The terms each chapter teaches first, spelled as the course spells them.
TAUGHT = {
    '01_derivatives': ['Derivative', 'Local Gradient', 'Chain Rule', 'Gradient', 'Gradient Descent', 'Epsilon',
                       'Learning Rate', 'Loss'],
    '02_autograd': ['Autograd', 'Computation Graph', 'Forward Pass', 'Backward Pass', 'Topological Sort',
                    'Gradient Accumulation'],
    '03_tokenizer': ['Dataset', 'Document', 'Token', 'Tokenizer', 'Vocabulary', 'Vocab Size', 'BOS', 'Sequence',
                     'Block Size'],
    '04_embeddings': ['Parameters', 'Hyperparameter', 'Weight Matrix', 'State Dict', 'Embedding', 'Embedding Table',
                      'Position Embedding', 'Linear Layer', 'Dot Product', 'Logits'],
    '05_loss': ['Softmax', 'Probability Distribution', 'Cross-Entropy Loss'],
    '06_attention': ['Attention', 'Query (Q)', 'Key (K)', 'Value (V)', 'Scaled Attention', 'Head',
                     'Multi-Head Attention', 'Output Projection', 'KV Cache', 'Causal Masking'],
    '07_mlp': ['MLP', 'Activation Function', 'ReLU', 'Normalization', 'RMSNorm', 'Pre-normalization',
               'Residual Connection', 'Layer', 'Transformer'],
    '08_adam': ['Training', 'Training Step', 'Epoch', 'Cosine Decay', 'Momentum',
                'Exponential Moving Average', 'Adam', 'Bias Correction'],
    '09_sampling': ['Inference', 'Autoregressive', 'Sampling', 'Temperature', 'Top-k', 'Top-p'],
    '11_scale': ['Perplexity'],
    '12_practice': ['Batch', 'Overfitting', 'Early Stopping', 'Weight Decay', 'Warm-up', 'Gradient Clipping'],
    '13_inside': ['Interpretability', 'Residual Stream', 'Attention Map', 'PCA', 'Power Iteration', 'Neuron',
                  'Ablation'],
    '14_pytorch': ['Padding'],
}
# Loss is taught in chapter 01; chapter 05's cross-entropy loss teaches it again, by name.
TAUGHT_AS = {'Loss': ['Loss', 'Cross-Entropy Loss']}
# Terms with a second sense, taught later: the entry links to each (first sense first).
SECOND_SENSE = {'Epsilon': '07_mlp'}  # a nudge's size in 01; a guard against dividing by zero in 07 and 08

ENTRY = re.compile(r'^\*\*(?P<term>[^*]+)\*\*: (?P<definition>.+?) \((?P<links>\[.+\))\)$')
LINK = re.compile(r'\[[^\]]+\]\((?P<nb>[\w.]+)\.ipynb#(?P<anchor>[^)]+)\)')
TEACHING_CHAPTERS = [nb for nb, _, module, _ in COURSE if module]


def markdown(nb_path):
    "The markdown cells' sources, with True for the chapter's opening cell."
    cells = notebook_cells(nb_path)
    return [(i == 0, ''.join(c['source'])) for i, c in enumerate(cells) if c['cell_type'] == 'markdown']


def entries():
    found = {}
    for _, cell in markdown(GLOSSARY):
        for line in cell.splitlines():
            m = ENTRY.match(line.strip())
            if m:
                found[m['term']] = [(link['nb'], link['anchor']) for link in LINK.finditer(m['links'])]
    return found


def sections(nb_path):
    "Every section in order: its anchor (as JupyterLab makes it), heading level and text, and the markdown under it."
    out = []
    for opening, cell in markdown(nb_path):
        for line in cell.splitlines():
            heading = re.match(r'(#+)\s+(.*)', line)
            if heading:
                text = re.sub(r'[`*]', '', heading[2]).strip()
                out.append({'anchor': text.replace(' ', '-'), 'level': len(heading[1]), 'heading': text,
                            'body': '', 'opening': ''})
            elif out:
                out[-1]['opening' if opening else 'body'] += '\n' + line
    return out


def resolve(nb, anchor):
    """The heading anchors a link lands on: a `cell-id=ID` link (tools/tidy.py writes them, since JupyterLab
    finds a cell on the first click) lands on the headings of that markdown cell, if the cell opens with one."""
    if not anchor.startswith('cell-id='):
        return [anchor]
    cells = notebook_cells(CHAPTERS / f'{nb}.ipynb')
    cell = next((c for c in cells if c['id'] == anchor[len('cell-id='):]), None)
    if cell is None or cell['cell_type'] != 'markdown':
        return []
    if not ''.join(cell['source']).lstrip().startswith('#'):
        return []  # the cell opens with a paragraph: the link lands above the heading, not on it
    headings = re.findall(r'^#+\s+(.*)$', ''.join(cell['source']), re.MULTILINE)
    return [re.sub(r'[`*]', '', h).strip().replace(' ', '-') for h in headings]


def in_bold(term, text):
    words = r'\s+'.join(re.escape(w) for w in term.split())
    return re.search(rf'\*\*{words}s?\*\*', text, re.IGNORECASE) is not None


def names(term, heading):
    "A heading names a term when one of its parts (split at ':', ',' and 'and') is the term."
    bare = re.sub(r'\s*\(.*\)', '', term).lower()  # 'Query (Q)' is named by 'Query'
    parts = [re.sub(r'^(the|a)\s+', '', p.strip().lower()) for p in re.split(r':|,|\band\b', heading)]
    return any(p in (bare, bare + 's') for p in parts)


def teaching_sites(term):
    "(chapter, anchor) of every section that teaches the term, in course order."
    spellings = TAUGHT_AS.get(term, [term])
    for nb in TEACHING_CHAPTERS:
        found, announced = [], []
        for s in sections(CHAPTERS / f'{nb}.ipynb'):
            if any((s['level'] > 1 and names(t, s['heading'])) or in_bold(t, s['body']) for t in spellings):
                found.append((nb, s['anchor']))
            elif any(in_bold(t, s['opening']) for t in spellings):
                announced.append((nb, s['anchor']))
        yield from found or announced


def test_every_taught_term_has_an_entry_in_alphabetical_order():
    terms = list(entries())
    missing = [t for ts in TAUGHT.values() for t in ts if t not in terms]
    assert not missing, f'define these in chapters/99_glossary.ipynb: {missing}'
    assert terms == sorted(terms, key=str.lower)


@pytest.mark.parametrize('term, chapter', [(t, c) for c, ts in TAUGHT.items() for t in ts])
def test_entry_links_to_the_section_that_teaches_the_term_first(term, chapter):
    links = entries()[term]
    sites = list(teaching_sites(term))
    assert sites, f'no chapter has {term!r} in bold or in a heading that names it'
    assert sites[0][0] == chapter, f'{term} is first taught in {sites[0][0]}, not {chapter}'
    nb, anchor = links[0]
    assert nb == sites[0][0] and sites[0][1] in resolve(nb, anchor), \
        f'{term} is first taught at {sites[0][0]}.ipynb#{sites[0][1]}, not at {nb}.ipynb#{anchor}'
    for nb, anchor in links[1:]:
        assert any((nb, a) in sites for a in resolve(nb, anchor)), \
            f'{term} is not taught at {nb}.ipynb#{anchor} (no bold use, no heading naming it)'


@pytest.mark.parametrize('term, chapter', SECOND_SENSE.items())
def test_a_term_with_two_senses_links_to_each(term, chapter):
    links = entries()[term]
    first_there = next(site for site in teaching_sites(term) if site[0] == chapter)
    assert len(links) == 2 and links[1][0] == chapter and first_there[1] in resolve(*links[1]), \
        f'{term} has a second sense first taught at {chapter}.ipynb#{first_there[1]}: link to it after the first'


def test_every_link_target_exists():
    for term, links in entries().items():
        for nb, anchor in links:
            anchors = [s['anchor'] for s in sections(CHAPTERS / f'{nb}.ipynb')]
            landed = resolve(nb, anchor)
            assert landed and all(a in anchors for a in landed), f'{term}: {nb}.ipynb has no heading at #{anchor}'
