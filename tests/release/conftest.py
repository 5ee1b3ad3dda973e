"""Release tooling tests: the repository root and scripts/ on sys.path (the scripts run
from the checkout, like the generator)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for path in (REPO, REPO / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
