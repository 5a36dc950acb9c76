"""Regenerate every file in figures/ (run `python3 course.py figures`): the same bytes on every machine."""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from microgpt.autograd import Value  # noqa: E402
from microgpt.course import course_map  # noqa: E402
from microgpt.draw import draw_graph  # noqa: E402


def computation_graph():
    "Chapter 02's first example, after backward(): what the course's drawings look like."
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    return draw_graph(L, names={'a': a, 'b': b, 'c': c, 'f': f, 'e': e, 'd': d, 'L': L})


FIGURES = {'course_map.svg': course_map, 'computation_graph.svg': computation_graph}


def main():
    for name, make in FIGURES.items():
        make().save(HERE / name)
        print(f'wrote figures/{name}')


if __name__ == '__main__':
    main()
