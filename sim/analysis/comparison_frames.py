"""The frames of a comparison (:class:`sim.analysis.comparison.Comparison`), one function
each: ``bands``, ``end_states``, ``differences``, ``transitions``, ``events`` and
``largest`` (:mod:`sim.analysis.compare` says what each holds). The comparison computes
each on first use and keeps it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.bloc_partitions import bloc_partitions
from sim.analysis.common import signed
from sim.results.events import event_table
from sim.results.frames import OUTCOME_COLUMNS, outcome_holds
from sim.results.histograms import histogram_quantiles
from sim.results.intervals import Z95, wilson_interval
from sim.scenario.dyads import Dyad

if TYPE_CHECKING:
    from sim.analysis.comparison import Comparison

LARGEST = 10
"""Rows of each kind in the table of largest differences."""

VISIBLE = 0.005
"""Differences smaller than this (0.00 in relation units, 0 points) are not listed among
the largest."""

BANDS_COLUMNS = [
    "scenario",
    "dyad",
    "actor_a",
    "actor_b",
    "step",
    "date",
    "p05",
    "p25",
    "median",
    "p75",
    "p95",
]
END_STATE_COLUMNS = [
    "scenario",
    *OUTCOME_COLUMNS,
    "reference_probability",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
]
DIFFERENCE_COLUMNS = [
    "scenario",
    "reference",
    "dyad",
    "actor_a",
    "actor_b",
    "end_mean",
    "reference_end_mean",
    "mean_difference",
    "p05",
    "p95",
    "mean_ci_low",
    "mean_ci_high",
    "share_warmer",
    "share_colder",
    "replicates",
]
TRANSITION_COLUMNS = ["scenario", "start", "end", "replicates", "share"]
EVENT_COLUMNS = [
    "scenario",
    "event",
    "description",
    "trigger",
    "share_fired",
    "ci_low",
    "ci_high",
    "mean_firings",
    "median_first_date",
    "replicates",
]
LARGEST_COLUMNS = ["kind", "scenario", "subject", "difference", "text"]


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def _points(v: float) -> str:
    p = round(100 * v)
    return f"{p:+d} points" if p else "no change"


def outcome_words(name: str) -> str:
    """An end-state name as words: 'russia_japan_rapprochement' -> 'russia japan
    rapprochement'."""
    return name.replace("_", " ").strip()


def bands_frame(c: Comparison) -> pd.DataFrame:
    """Per scenario, shared dyad and step: date and the 5, 25, 50 ('median'), 75 and
    95% quantiles of the relation across replicates (from the per-step histograms:
    exact on the 0.05 lattice of moves, within 0.0125 otherwise)."""
    dates = pd.to_datetime(pd.Series(c.dates)).astype("datetime64[ms]").to_numpy()
    steps = np.arange(len(dates), dtype=np.int32)
    frames = []
    for k, entry in enumerate(c.entries):
        v = c.view(k)
        q = histogram_quantiles(
            v.histograms[:, c.columns(k), :], v.edges, [0.05, 0.25, 0.5, 0.75, 0.95]
        )  # (T+1, D, 5)
        for d, (a, b) in enumerate(c.shared):
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": entry.label,
                        "dyad": str(Dyad(a, b)),
                        "actor_a": a,
                        "actor_b": b,
                        "step": steps,
                        "date": dates,
                        "p05": q[:, d, 0],
                        "p25": q[:, d, 1],
                        "median": q[:, d, 2],
                        "p75": q[:, d, 3],
                        "p95": q[:, d, 4],
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=BANDS_COLUMNS)
    return pd.concat(frames, ignore_index=True)[BANDS_COLUMNS]


def holds_of(c: Comparison) -> list[dict[str, np.ndarray]]:
    return [outcome_holds(e.scenario, c.view(k)) for k, e in enumerate(c.entries)]


