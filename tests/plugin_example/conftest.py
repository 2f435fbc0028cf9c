# Inside schemalint's repository the example plugin is not installed: its folder stands in.
import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
