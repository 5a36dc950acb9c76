import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Test this checkout's package, whatever else is installed.
sys.path.insert(0, str(ROOT))
