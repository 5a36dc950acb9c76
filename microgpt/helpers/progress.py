"""The learner's progress: which exercises they solved, and when.

Kept on this machine only, in one JSON file: the user data folder (platformdirs), or in a browser
tab (JupyterLite) the browser's own storage, which JupyterLite mounts at /drive. The variable
MICROGPT_PROGRESS_DIR overrides the folder (the tests point it at an empty one). A file that cannot
be read or written costs a one-line note, never a checker's verdict.
"""
import ast
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ENV = 'MICROGPT_PROGRESS_DIR'
FILE = 'progress.json'


def folder():
    "Where the progress file lives."
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    if sys.platform == 'emscripten':  # JupyterLite: /drive persists in the browser's storage
        return Path('/drive/microgpt-course')
    try:
        from platformdirs import user_data_dir
    except ImportError:  # the course's core without its kernel extra
        return Path.home() / '.microgpt-course'
    return Path(user_data_dir('microgpt-course', appauthor=False))


def path():
    return folder() / FILE


def note(message):
    "One line, on stdout: a note, not an error."
    print(f'(Progress not kept: {message})')


def load():
    "{exercise: {'solved': bool, 'when': 'YYYY-MM-DD HH:MM'}}; empty when there is no file yet."
    try:
        data = json.loads(path().read_text(encoding='utf-8'))
    except (FileNotFoundError, NotADirectoryError):
        return {}  # nothing kept yet (a folder that cannot be made is reported when writing)
    except (OSError, ValueError) as e:
        note(f'{path()} cannot be read ({type(e).__name__}); '
             '`python3 course.py progress --reset` starts afresh')
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        note(f'{path()} is not a progress file; `python3 course.py progress --reset` starts afresh')
        return {}
    return renamed(data)


def renamed(data):
    """The entries under today's names. A key names a checker's module, which is its chapter's
    number ('ch06.check_query'); when chapter 04 was split in two, chapters 05 to 12 became 06 to 13,
    so a file kept before then says 'ch05.check_query' (and when chapter 11 was split, its
    'ch11.check_warmup_then_decay' moved to 12). Each checker's name is unique across the
    chapters, so the key follows it to its module; of two entries for one exercise, a solved one wins."""
    home = {name.partition('.')[2]: name for names in exercises().values() for name in names}
    found = {}
    for key, entry in data.items():
        key = home.get(key.partition('.')[2], key)
        if key not in found or (entry.get('solved') and not found[key].get('solved')):
            found[key] = entry
    return found


def save(data):
    "Write atomically: a new file renamed over the old, so a crash never leaves half a file."
    target = path()
    if str(target).startswith('/drive/') and not Path('/drive').is_dir():
        raise OSError('the browser storage (/drive) is not mounted here')
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix='.progress-', suffix='.tmp')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def record(exercise, solved):
    "Note one attempt: 'when' says since when the exercise is solved (it stays so) or not yet."
    try:
        data = load()
        if data.get(exercise, {}).get('solved') in (True, bool(solved)):
            return  # nothing new: solved stays solved, a second miss changes nothing
        data[exercise] = {'solved': bool(solved), 'when': time.strftime('%Y-%m-%d %H:%M')}
        save(data)
    except Exception as e:  # whatever happens here, the checker's verdict still stands
        note(f'{folder()} cannot be written ({getattr(e, "strerror", None) or str(e) or type(e).__name__})')


def reset():
    "Remove the progress file; returns what was removed (a sentence)."
    target = path()
    try:
        target.unlink()
    except FileNotFoundError:
        return f'No progress to remove ({target} does not exist).'
    except OSError as e:
        return f'Could not remove {target}: {e.strerror or type(e).__name__}.'
    return f'Removed {target}: every exercise is unsolved again.'


def exercises():
    "{chapter number: [exercise]}: every checker in microgpt/helpers/exercises, in source order (read, not run)."
    found = {}
    for source in sorted((Path(__file__).parent / 'exercises').glob('ch[0-9][0-9].py')):
        tree = ast.parse(source.read_text(encoding='utf-8'))
        found[source.stem[2:]] = [f'{source.stem}.{node.name}' for node in tree.body
                                  if isinstance(node, ast.FunctionDef) and node.name.startswith('check_')]
    return found


def table(data=None):
    "Lines of a table per chapter: exercise, solved or not, when."
    data = load() if data is None else data
    lines = [f'Progress kept in {path()}', '']
    for chapter, names in exercises().items():
        lines.append(f'Chapter {chapter}')
        for name in names:
            entry = data.get(name)
            state = ('solved' if entry.get('solved') else 'not yet') if entry else 'not tried'
            when = str(entry.get('when', '')) if entry else ''
            lines.append(f'  {name.split(".check_")[1]:24} {state:10} {when}'.rstrip())
    return lines


def solved_per_chapter(data=None):
    "{chapter number: (solved, exercises)}."
    data = load() if data is None else data
    return {chapter: (sum(bool(data.get(n, {}).get('solved')) for n in names), len(names))
            for chapter, names in exercises().items()}


RESET = ('To start afresh: `python3 course.py progress --reset` in a terminal\n'
         '(in a browser tab: delete microgpt-course/progress.json in the file browser).')


def show_progress():
    "Chapter 00: the solved exercises per chapter, on the course map; nothing solved says so."
    from .course_map import course_map
    counts = solved_per_chapter()
    if not any(done for done, _ in counts.values()):
        print('No exercise solved yet. Each checker you run notes here whether you\n'
              'solved its exercise (in a file on this machine; nothing is sent anywhere).')
        print(RESET)
        return None
    for chapter, (done, total) in counts.items():
        print(f'chapter {chapter}: {done} of {total} exercises solved')
    print(RESET)
    return course_map(counts)


def main(args):
    "`python3 course.py progress [--reset]`: print the table, or remove the file."
    if args == ['--reset']:
        print(reset())
    elif args:
        print('Usage: python3 course.py progress [--reset]')
        return 2
    else:
        print('\n'.join(table()))
    return 0
