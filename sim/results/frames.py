"""Tidy frames of a run and the files a run leaves behind.

Frames (pure: model or ensemble in, DataFrame out):

- :func:`trajectories_frame`: every recorded relation of every dyad in every replicate,
  one row each (the raw material of every figure and analysis); :func:`history_frame`
  builds the same rows for one chunk of replicates.
- :func:`outcome_table`: how likely each named end-state is, with a Wilson 95% interval.
- :func:`dyad_end_table`: where each dyad ends up across replicates (quantiles, bands).
- :func:`sweep_table`: per sweep point, end-state probabilities and dyad end medians.

They read a "model": a finished :class:`~sim.model.model.AlignmentModel`, or one point of an
ensemble (:class:`sim.experiment.collect.PointView`), which has the same attributes plus
``starts`` and ``ends`` (every replicate's relations at the first and last step) so that
the tables never need every history in memory.

Events (:func:`events_frame`, :func:`event_table`, :func:`event_cumulative`): every
firing of every event (event, replicate, step), how often each fired and when.

Files (:func:`write_run`): ``results/<scenario>/<run-id>/`` holding
``trajectories.parquet``, ``outcomes.csv``, ``events.parquet``, ``report.html`` and
``manifest.json`` (and ``parameters.parquet`` when the scenario samples uncertain
parameters). :func:`publish_folder` is the machinery (also used for comparisons). A result folder
is never overwritten and never half-written: everything is written into a hidden sibling
``.<run-id>.tmp-<pid>`` that is renamed to ``<run-id>`` only once complete.
``trajectories.parquet`` is written one chunk of replicates at a time
(pyarrow ParquetWriter), so memory does not grow with the number of replicates.

``outcomes.csv`` is one tidy table holding both the end-states and the dyads: its
``kind`` column says which ('end_state' or 'dyad'); the columns of one kind are empty
(NaN) on the rows of the other. In a sweep, ``point`` and one column per swept parameter
come first and every point has its rows. ``read_outcomes_csv`` splits it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.model.outcomes import BAND_NAMES, band_codes, evaluate_outcomes, relation_matrices

MANIFEST_FORMAT = 2
"""Version of the manifest layout; bump when a field changes meaning."""

Z95 = 1.959963984540054
"""The standard normal quantile of 0.975, for 95% intervals."""

QUANTILES = {"p05": 0.05, "p25": 0.25, "end_median": 0.5, "p75": 0.75, "p95": 0.95}

OUTCOME_COLUMNS = [
    "outcome",
    "description",
    "probability",
    "count",
    "ci_low",
    "ci_high",
    "replicates",
]
DYAD_COLUMNS = [
    "dyad",
    "actor_a",
    "actor_b",
    "start",
    "end_mean",
    "end_median",
    "p05",
    "p25",
    "p75",
    "p95",
    *[f"share_{b}" for b in BAND_NAMES],
    "modal_band",
    "replicates",
]

EVENT_COLUMNS = ["event", "replicate", "step", "date"]
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
    "replicates",
]

STALE_TMP_SECONDS = 24 * 3600
"""Hidden temporary folders older than this are left-overs of interrupted writes."""

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


# --------------------------------------------------------------------------- helpers


def _bands(model: Any, bands: Any = None) -> Any:
    """The band bounds to use: given, else the model's scenario's, else the defaults."""
    if bands is not None:
        return bands
    for attr in ("spec", "scenario_spec", "scenario"):
        spec = getattr(model, attr, None)
        if spec is not None and hasattr(spec, "bands"):
            return spec.bands
    from sim.scenario.schema import Bands

    return Bands()


def _history(model: Any) -> np.ndarray:
    hist = np.asarray(model.history, dtype=np.float64)
    if hist.ndim != 3 or hist.shape[2] != len(model.dyads):
        raise ValueError(f"model.history should be (S, R, D), got {hist.shape}")
    return hist


def starts_of(model: Any) -> np.ndarray:
    """(R, D): every replicate's relations at step 0."""
    starts = getattr(model, "starts", None)
    return np.asarray(starts if starts is not None else _history(model)[0], dtype=np.float64)


def ends_of(model: Any) -> np.ndarray:
    """(R, D): every replicate's relations at the last step."""
    ends = getattr(model, "ends", None)
    return np.asarray(ends if ends is not None else _history(model)[-1], dtype=np.float64)


