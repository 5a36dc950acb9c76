"""The path a learner takes through a chapter, in JupyterLab and in the offline JupyterLite site.

Restart & Run All (plain, as chapter 00 asks) runs every cell and shows no answer; a wrong answer
typed into an exercise gets "Not yet" and a hint; a right one gets "Correct!" and is kept in the
progress file; the solution shows only once the learner opens it.
"""
import json
import re

import nbformat
import pytest

from .conftest import ARTIFACTS, CHAPTERS, ROOT
from .lab import UI_TIMEOUT
from .lite_site import LiteNotebook
from .notebook import Notebook, first_line, scroll_through, show_file_browser
from .test_lite import lite  # noqa: F401 - the offline site, built once for this module's lite tests

EXERCISE = 'check_tanh(tanh, Value)'  # chapter 02's exercise 2, whose checker is ch02.check_tanh
WRONG = '''def tanh(v):
    t = math.tanh(v.data)
    return Value(t, (v,), (t,), 'tanh')

check_tanh(tanh, Value)'''  # the typical slip: tanh itself as its local gradient, not its slope


def chapter(prefix):
    return next(p for p in CHAPTERS if p.name.startswith(prefix))


# Per cell: the text of every output, from JupyterLab's model (a cell out of view may not be on the page).
OUTPUT_TEXTS_JS = """(path) => {
  const panel = [...window.jupyterapp.shell.widgets('main')].find((w) => w.context && w.context.path === path);
  return panel.content.widgets.map((c) => {
    if (c.model.type !== 'code') return '';
    const texts = [];
    for (let j = 0; j < c.model.outputs.length; j++) {
      const o = c.model.outputs.get(j).toJSON();
      texts.push([].concat(o.text || []).join(''));
      const data = o.data || {};
      for (const kind of ['text/plain', 'text/html', 'text/markdown']) texts.push([].concat(data[kind] || []).join(''));
      if (o.output_type === 'error') texts.push(`${o.ename}: ${o.evalue}`);
    }
    return texts.join('\\n');
  });
}"""

