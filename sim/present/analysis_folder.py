"""The result folder of an analysis: ``<root>/<kind>/<scenario>/<run-id>/``.

:func:`publish_analysis` writes a finished sensitivity analysis or scenario discovery
(its CSV files and page, handed in by the caller, and the result's manifest) through
the one atomic publisher of :mod:`sim.results`: into a hidden temporary folder, renamed
into place when complete, never over an existing folder.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from sim.results.manifest import scenario_sha256
from sim.results.publish import publish_folder, run_id_base_for, safe_folder_name
from sim.scenario import Scenario


class AnalysisResult(Protocol):
    """What a finished analysis offers its folder: its scenario, seed, start and manifest."""

    scenario: Scenario
    seed: int
    started_at: dt.datetime | None

    def manifest(self, command: Sequence[str] | str | None = None) -> dict[str, Any]: ...


def publish_analysis(
    kind: str,
    result: AnalysisResult,
    root: str | os.PathLike[str],
    command: Sequence[str] | str | None,
    write: Callable[[Path], list[str]],
) -> Path:
    """Write ``<root>/<kind>/<scenario>/<run-id>/`` completely or not at all; return it.

    ``write(tmp)`` writes the files into the temporary folder and returns their names;
    ``result.manifest(command)`` is the manifest. The run-id (``YYYYmmdd-HHMMSS-<6
    hex>``, ``-2`` ... if taken), the files' sizes and SHA-256 and ``manifest.json`` are
    added by the publisher, which renames the folder into place.
    """
    scenario = result.scenario
    started = result.started_at or dt.datetime.now().astimezone()

    def fill(tmp: Path, _run_id: str) -> tuple[dict[str, Any], list[str]]:
        names = write(tmp)
        return result.manifest(command), names

    folder = Path(root) / kind / safe_folder_name(scenario.name)
    base = run_id_base_for(started, scenario_sha256(scenario), result.seed)
    return publish_folder(folder, base, fill, id_key="run_id")
