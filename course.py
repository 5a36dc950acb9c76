"""One entry point for the course: set up, open, test and rebuild.

    python3 course.py lab           # install everything, open the course in JupyterLab
    python3 course.py test          # install everything, run the whole suite (what CI runs)
    python3 course.py test --quick  # the quick tier: unit tests and the fast chapters (nbval)

Both create a virtual environment in .venv (unless one is already active, e.g. a conda
environment made from environment.yml) and install the project into it. Maintainers also have:

    python3 course.py execute [NOTEBOOK ...]  # Restart & Run All, saving outputs (default: all chapters)
    python3 course.py export                  # regenerate microgpt/ from the chapters (nbdev)
    python3 course.py figures                 # regenerate every file in figures/
    python3 course.py checkpoint              # retrain and rewrite the shipped checkpoint
    python3 course.py browser-test            # the JupyterLab browser tests on their own
    python3 course.py machines                # nbval under simulated other machines (CI runs it)
    python3 course.py lite [--pyodide PATH] [--serve]  # the course as a static JupyterLite site
    python3 course.py tidy [NOTEBOOK ...]     # close solutions, point glossary links at cells (idempotent)

Learners have:

    python3 course.py progress [--reset]      # which exercises you solved, and when; --reset clears it

The quick tier is for the edit-test loop: the unit tests and, under nbval, the chapters that run
in under 10 s each on their own (`benchmarks/time_chapters.py`; the others take 15 s or more).
It leaves out the browser tests, the tests that install the wheel or build the JupyterLite site and
those that share the reference run (all marked `slow`), the slower chapters (SLOW_CHAPTERS, kept in
step with that rule) and the other machines. It says so at its start and end: only the whole suite
tells that the course works. Arguments after --quick go to pytest.

Instructors have:

    python3 course.py slides CHAPTER          # present a chapter as slides (RISE), e.g. 09_sampling
    python3 course.py slides --write          # rewrite every chapter's slide metadata from its structure
    python3 course.py playground              # the live-demo page (Voila): temperature, learning rate, a name
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / '.venv'
CHAPTERS = ROOT / 'chapters'
NBVAL = ['--nbval', '--nbval-current-env', f'--nbval-sanitize-with={CHAPTERS / "sanitize.cfg"}',
         '--nbval-cell-timeout=300']


def in_project_env():
    "True when an environment of the user's own (a venv, or a conda env other than base) is active."
    in_venv = sys.prefix != sys.base_prefix
    conda = os.environ.get('CONDA_PREFIX') and os.environ.get('CONDA_DEFAULT_ENV') not in (None, 'base')
    return in_venv or bool(conda)


def env_python():
    "The Python of the course environment, created and kept up to date with pyproject.toml."
    if in_project_env():
        python = Path(sys.executable)
        stamp = Path(sys.prefix) / '.microgpt-course-installed'
    else:
        python = VENV / ('Scripts/python.exe' if os.name == 'nt' else 'bin/python')
        stamp = VENV / '.microgpt-course-installed'
        if not python.exists():
            print(f'Creating the course environment in {VENV.name}/ ...', flush=True)
            run([sys.executable, '-m', 'venv', str(VENV)])
    wanted = hashlib.sha256((ROOT / 'pyproject.toml').read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        print('Installing the course and its dependencies (first run: a minute or two) ...', flush=True)
        run([str(python), '-m', 'pip', 'install', '--quiet', '--upgrade', 'pip'])
        # setuptools warns about every editable install, whatever the mode: nothing to act on here.
        quiet = dict(os.environ, PYTHONWARNINGS='ignore:Editable installation')
        run([str(python), '-m', 'pip', 'install', '--quiet', '-e', f'{ROOT}[dev]'], env=quiet)
        stamp.write_text(wanted)
    return str(python)


def run(cmd, **kwargs):
    result = subprocess.run(cmd, cwd=kwargs.pop('cwd', ROOT), **kwargs)
    if result.returncode:
        sys.exit(result.returncode)


# The course's lab: the whole repository in the file browser (README, figures/, data/), chapter 00
# open, and no news or update pop-ups (the --LabApp options, plus the settings defaults below,
# written into the course environment only).
LAB_OPTIONS = [f'--ServerApp.root_dir={ROOT}', '--ServerApp.default_url=/lab/tree/chapters/00_start_here.ipynb',
               '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
LAB_DEFAULTS = {'@jupyterlab/apputils-extension:notification': {'fetchNews': 'false', 'checkForUpdates': False},
                # Code at 12 px: a 79-character line fits its cell in a 1024 px window with the
                # file browser open (at JupyterLab's 13 px it runs 36 px past the edge).
                '@jupyterlab/apputils-extension:themes': {'overrides': {'code-font-size': '12px'}}}
WRITE_DEFAULTS = '''import json, sys
from pathlib import Path
path = Path(sys.prefix, 'share', 'jupyter', 'lab', 'settings', 'overrides.json')
settings = json.loads(path.read_text()) if path.exists() else {}
for plugin, values in json.loads(sys.argv[1]).items():
    settings.setdefault(plugin, {}).update(values)
path.parent.mkdir(parents=True, exist_ok=True)
path.write_text(json.dumps(settings, indent=2))
'''


def lab(args):
    refuse_root('lab', args)
    python = env_python()
    run([python, '-c', WRITE_DEFAULTS, json.dumps(LAB_DEFAULTS)])
    serve([python, '-m', 'jupyter', 'lab', *LAB_OPTIONS, *args])


def refuse_root(command, args):
    "Jupyter will not run as root unless told to: say so at once, and how, rather than fail bare."
    if getattr(os, 'geteuid', lambda: 1)() == 0 and '--allow-root' not in args:
        sys.exit(f'`python3 course.py {command}` is running as root, which Jupyter refuses: run it as a normal '
                 f'user, or add --allow-root (`python3 course.py {command} {" ".join([*args, "--allow-root"])}`) '
                 'if this machine is yours alone (a container)')


def serve(cmd, env=None):
    """Run a server (Jupyter, Voila) until it ends. SIGTERM or SIGHUP to this process stops the server
    too, and with it its kernels, instead of leaving it running, orphaned, on its port."""
    import signal
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)

    def stop(signum, frame):
        server.terminate()  # the server shuts its kernels down as it stops
    for name in ('SIGTERM', 'SIGHUP'):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    while True:
        try:
            sys.exit(server.wait())
        except KeyboardInterrupt:  # Ctrl-C reached the server too (one process group): let it finish
            continue


# Two processes or more (pytest-xdist), the longest work first; conftest.py keeps together what
# must share one (a notebook's cells, a chapter's page in JupyterLab, the reference run). -rs says
# why any test was skipped (no Chromium, no PyTorch), whichever process skipped it; --durations
# lists the slowest steps, to see where the time of a slow run went.
PARALLEL = ['-n', 'auto', '-rs', '--durations=12']


# Chapters over 10 s each on their own (benchmarks/time_chapters.py): not in the quick tier.
SLOW_CHAPTERS = ('08_adam', '11_scale', '12_practice', '13_inside', '14_pytorch')
QUICK = ('QUICK TIER: unit tests and the fast chapters only, not the whole suite (no browser, install, '
         'JupyterLite or reference-run tests, no chapters {}); `python3 course.py test` runs it all.')


def test(args):
    python = env_python()
    if args[:1] == ['--quick']:
        return quick(python, args[1:])
    lite_env(python)  # the JupyterLite tests build the site: what builds it is part of the environment
    run([python, '-m', 'pytest', *NBVAL, *PARALLEL, *(args or ['tests', 'chapters'])])


def quick(python, args):
    "The quick tier (see the docstring), announced before and after, so it is never taken for the suite."
    banner = QUICK.format(', '.join(name[:2] for name in SLOW_CHAPTERS))
    print(banner, flush=True)
    notebooks = [str(p) for p in sorted(CHAPTERS.glob('*.ipynb')) if p.stem not in SLOW_CHAPTERS]
    result = subprocess.run([python, '-m', 'pytest', *NBVAL, *PARALLEL, '-m', 'not slow',
                             f'--ignore={ROOT / "tests" / "browser"}', str(ROOT / 'tests'), *notebooks, *args],
                            cwd=ROOT)
    print(banner, flush=True)
    sys.exit(result.returncode)


def machines(args):
    "tests/test_machines.py: nbval again under other BLAS kernels, SIMD levels, maths libraries, PyTorch."
    test(['--machines', str(ROOT / 'tests' / 'test_machines.py'), *args])


def execute(args):
    python = env_python()
    # The stored outputs must not depend on anyone's progress: the run keeps its own, empty, folder.
    env = dict(os.environ, MICROGPT_PROGRESS_DIR=tempfile.mkdtemp(prefix='microgpt-progress-'))
    # Absolute paths: nbconvert runs in chapters/, so a path relative to here would not be found.
    notebooks = [str(Path(nb).resolve()) for nb in args] or sorted(str(p) for p in CHAPTERS.glob('[0-9]*.ipynb'))
    for nb in notebooks:
        print(f'Running {Path(nb).name} top to bottom ...', flush=True)
        run([python, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace',
             '--ExecutePreprocessor.timeout=600', '--ExecutePreprocessor.record_timing=False', nb],
            cwd=CHAPTERS, env=env)


# Only the modules: nbdev_export() would also rewrite microgpt/__init__.py's docstring and write
# microgpt/_modidx.py and chapters/llms.txt, which this project does not use.
def export(args):
    run([env_python(), str(ROOT / 'tools' / 'export.py'), *args])


def figures(args):
    run([env_python(), str(ROOT / 'tools' / 'make_figures.py'), *args])


def checkpoint(args):
    run([env_python(), '-m', 'microgpt', 'train', '--save', str(ROOT / 'data' / 'checkpoint.json'), *args])


def browser_test(args):
    python = env_python()
    # Asked for by name, they must run: a missing browser fails (with how to install one).
    env = dict(os.environ, MICROGPT_BROWSER_TESTS=os.environ.get('MICROGPT_BROWSER_TESTS', 'required'))
    run([python, '-m', 'pytest', str(ROOT / 'tests' / 'browser'), *args], env=env)


def tidy(args):
    run([env_python(), str(ROOT / 'tools' / 'tidy.py'), *args])


def slides(args):
    if args[:1] == ['--write']:
        python = env_python()
        notebooks = args[1:] or sorted(str(p) for p in CHAPTERS.glob('[0-9]*.ipynb'))
        run([python, '-c', 'import sys; from tools.slides import write; write(sys.argv[1:])', *notebooks])
        return
    name = args[0].removesuffix('.ipynb') if args else ''
    found = sorted(CHAPTERS.glob(f'{name}*.ipynb')) if re.fullmatch(r'[\w-]+', name) else []
    if len(found) != 1:
        names = ', '.join(p.stem for p in sorted(CHAPTERS.glob('[0-9]*.ipynb')))
        sys.exit(f'Say which chapter to present, e.g. `python3 course.py slides 09_sampling` (or just 09); '
                 f'the chapters are: {names}')
    refuse_root('slides', args)
    python = env_python()
    import tempfile
    from tools.slides import presenting_settings  # no autosave: the chapter stays as committed
    settings = presenting_settings(tempfile.mkdtemp(prefix='microgpt-slides-'))
    # RISE serves a notebook as slides at /rise/PATH; JupyterLab opens the browser there.
    rel = found[0].relative_to(ROOT).as_posix()
    serve([python, '-m', 'jupyter', 'lab', f'--LabApp.default_url=/rise/{rel}', *args[1:]],
          env=dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings)))


def playground(args):
    "Voila with a token in the URL it opens, idle kernels culled, a cap on kernels (microgpt/helpers/playground_server.py)."
    python = env_python()
    from microgpt.helpers.playground_server import NOTEBOOK, environment, options
    serve([python, '-m', 'voila', str(NOTEBOOK), *options(), *args], env=environment())


def progress(args):
    "The learner's progress (microgpt/helpers/progress.py), read on this machine; nothing is sent anywhere."
    try:
        import platformdirs  # noqa: F401 (where the file lives; the course environment has it)
    except ImportError:
        run([env_python(), str(ROOT / 'course.py'), 'progress', *args])
        return
    sys.path.insert(0, str(ROOT))
    from microgpt.helpers.progress import main
    sys.exit(main(args))


def lite_env(python):
    "Install the lite extra (what builds the JupyterLite site) into the course environment, once."
    stamp = Path(python).parent.parent / '.microgpt-course-lite-installed'
    wanted = hashlib.sha256((ROOT / 'pyproject.toml').read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        print('Installing what builds the site (the lite extra) ...', flush=True)
        run([python, '-m', 'pip', 'install', '--quiet', '-e', f'{ROOT}[lite]'])
        stamp.write_text(wanted)


def lite(args):
    "Build the JupyterLite site in build/lite (lite/build.py), and with --serve serve it on 127.0.0.1."
    python = env_python()
    lite_env(python)
    run([python, str(ROOT / 'lite' / 'build.py'), *args])


COMMANDS = {'lab': lab, 'test': test, 'execute': execute, 'export': export, 'figures': figures,
            'checkpoint': checkpoint, 'browser-test': browser_test, 'tidy': tidy, 'machines': machines,
            'slides': slides, 'playground': playground, 'lite': lite, 'progress': progress}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
