"""Build hook: a wheel carries the course's data files as package data (everything else: pyproject.toml).

`data/` in the repository stays the one place a learner looks at. Building a wheel copies names.txt
and the shipped checkpoint into `microgpt/data/` inside the build folder, never into the source tree,
and `data_file` in `microgpt.tokenizer` (chapter 03) finds them there once installed.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = Path(__file__).resolve().parent / 'data'
SHIPPED = ('names.txt', 'checkpoint.json')


class BuildWithData(build_py):
    def run(self):
        super().run()
        packaged = Path(self.build_lib) / 'microgpt' / 'data'
        packaged.mkdir(parents=True, exist_ok=True)
        for name in SHIPPED:
            shutil.copyfile(DATA / name, packaged / name)


setup(cmdclass={'build_py': BuildWithData})
