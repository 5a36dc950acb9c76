"""Write the README's "ways in": the browser site, Colab and Binder links for every chapter, all
made from REPOSITORY in microgpt/helpers/course_map.py (the one place the address is written). Until REPOSITORY
is set (it holds the placeholder OWNER) those links would lead nowhere, so the section shows none and
says how to open the course without them.

    python lite/readme_links.py          # rewrite the part of README.md between the markers
    python lite/readme_links.py --check  # exit 1 if README.md is not up to date (tests/test_lite_cells.py)
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from microgpt.helpers.course_map import BRANCH, CHAPTERS, REPOSITORY  # noqa: E402

START, END = '<!-- ways-in: written by lite/readme_links.py -->', '<!-- ways-in: end -->'


def links():
    "(site, Colab URL of a chapter, Binder URL of a chapter) for the repository."
    owner, name = REPOSITORY.removeprefix('https://github.com/').split('/')
    site = f'https://{owner.lower()}.github.io/{name}/lab/index.html?path=chapters/00_start_here.ipynb'
    colab = f'https://colab.research.google.com/github/{owner}/{name}/blob/{BRANCH}/chapters/{{}}.ipynb'
    binder = f'https://mybinder.org/v2/gh/{owner}/{name}/{BRANCH}?labpath=chapters/{{}}.ipynb'
    return site, colab, binder


def published():
    "True once REPOSITORY names a real repository, not the placeholder."
    return 'OWNER' not in REPOSITORY


def section():
    if not published():
        return f'''{START}
## Three ways in

- **On your own machine** (Python 3.10+ and git): get this repository (clone it, or download and
  unpack it), then, in its folder, `python3 course.py lab`. See [Start](#start).
- **In your browser, nothing to install on the learners' machines**: `python3 course.py lite --serve`
  builds the course as a website (JupyterLite: Python runs in the page) and serves it; open the address
  it prints. Any static web host can serve the folder it builds, `build/lite/`.
- **With conda**: `conda env create -f environment.yml`,
  `conda activate microgpt-course`, then `python3 course.py lab` installs into that environment.

Colab, Binder and website links appear here once the course is published (CONTRIBUTING.md, "The
site in a browser", says how).
{END}'''
    site, colab, binder = links()
    rows = '\n'.join(f'| `{nb}` | {title} | [Open in Colab]({colab.format(nb)}) | [Binder]({binder.format(nb)}) |'
                     for nb, title, _, _ in CHAPTERS)
    return f'''{START}
## Three ways in

- **In your browser, nothing to install**: [the course as a website]({site}) (JupyterLite: Python runs
  in the page; the first load takes a minute). Your changes stay in that browser.
- **Colab or Binder**, one chapter at a time, from the table below. On Colab the chapter's first
  cell installs the course (it says so); Binder builds the whole environment (a few minutes).
- **On your own machine** (Python 3.10+, git), see [Start](#start):
  `git clone {REPOSITORY}.git && cd {REPOSITORY.rsplit('/', 1)[1]}`, then `python3 course.py lab`.

| chapter | | Colab | Binder |
| --- | --- | --- | --- |
{rows}
{END}'''


def updated(readme):
    "The README text with the section rewritten (inserted before '## Start' the first time)."
    if START in readme:
        before, rest = readme.split(START, 1)
        return before + section() + rest.split(END, 1)[1]
    before, after = readme.split('## Start\n', 1)
    return before + section() + '\n\n## Start\n' + after


def main(args):
    path = ROOT / 'README.md'
    text = path.read_text(encoding='utf-8')
    new = updated(text)
    if '--check' in args:
        if new != text:
            sys.exit('README.md: the ways-in section is out of date: run `python lite/readme_links.py`')
        return
    path.write_text(new, encoding='utf-8')


if __name__ == '__main__':
    main(sys.argv[1:])
