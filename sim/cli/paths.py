"""Where the command line finds and puts things by default: the checkout beside run.py.

The commands take paths as the user gives them (relative to the working directory);
only the defaults are anchored here, so that ``python run.py`` works from any folder.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The folder that holds run.py, scenarios/ and results/."""
DEFAULT_SCENARIO = REPO_ROOT / "scenarios" / "baseline.yaml"
"""What ``python run.py`` without a command runs."""
DEFAULT_RESULTS = REPO_ROOT / "results"
"""The results root of every command unless ``--out`` says otherwise."""
WORKSHOP_RESULTS = DEFAULT_RESULTS / "workshop"
"""New workshop games and their after-action reports."""


def shown(path: Path) -> str:
    """``path`` as the user would type it here: relative to the current folder (absolute
    if it is on another drive)."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - Windows, another drive
        return str(path)
