"""Event records: every firing of every event, how often each fired, and when.

- :func:`firings_from_log`: a model's ``event_log`` as :data:`EventFirings` (name ->
  (step, replicate) rows), the form chunks carry and ensembles keep;
- :func:`event_table`: per event, in how many replicates it fired (Wilson 95% interval),
  firings per replicate, and when it first fired;
- :func:`event_cumulative`: the share of replicates in which each event has fired, step
  by step (the report's chart);
- :func:`events_frame` and :func:`write_events`: ``events.parquet``, one row per firing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.results.intervals import wilson_interval
from sim.results.views import EnsembleView, EventFirings, Run, step_labels_of
from sim.scenario import Scenario

if TYPE_CHECKING:
    import pyarrow as pa

EVENT_COLUMNS = ["event", "replicate", "step", "date", "period"]
"""Columns of ``events.parquet`` (after ``point`` in a sweep): one row per firing."""

EVENT_TABLE_COLUMNS = [
    "event",
    "description",
    "trigger",
    "replicates_fired",
    "share_fired",
    "ci_low",
    "ci_high",
    "mean_firings",
    "median_first_step",
    "median_first_date",
    "median_first_period",
    "replicates",
]


def firings_from_log(log: Sequence[tuple[str, int, Any]], first_replicate: int = 0) -> EventFirings:
    """A model's ``event_log`` (event name, step, replicate indices within the model) as
    :data:`EventFirings`, the replicates shifted by ``first_replicate`` (the chunk's first
    replicate in the ensemble). Rows keep the order of the log; events are listed in the
    order they first fired."""
    parts: dict[str, list[np.ndarray]] = {}
    for name, step, replicates in log:
        reps = np.asarray(replicates, dtype=np.int64).reshape(-1) + int(first_replicate)
        rows = np.empty((len(reps), 2), dtype=np.int32)
        rows[:, 0] = int(step)
        rows[:, 1] = reps
        parts.setdefault(str(name), []).append(rows)
    return {name: np.concatenate(rows, axis=0) for name, rows in parts.items()}


def event_firings_of(model: Run) -> EventFirings:
    """Event name -> (K, 2) (step, replicate) rows; {} for a model that records none.

    An ensemble point carries its firings; a finished model has its ``event_log``.
    """
    firings = getattr(model, "event_firings", None)
    if firings is not None:
        return dict(firings)
    log = getattr(model, "event_log", None) or ()
    names = [str(n) for n in getattr(getattr(model, "spec", None), "events", None) or {}]
    found = firings_from_log(log)
    empty = np.empty((0, 2), dtype=np.int32)
    return {n: found.get(n, empty) for n in dict.fromkeys([*names, *found])}


def first_firings(model: Run) -> dict[str, np.ndarray]:
    """Event name -> (R,) int64: the step at which the event first fired in each replicate,
    -1 where it never fired."""
    r = int(model.replicates)
    out = {}
    for name, rows in event_firings_of(model).items():
        first = np.full(r, np.iinfo(np.int64).max, dtype=np.int64)
        if len(rows):
            np.minimum.at(first, rows[:, 1].astype(np.intp), rows[:, 0].astype(np.int64))
        first[first == np.iinfo(np.int64).max] = -1
        out[name] = first
    return out


def event_table(model: Run, scenario: Scenario | None = None) -> pd.DataFrame:
    """How often each event fired across the replicates of a run (one sweep point).

    One row per event (the scenario's, in its order, then any other that fired):
    ``event``, ``description``, ``trigger`` ('scheduled', 'conditional', 'random' or 'repeating'),
    ``replicates_fired`` (in how many replicates it fired at least once), ``share_fired``
    (that share of all replicates, with its Wilson 95% interval ``ci_low`` / ``ci_high``),
    ``mean_firings`` (firings per replicate, over all replicates: above the share when it
    recurs), ``median_first_step``, ``median_first_date`` and ``median_first_period``
    (when it first fired, the median over the replicates in which it fired; empty if it
    never fired) and ``replicates`` (R). A scheduled event fires in every replicate at
    its step. The date is the model's date of that step, the first day *after* it (an
    event at 2016-07-01 of a quarterly run from 2014-01-01: step 11, 2016-10-01); the
    period is the step's own ('2016-Q3'), the one to show people.
    """
    spec = scenario if scenario is not None else getattr(model, "spec", None)
    events = getattr(spec, "events", None) or {}
    r = int(model.replicates)
    counts = {name: len(rows) for name, rows in event_firings_of(model).items()}
    firsts = first_firings(model)
    names = list(firsts)
    fired = [firsts[n][firsts[n] >= 0] for n in names]
    n_fired = np.array([len(f) for f in fired], dtype=np.int64)
    medians = [int(np.quantile(f, 0.5, method="inverted_cdf")) if len(f) else None for f in fired]
    low, high = wilson_interval(n_fired, r)
    share = n_fired / r if r else np.full(len(names), np.nan)
    dates = list(model.dates)
    labels = step_labels_of(model)
    return pd.DataFrame(
        {
            "event": pd.Series(names, dtype=object),
            "description": pd.Series(
                [getattr(events.get(n), "description", "") or "" for n in names], dtype=object
            ),
            "trigger": pd.Series(
                [str(getattr(events.get(n), "trigger", "")) for n in names], dtype=object
            ),
            "replicates_fired": n_fired,
            "share_fired": share,
            "ci_low": low,
            "ci_high": high,
            "mean_firings": np.array([counts[n] / r if r else np.nan for n in names]),
            "median_first_step": pd.array(medians, dtype="Int64"),
            "median_first_date": pd.Series(
                [pd.NaT if m is None else pd.Timestamp(dates[m]) for m in medians],
                dtype="datetime64[ms]",
            ),
            "median_first_period": pd.Series(
                [None if m is None else labels[m] for m in medians], dtype=object
            ),
            "replicates": np.full(len(names), r, dtype=np.int64),
        },
        columns=EVENT_TABLE_COLUMNS,
    )


def event_cumulative(model: Run) -> pd.DataFrame:
    """Share of replicates in which each event has fired at least once, step by step.

    Long format: ``event``, ``step``, ``date`` (the model's date of the step: the first
    day after it), ``period`` (the step's period, '2016-Q3'; 'start' for step 0),
    ``share_fired`` (one row per event and step, 0 .. steps), for the report's chart.
    """
    r = int(model.replicates)
    steps = len(model.dates)
    when = pd.to_datetime(pd.Series(list(model.dates))).astype("datetime64[ms]").to_numpy()
    labels = np.array(step_labels_of(model), dtype=object)
    frames = []
    for name, first in first_firings(model).items():
        counts = np.bincount(first[first >= 0], minlength=steps)[:steps]
        frames.append(
            pd.DataFrame(
                {
                    "event": pd.Series([name] * steps, dtype=object),
                    "step": np.arange(steps, dtype=np.int32),
                    "date": when,
                    "period": labels,
                    "share_fired": np.cumsum(counts) / r if r else np.nan,
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "event": pd.Series([], dtype=object),
                "step": np.array([], dtype=np.int32),
                "date": np.array([], dtype="datetime64[ms]"),
                "period": pd.Series([], dtype=object),
                "share_fired": np.array([], dtype=np.float64),
            }
        )
    return pd.concat(frames, ignore_index=True)


def events_schema(sweep: bool) -> pa.Schema:
    """The pyarrow schema of ``events.parquet`` (the same whether or not anything fired)."""
    import pyarrow as pa  # deferred: only writing files needs it (start-up speed)

    fields = [pa.field("point", pa.int32())] if sweep else []
    fields += [
        pa.field("event", pa.dictionary(pa.int32(), pa.string())),
        pa.field("replicate", pa.int32()),
        pa.field("step", pa.int32()),
        pa.field("date", pa.timestamp("ms")),
        pa.field("period", pa.dictionary(pa.int32(), pa.string())),
    ]
    return pa.schema(fields)


def events_frame(ensemble: EnsembleView) -> pd.DataFrame:
    """Every event firing of the run: one row per event, replicate and step it fired in.

    Columns: ``point`` (int32, only in a sweep), ``event`` (categorical of the event
    names: the scenario's, in its order, then any other that fired), ``replicate``
    (int32, the ensemble's numbering, as in trajectories.parquet), ``step`` (int32, the
    step at whose start it applied; 1 is the first), ``date`` (datetime64[ms], the
    model's date of that step: the first day after it, as in trajectories.parquet) and
    ``period`` (categorical, the step's period as people name it: '2016-Q3' for an event
    at 2016-07-01 in quarterly steps). Rows are ordered by point, replicate, step and
    event. The frame has these columns even when nothing fired.
    """
    sweep = bool(ensemble.is_sweep)
    per_point = [
        ensemble.points[k].event_firings(ensemble.event_names) for k in range(len(ensemble.points))
    ]
    names = list(dict.fromkeys([*ensemble.event_names, *(n for f in per_point for n in f)]))
    code = {name: k for k, name in enumerate(names)}
    dates = np.array(ensemble.dates, dtype="datetime64[D]").astype("datetime64[ms]")
    cols: dict[str, list[np.ndarray]] = {"point": [], "event": [], "replicate": [], "step": []}
    for k, firings in enumerate(per_point):
        for name, rows in firings.items():
            n = len(rows)
            cols["point"].append(np.full(n, k, dtype=np.int32))
            cols["event"].append(np.full(n, code[name], dtype=np.int32))
            cols["step"].append(rows[:, 0].astype(np.int32))
            cols["replicate"].append(rows[:, 1].astype(np.int32))
    joined = {
        key: np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
        for key, parts in cols.items()
    }
    order = np.lexsort((joined["event"], joined["step"], joined["replicate"], joined["point"]))
    data: dict[str, Any] = {}
    if sweep:
        data["point"] = joined["point"][order]
    data["event"] = pd.Categorical.from_codes(joined["event"][order], categories=names)
    data["replicate"] = joined["replicate"][order]
    data["step"] = joined["step"][order]
    data["date"] = dates[joined["step"][order]]
    # Step 0 (the start) never fires: the categories are the periods of steps 1..T.
    data["period"] = pd.Categorical.from_codes(
        joined["step"][order] - 1, categories=step_labels_of(ensemble)[1:]
    )
    return pd.DataFrame(data)


def write_events(path: Path, frame: pd.DataFrame) -> int:
    """Write :func:`events_frame` to Parquet with its fixed schema; return the row count."""
    import pyarrow as pa  # deferred: only writing files needs it (start-up speed)
    import pyarrow.parquet as pq

    schema = events_schema("point" in frame.columns)
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    pq.write_table(table, path, compression="zstd")
    return len(frame)
