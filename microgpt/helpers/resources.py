"""Where the model `python -m microgpt train` saves goes: a folder of the user's own.

(The files the course ships, names.txt and checkpoint.json, are found by `data_file` in
microgpt/tokenizer.py, which chapter 03 builds.) No dependency here: the command line runs on a
bare install of the package, so this is the platforms' usual places written out.
"""
import os
import sys
from pathlib import Path


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

