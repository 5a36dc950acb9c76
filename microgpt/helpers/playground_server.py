"""How `python3 course.py playground` serves the page: Voila, locked down for a shared machine.

- A token, generated at each start and printed in the URL that Voila opens: another local user, or
  a page of another site, gets 403 without it.
- Kernels (about 136 MB each) of pages that never connected or went idle are culled, and at most
  MAX_KERNELS run at once: a further visitor is told to come back, rather than the machine swapping.
- Nothing is loaded from outside: the page's template (playground/voila/templates/microgpt) is Voila's
  `lab` template without its Font Awesome links to a CDN.
All of it is Voila's and Jupyter server's own configuration, except the cap, which they do not have.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: microgpt/helpers/ is two levels down
NOTEBOOK = ROOT / 'playground' / 'playground.ipynb'
TEMPLATES = ROOT / 'playground'  # holds voila/templates/microgpt: put on JUPYTER_PATH
MAX_KERNELS = 8
IDLE_SECONDS = 300  # a kernel no page has used for this long is shut down


def options(max_kernels=MAX_KERNELS, idle_seconds=IDLE_SECONDS):
    "Voila's command-line options for the playground (after `python -m voila NOTEBOOK`)."
    manager = 'CappedKernelManager'  # in playground_kernels.py: it needs Jupyter, this module does not
    return ['--token', '--Voila.ip=127.0.0.1', '--template=microgpt',
            f'--VoilaConfiguration.multi_kernel_manager_class=microgpt.helpers.playground_kernels.{manager}',
            f'--{manager}.max_kernels={max_kernels}',
            f'--{manager}.cull_idle_timeout={idle_seconds}', f'--{manager}.cull_interval={max(1, idle_seconds // 5)}',
            f'--{manager}.cull_connected=False']  # a page still open keeps its kernel


def environment():
    "The environment Voila runs in: JUPYTER_PATH leads it to the playground's template."
    paths = [str(TEMPLATES), os.environ.get('JUPYTER_PATH')]
    return dict(os.environ, JUPYTER_PATH=os.pathsep.join(filter(None, paths)))
