"""The manifest and the id of a comparison's folder (``results/compare/<id>/``): what
was compared and how, as JSON-ready data, from the pieces of the one manifest builder
(:mod:`sim.results.manifest`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from sim.analysis.comparison import Comparison
from sim.experiment.tasks import SEED_SCHEME
from sim.results import formats
from sim.results.manifest import (
    Command,
    git_commit,
    package_versions,
    provenance,
    scenario_dump,
    scenario_sha256,
)
from sim.scenario.dyads import Dyad

COMPARISON_FORMAT = 1
"""Version of the comparison manifest's layout."""


def comparison_id_base(comparison: Comparison) -> str:
    """``YYYYmmdd-HHMMSS-<6 hex>``: start time, and a digest of the scenarios' hashes (in
    order), the seed and the replicates."""
    started = comparison.started_at or dt.datetime.now().astimezone()
    hashes = [scenario_sha256(e.scenario) for e in comparison.entries]
    key = ":".join([*hashes, str(comparison.seed), str(comparison.replicates)])
    digest = hashlib.sha256(key.encode()).hexdigest()[:6]
    return f"{started.astimezone().strftime('%Y%m%d-%H%M%S')}-{digest}"


def comparison_manifest(
    comparison: Comparison, comparison_id: str, command: Command
) -> dict[str, Any]:
    """What was compared and how, as JSON-ready data (``manifest.json``).

    Each scenario's label, file, SHA-256 and resolved content; the common seed,
    replicates, chunk size and seed scheme; the shared and left-out dyads; the notes;
    the command, times, package versions and the files of the folder.
    """
    dates = comparison.dates
    return {
        "format": formats.COMPARISON,
        "format_version": COMPARISON_FORMAT,
        "comparison_id": comparison_id,
        "reference": comparison.reference,
        "scenarios": [
            {
                "label": e.label,
                "name": e.scenario.name,
                "file": None if e.source is None else str(Path(e.source).resolve()),
                "scenario_sha256": scenario_sha256(e.scenario),
            }
            for e in comparison.entries
        ],
        "seed": comparison.seed,
        "replicates": comparison.replicates,
        "chunk_size": comparison.chunk_size,
        "steps": len(dates) - 1,
        "dates": {"start": dates[0].isoformat(), "end": dates[-1].isoformat()},
        "seeds": {
            "scheme": SEED_SCHEME,
            "shared": "every scenario uses these seeds: replicate r draws the same random "
            "numbers in each (common random numbers)",
        },
        "shared_dyads": [str(Dyad(a, b)) for a, b in comparison.shared],
        "left_out_dyads": comparison.left_out,
        "notes": list(comparison.notes),
        **provenance(command, comparison.started_at, comparison.finished_at),
        "execution": {
            "backend": comparison.backend,
            "seconds": round(sum(s.seconds for s in comparison.stats), 3),
            "chunks": sum(s.chunks for s in comparison.stats),
        },
        "versions": package_versions(),
        "git_commit": git_commit(),
        "files": {},
        "resolved": {e.label: scenario_dump(e.scenario) for e in comparison.entries},
    }


CSV_FILES = {
    "bands.csv": "bands",
    "end_states.csv": "end_states",
    "differences.csv": "differences",
    "blocs.csv": "transitions",
    "events.csv": "events",
    "largest_differences.csv": "largest",
}
"""The CSV files of a comparison folder and the frame each holds."""
