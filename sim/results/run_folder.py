"""A run's result folder: ``results/<scenario>/<run-id>/``.

It holds ``trajectories.parquet`` (streamed one chunk of replicates at a time with a
pyarrow ParquetWriter, so memory does not grow with the number of replicates),
``outcomes.csv`` (:mod:`sim.results.outcomes_csv`), ``events.parquet``
(:mod:`sim.results.events`), ``parameters.parquet`` when the scenario samples uncertain
parameters, any further files the caller supplies (the command line and :func:`sim.save`
add ``report.html``, which the presentation layer renders) and ``manifest.json``
(:mod:`sim.results.manifest`). It is published by
:func:`sim.results.publish.publish_folder`: complete or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.results.events import events_frame, write_events
from sim.results.frames import ensemble_batches, parameters_frame
from sim.results.manifest import Command, build_manifest, scenario_sha256
from sim.results.outcomes_csv import write_outcomes_csv
from sim.results.publish import publish_folder, run_id_base_for, safe_folder_name
from sim.results.views import RunRecord

if TYPE_CHECKING:
    import pyarrow.parquet as pq

FileWriter = Callable[[Path, dict[str, Any]], object]
"""``writer(path, manifest)``: writes one further file of a run folder (the report, say);
``manifest`` is the run's manifest so far (without ``files``)."""


def run_id_base(result: RunRecord) -> str:
    """The run-id of a result: from its start time, scenario hash and seed."""
    started = result.started_at or dt.datetime.now().astimezone()
    return run_id_base_for(started, scenario_sha256(result.scenario), result.ensemble.seed)


def write_trajectories(path: Path, batches: Iterator[pd.DataFrame]) -> int:
    """Stream DataFrames (same columns) into one Parquet file; return the row count.

    Each batch becomes one or more row groups (pyarrow ParquetWriter), so only one batch
    is in memory at a time.
    """
    import pyarrow as pa  # deferred: only writing files needs it (start-up speed)
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    rows = 0
    try:
        for frame in batches:
            if writer is None:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            else:
                table = pa.Table.from_pandas(frame, schema=writer.schema, preserve_index=False)
            writer.write_table(table)
            rows += len(frame)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise ValueError("no trajectories to write")
    return rows


def write_run(
    result: RunRecord,
    results_root: str | os.PathLike[str],
    command: Command = None,
    files: Mapping[str, FileWriter] | None = None,
) -> Path:
    """Write a run's result folder and return its path.

    ``result`` is a :class:`sim.api.RunResult` (scenario, ensemble, times). The folder
    is ``<results_root>/<scenario name>/<run-id>``, run-id ``YYYYmmdd-HHMMSS-<6 hex>``
    (start time; digest of scenario hash and seed; ``result.run_id`` if set) with
    ``-2``, ``-3`` ... appended if taken; it is written by
    :func:`~sim.results.publish.publish_folder` (complete or not at all, never over an
    existing folder).

    ``trajectories.parquet`` is streamed one chunk at a time from wherever the chunks'
    histories are (memory or the partial run folder's chunk files); ``events.parquet``
    holds every event firing (written even when none fired). ``files`` maps the names of
    further files to their writers (``report.html``: this layer does not render pages);
    an error in one leaves no folder behind.
    """
    ens = result.ensemble
    folder = Path(results_root) / safe_folder_name(result.scenario.name)
    base = result.run_id or run_id_base(result)
    extra = dict(files or {})

    def fill(tmp: Path, run_id: str) -> tuple[dict[str, Any], list[str]]:
        names = ["trajectories.parquet", "outcomes.csv", "events.parquet", *extra]
        write_trajectories(tmp / "trajectories.parquet", ensemble_batches(ens))
        write_outcomes_csv(tmp / "outcomes.csv", result.outcomes, result.dyad_stats, ens.sweep_keys)
        write_events(tmp / "events.parquet", events_frame(ens))
        params = parameters_frame(ens)
        if len(params):
            params.to_parquet(
                tmp / "parameters.parquet", engine="pyarrow", index=False, compression="zstd"
            )
            names.append("parameters.parquet")
        manifest = build_manifest(result, run_id, command)
        for name, writer in extra.items():
            writer(tmp / name, manifest)
        return manifest, names

    return publish_folder(folder, base, fill)