def end_states_frame(c: Comparison) -> pd.DataFrame:
    """Per scenario and named end-state: ``probability`` (share of replicates where it
    holds at the end), ``count``, Wilson 95% interval ``ci_low`` / ``ci_high``,
    ``replicates``; and against the first scenario: ``reference_probability``,
    ``difference`` (probability minus the reference's, as a share: 0.27 is 27 points)
    and a 95% interval of that difference from the paired per-replicate differences
    (normal approximation). Each scenario is scored on its own end-state definitions;
    an end-state the reference does not define has no difference."""
    names = list(dict.fromkeys(n for h in c.holds for n in h))
    ref = c.holds[0]
    r = c.replicates
    rows = []
    for k, entry in enumerate(c.entries):
        outcomes = entry.scenario.outcomes
        for name in names:
            if name not in c.holds[k]:
                continue
            holds = c.holds[k][name]
            count = int(holds.sum())
            low, high = wilson_interval(count, r)
            row: dict[str, Any] = {
                "scenario": entry.label,
                "outcome": name,
                "description": outcomes[name].description,
                "probability": count / r,
                "count": count,
                "ci_low": float(low),
                "ci_high": float(high),
                "replicates": r,
                "reference_probability": np.nan,
                "difference": np.nan,
                "difference_ci_low": np.nan,
                "difference_ci_high": np.nan,
            }
            if name in ref:
                d = holds.astype(np.float64) - ref[name].astype(np.float64)
                mean = float(d.mean())
                se = float(d.std(ddof=1) / np.sqrt(r)) if r > 1 else np.nan
                row.update(
                    reference_probability=float(ref[name].mean()),
                    difference=mean,
                    difference_ci_low=mean - Z95 * se,
                    difference_ci_high=mean + Z95 * se,
                )
            rows.append(row)
    frame = pd.DataFrame(rows, columns=END_STATE_COLUMNS)
    return frame.astype({"count": "int64", "replicates": "int64"})


def differences_frame(c: Comparison) -> pd.DataFrame:
    """Per scenario after the first and per shared dyad: how its end relation differs
    from the reference's, replicate by replicate (paired: replicate r has the same
    random numbers in both).

    ``end_mean`` / ``reference_end_mean``: mean end relation in each;
    ``mean_difference``: the mean of the per-replicate differences (scenario minus
    reference; positive: warmer); ``p05`` / ``p95``: the 90% interval of the
    per-replicate differences (90% of replicates differ by this much);
    ``mean_ci_low`` / ``mean_ci_high``: a 95% interval of the mean difference;
    ``share_warmer`` / ``share_colder``: the share of replicates ending warmer / colder
    than in the reference. A scenario compared with itself gives exactly zero.
    """
    ref_ends = c.view(0).ends[:, c.columns(0)]
    rows = []
    r = c.replicates
    for k, entry in enumerate(c.entries[1:], start=1):
        ends = c.view(k).ends[:, c.columns(k)]
        diff = ends - ref_ends  # (R, D)
        q = np.quantile(diff, [0.05, 0.95], axis=0) if r else np.full((2, diff.shape[1]), 0)
        mean = diff.mean(axis=0)
        se = diff.std(axis=0, ddof=1) / np.sqrt(r) if r > 1 else np.full(len(mean), np.nan)
        for d, (a, b) in enumerate(c.shared):
            rows.append(
                {
                    "scenario": entry.label,
                    "reference": c.reference,
                    "dyad": str(Dyad(a, b)),
                    "actor_a": a,
                    "actor_b": b,
                    "end_mean": float(ends[:, d].mean()),
                    "reference_end_mean": float(ref_ends[:, d].mean()),
                    "mean_difference": float(mean[d]),
                    "p05": float(q[0, d]),
                    "p95": float(q[1, d]),
                    "mean_ci_low": float(mean[d] - Z95 * se[d]),
                    "mean_ci_high": float(mean[d] + Z95 * se[d]),
                    "share_warmer": float((np.round(diff[:, d], 9) > 0).mean()),
                    "share_colder": float((np.round(diff[:, d], 9) < 0).mean()),
                    "replicates": r,
                }
            )
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS).astype({"replicates": "int64"})


