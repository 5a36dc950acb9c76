"""Regenerate every file in figures/ (run `python3 course.py figures`)."""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from microgpt.course import course_map  # noqa: E402
from microgpt.embeddings import GPTConfig  # noqa: E402
from microgpt.inspect import draw_architecture  # noqa: E402

# The architecture is the reference model's (GPTConfig's defaults), as chapters 06 and 11 draw it.
FIGURES = {'course_map.svg': course_map, 'architecture.svg': lambda: draw_architecture(GPTConfig())}


def main():
    for name, make in FIGURES.items():
        make().save(HERE / name)
        print(f'wrote figures/{name}')


if __name__ == '__main__':
    main()