def recorded_steps_of(model: Any) -> list[int]:
    """The steps kept per replicate (every step unless a record mode says otherwise)."""
    steps = getattr(model, "recorded_steps", None)
    if steps is None:
        return list(range(_history(model).shape[0]))
    return [int(s) for s in steps]


def seed_of(model: Any) -> int:
    """The integer seed of a model or ensemble (a SeedSequence's entropy)."""
    seed = model.seed
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.entropy)  # type: ignore[arg-type]
    return int(seed)


def dyad_labels(model: Any) -> list[str]:
    """'A-B' for every dyad of the model, in its order (ids, lower index first)."""
    ids = model.actor_ids
    return [f"{ids[i]}-{ids[j]}" for i, j in model.dyads]


def end_relations(model: Any) -> np.ndarray:
    """The (R, N, N) relation matrices at the last step (diagonal NaN)."""
    return relation_matrices(ends_of(model), len(model.actor_ids), model.dyads)


def wilson_interval(successes: Any, n: int, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial share ``successes / n`` (default 95%).

    Unlike the normal approximation it stays inside [0, 1] and is sensible at 0 and n.
    """
    k = np.asarray(successes, dtype=np.float64)
    if n <= 0:
        nan = np.full(k.shape, np.nan)
        return nan, nan
    p = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return low, high


# --------------------------------------------------------------------------- frames


def history_frame(
    history: np.ndarray,
    recorded_steps: Sequence[int],
    dates: Sequence[dt.date],
    actor_ids: Sequence[str],
    dyads: Sequence[tuple[int, int]],
    bands: Any,
    first_replicate: int = 0,
    point: int | None = None,
    values: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The long-format rows of one (S, R, D) block of history (see trajectories_frame).

    ``first_replicate`` numbers the block's replicates; with ``point`` (a sweep), the
    columns ``point`` and one per swept parameter (``values``) come first.
    """
    hist = np.asarray(history, dtype=np.float64)
    s, r, d = hist.shape
    steps = np.asarray(recorded_steps, dtype=np.int32)
    if len(steps) != s:
        raise ValueError(f"{len(steps)} recorded steps for a history of {s} steps")
    values_flat = np.ascontiguousarray(hist.transpose(1, 0, 2)).reshape(-1)
    slot_of_row = np.tile(np.repeat(np.arange(s, dtype=np.intp), d), r)
    dyad_of_row = np.tile(np.arange(d, dtype=np.intp), r * s)
    ids = list(actor_ids)
    a_idx = np.array([i for i, _ in dyads], dtype=np.int32)
    b_idx = np.array([j for _, j in dyads], dtype=np.int32)
    all_dates = np.array(dates, dtype="datetime64[D]").astype("datetime64[ms]")
    if int(steps.max(initial=0)) >= len(all_dates):
        raise ValueError(f"{len(all_dates)} dates for steps up to {int(steps.max())}")
    columns: dict[str, Any] = {}
    n = r * s * d
    if point is not None:
        columns["point"] = np.full(n, point, dtype=np.int32)
        for key, value in (values or {}).items():
            columns[key] = np.full(n, float(value), dtype=np.float64)
    columns.update(
        {
            "replicate": np.repeat(
                np.arange(first_replicate, first_replicate + r, dtype=np.int32), s * d
            ),
            "step": steps[slot_of_row],
            "date": all_dates[steps][slot_of_row],
            "actor_a": pd.Categorical.from_codes(a_idx[dyad_of_row], categories=ids),
            "actor_b": pd.Categorical.from_codes(b_idx[dyad_of_row], categories=ids),
            "relation": values_flat,
            "band": pd.Categorical.from_codes(
                band_codes(values_flat, bands), categories=BAND_NAMES, ordered=True
            ),
        }
    )
    return pd.DataFrame(columns)


def trajectories_frame(model: Any, bands: Any = None) -> pd.DataFrame:
    """Relations in long format: one row per replicate, recorded step and dyad.

    Columns: ``replicate`` (int32, 0..R-1), ``step`` (int32, 0 = run start), ``date``
    (datetime64[ms], the date of the step), ``actor_a`` and ``actor_b`` (categoricals of
    actor ids in scenario order; a < b in that order), ``relation`` (float64 in [-1, 1],
    -1 hostile ... +1 allied) and ``band`` (ordered categorical hostile < ... < allied,
    see :mod:`sim.model.outcomes`). Rows are ordered by replicate, step, dyad. The steps are
    the model's recorded steps (every step with record mode 'full').

    ``bands`` defaults to the bands of the model's scenario (``model.spec``).
    ``date`` is millisecond-resolution so that long runs do not overflow nanoseconds
    and it survives a Parquet round trip unchanged.
    """
    return history_frame(
        _history(model),
        recorded_steps_of(model),
        model.dates,
        model.actor_ids,
        model.dyads,
        _bands(model, bands),
    )


def ensemble_batches(ensemble: Any, bands: Any = None) -> Iterator[pd.DataFrame]:
    """The rows of ``trajectories.parquet``, one chunk of replicates at a time, in order.

    Without a sweep the columns are those of :func:`trajectories_frame`; in a sweep,
    ``point`` and one column per swept parameter come first.
    """
    b = bands if bands is not None else ensemble.spec.bands
    sweep = ensemble.is_sweep
    for key, first, history in ensemble.history_chunks():
        point = ensemble.points[key.point]
        yield history_frame(
            history,
            ensemble.recorded_steps,
            ensemble.dates,
            ensemble.actor_ids,
            ensemble.dyads,
            b,
            first_replicate=first,
            point=key.point if sweep else None,
            values={k: point.values.get(k, np.nan) for k in ensemble.sweep_keys},
        )


def outcome_holds(scenario: Any, model: Any) -> dict[str, np.ndarray]:
    """Whether each named end-state of ``scenario`` holds at the end of each replicate:
    outcome name -> (R,) bool, in scenario order."""
    ends = ends_of(model)
    return evaluate_outcomes(
        scenario, model.actor_ids, relation_matrices(ends, len(model.actor_ids), model.dyads)
    )


def outcome_table(scenario: Any, model: Any) -> pd.DataFrame:
    """End-state probabilities: how often each named end-state holds at the end.

    One row per scenario outcome, in scenario order: ``outcome`` (its name),
    ``description``, ``probability`` (share of replicates where it holds), ``count``
    (how many), ``ci_low`` / ``ci_high`` (Wilson 95% interval of the probability) and
    ``replicates`` (R).
    """
    r = ends_of(model).shape[0]
    holds = outcome_holds(scenario, model)
    names = list(holds)
    counts = np.array([int(holds[n].sum()) for n in names], dtype=np.int64)
    low, high = wilson_interval(counts, r)
    return pd.DataFrame(
        {
            "outcome": pd.Series(names, dtype=object),
            "description": pd.Series(
                [scenario.outcomes[n].description for n in names], dtype=object
            ),
            "probability": counts / r if r else np.full(len(names), np.nan),
            "count": counts,
            "ci_low": low,
            "ci_high": high,
            "replicates": np.full(len(names), r, dtype=np.int64),
        },
        columns=OUTCOME_COLUMNS,
    )


def dyad_end_table(model: Any, scenario: Any = None) -> pd.DataFrame:
    """Where each dyad starts and ends, across replicates.

    One row per dyad (model order): ``dyad`` ('A-B'), ``actor_a``, ``actor_b``,
    ``start`` (mean relation at step 0), ``end_mean``, ``end_median`` and the quantiles
    ``p05``, ``p25``, ``p75``, ``p95`` of the final relation, ``share_<band>`` (share of
    replicates ending in each band), ``modal_band`` (the most common final band; ties go
    to the colder band) and ``replicates``. Bands come from ``scenario`` (else the
    model's scenario).
    """
    end = ends_of(model)  # (R, D)
    r, d = end.shape
    bands = _bands(model, scenario.bands if scenario is not None else None)
    codes = band_codes(end, bands)
    shares = np.stack([(codes == k).mean(axis=0) for k in range(len(BAND_NAMES))], axis=1)
    q = np.quantile(end, list(QUANTILES.values()), axis=0)  # (5, D)
    ids = model.actor_ids
    frame: dict[str, Any] = {
        "dyad": pd.Series(dyad_labels(model), dtype=object),
        "actor_a": pd.Series([ids[i] for i, _ in model.dyads], dtype=object),
        "actor_b": pd.Series([ids[j] for _, j in model.dyads], dtype=object),
        "start": starts_of(model).mean(axis=0),
        "end_mean": end.mean(axis=0),
    }
    for k, name in enumerate(QUANTILES):
        frame[name] = q[k]
    for k, band in enumerate(BAND_NAMES):
        frame[f"share_{band}"] = shares[:, k]
    frame["modal_band"] = pd.Series([BAND_NAMES[k] for k in shares.argmax(axis=1)], dtype=object)
    frame["replicates"] = np.full(d, r, dtype=np.int64)
    return pd.DataFrame(frame, columns=DYAD_COLUMNS)


def _with_point(frame: pd.DataFrame, index: int, values: dict[str, float], keys: Sequence[str]):
    front = pd.DataFrame(
        {"point": np.full(len(frame), index, dtype=np.int64)}
        | {k: np.full(len(frame), float(values.get(k, np.nan))) for k in keys},
        index=frame.index,
    )
    return pd.concat([front, frame], axis=1)


def per_point(ensemble: Any, table: str) -> pd.DataFrame:
    """:func:`outcome_table` ('outcomes'), :func:`dyad_end_table` ('dyads') or
    :func:`event_table` ('events') of every sweep point, stacked, with ``point`` and the
    swept values as leading columns."""
    frames = []
    for k, summary in enumerate(ensemble.points):
        view = ensemble.point(k)
        if table == "outcomes":
            t = outcome_table(ensemble.spec, view)
        elif table == "events":
            t = event_table(view, ensemble.spec)
        else:
            t = dyad_end_table(view, ensemble.spec)
        frames.append(_with_point(t, k, summary.values, ensemble.sweep_keys))
    return pd.concat(frames, ignore_index=True)


def sweep_table(ensemble: Any) -> pd.DataFrame:
    """One row per sweep point: ``point``, the swept values, ``p_<end-state>`` (the
    probability of each named end-state), ``median_<A-B>`` (each dyad's end median) and
    ``fired_<event>`` (the share of replicates in which each event fired at least once)."""
    rows = []
    for k, summary in enumerate(ensemble.points):
        view = ensemble.point(k)
        row: dict[str, Any] = {"point": k}
        row.update({key: summary.values.get(key, np.nan) for key in ensemble.sweep_keys})
        for rec in outcome_table(ensemble.spec, view).itertuples(index=False):
            row[f"p_{rec.outcome}"] = rec.probability
        medians = np.median(view.ends, axis=0)
        for label, value in zip(dyad_labels(view), medians, strict=True):
            row[f"median_{label}"] = float(value)
        for rec in event_table(view, ensemble.spec).itertuples(index=False):
            row[f"fired_{rec.event}"] = rec.share_fired
        rows.append(row)
    return pd.DataFrame(rows)


def _event_firings(model: Any) -> dict[str, np.ndarray]:
    """Event name -> (K, 2) (step, replicate) rows; {} for a model that records none."""
    firings = getattr(model, "event_firings", None)
    if firings is not None:
        return dict(firings)
    from sim.experiment.tasks import firings_from_log

    log = getattr(model, "event_log", None) or ()
    names = [str(n) for n in getattr(getattr(model, "spec", None), "events", None) or {}]
    found = firings_from_log(log)
    empty = np.empty((0, 2), dtype=np.int32)
    return {n: found.get(n, empty) for n in dict.fromkeys([*names, *found])}


def first_firings(model: Any) -> dict[str, np.ndarray]:
    """Event name -> (R,) int64: the step at which the event first fired in each replicate,
    -1 where it never fired."""
    r = int(model.replicates)
    out = {}
    for name, rows in _event_firings(model).items():
        first = np.full(r, np.iinfo(np.int64).max, dtype=np.int64)
        if len(rows):
            np.minimum.at(first, rows[:, 1].astype(np.intp), rows[:, 0].astype(np.int64))
        first[first == np.iinfo(np.int64).max] = -1
        out[name] = first
    return out


def event_table(model: Any, scenario: Any = None) -> pd.DataFrame:
    """How often each event fired across the replicates of a run (one sweep point).

    One row per event (the scenario's, in its order, then any other that fired):
    ``event``, ``description``, ``trigger`` ('scheduled', 'conditional' or 'random'),
    ``replicates_fired`` (in how many replicates it fired at least once), ``share_fired``
    (that share of all replicates, with its Wilson 95% interval ``ci_low`` / ``ci_high``),
    ``mean_firings`` (firings per replicate, over all replicates: above the share when it
    recurs), ``median_first_step`` and ``median_first_date`` (when it first fired, the
    median over the replicates in which it fired; empty if it never fired) and
    ``replicates`` (R). A scheduled event fires in every replicate at its step.
    """
    spec = scenario if scenario is not None else getattr(model, "spec", None)
    events = getattr(spec, "events", None) or {}
    r = int(model.replicates)
    counts = {name: len(rows) for name, rows in _event_firings(model).items()}
    firsts = first_firings(model)
    names = list(firsts)
    fired = [firsts[n][firsts[n] >= 0] for n in names]
    n_fired = np.array([len(f) for f in fired], dtype=np.int64)
    medians = [int(np.quantile(f, 0.5, method="inverted_cdf")) if len(f) else None for f in fired]
    low, high = wilson_interval(n_fired, r)
    share = n_fired / r if r else np.full(len(names), np.nan)
    dates = list(model.dates)
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
            "replicates": np.full(len(names), r, dtype=np.int64),
        },
        columns=EVENT_TABLE_COLUMNS,
    )


