"""The name the command line was started by: the installed ``alignsim`` script or ``run.py``.

The usage lines, error messages and the commands the program suggests (``--resume``,
the compare command of the results index) say it the way the user typed it:
``alignsim run ...`` or ``python run.py run ...``. ``python -m sim.cli`` counts as
``run.py`` (the same commands, docs say so).
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPT = "alignsim"
"""The console script of ``[project.scripts]`` in pyproject.toml."""


def prog(argv0: str | None = None) -> str:
    """'alignsim' when started by the installed script, else 'run.py' (argparse's prog);
    ``argv0``: the program path (default ``sys.argv[0]``)."""
    name = Path(sys.argv[0] if argv0 is None and sys.argv else argv0 or "").name
    # pip's Windows launchers are alignsim.exe or alignsim-script.py
    return SCRIPT if name.removesuffix(".exe").removesuffix("-script.py") == SCRIPT else "run.py"


def invocation(argv0: str | None = None) -> str:
    """What to type to start the program: 'alignsim' or 'python run.py'."""
    return SCRIPT if prog(argv0) == SCRIPT else "python run.py"
