"""`python -m microgpt ...`: see microgpt/helpers/cli.py."""
import sys

from .helpers.cli import main

sys.exit(main())
