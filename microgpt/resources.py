"""Where the course's files are: the names data, the shipped checkpoint, and the model `train` saves.

`data/` in the repository is the one place a learner looks at. An installed package (a wheel) carries
copies of names.txt and checkpoint.json in `microgpt/data/`, put there when the wheel is built
(setup.py); a checkout has no such folder and reads `data/` next to the package instead.
"""
import os
import sys
from importlib import resources
from pathlib import Path

CHECKOUT_DATA = Path(__file__).resolve().parent.parent / 'data'


def data_file(name):
    "The path of a file the course ships (names.txt, checkpoint.json), installed or in a checkout."
    packaged = resources.files(__package__) / 'data' / name
    if packaged.is_file():  # pip unpacks a wheel onto the disk, so this is a real file
        return Path(str(packaged))
    return CHECKOUT_DATA / name


def user_folder():
    "A folder of the user's own for the model `train` saves: $MICROGPT_HOME, else the platform's usual place."
    if os.environ.get('MICROGPT_HOME'):
        return Path(os.environ['MICROGPT_HOME'])
    if os.name == 'nt':
        base = os.environ.get('LOCALAPPDATA') or Path.home() / 'AppData' / 'Local'
    elif sys.platform == 'darwin':
        base = Path.home() / 'Library' / 'Application Support'
    else:
        base = os.environ.get('XDG_DATA_HOME') or Path.home() / '.local' / 'share'
    return Path(base) / 'microgpt'


def trained_checkpoint():
    "Where `python -m microgpt train` saves its model unless told otherwise, and `sample` looks first."
    return user_folder() / 'trained.json'

