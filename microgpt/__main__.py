"""`python -m microgpt ...`: see microgpt/cli.py."""
import sys

from .cli import main

sys.exit(main())
