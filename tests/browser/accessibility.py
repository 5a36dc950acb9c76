"""axe-core (Deque's accessibility engine) on a page of the course, as the browser tests open it.

What is checked is what the course itself puts on the page: in JupyterLab, the rendered Markdown
and the outputs of the notebook's cells; on the playground, the whole page. JupyterLab's own
chrome (menus, toolbars, side panels, the status bar, the cell editors, prompts and collapsers)
is left out: it is the same for every notebook, and the course cannot change it.
Every finding is saved in test-artifacts/browser/axe-report.json, page by page; a serious or
critical one caused by the course fails the test.
"""
import json
from pathlib import Path

from .conftest import ARTIFACTS

FAILING = ('serious', 'critical')
# The course's own content in the visible notebook: rendered Markdown and outputs. Left out: the
# PNG charts matplotlib puts in outputs, which JupyterLab's image renderer shows with no text
# alternative and no way to give one (the course's drawings and slider pictures carry theirs).
PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden) '
NOTEBOOK_CONTENT = {'include': [[PANEL + '.jp-RenderedMarkdown'], [PANEL + '.jp-OutputArea-output']],
                    'exclude': [[PANEL + '.jp-RenderedImage > img']]}
# Rules about the page as a whole (one main landmark, a level-one heading first, all content in
# landmarks): JupyterLab's page structure, not a notebook's.
PAGE_RULES = ['landmark-one-main', 'page-has-heading-one', 'region', 'bypass', 'document-title',
              'html-has-lang']
REPORT = ARTIFACTS / 'axe-report.json'


def axe_script():
    "axe-core's script: from the axe-playwright-python package, or from npm (node_modules)."
    try:
        import axe_playwright_python
        return (Path(axe_playwright_python.__file__).parent / 'axe.min.js').read_text(encoding='utf-8')
    except ImportError:
        for folder in (Path.cwd(), Path(__file__).resolve().parents[2]):
            path = folder / 'node_modules' / 'axe-core' / 'axe.min.js'
            if path.is_file():
                return path.read_text(encoding='utf-8')
    raise RuntimeError('axe-core is not installed: pip install axe-playwright-python (or npm install axe-core)')


def run_axe(page, context=None, skip_rules=()):
    "axe's violations on the page (within `context`), each {id, impact, help, nodes: [target, html]}."
    if not page.evaluate('() => typeof window.axe !== "undefined"'):
        page.evaluate(axe_script())
    options = {'resultTypes': ['violations'], 'rules': {rule: {'enabled': False} for rule in skip_rules}}
    result = page.evaluate('([context, options]) => axe.run(context || document, options)', [context, options])
    return [{'id': v['id'], 'impact': v['impact'], 'help': v['help'],
             'nodes': [{'target': n['target'], 'html': n['html'][:300]} for n in v['nodes']]}
            for v in result['violations']]


def record(name, violations):
    "Add one page's findings to the report (a JSON object: page name -> findings)."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text(encoding='utf-8')) if REPORT.exists() else {}
    report[name] = violations
    REPORT.write_text(json.dumps(report, indent=1, sort_keys=True), encoding='utf-8')


def failures(violations):
    return [f'{v["impact"]} {v["id"]} ({v["help"]}): {len(v["nodes"])} element(s), the first '
            f'{v["nodes"][0]["html"][:160]!r}' for v in violations if v['impact'] in FAILING]


def check_notebook(nb, name):
    """axe over the course's own content in the notebook, and every slider's name: serious or
    critical findings, as lines."""
    violations = run_axe(nb.page, NOTEBOOK_CONTENT, PAGE_RULES)
    record(name, violations)
    return failures(violations) + unnamed_sliders(nb.page)


def unnamed_sliders(page):
    "Sliders a screen reader would announce without a name (ipywidgets draws the handle apart)."
    names = page.evaluate('''() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .widget-slider [role="slider"]')].map(
        (h) => h.getAttribute('aria-label') || '')''')
    return [f'{names.count("")} of {len(names)} sliders have no name a screen reader reads'] if '' in names else []


def check_page(page, name):
    violations = run_axe(page)
    record(name, violations)
    return failures(violations)
