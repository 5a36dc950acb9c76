"""Regenerate every file in figures/ (run `python3 course.py figures`)."""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from microgpt.course import course_map  # noqa: E402

FIGURES = {'course_map.svg': course_map}


def main():
    for name, make in FIGURES.items():
        make().save(HERE / name)
        print(f'wrote figures/{name}')


if __name__ == '__main__':
    main()
