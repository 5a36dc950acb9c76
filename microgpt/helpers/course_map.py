"""The course map: every chapter, the module it builds, and what it builds on.

One source for the start-here chapter's map, `figures/course_map.svg` and the tests.
"""
from .draw import digraph, dot_label, show_dot

# Where the course is published: the one place its address is written. Every chapter's first cell
# (pip install on Colab) and the README's site, Colab and Binder links come from it
# (`python lite/install_cell.py` and `python lite/readme_links.py` rewrite them).
# PLACEHOLDER until the repository is published: replace OWNER, then re-run both scripts.
REPOSITORY = 'https://github.com/OWNER/microgpt-course'
BRANCH = 'main'

# (notebook, title, module it builds or None, chapters it imports from)
CHAPTERS = [
    ('00_start_here', 'Start here', None, []),
    ('01_derivatives', 'Derivatives', 'derivatives', []),
    ('02_autograd', 'Autograd', 'autograd', ['01_derivatives']),
    ('03_tokenizer', 'Tokenizer', 'tokenizer', []),
    ('04_embeddings', 'Embeddings', 'embeddings', ['02_autograd', '03_tokenizer']),
    ('05_loss', 'Softmax and the loss', 'loss', ['04_embeddings']),
    ('06_attention', 'Attention', 'attention', ['05_loss']),
    ('07_mlp', 'MLP and the whole GPT', 'model', ['06_attention']),
    ('08_adam', 'Adam and training', 'optim', ['07_mlp']),
    ('09_sampling', 'Sampling', 'sample', ['08_adam']),
    ('10_efficiency', 'Efficiency', 'fast', ['09_sampling']),
    ('11_scale', 'Training at scale', 'scale', ['10_efficiency']),
    ('12_practice', 'Training in practice', 'practice', ['11_scale']),
    ('13_inside', 'Inside the trained model', 'inside', ['09_sampling']),
    ('14_pytorch', 'The same GPT in PyTorch', 'torch_gpt', ['12_practice']),
]


def course_map_dot(solved=None):
    """DOT source of the course map: one box per chapter, arrows from what it needs to what it teaches.
    solved, {chapter number: (solved, exercises)}, adds a line per chapter and greens a finished one."""
    dot = digraph('course', graph_attr={'rankdir': 'TB', 'nodesep': '0.3', 'ranksep': '0.35'},
                  node_attr={'shape': 'box', 'style': 'rounded,filled', 'fillcolor': '#eef3fb',
                             'fontname': 'Helvetica', 'fontsize': '11'})
    for nb, title, module, _ in CHAPTERS:
        lines = [f'{nb[:2]}  {title}', f'microgpt/{module}.py' if module else 'checks your set-up']
        done, total = (solved or {}).get(nb[:2], (0, 0))
        if solved and total:
            lines.append(f'{done} of {total} solved')
        fill = {'fillcolor': '#d5ecd4'} if total and done == total else {}
        dot.node(nb, dot_label(*lines), **fill)
    for nb, _, _, needs in CHAPTERS:
        for need in needs:
            dot.edge(need, nb)
    return dot.source


def course_map(solved=None):
    "The course map, drawn (with solved, how many exercises of each chapter are solved)."
    marks = '; under each, how many of its exercises you solved' if solved else ''
    return show_dot(course_map_dot(solved), alt=f'course map: one box per chapter, 00 to {CHAPTERS[-1][0][:2]}, with the module it builds; '
                                                'an arrow from a chapter to each chapter that builds on it' + marks)
