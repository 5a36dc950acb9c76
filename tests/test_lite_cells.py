"""The chapters' set-up cells, the README's links and the site's Pyodide staging (no browser needed)."""
import importlib.util
import json
import re
import shutil
import sys
import threading
import urllib.request

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / 'lite'))
import install_cell  # noqa: E402
import pyodide_dist  # noqa: E402
import readme_links  # noqa: E402


WITH_CODE = [p for p in sorted((ROOT / 'chapters').glob('[0-9]*.ipynb'))
             if any(c.cell_type == 'code' for c in nbformat.read(p, as_version=4).cells)]


@pytest.mark.parametrize('path', WITH_CODE, ids=lambda p: p.name)
def test_the_first_code_cell_is_the_up_to_date_set_up_cell(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == 'code')
    assert first.source == install_cell.cell_source(nb), \
        f'{path.name}: its set-up cell is missing or out of date: run `python lite/install_cell.py`'
    assert not first.outputs, f'{path.name}: the set-up cell prints nothing on a machine with the course'


def test_the_set_up_cell_asks_for_what_the_chapter_imports():
    needs = {p.name: install_cell.cell_source(nbformat.read(p, as_version=4)).split('await setup(')[1].split(')')[0]
             for p in WITH_CODE}
    assert needs['02_autograd.ipynb'] == ''
    assert "'numpy'" in needs['11_scale.ipynb'] and "'ipywidgets'" in needs['11_scale.ipynb']
    assert needs['01_derivatives.ipynb'] == "'matplotlib'"
    assert install_cell.PIP_TARGET == f'microgpt-course[kernel]=={install_cell.VERSION}'  # a release, pinned
    assert re.search(r'^version = "\d+\.\d+\.\d+"$', (ROOT / 'pyproject.toml').read_text(encoding='utf-8'), re.M)


@pytest.mark.parametrize('path', WITH_CODE, ids=lambda p: p.stem)
def test_the_set_up_cell_shows_no_address_and_no_slide(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == 'code')
    assert 'OWNER' not in first.source and 'git+' not in first.source and '@ ' not in first.source
    assert first.metadata['slideshow'] == {'slide_type': 'skip'}, f'{path.name}: the set-up cell shows on a slide'


def test_the_script_inserts_once_and_numbers_as_a_run_would(tmp_path):
    original = ROOT / 'chapters' / '02_autograd.ipynb'
    nb = nbformat.read(original, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == 'code')
    del nb.cells[first]  # the chapter as it was before the script
    for c in nb.cells:
        if c.cell_type == 'code' and c.execution_count:
            c.execution_count -= 1
    path = tmp_path / original.name
    nbformat.write(nb, path)
    assert install_cell.apply(path) == 'inserted'
    once = path.read_bytes()
    assert install_cell.apply(path) == 'up to date'
    assert path.read_bytes() == once
    def content(nb):  # what the script decides; cell ids and slide metadata come from elsewhere
        return [(c.cell_type, c.source, c.get('execution_count'), c.get('outputs'),
                 {k: v for k, v in c.metadata.items() if k != 'slideshow'}) for c in nb.cells]
    assert content(nbformat.reads(once.decode('utf-8'), as_version=4)) == content(nbformat.read(original, as_version=4)), \
        'inserting the cell gives another chapter than the committed one'


def test_the_readme_links_are_made_from_the_repository_address(monkeypatch):
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert readme_links.updated(readme) == readme, 'README.md is out of date: run `python lite/readme_links.py`'
    if not readme_links.published():  # links to OWNER would lead nowhere: the README shows none
        assert 'OWNER' not in readme and 'owner.github.io' not in readme
        assert 'python3 course.py lab' in readme and 'python3 course.py lite --serve' in readme
        monkeypatch.setattr(readme_links, 'REPOSITORY', 'https://github.com/Someone/microgpt-course')
        readme = readme_links.updated(readme)
    site, colab, binder = readme_links.links()
    owner_name = readme_links.REPOSITORY.removeprefix('https://github.com/')
    assert owner_name in colab and owner_name in binder
    assert colab.format('02_autograd') in readme and binder.format('02_autograd') in readme and site in readme


def fake_pyodide(folder, version, wheel='micropip-0.11.1-py3-none-any.whl'):
    folder.mkdir(parents=True)
    (folder / 'pyodide.mjs').write_text('')
    (folder / 'package.json').write_text(json.dumps({'name': 'pyodide', 'version': version}))
    (folder / 'pyodide-lock.json').write_text(json.dumps({'info': {}, 'packages': {
        name: {'name': name, 'version': '1', 'file_name': f'{name}-1-py3-none-any.whl', 'depends': [], 'sha256': 'x'}
        for name in pyodide_dist.KERNEL_NEEDS}}))
    for name in pyodide_dist.KERNEL_NEEDS:
        (folder / f'{name}-1-py3-none-any.whl').write_bytes(name.encode())
    return folder


def test_a_pyodide_release_is_copied_without_its_npm_files(tmp_path):
    source = fake_pyodide(tmp_path / 'pyodide', pyodide_dist.PYODIDE_VERSION)
    dest = pyodide_dist.stage_pyodide(source, tmp_path / 'site', tmp_path / 'cache')
    assert (dest / 'pyodide.mjs').exists() and not (dest / 'package.json').exists()
    assert (dest / 'micropip-1-py3-none-any.whl').read_bytes() == b'micropip'


def test_a_wrong_pyodide_is_refused_with_what_to_give(tmp_path):
    with pytest.raises(SystemExit, match='not found'):
        pyodide_dist.stage_pyodide(tmp_path / 'nothing', tmp_path / 'site', tmp_path / 'cache')
    (tmp_path / 'empty').mkdir()
    with pytest.raises(SystemExit, match='no pyodide.mjs inside'):
        pyodide_dist.stage_pyodide(tmp_path / 'empty', tmp_path / 'site', tmp_path / 'cache')
    old = fake_pyodide(tmp_path / 'old', '0.27.0')
    with pytest.raises(SystemExit, match=f'the kernel needs {pyodide_dist.PYODIDE_VERSION}'):
        pyodide_dist.stage_pyodide(old, tmp_path / 'site', tmp_path / 'cache')
    shutil.rmtree(old)


def test_the_site_is_served_on_this_machine_with_the_types_browsers_need(tmp_path):
    # lite/build.py by its path (a package called `build` may be installed); the browser tests
    # serve the site with the same server
    spec = importlib.util.spec_from_file_location('lite_build', ROOT / 'lite' / 'build.py')
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    wanted = {'kernel.wasm': 'application/wasm', 'pyodide.mjs': 'text/javascript', 'index.js': 'text/javascript'}
    for name in wanted:
        (tmp_path / name).write_bytes(b'x')
    server = build.static_server(tmp_path, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        served = {name: no_proxy.open(f'http://127.0.0.1:{server.server_port}/{name}', timeout=10)
                  .headers['Content-Type'] for name in wanted}
    finally:
        server.shutdown()
        server.server_close()
    assert server.server_address[0] == '127.0.0.1'
    assert served == wanted  # a browser refuses to compile WebAssembly or load a module served otherwise
