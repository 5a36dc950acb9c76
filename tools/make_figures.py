"""Regenerate every file in figures/ (run `python3 course.py figures`): the same bytes on every machine."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES_DIR = ROOT / 'figures'
sys.path.insert(0, str(ROOT))

from microgpt.autograd import Value  # noqa: E402
from microgpt.embeddings import GPTConfig  # noqa: E402
from microgpt.helpers.course_map import course_map  # noqa: E402
from microgpt.helpers.draw import draw_graph, show_dot  # noqa: E402
from microgpt.helpers.architecture import architecture_dot  # noqa: E402


def computation_graph():
    "Chapter 02's first example, after backward(): what the course's drawings look like."
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    return draw_graph(L, names={'a': a, 'b': b, 'c': c, 'f': f, 'e': e, 'd': d, 'L': L})


# The architecture is the reference model's (GPTConfig's defaults), as chapters 07 and 13 draw it.
FIGURES = {'course_map.svg': course_map, 'computation_graph.svg': computation_graph,
           'architecture.svg': lambda: show_dot(architecture_dot(GPTConfig()))}


def main():
    for name, make in FIGURES.items():
        make().save(FIGURES_DIR / name)
        print(f'wrote figures/{name}')


if __name__ == '__main__':
    main()