def event_cumulative(model: Any) -> pd.DataFrame:
    """Share of replicates in which each event has fired at least once, step by step.

    Long format: ``event``, ``step``, ``date``, ``share_fired`` (one row per event and
    step, 0 .. steps), for the report's chart.
    """
    r = int(model.replicates)
    steps = len(model.dates)
    when = pd.to_datetime(pd.Series(list(model.dates))).astype("datetime64[ms]").to_numpy()
    frames = []
    for name, first in first_firings(model).items():
        counts = np.bincount(first[first >= 0], minlength=steps)[:steps]
        frames.append(
            pd.DataFrame(
                {
                    "event": pd.Series([name] * steps, dtype=object),
                    "step": np.arange(steps, dtype=np.int32),
                    "date": when,
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
                "share_fired": np.array([], dtype=np.float64),
            }
        )
    return pd.concat(frames, ignore_index=True)


def events_schema(sweep: bool) -> Any:
    """The pyarrow schema of ``events.parquet`` (the same whether or not anything fired)."""
    import pyarrow as pa

    fields = [pa.field("point", pa.int32())] if sweep else []
    fields += [
        pa.field("event", pa.dictionary(pa.int32(), pa.string())),
        pa.field("replicate", pa.int32()),
        pa.field("step", pa.int32()),
        pa.field("date", pa.timestamp("ms")),
    ]
    return pa.schema(fields)


def events_frame(ensemble: Any) -> pd.DataFrame:
    """Every event firing of the run: one row per event, replicate and step it fired in.

    Columns: ``point`` (int32, only in a sweep), ``event`` (categorical of the event
    names: the scenario's, in its order, then any other that fired), ``replicate``
    (int32, the ensemble's numbering, as in trajectories.parquet), ``step`` (int32, the
    step at whose start it applied; 1 is the first) and ``date`` (datetime64[ms], that
    step's date). Rows are ordered by point, replicate, step and event. The frame has
    these columns even when nothing fired.
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
    return pd.DataFrame(data)


def write_events(path: Path, frame: pd.DataFrame) -> int:
    """Write :func:`events_frame` to Parquet with its fixed schema; return the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = events_schema("point" in frame.columns)
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    pq.write_table(table, path, compression="zstd")
    return len(frame)


def parameters_frame(ensemble: Any) -> pd.DataFrame:
    """The sampled parameter values of every replicate: ``point`` (in a sweep),
    ``replicate`` and one column per parameter path. Empty without uncertainties."""
    frames = []
    sampled = [p for p in getattr(ensemble.spec, "uncertainties", {}) or {}]
    for k, summary in enumerate(ensemble.points):
        cols = [p for p in sampled if p in summary.parameters]
        if not cols:
            continue
        data: dict[str, Any] = {}
        if ensemble.is_sweep:
            data["point"] = np.full(summary.replicates, k, dtype=np.int32)
        data["replicate"] = np.arange(summary.replicates, dtype=np.int32)
        for p in cols:
            data[p] = summary.parameters[p]
        frames.append(pd.DataFrame(data))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def outcomes_csv_frame(
    end_states: pd.DataFrame, dyads: pd.DataFrame, sweep_keys: Sequence[str] = ()
) -> pd.DataFrame:
    """The single tidy table of ``outcomes.csv``: end-states then dyads, with ``kind``.

    ``kind`` is 'end_state' or 'dyad'; a column that belongs to the other kind is NaN.
    In a sweep (tables from :func:`per_point`), ``point`` and the swept parameters come
    first and rows are ordered by point, then kind.
    """
    lead = ["point", *sweep_keys] if "point" in end_states.columns or sweep_keys else []
    columns = [*lead, "kind", *OUTCOME_COLUMNS, *[c for c in DYAD_COLUMNS if c != "replicates"]]
    parts = [
        frame.assign(kind=kind).reindex(columns=columns)
        for frame, kind in ((end_states, "end_state"), (dyads, "dyad"))
        if len(frame)
    ]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    if lead:
        out = out.sort_values("point", kind="stable").reset_index(drop=True)
        out = out.astype({"point": "int64"})
    # counts stay whole numbers in the CSV ('200', not '200.0'); empty where not applicable
    return out.astype({"count": "Int64", "replicates": "Int64"})


def read_outcomes_csv(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``outcomes.csv`` back into (end-state table, dyad table).

    In a sweep the leading ``point`` and swept-parameter columns are kept.
    """
    df = pd.read_csv(path)
    lead = list(df.columns[: list(df.columns).index("kind")])
    end = df[df["kind"] == "end_state"].reindex(columns=[*lead, *OUTCOME_COLUMNS])
    dy = df[df["kind"] == "dyad"].reindex(columns=[*lead, *DYAD_COLUMNS])
    return end.reset_index(drop=True), dy.reset_index(drop=True)


# --------------------------------------------------------------------------- manifest


def canonical_json(obj: Any) -> bytes:
    """Stable bytes for hashing: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def scenario_dump(scenario: Any) -> dict[str, Any]:
    """The resolved scenario as plain JSON data (what the manifest stores)."""
    return scenario.model_dump(mode="json")


def scenario_sha256(scenario: Any) -> str:
    """SHA-256 of the canonical JSON of the resolved scenario: the scenario's identity."""
    return hashlib.sha256(canonical_json(scenario_dump(scenario))).hexdigest()


def package_versions() -> dict[str, str | None]:
    """Versions of Python and of the packages a result depends on."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in (*VERSIONED_PACKAGES, "alignsim"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _git_commit() -> str | None:
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


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone().isoformat(timespec="milliseconds")


def build_manifest(result: Any, run_id: str, command: Sequence[str] | str | None) -> dict:
    """Everything needed to reproduce the run, as JSON-ready data.

    ``scenario`` is the resolved scenario (``model_dump(mode='json')``) and
    ``scenario_sha256`` the SHA-256 of its canonical JSON. ``seed``, ``replicates``,
    ``chunk_size``, ``record`` and ``sweep`` are what actually ran (command-line
    overrides included; ``scenario.run`` keeps the file's values), so ::

        sim.run(Scenario.model_validate(m["scenario"]), replicates=m["replicates"],
                seed=m["seed"], chunk_size=m["chunk_size"], record=m["record"],
                sweep=m["sweep"]["sets"])

    repeats the run exactly, on any number of workers or backend. ``seeds`` spells out
    the seed scheme, ``sampling`` how uncertain parameters were drawn, ``execution`` how
    it ran (backend, workers, wall time, resumes: none of it changes a number). Also:
    the run-id, scenario file, steps and dates, command line, working folder, wall-clock
    start/end (ISO 8601 with offset), package versions, platform, git commit and the
    size and SHA-256 of every other file of the folder (``files``, filled by write_run).
    """
    from sim.experiment.tasks import SEED_SCHEME

    scenario = result.scenario
    ens = result.ensemble
    source = getattr(result, "source", None)
    if isinstance(command, str | None):
        cmd: Any = command
    else:
        cmd = [str(c) for c in command]
    stats = getattr(result, "stats", None)
    execution: dict[str, Any] = {}
    if stats is not None:
        execution = {
            "backend": stats.backend,
            "workers": stats.workers,
            "chunks": stats.chunks,
            "chunks_from_earlier_attempts": stats.skipped,
            "seconds": round(stats.seconds, 3),
        }
    if getattr(result, "resumed", None):
        execution["resumed"] = result.resumed
    chunks = ens.chunks_per_point
    return {
        "format": "alignsim-run",
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
        "seeds": {
            "scheme": SEED_SCHEME,
            "parameters": {"entropy": int(ens.seed), "spawn_key": [0]},
            "chunks": [
                {"chunk": c, "entropy": int(ens.seed), "spawn_key": [1, c]} for c in range(chunks)
            ],
        },
        "sampling": ens.sampling,
        "sweep": {
            "keys": list(ens.sweep_keys),
            "points": [dict(p.values) for p in ens.points] if ens.is_sweep else [],
            "sets": dict(getattr(result, "sweep_sets", None) or {}),
        },
        "command": cmd,
        "cwd": os.getcwd(),
        "started_at": _iso(getattr(result, "started_at", None)),
        "finished_at": _iso(getattr(result, "finished_at", None)),
        "written_at": _iso(dt.datetime.now().astimezone()),
        "execution": execution,
        "versions": package_versions(),
        "platform": platform.platform(),
        "git_commit": _git_commit(),
        "files": {},
        "scenario": scenario_dump(scenario),
    }


# --------------------------------------------------------------------------- writing


def safe_folder_name(name: str) -> str:
    """A scenario name as a single, harmless folder name (no separators, no leading dot)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".")
    return cleaned[:100] or "scenario"


def run_id_base_for(started: dt.datetime, scenario_hash: str, seed: int) -> str:
    """``YYYYmmdd-HHMMSS-<6 hex>``: local start time and a digest of scenario hash + seed."""
    digest = hashlib.sha256(f"{scenario_hash}:{int(seed)}".encode()).hexdigest()
    return f"{started.astimezone().strftime('%Y%m%d-%H%M%S')}-{digest[:6]}"


def run_id_base(result: Any) -> str:
    """The run-id of a result: from its start time, scenario hash and seed."""
    started = getattr(result, "started_at", None) or dt.datetime.now().astimezone()
    return run_id_base_for(started, scenario_sha256(result.scenario), result.ensemble.seed)


def _clean_stale_tmp(folder: Path, max_age: float = STALE_TMP_SECONDS) -> None:
    """Remove left-overs of interrupted writes (hidden .tmp folders older than a day)."""
    now = time.time()
    for entry in folder.glob(".*.tmp-*"):
        try:
            if entry.is_dir() and now - entry.stat().st_mtime > max_age:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def _candidate_ids(base: str) -> Iterator[str]:
    yield base
    k = 2
    while True:
        yield f"{base}-{k}"
        k += 1


def _make_tmp(folder: Path, base: str) -> Path:
    pid = os.getpid()
    for k in range(1000):
        tmp = folder / (f".{base}.tmp-{pid}" + (f"-{k}" if k else ""))
        try:
            tmp.mkdir()
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary folder in {folder}")  # pragma: no cover


def fsync_path(path: Path) -> None:
    """Flush a file or folder to disk (best effort: some filesystems refuse)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _file_info(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def _write_manifest(tmp: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (tmp / "manifest.json").write_text(text, encoding="utf-8")


def write_trajectories(path: Path, batches: Iterator[pd.DataFrame]) -> int:
    """Stream DataFrames (same columns) into one Parquet file; return the row count.

    Each batch becomes one or more row groups (pyarrow ParquetWriter), so only one batch
    is in memory at a time.
    """
    import pyarrow as pa
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


def publish_folder(
    folder: Path,
    base: str,
    fill: Callable[[Path, str], tuple[dict[str, Any], list[str]]],
    id_key: str = "run_id",
) -> Path:
    """Write a new result folder ``folder/<id>`` completely, or not at all; return it.

    ``<id>`` is ``base``, or ``base-2``, ``base-3`` ... if taken. ``fill(tmp, id)`` writes
    the files into the hidden temporary folder ``tmp`` (``.<base>.tmp-<pid>``) and returns
    the manifest (JSON-ready; its ``id_key`` holds the id) and the names of the files it
    wrote. The size and SHA-256 of each go into the manifest's ``files``, the manifest is
    written as ``manifest.json``, everything is flushed to disk and the folder renamed
    into place. Existing folders are never touched; on any error or interrupt the
    temporary folder is removed. Hidden temporary folders older than a day (left by
    killed processes) are removed on the way. Runs and comparisons both publish this way.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _clean_stale_tmp(folder)
    candidates = _candidate_ids(base)
    run_id = next(c for c in candidates if not (folder / c).exists())
    tmp = _make_tmp(folder, base)
    try:
        manifest, names = fill(tmp, run_id)
        manifest[id_key] = run_id
        files = manifest.setdefault("files", {})
        for name in names:
            files[name] = _file_info(tmp / name)
        _write_manifest(tmp, manifest)
        for name in [*names, "manifest.json"]:
            fsync_path(tmp / name)
        while True:
            final = folder / run_id
            if not final.exists():
                try:
                    os.rename(tmp, final)
                except OSError:
                    # Someone took the name between the check and the rename (a rename
                    # onto an existing non-empty folder fails): take the next one.
                    if not final.exists():
                        raise
                else:
                    fsync_path(folder)
                    return final
            run_id = next(c for c in candidates if not (folder / c).exists())
            manifest[id_key] = run_id
            _write_manifest(tmp, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_run(
    result: Any,
    results_root: str | os.PathLike[str],
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write a run's result folder and return its path.

    ``result`` is a :class:`sim.api.RunResult` (scenario, ensemble, times). The folder
    is ``<results_root>/<scenario name>/<run-id>``, run-id ``YYYYmmdd-HHMMSS-<6 hex>``
    (start time; digest of scenario hash and seed; ``result.run_id`` if set) with
    ``-2``, ``-3`` ... appended if taken; it is written by :func:`publish_folder`
    (complete or not at all, never over an existing folder).

    ``trajectories.parquet`` is streamed one chunk at a time from wherever the chunks'
    histories are (memory or the partial run folder's chunk files); ``events.parquet``
    holds every event firing (:func:`events_frame`; written even when none fired).
    """
    from sim.present import report

    ens = result.ensemble
    folder = Path(results_root) / safe_folder_name(result.scenario.name)
    base = getattr(result, "run_id", None) or run_id_base(result)

    def fill(tmp: Path, run_id: str) -> tuple[dict[str, Any], list[str]]:
        names = ["trajectories.parquet", "outcomes.csv", "events.parquet", "report.html"]
        write_trajectories(tmp / "trajectories.parquet", ensemble_batches(ens))
        end_states, dyads = result.outcomes, result.dyad_stats
        outcomes_csv_frame(end_states, dyads, ens.sweep_keys).to_csv(
            tmp / "outcomes.csv", index=False
        )
        write_events(tmp / "events.parquet", events_frame(ens))
        params = parameters_frame(ens)
        if len(params):
            params.to_parquet(
                tmp / "parameters.parquet", engine="pyarrow", index=False, compression="zstd"
            )
            names.append("parameters.parquet")
        manifest = build_manifest(result, run_id, command)
        figures = result.figures() if callable(getattr(result, "figures", None)) else None
        first = ens.point(0)
        report.write_report(
            tmp / "report.html",
            result.scenario,
            first,
            None,
            outcome_table(result.scenario, first),
            dyad_end_table(first, result.scenario),
            run_info={
                "scenario_sha256": manifest["scenario_sha256"],
                "started_at": manifest["started_at"],
                "finished_at": manifest["finished_at"],
                "chunk_size": ens.chunk_size,
                "record": ens.record,
                "execution": manifest["execution"],
            },
            figures=figures,
            sweep=sweep_table(ens) if ens.is_sweep else None,
            sweep_keys=ens.sweep_keys,
            events=event_table(first, result.scenario),
        )
        return manifest, names

    return publish_folder(folder, base, fill)


def load_manifest(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a result folder."""
    return json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))


__all__ = [
    "BAND_NAMES",
    "build_manifest",
    "canonical_json",
    "dyad_end_table",
    "dyad_labels",
    "end_relations",
    "ends_of",
    "ensemble_batches",
    "event_cumulative",
    "event_table",
    "events_frame",
    "first_firings",
    "history_frame",
    "load_manifest",
    "outcome_holds",
    "outcome_table",
    "outcomes_csv_frame",
    "package_versions",
    "parameters_frame",
    "per_point",
    "publish_folder",
    "read_outcomes_csv",
    "scenario_sha256",
    "starts_of",
    "sweep_table",
    "trajectories_frame",
    "wilson_interval",
    "write_events",
    "write_run",
    "write_trajectories",
]
