"""Write microgpt/ from the chapters: `python3 course.py export [NOTEBOOK ...]`.

nbdev's exporter, with one change. A chapter builds its own module (`#| default_exp`) and may build
another one (`#| export name`, as chapter 08 builds `floats` beside `optim`). nbdev appends such cells
to a file an earlier export made, so a second export would repeat them; here every module a chapter
builds is written afresh. tests/test_package_matches_chapters.py checks that no two chapters build
the same module, and that the committed package is what this writes.
"""
import sys
from pathlib import Path

from nbdev.export import nb_export
from nbdev.maker import ModuleMaker

ROOT = Path(__file__).resolve().parent.parent


class ChapterModule(ModuleMaker):
    "A module one chapter builds: always written whole, never appended to."

    def __init__(self, *args, is_new=True, **kwargs):
        super().__init__(*args, is_new=True, **kwargs)


def export(notebooks=()):
    "Export the given chapters, or all of them."
    for nb in notebooks or sorted((ROOT / 'chapters').glob('[!_.]*.ipynb')):
        nb_export(str(nb), lib_path=str(ROOT / 'microgpt'), mod_maker=ChapterModule)


if __name__ == '__main__':
    export(sys.argv[1:])
