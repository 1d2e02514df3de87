"""Loading the scenario file a command was given, with the messages the user sees.

A missing file, a folder, an unreadable file and every problem the loader finds become
:class:`~sim.cli.exits.BadInput` (exit 2, no traceback) with the loader's
``file:line: ...`` messages. A file larger than the limit (``--max-file-size``, passed
to the loader as ``max_bytes``) gets a hint of how to raise it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.exits import BadInput, err

if TYPE_CHECKING:
    from sim.scenario import Scenario


TOO_LARGE = "larger than the limit of"
"""What the loader's message of a file over ``max_bytes`` says."""
TOO_LARGE_HINT = "hint: raise the limit with --max-file-size MB"


def with_size_hint(message: str) -> str:
    """A loader's message, with how to raise the limit when it refused a file's size."""
    return f"{message}\n{TOO_LARGE_HINT}" if TOO_LARGE in message else message


def load_scenario_file(path: Path, max_bytes: int | None = None) -> Scenario:
    """Load a scenario or raise BadInput with the loader's file:line messages.

    ``max_bytes``: the largest file (and base it extends) to read (None: the loader's
    default, 5 MB). Notes (an event after the run's end, kept and skipped) go to stderr
    as ``note: ...``.
    """
    # deferred: heavy (pydantic); the parser and --help do not need it
    from sim.scenario import ScenarioError, load_scenario_noted

    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a scenario file")
    try:
        scenario, notes = load_scenario_noted(path, max_bytes=max_bytes)
    except ScenarioError as exc:
        raise BadInput(with_size_hint(str(exc))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read: {exc}") from None
    for note in notes:
        err(f"note: {note}")
    return scenario