def transitions_frame(c: Comparison) -> pd.DataFrame:
    """Per scenario: replicates going from each bloc partition at the start to each at
    the end (``start``, ``end``: :func:`partition_texts`; ``replicates``; ``share`` of
    all replicates). Ordered by scenario, then most common first."""
    frames = []
    for k, entry in enumerate(c.entries):
        v = c.view(k)
        start = bloc_partitions(v, entry.scenario, "start")
        end = bloc_partitions(v, entry.scenario, "end")
        pairs = pd.DataFrame({"start": start, "end": end})
        counts = pairs.value_counts(sort=False).rename("replicates").reset_index()
        counts = counts.sort_values(
            ["replicates", "start", "end"], ascending=[False, True, True], kind="stable"
        )
        counts.insert(0, "scenario", entry.label)
        counts["share"] = counts["replicates"] / len(start)
        frames.append(counts)
    out = pd.concat(frames, ignore_index=True)[TRANSITION_COLUMNS]
    return out.astype({"replicates": "int64"})


def events_frame(c: Comparison) -> pd.DataFrame:
    """Per scenario and event: ``share_fired`` (share of replicates in which it fired
    at least once, with its Wilson 95% interval), ``mean_firings`` (firings per
    replicate), ``median_first_date``; what each scenario's events did
    (:func:`sim.results.frames.event_table`)."""
    frames = []
    for k, entry in enumerate(c.entries):
        t = event_table(c.view(k), entry.scenario)
        t.insert(0, "scenario", entry.label)
        frames.append(t)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out.reindex(columns=EVENT_COLUMNS)


def largest_frame(c: Comparison) -> pd.DataFrame:
    """The largest differences from the reference, in words: ``kind`` ('dyad' or
    'end_state'), ``scenario``, ``subject`` (the dyad or end-state), ``difference``
    (relation units, or a share for end-states) and ``text``, e.g. 'Russia – Japan:
    +0.21 by Jan 2024 in kurils-settled against baseline, 90% interval +0.12 to
    +0.30' or 'Russia japan rapprochement: 54% -> 81% (+27 points) in kurils-settled'.
    Up to :data:`LARGEST` of each kind, largest absolute difference first; none
    smaller than :data:`VISIBLE` (so a scenario compared with itself lists none)."""
    end = c.dates[-1]
    by = f"by {end:%b %Y}"
    rows = []
    dif = c.differences
    dif = dif[dif["mean_difference"].abs() >= VISIBLE]
    if len(dif):
        top = dif.reindex(dif["mean_difference"].abs().sort_values(ascending=False).index)
        for rec in top.head(LARGEST).itertuples(index=False):
            rows.append(
                {
                    "kind": "dyad",
                    "scenario": rec.scenario,
                    "subject": rec.dyad,
                    "difference": rec.mean_difference,
                    "text": f"{c.dyad_label(rec.actor_a, rec.actor_b)}: "
                    f"{signed(rec.mean_difference)} {by} in {rec.scenario} against "
                    f"{c.reference}, 90% interval {signed(rec.p05)} to "
                    f"{signed(rec.p95)}",
                }
            )
    es = c.end_states
    es = es[(es["scenario"] != c.reference) & (es["difference"].abs() >= VISIBLE)]
    if len(es):
        top = es.reindex(es["difference"].abs().sort_values(ascending=False).index)
        for rec in top.head(LARGEST).itertuples(index=False):
            rows.append(
                {
                    "kind": "end_state",
                    "scenario": rec.scenario,
                    "subject": rec.outcome,
                    "difference": rec.difference,
                    "text": f"{outcome_words(rec.outcome)}: "
                    f"{_pct(rec.reference_probability)} -> {_pct(rec.probability)} "
                    f"({_points(rec.difference)}) in {rec.scenario}",
                }
            )
    return pd.DataFrame(rows, columns=LARGEST_COLUMNS)
