"""Slides from the chapters themselves: RISE slide metadata derived from a notebook's structure.

    python3 course.py slides --write          # (re)write the metadata of every chapter
    python3 course.py slides 09_sampling      # present a chapter as slides in the browser

A markdown cell with a heading starts a slide (`#` and `##` a new slide, `###` and deeper a
sub-slide below it).
Inside a section, prose and code with its result continue the slide, all shown at once (no
fragments: RISE's Shift+Enter runs the selected cell, and a cell not yet revealed would run
unseen). When the next cell would no longer fit on a 1024x768 screen, it starts a sub-slide.
Heights are estimated from the cells (lines of text, wrapped; the pixel size of stored pictures),
so the result depends only on the notebook and running this twice changes nothing. A cell taller
than a screen on its own cannot be split: RISE's `scroll` setting (written into the notebook) lets
the presenter scroll it, and `too_tall` lists them.
`chapters/rise.css`, which RISE loads with every chapter, sets widget name lists in columns and a
folded solution's first line in the size of code.
"""
import base64
import json
import math
import re
import struct
from pathlib import Path

SCREEN = (1024, 768)
BUDGET = 660      # px of a slide's height for content: the screen less reveal's margins and controls
WIDTH = 960       # px of the content's width (pictures wider than this are scaled down)
LINE = 19         # px of one line of prose, code or printed output
WIDGET = 420      # px for an interactive widget (its size is not stored in the notebook)
FOLDED = 35       # px of a folded input (a solution): its first line, which a click opens
# Settings for RISE, stored in the notebook (RISE reads its `rise` metadata): start at the top,
# let a slide that is taller than the screen scroll, and number the slides.
RISE = {'start_slideshow_at': 'beginning', 'scroll': True, 'slideNumber': 'h.v', 'transition': 'none'}
# Presenting runs the cells, and JupyterLab would autosave their new execution counts into the
# chapter, leaving the instructor's checkout modified: the slides session never autosaves.
# RISE's Shift+Enter runs a cell and selects the next, and RISE follows the selection: run on the
# last cell of a slide (the temperature slider's), it leaves for the next slide before the output
# shows. In the slides Shift+Enter runs the cell in place, as Ctrl+Enter does; the arrows move on.
_SLIDES = '.lm-Widget.reveal .jp-Notebook'
RUN_IN_PLACE = [
    {'command': 'RISE:smart-exec', 'keys': ['Shift Enter'], 'selector': f'{_SLIDES}:focus', 'disabled': True},
    {'command': 'notebook:run-cell', 'keys': ['Shift Enter'], 'selector': f'{_SLIDES}.jp-mod-editMode'},
    {'command': 'notebook:run-cell', 'keys': ['Shift Enter'], 'selector': f'{_SLIDES}.jp-mod-commandMode :focus'},
] + [  # JupyterLab's left and right arrows on a selected cell (they fold headings) would keep them from RISE
    {'command': f'notebook:move-cursor-heading-{where}', 'keys': [key], 'disabled': True,
     'selector': '.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus'}
    for where, key in (('above-or-collapse', 'ArrowLeft'), ('below-or-expand', 'ArrowRight'))]
# RISE and JupyterLab bind their keys to a focused cell, and a change of slide hides that cell and
# takes the focus away: outside a cell's editor, these keys work wherever the focus is.
_NOT_EDITING = 'body.rise-enabled:not(:has(.jp-mod-editMode))'
KEYS = [{'command': command, 'keys': [key], 'selector': _NOT_EDITING} for command, key in (
    ('RISE:firstSlide', 'Home'), ('RISE:lastSlide', 'End'), ('notebook:run-cell', 'Shift Enter'),
    ('notebook:move-cursor-down', 'ArrowDown'), ('notebook:move-cursor-up', 'ArrowUp'))]
# A slide is laid out when shown: centred, a slide whose cell then prints (the slider, its chart and
# its names) would grow past the bottom of the screen. Slides start at the top.
PRESENTING = {'@jupyterlab/docmanager-extension/plugin': {'autosave': False},
              '@jupyterlab/shortcuts-extension/shortcuts': {'shortcuts': RUN_IN_PLACE + KEYS},
              'jupyterlab-rise/plugin': {'center': False}}
HEADING = re.compile(r'^(#{1,6})\s+\S')
DIRECTIVE = re.compile(r'^#\|\s*default_exp\b')
SET_UP = '# Set-up:'  # the first line of a chapter's install cell (lite/install_cell.py)


def _source(cell):
    source = cell.get('source', '')
    return ''.join(source) if isinstance(source, list) else source


def heading_level(cell):
    "The level (1 to 6) of the first heading in a markdown cell, 0 if it has none."
    if cell.get('cell_type') != 'markdown':
        return 0
    levels = [len(m.group(1)) for m in map(HEADING.match, _source(cell).splitlines()) if m]
    return levels[0] if levels else 0


def _rows(text, chars_per_row):
    return max(1, math.ceil(len(text) / chars_per_row))


