import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

# Property tests draw the same examples on every run (CI must not turn red on a new
# random draw); set GKCHECK_HYPOTHESIS=random to explore fresh examples locally.
try:
    import os

    from hypothesis import settings

    settings.register_profile("gkcheck", derandomize=True)
    settings.register_profile("random", derandomize=False)
    settings.load_profile("random" if os.environ.get("GKCHECK_HYPOTHESIS") == "random" else "gkcheck")
except ImportError:  # hypothesis is a test dependency; without it those tests are skipped
    pass
