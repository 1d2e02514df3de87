"""Loading the scenario file a command was given, with the messages the user sees.

A missing file, a folder, an unreadable file and every problem the loader finds become
:class:`~sim.cli.exits.BadInput` (exit 2, no traceback) with the loader's
``file:line: ...`` messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.exits import BadInput, err

if TYPE_CHECKING:
    from sim.scenario import Scenario


def load_scenario_file(path: Path) -> Scenario:
    """Load a scenario or raise BadInput with the loader's file:line messages.

    Notes (an event after the run's end, kept and skipped) go to stderr as ``note: ...``.
    """
    # deferred: heavy (pydantic); the parser and --help do not need it
    from sim.scenario import ScenarioError, load_scenario_noted

    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a scenario file")
    try:
        scenario, notes = load_scenario_noted(path)
    except ScenarioError as exc:
        raise BadInput(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read: {exc}") from None
    for note in notes:
        err(f"note: {note}")
    return scenario