def markdown_height(source):
    "Pixels a markdown cell takes on a slide: headings, paragraphs, list items, tables, code blocks."
    height, paragraph, fenced, details = 0, '', False, False
    heading_sizes = {1: (30, 64), 2: (55, 42), 3: (70, 32)}  # chars per row, px per row

    def flush():
        nonlocal height, paragraph
        if paragraph:
            height += _rows(paragraph, 125) * LINE + 14
            paragraph = ''
    for line in source.splitlines() + ['']:
        stripped = line.strip()
        if details:  # a closed block (a solution): only its summary shows, counted where it opens
            details = not stripped.startswith('</details')
        elif stripped.startswith('<details'):
            flush()
            details = not stripped.endswith('</details>')
            height += 2 * LINE  # the closed bar with its summary: the solution inside stays hidden
        elif stripped.startswith('```'):
            flush()
            fenced = not fenced
            height += 16
        elif fenced:
            height += LINE
        elif not stripped:
            flush()
        elif HEADING.match(stripped):
            flush()
            chars, px = heading_sizes.get(len(stripped.split()[0]), (80, 26))
            height += _rows(stripped, chars) * px + 24
        elif stripped.startswith(('|', '- ', '* ', '$$')) or re.match(r'\d+\. ', stripped):
            flush()
            height += _rows(stripped, 115) * LINE + (12 if stripped.startswith('|') else 4)
        elif stripped.startswith('!['):
            flush()
            height += 300
        else:
            paragraph += ' ' + stripped
    return height


def picture_height(data):
    "Pixels a stored picture takes: its own size, scaled down to the slide's width."
    if 'image/png' in data:
        raw = base64.b64decode(data['image/png'][:64])
        width, height = struct.unpack('>II', raw[16:24])
    else:
        svg = _source({'source': data.get('image/svg+xml') or data.get('text/html', '')})
        sizes = re.search(r'<svg[^>]*?width="([\d.]+)(pt|px)?"[^>]*?height="([\d.]+)(pt|px)?"', svg)
        if not sizes:
            return 300
        scale = 4 / 3 if sizes.group(2) == 'pt' else 1
        width, height = float(sizes.group(1)) * scale, float(sizes.group(3)) * scale
    return height * min(1.0, WIDTH / width) + 10


def _text_lines(text):
    text = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', text)
    return len([line for line in text.split('\n') if line.strip()])


def output_height(output):
    "Pixels one stored output takes."
    kind, data = output.get('output_type'), output.get('data', {})
    if kind == 'stream':
        return _text_lines(_source({'source': output.get('text', '')})) * LINE + 8
    if kind == 'error':
        return _text_lines('\n'.join(output.get('traceback', []))) * LINE + 8
    if 'application/vnd.jupyter.widget-view+json' in data:
        return WIDGET
    if 'image/png' in data or 'image/svg+xml' in data or '<svg' in _source({'source': data.get('text/html', '')}):
        return picture_height(data)
    return _text_lines(_source({'source': data.get('text/plain', '')})) * LINE + 8


def cell_height(cell):
    "Pixels a cell takes on a slide: a code cell with its outputs, or rendered markdown."
    if cell.get('cell_type') == 'markdown':
        return markdown_height(_source(cell))
    # A folded solution shows one line of its code; its outputs show in full once the presenter runs it.
    folded = cell.get('metadata', {}).get('jupyter', {}).get('source_hidden')
    code = FOLDED if folded else len(_source(cell).splitlines()) * LINE + 28
    return code + sum(output_height(out) for out in cell.get('outputs', []))


def slide_types(cells):
    "The RISE slide type of every cell, derived from the headings and the estimated heights."
    types, used = [], 0
    for cell in cells:
        height = cell_height(cell)
        level = heading_level(cell)
        source = _source(cell)
        if cell.get('cell_type') == 'code' and (all(DIRECTIVE.match(l) for l in source.splitlines() if l.strip())
                                                or source.startswith(SET_UP)):
            kind, height = 'skip', 0  # nbdev's `#| default_exp NAME`, the install cell: nothing for an audience
        elif level:
            kind = 'slide' if level <= 2 or not types else 'subslide'
        elif not types or used + height > BUDGET:
            kind = 'subslide'
        else:
            kind = '-'
        used = height if kind in ('slide', 'subslide') else used + height
        types.append(kind)
    return types


def too_tall(cells):
    "Indexes of the cells taller than a slide on their own (shown with a scroll bar)."
    return [i for i, cell in enumerate(cells) if cell_height(cell) > BUDGET]


def apply(nb):
    "Write the derived slide metadata into a notebook (a dict as nbformat reads it); True if changed."
    before = json.dumps(nb, sort_keys=True)
    for cell, kind in zip(nb['cells'], slide_types(nb['cells'])):
        cell.setdefault('metadata', {})['slideshow'] = {'slide_type': kind}
    nb.setdefault('metadata', {})['rise'] = dict(RISE)
    return json.dumps(nb, sort_keys=True) != before


def write(paths):
    "Apply to notebook files in place, keeping everything else byte for byte as nbformat writes it."
    import nbformat
    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        changed = apply(nb)
        if changed:
            nbformat.write(nb, path)
        tall = too_tall(nb['cells'])
        print(f'{path.name}: {"written" if changed else "unchanged"}; {slide_types(nb["cells"]).count("slide")} '
              f'slides' + (f'; taller than a screen (scrolls): cells {tall}' if tall else ''))


def presenting_settings(folder):
    "Write JupyterLab's user settings for presenting into folder (used as JUPYTERLAB_SETTINGS_DIR)."
    for plugin, values in PRESENTING.items():
        path = Path(folder, f'{plugin}.jupyterlab-settings')
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding='utf-8')
    return Path(folder)
