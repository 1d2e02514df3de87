"""Tidy frames of a run (pure: model or ensemble in, DataFrame out).

- :func:`trajectories_frame`: every recorded relation of every dyad in every replicate,
  one row each (the raw material of every figure and analysis); :func:`history_frame`
  builds the same rows for one chunk of replicates and :func:`ensemble_batches` yields
  them chunk by chunk for ``trajectories.parquet``.
- :func:`outcome_table`: how likely each named end-state is, with a Wilson 95% interval.
- :func:`dyad_end_table`: where each dyad ends up across replicates (quantiles, bands).
- :func:`sweep_table` and :func:`per_point`: the tables of every sweep point.
- :func:`parameters_frame`: the sampled parameter values of every replicate.

They read a run view (:mod:`sim.results.views`): a finished
:class:`~sim.model.model.AlignmentModel`, or one point of an ensemble, which has the same
attributes plus ``starts`` and ``ends`` (every replicate's relations at the first and
last step) so that the tables never need every history in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.model.bands import BAND_NAMES, BandBounds, band_codes, relation_matrices
from sim.model.outcomes import evaluate_outcomes
from sim.results.events import event_table
from sim.results.intervals import wilson_interval
from sim.results.views import (
    EnsembleView,
    Run,
    bands_of,
    dyad_labels,
    ends_of,
    history_of,
    recorded_steps_of,
    starts_of,
    swept_values,
)
from sim.scenario import Scenario

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


def history_frame(
    history: np.ndarray,
    recorded_steps: Sequence[int],
    dates: Sequence[dt.date],
    actor_ids: Sequence[str],
    dyads: Sequence[tuple[int, int]],
    bands: BandBounds,
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


def trajectories_frame(model: Run, bands: BandBounds | None = None) -> pd.DataFrame:
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
        history_of(model),
        recorded_steps_of(model),
        model.dates,
        model.actor_ids,
        model.dyads,
        bands_of(model, bands),
    )


def ensemble_batches(
    ensemble: EnsembleView, bands: BandBounds | None = None
) -> Iterator[pd.DataFrame]:
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
            values=swept_values(point.values, ensemble.sweep_keys),
        )


def outcome_holds(scenario: Scenario, model: Run) -> dict[str, np.ndarray]:
    """Whether each named end-state of ``scenario`` holds at the end of each replicate:
    outcome name -> (R,) bool, in scenario order."""
    ends = ends_of(model)
    return evaluate_outcomes(
        scenario, model.actor_ids, relation_matrices(ends, len(model.actor_ids), model.dyads)
    )


def outcome_table(scenario: Scenario, model: Run) -> pd.DataFrame:
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


def dyad_end_table(model: Run, scenario: Scenario | None = None) -> pd.DataFrame:
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
    bands = bands_of(model, scenario.bands if scenario is not None else None)
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


def _with_point(
    frame: pd.DataFrame, index: int, values: dict[str, float], keys: Sequence[str]
) -> pd.DataFrame:
    front = pd.DataFrame(
        {"point": np.full(len(frame), index, dtype=np.int64)}
        | {k: np.full(len(frame), float(values.get(k, np.nan))) for k in keys},
        index=frame.index,
    )
    return pd.concat([front, frame], axis=1)


def per_point(
    ensemble: EnsembleView, table: Literal["outcomes", "dyads", "events"]
) -> pd.DataFrame:
    """:func:`outcome_table` ('outcomes'), :func:`dyad_end_table` ('dyads') or
    :func:`~sim.results.events.event_table` ('events') of every sweep point, stacked,
    with ``point`` and the swept values as leading columns."""
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


def sweep_table(ensemble: EnsembleView) -> pd.DataFrame:
    """One row per sweep point: ``point``, the swept values, ``p_<end-state>`` (the
    probability of each named end-state), ``median_<A-B>`` (each dyad's end median) and
    ``fired_<event>`` (the share of replicates in which each event fired at least once)."""
    rows = []
    for k, summary in enumerate(ensemble.points):
        view = ensemble.point(k)
        row: dict[str, Any] = {"point": k}
        row.update(swept_values(summary.values, ensemble.sweep_keys))
        for rec in outcome_table(ensemble.spec, view).itertuples(index=False):
            row[f"p_{rec.outcome}"] = rec.probability
        medians = np.median(view.ends, axis=0)
        for label, value in zip(dyad_labels(view), medians, strict=True):
            row[f"median_{label}"] = float(value)
        for rec in event_table(view, ensemble.spec).itertuples(index=False):
            row[f"fired_{rec.event}"] = rec.share_fired
        rows.append(row)
    return pd.DataFrame(rows)


def parameters_frame(ensemble: EnsembleView) -> pd.DataFrame:
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