# Every <details> block of the notebook on the page: open or not, and whether its code shows.
DETAILS_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return [...panel.querySelectorAll('.jp-MarkdownCell details')].map((d) => {
    const code = d.querySelector('pre');
    // checkVisibility: a closed <details> hides its content from rendering (content-visibility)
    const shown = !!code && code.checkVisibility() && code.getBoundingClientRect().height > 0;
    return {open: d.open, codeShown: shown, summary: (d.querySelector('summary') || {}).textContent || ''};
  });
}"""

# One cell has run again since it showed count `before` and the kernel is idle: its output text.
RAN_AGAIN_JS = """([path, index, before]) => {
  const panel = [...window.jupyterapp.shell.widgets('main')].find((w) => w.context && w.context.path === path);
  const cell = panel.content.widgets[index];
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const count = cell.model.executionCount;
  if (!Number.isInteger(count) || count === before || !kernel || kernel.status !== 'idle') return false;
  return cell.node.querySelector('.jp-Cell-outputArea').innerText || false;
}"""


def ran_everything(nb):
    "Problems: a code cell that did not run (no count, or still [*]), or one that shows an error."
    found = []
    for c in nb.cells():
        if c['type'] != 'code' or not c['source'].strip():
            continue
        where = f'{nb.name} cell {c["index"]} ({first_line(c["source"])})'
        if not isinstance(c['executionCount'], int) or '*' in c.get('prompt', ''):
            found.append(f'{where}: did not run (prompt {c.get("prompt") or "hidden"!r})')
        if c['errors']:
            found.append(f'{where}: shows an error: {"; ".join(c["errors"])[:300]}')
    return found


def answers_shown(nb):
    "Problems: a 'Correct!' in any output (model or page), a solution block open or its code visible."
    found = [f'{nb.name} cell {i}: shows {text.strip()[:120]!r}'
             for i, text in enumerate(nb.page.evaluate(OUTPUT_TEXTS_JS, nb.rel)) if 'Correct!' in text]
    if nb.page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)').inner_text().count('Correct!'):
        found.append(f'{nb.name}: the page shows "Correct!"')
    for d in nb.page.evaluate(DETAILS_JS):
        if d['open'] or d['codeShown']:
            found.append(f'{nb.name}: the solution {d["summary"]!r} is ' +
                         ('open' if d['open'] else 'closed but its code shows'))
    return found


def type_into(nb, index, text):
    "Click into the cell's editor, select all and type the text (as a paste: no auto-indent)."
    editor = nb.cell_locator(index).locator('.jp-InputArea .cm-content')
    editor.scroll_into_view_if_needed()
    editor.click()
    nb.page.keyboard.press('ControlOrMeta+a')
    nb.page.keyboard.insert_text(text)
    nb.page.wait_for_function('([path, i, text]) => [...window.jupyterapp.shell.widgets("main")].find('
                              '(w) => w.context && w.context.path === path).content.widgets[i]'
                              '.model.sharedModel.getSource() === text', arg=[nb.rel, index, text])


def run_cell(nb, index):
    "Shift+Enter in the cell; returns what its output shows once it has run and the kernel is idle."
    before = nb.cells()[index]['executionCount']
    nb.page.keyboard.press('Shift+Enter')
    handle = nb.page.wait_for_function(RAN_AGAIN_JS, arg=[nb.rel, index, before], polling=250,
                                       timeout=UI_TIMEOUT * 1000)
    return handle.json_value()


def progress(lab):
    path = lab.progress_dir / 'progress.json'
    return json.loads(path.read_text(encoding='utf-8')) if path.exists() else {}


def solution_of(stored_cells, index):
    "The code of the solution block after cell index, less its '# A solution' comment (which the checker skips)."
    source = next(c.source for c in stored_cells[index + 1:] if '<details' in c.source)
    code = re.search(r'```python\n(.*?)```', source, re.DOTALL).group(1)
    return '\n'.join(line for line in code.strip().splitlines() if not line.startswith('# A solution'))


def learner_screenshot(nb, index, name):
    "What the learner sees at 1024x768 with the file browser open, the cell in view."
    show_file_browser(nb)
    try:
        nb.cell_locator(index).scroll_into_view_if_needed()
        nb.page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        nb.page.screenshot(path=str(ARTIFACTS / f'{name}.png'))
    finally:
        show_file_browser(nb, False)


def test_the_learners_path_in_jupyterlab(browser, lab):
    path = chapter('02_')
    cells = nbformat.read(path, as_version=4).cells
    exercise = next(i for i, c in enumerate(cells) if c.cell_type == 'code' and EXERCISE in c.source)
    nb = Notebook(browser, lab, ROOT, path, viewport=(1024, 768))
    try:
        nb.open().restart_and_run_all()
        scroll_through(nb)  # every cell on the page, the solution blocks rendered
        problems = ran_everything(nb) + answers_shown(nb)
        assert not problems, 'after Restart & Run All:\n' + '\n'.join(problems)
        assert len(nb.page.evaluate(DETAILS_JS)) == sum('<details' in c.source for c in cells), \
            'not every solution block is on the page'
        assert not progress(lab).get('ch02.check_tanh', {}).get('solved'), 'solved before any answer'

        type_into(nb, exercise, WRONG)
        shown = run_cell(nb, exercise)
        learner_screenshot(nb, exercise, 'learner-path-wrong-answer')
        assert 'Not yet' in shown and 'Hint:' in shown, f'a wrong answer gets {shown!r}'
        assert 'Correct!' not in shown
        assert progress(lab).get('ch02.check_tanh', {}).get('solved') is False, \
            f'the wrong answer is not kept as "not yet": {progress(lab)}'

        type_into(nb, exercise, solution_of(cells, exercise))
        shown = run_cell(nb, exercise)
        learner_screenshot(nb, exercise, 'learner-path-right-answer')
        assert 'Correct!' in shown, f'the solution gets {shown!r}'
        assert progress(lab).get('ch02.check_tanh', {}).get('solved') is True, \
            f'the solved exercise is not in the progress file: {progress(lab)}'

        block = next(i for i in range(exercise + 1, len(cells)) if '<details' in cells[i].source)
        details = nb.cell_locator(block).locator('details')
        details.scroll_into_view_if_needed()
        assert not details.locator('pre').is_visible(), 'the solution shows before it is opened'
        details.locator('summary').click()
        details.locator('pre').wait_for(state='visible')
        assert 'def tanh' in details.locator('pre').inner_text()
    finally:
        nb.close()


@pytest.mark.parametrize('prefix', ['00_', '02_'])
def test_run_all_runs_to_the_end_in_the_offline_site(prefix, browser, lite):  # noqa: F811
    path = chapter(prefix)
    nb = LiteNotebook(browser, lite, ROOT, path)
    try:
        nb.open().restart_and_run_all()
        scroll_through(nb)
        problems = ran_everything(nb) + answers_shown(nb)
        texts = nb.page.evaluate(OUTPUT_TEXTS_JS, nb.rel)
        if prefix == '00_':
            problems += [f'{nb.name} cell {i}: {line.strip()!r}' for i, text in enumerate(texts)
                         for line in text.splitlines() if 'MISSING' in line or 'course.py lab' in line]
        else:  # the deliberate errors show their caught messages, as the stored notebook does
            stored = nbformat.read(path, as_version=4).cells
            caught = {i: ''.join(o.get('text', '') for o in c.outputs).strip() for i, c in enumerate(stored)
                      if c.cell_type == 'code' and 'except ' in c.source}
            caught = {i: want for i, want in caught.items() if re.match(r'\w+Error: ', want)}
            assert len(caught) >= 3, f'{nb.name}: fewer deliberate errors than expected: {caught}'
            problems += [f'{nb.name} cell {i}: shows {texts[i]!r}, not {want!r}'
                         for i, want in caught.items() if want not in texts[i]]
        assert not problems, f'{nb.name} after Run All in the offline site:\n' + '\n'.join(problems)
    finally:
        nb.close()
