"""The manifest of a result folder: everything needed to reproduce it, as JSON data.

The one manifest builder. :func:`build_manifest` makes a run's (``manifest.json`` of
``results/<scenario>/<run-id>/``); the comparison and the analyses add their own fields
to the same pieces:

- :func:`scenario_dump` and :func:`scenario_sha256`: the resolved scenario and its
  identity (the SHA-256 of its canonical JSON);
- :func:`provenance`: the command line, working folder and wall-clock times;
- :func:`environment`: package versions, platform and git commit;
- :func:`command_record` and :func:`iso_time`: how a command and a time are written.

The files of the folder (size and SHA-256 of each) are added by
:func:`sim.results.publish.publish_folder` when it writes the folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.results import formats
from sim.results.views import RunRecord
from sim.scenario import Scenario, format_path
from sim.scenario.event_checks import event_notes

MANIFEST_FORMAT = 2
"""Version of the run manifest's layout; bump when a field changes meaning."""

VERSIONED_PACKAGES = (
    "mesa",
    "numpy",
    "numba",
    "pandas",
    "plotly",
    "pydantic",
    "pyyaml",
    "pyarrow",
    "dask",
    "distributed",
)
"""The packages whose versions every manifest records (and ``alignsim`` itself)."""

Command = Sequence[str] | str | None
"""A command as given: an argv list, a free text ('notebook') or nothing."""


def canonical_json(obj: Any) -> bytes:
    """Stable bytes for hashing: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def scenario_dump(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as plain JSON data (what the manifest stores)."""
    return scenario.model_dump(mode="json")


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the canonical JSON of the resolved scenario: the scenario's identity."""
    return hashlib.sha256(canonical_json(scenario_dump(scenario))).hexdigest()


def package_versions(extra: Sequence[str] = ()) -> dict[str, str | None]:
    """Versions of Python, of the packages a result depends on, and of ``extra`` ones
    (None for a package that is not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in (*VERSIONED_PACKAGES, "alignsim", *extra):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> str | None:
    """The commit of the code that ran, if it is a git checkout (best effort)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def iso_time(t: dt.datetime | None) -> str | None:
    """A wall-clock time as ISO 8601 with its offset, to the millisecond (None stays None)."""
    return None if t is None else t.astimezone().isoformat(timespec="milliseconds")


def command_record(command: Command) -> str | list[str] | None:
    """A command as the manifest stores it: text as given, an argv as a list of strings."""
    if isinstance(command, str | None):
        return command
    return [str(c) for c in command]


def provenance(
    command: Command, started: dt.datetime | None, finished: dt.datetime | None
) -> dict[str, Any]:
    """``command``, ``cwd``, ``started_at``, ``finished_at`` and ``written_at`` (now)."""
    return {
        "command": command_record(command),
        "cwd": os.getcwd(),
        "started_at": iso_time(started),
        "finished_at": iso_time(finished),
        "written_at": iso_time(dt.datetime.now().astimezone()),
    }


def environment(extra_packages: Sequence[str] = ()) -> dict[str, Any]:
    """``versions`` (:func:`package_versions`), ``platform`` and ``git_commit``."""
    return {
        "versions": package_versions(extra_packages),
        "platform": platform.platform(),
        "git_commit": git_commit(),
    }


def build_manifest(result: RunRecord, run_id: str, command: Command) -> dict[str, Any]:
    """Everything needed to reproduce the run, as JSON-ready data.

    ``scenario`` is the resolved scenario (``model_dump(mode='json')``) and
    ``scenario_sha256`` the SHA-256 of its canonical JSON. ``seed``, ``replicates``,
    ``chunk_size``, ``record`` and ``sweep`` are what actually ran (command-line
    overrides included; ``scenario.run`` keeps the file's values), so ::

        sim.run(Scenario.model_validate(m["scenario"]), replicates=m["replicates"],
                seed=m["seed"], chunk_size=m["chunk_size"], record=m["record"],
                sweep=m["sweep"]["sets"])

    repeats the run exactly, on any number of workers or backend. ``seeds`` spells out
    the seed scheme (the ensemble's, from the experiment layer), ``sampling`` how
    uncertain parameters were drawn, ``execution`` how it ran (backend, workers, wall
    time, resumes: none of it changes a number). Also: the run-id, scenario file, steps
    and dates, command line, working folder, wall-clock start/end (ISO 8601 with offset),
    package versions, platform, git commit and the size and SHA-256 of every other file
    of the folder (``files``, filled when the folder is published).
    """
    scenario = result.scenario
    ens = result.ensemble
    source = result.source
    stats = result.stats
    execution: dict[str, Any] = {}
    if stats is not None:
        execution = {
            "backend": stats.backend,
            "workers": stats.workers,
            "chunks": stats.chunks,
            "chunks_from_earlier_attempts": stats.skipped,
            "seconds": round(stats.seconds, 3),
        }
    if result.resumed:
        execution["resumed"] = result.resumed
    return {
        "format": formats.RUN,
        "format_version": MANIFEST_FORMAT,
        "run_id": run_id,
        "scenario_name": scenario.name,
        "scenario_file": None if source is None else str(Path(source).resolve()),
        "scenario_sha256": scenario_sha256(scenario),
        "seed": int(ens.seed),
        "replicates": int(ens.replicates),
        "steps": int(ens.steps),
        "dates": {"start": ens.dates[0].isoformat(), "end": ens.dates[-1].isoformat()},
        "chunk_size": int(ens.chunk_size),
        "record": ens.record,
        "recorded_steps": list(ens.recorded_steps),
        # What the scenario keeps but will not do in this run (an event after its end).
        "notes": [f"{format_path(path)}: {message}" for path, message in event_notes(scenario)],
        "seeds": ens.seeds,
        "sampling": ens.sampling,
        "sweep": {
            "keys": list(ens.sweep_keys),
            "points": [dict(p.values) for p in ens.points] if ens.is_sweep else [],
            "sets": dict(result.sweep_sets or {}),
        },
        **provenance(command, result.started_at, result.finished_at),
        "execution": execution,
        **environment(),
        "files": {},
        "scenario": scenario_dump(scenario),
    }


def load_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a result folder."""
    return json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
