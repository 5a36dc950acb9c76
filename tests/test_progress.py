"""The learner's progress (microgpt/helpers/progress.py): kept by the checkers, shown by course.py progress."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from microgpt.helpers import progress
from microgpt.helpers.exercises import ch06

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.ENV, str(tmp_path / 'kept'))
    return tmp_path / 'kept'


def test_record_then_read(folder):
    progress.record('ch06.check_query', False)
    assert progress.load()['ch06.check_query']['solved'] is False
    progress.record('ch06.check_query', True)
    progress.record('ch06.check_query', False)  # a later miss does not undo a solved exercise
    entry = progress.load()['ch06.check_query']
    assert entry['solved'] is True and len(entry['when']) == len('2026-01-31 12:00')
    assert [p.name for p in folder.iterdir()] == ['progress.json']  # written whole, no temporary left


def test_reset_removes_the_file_and_says_so(folder):
    progress.record('ch09.check_generate', True)
    assert progress.reset() == f'Removed {folder / "progress.json"}: every exercise is unsolved again.'
    assert progress.load() == {}
    assert progress.reset().startswith('No progress to remove')


@pytest.mark.parametrize('text', ['{"ch06.check_query": {"solv', '[1, 2]', '{"a": 3}'])
def test_a_corrupt_file_is_a_one_line_note(folder, capsys, text):
    folder.mkdir()
    (folder / 'progress.json').write_text(text)
    assert progress.load() == {}
    verdict = ch06.check_query([10.0, 10.0])  # the checker still answers, and its answer is kept
    assert verdict.ok and progress.load()['ch06.check_query']['solved'] is True
    out, err = capsys.readouterr()
    assert out.count('\n') == 2 and out.startswith('(Progress not kept:') and 'reset' in out and not err


def test_an_unwritable_folder_is_a_one_line_note(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / 'a-file'
    blocker.write_text('')
    monkeypatch.setenv(progress.ENV, str(blocker / 'kept'))  # a folder inside a file cannot be made
    verdict = ch06.check_query([10.0, 10.0])
    assert verdict.ok
    out, err = capsys.readouterr()
    assert out.count('\n') == 1 and out.startswith('(Progress not kept:') and not err


def test_where_the_file_lives(tmp_path, monkeypatch):
    from platformdirs import user_data_dir
    monkeypatch.setenv(progress.ENV, str(tmp_path))
    assert progress.path() == tmp_path / 'progress.json'
    monkeypatch.delenv(progress.ENV)
    assert progress.path() == Path(user_data_dir('microgpt-course', appauthor=False), 'progress.json')
    monkeypatch.setattr(sys, 'platform', 'emscripten')  # JupyterLite: the browser-backed drive
    assert progress.path() == Path('/drive/microgpt-course/progress.json')


def test_the_tests_never_touch_the_real_file():
    assert os.environ.get(progress.ENV), 'conftest.py should give the tests a progress folder of their own'


def test_a_right_answer_is_recorded_and_a_wrong_one_too(folder):
    ch06.check_cache_size(lambda config, n_tokens: n_tokens * config.n_embd)
    ch06.check_query([10.0, 10.0])
    data = progress.load()
    assert data['ch06.check_query']['solved'] is True
    assert data['ch06.check_cache_size']['solved'] is False


def test_the_courses_own_solutions_do_not_count(folder):
    def solution_q():
        return ch06.check_query([10.0, 10.0])

    code = compile('# A solution: both large and equal.\nch06.check_query([10.0, 10.0])\n',
                   str(folder.parent / 'cell.py'), 'exec')
    (folder.parent / 'cell.py').write_text('# A solution: both large and equal.\n')
    assert solution_q().ok
    exec(code, {'ch06': ch06})
    assert progress.load() == {}


def test_every_exercise_is_listed():
    found = progress.exercises()
    assert list(found) == [f'{n:02}' for n in range(1, 15)]
    assert found['06'] == ['ch06.check_query', 'ch06.check_causal_weights', 'ch06.check_cache_size']


def test_renaming_keeps_what_it_cannot_place_and_is_idempotent():
    data = {'ch05.check_query': {'solved': True}, 'notes': {'solved': False}, 'ch99.check_gone': {'solved': True}}
    once = progress.renamed(data)
    assert once == {'ch06.check_query': {'solved': True}, 'notes': {'solved': False},
                    'ch99.check_gone': {'solved': True}}
    assert progress.renamed(once) == once


def test_no_two_chapters_have_a_checker_of_the_same_name():
    # progress.renamed follows a kept entry to its module by the checker's name alone.
    names = [name.partition('.')[2] for listed in progress.exercises().values() for name in listed]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_a_progress_file_from_before_the_splits_keeps_every_solved_exercise(folder):
    # Chapter 04 was split in two, so chapters 05 to 12 became 06 to 13; later chapter 11 was split,
    # so 12 and 13 became 13 and 14 and one of 11's exercises moved to 12: their checkers' keys moved.
    folder.mkdir()
    (folder / progress.FILE).write_text(json.dumps({
        'ch04.check_count_parameters': {'solved': True, 'when': '2026-11-01 10:00'},
        'ch04.check_stable_softmax': {'solved': True, 'when': '2026-11-01 10:05'},
        'ch05.check_query': {'solved': True, 'when': '2026-11-02 09:00'},
        'ch06.check_query': {'solved': False, 'when': '2026-12-08 09:00'},  # tried again since: not solved
        'ch11.check_warmup_then_decay': {'solved': True, 'when': '2026-11-03 08:00'},
        'ch12.check_pad': {'solved': False, 'when': '2026-11-03 09:00'}}))
    data = progress.load()
    assert data == {'ch04.check_count_parameters': {'solved': True, 'when': '2026-11-01 10:00'},
                    'ch05.check_stable_softmax': {'solved': True, 'when': '2026-11-01 10:05'},
                    'ch06.check_query': {'solved': True, 'when': '2026-11-02 09:00'},
                    'ch12.check_warmup_then_decay': {'solved': True, 'when': '2026-11-03 08:00'},
                    'ch14.check_pad': {'solved': False, 'when': '2026-11-03 09:00'}}
    solved = progress.solved_per_chapter()
    assert solved['04'] == (1, 1) and solved['05'] == (1, 2) and solved['06'][0] == 1
    ch06.check_causal_weights(None)  # a new attempt rewrites the file under the new keys only
    assert set(json.loads((folder / progress.FILE).read_text())) == {
        'ch04.check_count_parameters', 'ch05.check_stable_softmax', 'ch06.check_query',
        'ch06.check_causal_weights', 'ch12.check_warmup_then_decay', 'ch14.check_pad'}


def test_exercises_are_listed_in_the_order_their_chapter_sets_them():
    import re

    import nbformat
    for number, listed in progress.exercises().items():
        [path] = ROOT.glob(f'chapters/{number}_*.ipynb')
        calls = [name for cell in nbformat.read(path, 4).cells if cell.cell_type == 'code'
                 for name in re.findall(r'\b(check_\w+)\(', cell.source)]
        names = [name.split('.')[1] for name in listed]
        first = sorted(names, key=lambda name: calls.index(name))
        assert names == first, f'chapter {number}: course.py progress lists {names}, the chapter sets {first}'


def course(*args, env):
    return subprocess.run([sys.executable, str(ROOT / 'course.py'), 'progress', *args], capture_output=True,
                          text=True, env=env, cwd=ROOT)


def test_course_py_progress_prints_a_table_and_resets(folder):
    ch06.check_query([10.0, 10.0])
    ch06.check_cache_size(lambda config, n_tokens: 0)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    shown = course(env=env)
    assert shown.returncode == 0 and not shown.stderr
    lines = shown.stdout.splitlines()
    chapter = lines.index('Chapter 06')
    assert lines[chapter + 1].split()[:2] == ['query', 'solved']
    assert lines[chapter + 2].split() == ['causal_weights', 'not', 'tried']
    assert lines[chapter + 3].split()[:3] == ['cache_size', 'not', 'yet']
    reset = course('--reset', env=env)
    assert reset.returncode == 0 and 'Removed' in reset.stdout and not (folder / 'progress.json').exists()
    assert 'solved' not in course(env=env).stdout.replace('unsolved', '')
    wrong = course('--all', env=env)
    assert wrong.returncode == 2 and wrong.stdout.strip() == 'Usage: python3 course.py progress [--reset]'


def test_chapter_00_shows_none_yet_then_the_marked_map(folder, capsys):
    assert progress.show_progress() is None
    assert capsys.readouterr().out.startswith('No exercise solved yet')
    ch06.check_query([10.0, 10.0])
    drawing = progress.show_progress()
    assert 'chapter 06: 1 of 3 exercises solved' in capsys.readouterr().out
    assert '1 of 3 solved' in drawing.svg and 'you solved' in drawing.alt


def test_whatever_goes_wrong_the_verdict_stands(folder, monkeypatch, capsys):
    def broken(data):
        raise RuntimeError('disk on fire')
    monkeypatch.setattr(progress, 'save', broken)
    assert ch06.check_query([10.0, 10.0]).ok
    assert capsys.readouterr().out == f'(Progress not kept: {folder} cannot be written (disk on fire))\n'


def test_in_a_browser_tab_without_its_drive_nothing_is_pretended(monkeypatch, capsys):
    monkeypatch.delenv(progress.ENV)
    monkeypatch.setattr(sys, 'platform', 'emscripten')
    if Path('/drive').is_dir():
        pytest.skip('this machine has a /drive folder')
    progress.record('ch06.check_query', True)
    assert 'the browser storage (/drive) is not mounted here' in capsys.readouterr().out
    assert not Path('/drive').exists()


def test_without_platformdirs_the_home_folder_serves(monkeypatch):
    monkeypatch.delenv(progress.ENV)
    monkeypatch.setitem(sys.modules, 'platformdirs', None)  # import platformdirs now fails
    assert progress.folder() == Path.home() / '.microgpt-course'


def test_course_py_execute_runs_notebooks_with_an_empty_progress_folder(monkeypatch, tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location('course_script', ROOT / 'course.py')
    course_py = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course_py)
    calls = []
    monkeypatch.setattr(course_py, 'env_python', lambda: sys.executable)
    monkeypatch.setattr(course_py, 'run', lambda cmd, **kwargs: calls.append(kwargs))
    monkeypatch.setenv(progress.ENV, str(tmp_path / 'mine'))
    course_py.execute(['chapters/00_start_here.ipynb'])
    kept = Path(calls[0]['env'][progress.ENV])
    assert kept != tmp_path / 'mine' and kept.is_dir() and not any(kept.iterdir())
