"""Comparing scenarios: several what-ifs run on the same random numbers, side by side.

:func:`compare` runs every scenario as an ensemble with the same seed, the same number
of replicates and the same chunks, so replicate r of every scenario draws the same
random numbers (common random numbers, docs/performance.md): the dynamics' uniforms of
chunk c come from ``SeedSequence(seed, spawn_key=(1, c))`` whatever the scenario, and
random events draw from streams of their own. A difference between two scenarios in
replicate r therefore comes from what the scenarios say, not from noise, and the
differences are *paired*: for every replicate, its end relation in a scenario minus its
end relation in the first scenario (the reference).

A :class:`Comparison` holds the runs and tidy frames:

- ``bands``: per scenario, shared dyad and step, the 5/25/50/75/95% quantiles of the
  relation (from the per-step histograms);
- ``end_states``: per scenario and named end-state, the probability with its Wilson 95%
  interval, and its difference from the reference (in points, with a 95% interval of the
  paired difference);
- ``differences``: per scenario (after the first) and shared dyad, the mean paired
  difference of the end relation and the 90% interval of the per-replicate differences;
- ``transitions``: per scenario, how many replicates went from each bloc partition at the
  start to each at the end (blocs: groups joined by relations above ``bands.hedging``);
- ``events``: per scenario and event, the share of replicates in which it fired;
- ``largest``: the largest differences, in words.

:func:`save_comparison` writes ``results/compare/<id>/`` (comparison.html, the frames as
CSV files, manifest.json), complete or not at all, never over an existing folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.present.html_page import fmt_signed

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sim.api import RunResult
    from sim.experiment.runner import ProgressSink, RunStats
    from sim.scenario import Scenario

COMPARISON_FORMAT = 1
"""Version of the comparison manifest's layout."""

MUST_MATCH = ("steps", "step_months", "start", "chunk_size")
"""Run settings every compared scenario must share: the dates depend on the first three
and the random numbers on the chunk size."""

TOP_PARTITIONS = 6
"""Bloc partitions shown by name in the Sankey diagram (per side); the rest are 'other'."""

LARGEST = 10
"""Rows of each kind in the table of largest differences."""

VISIBLE = 0.005
"""Differences smaller than this (0.00 in relation units, 0 points) are not listed among
the largest."""

Z95 = 1.959963984540054

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
    "outcome",
    "description",
    "probability",
    "count",
    "ci_low",
    "ci_high",
    "replicates",
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


class ComparisonError(ValueError):
    """Scenarios that cannot be compared: fewer than two, a sweep, or run settings that
    differ where they must match. The message says which and why."""


@dataclass
class Compared:
    """One scenario of a comparison: its label, where it came from and its run."""

    label: str
    """The scenario's name (with ' (2)', ' (3)' ... when names repeat)."""
    scenario: Scenario
    source: Path | None
    result: RunResult


# --------------------------------------------------------------------------- settings


def _describe(source: Path | None, scenario: Any) -> str:
    return str(source) if source is not None else f"scenario '{scenario.name}'"


def check_comparable(
    scenarios: Sequence[Any],
    sources: Sequence[Path | None] = (),
    chunk_size: int | None = None,
) -> None:
    """Refuse (ComparisonError) what cannot be compared.

    At least two scenarios; none with a sweep (each scenario is one ensemble); and the
    same ``run.steps``, ``step_months``, ``start`` and ``chunk_size`` as the first (the
    chunk size only when ``chunk_size`` does not set it for all). The message lists every
    difference.
    """
    if len(scenarios) < 2:
        raise ComparisonError(
            f"compare needs at least two scenarios (the first is the reference), got "
            f"{len(scenarios)}"
        )
    srcs = [*sources, *[None] * (len(scenarios) - len(sources))]
    where = [_describe(src, sc) for src, sc in zip(srcs, scenarios, strict=True)]
    problems: list[str] = []
    for k, scenario in enumerate(scenarios):
        if getattr(scenario, "sweep", None):
            keys = ", ".join(scenario.sweep)
            problems.append(
                f"{where[k]}: has a sweep ({keys}); compare runs each scenario as one "
                "ensemble: remove the sweep (in a what-if, 'sweep: ~') or compare one file "
                "per value"
            )
    first = scenarios[0].run
    keys = [k for k in MUST_MATCH if not (k == "chunk_size" and chunk_size)]
    for k, scenario in enumerate(scenarios[1:], start=1):
        for key in keys:
            mine, theirs = getattr(scenario.run, key), getattr(first, key)
            if mine != theirs:
                problems.append(f"{where[k]}: run.{key} is {mine}, but {theirs} in {where[0]}")
    if problems:
        raise ComparisonError(
            "cannot compare these scenarios: they must share run.steps, run.step_months, "
            "run.start and run.chunk_size (the dates depend on the first three, the random "
            "numbers on the chunk size) and have no sweep:\n  " + "\n  ".join(problems)
        )


def unique_labels(names: Sequence[str]) -> list[str]:
    """The scenario names, made unique: a repeated name gets ' (2)', ' (3)' ..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


# --------------------------------------------------------------------------- blocs


def partition_texts(labels: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """(R,) text of each replicate's bloc partition, from (R, N) bloc labels.

    Blocs of two or more actors are written with '+' between their members (scenario
    order) and ' | ' between blocs, ordered by their first member; actors in no bloc
    follow as '(alone: A, B)'. Examples: 'USA+JPN | CHN+RUS', 'USA+JPN | (alone: CHN,
    RUS)', 'no blocs'.
    """
    lab = np.asarray(labels)
    if lab.ndim != 2 or lab.shape[0] == 0:
        return np.array([], dtype=object)
    unique, inverse = np.unique(lab, axis=0, return_inverse=True)
    texts = []
    for row in unique:
        groups: dict[int, list[str]] = {}
        for actor, bloc in enumerate(row):
            groups.setdefault(int(bloc), []).append(ids[actor])
        blocs = [members for _, members in sorted(groups.items()) if len(members) > 1]
        alone = [members[0] for _, members in sorted(groups.items()) if len(members) == 1]
        parts = ["+".join(m) for m in blocs]
        if alone and blocs:
            parts.append(f"(alone: {', '.join(alone)})")
        texts.append(" | ".join(parts) if parts else "no blocs")
    return np.asarray(texts, dtype=object)[np.asarray(inverse).reshape(-1)]


def bloc_partitions(model: Any, scenario: Any, step: str) -> np.ndarray:
    """(R,) bloc partition text of every replicate at the 'start' or the 'end'.

    Blocs are the connected components of the relations above ``bands.hedging``
    (:func:`sim.model.conditions.bloc_labels`).
    """
    from sim.model.conditions import bloc_labels
    from sim.model.outcomes import relation_matrices
    from sim.results.frames import ends_of, starts_of

    values = starts_of(model) if step == "start" else ends_of(model)
    n = len(model.actor_ids)
    rel = relation_matrices(values, n, model.dyads)
    labels = bloc_labels(rel, float(scenario.bands.hedging))
    return partition_texts(labels, list(model.actor_ids))


# --------------------------------------------------------------------------- words


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def _points(v: float) -> str:
    p = round(100 * v)
    return f"{p:+d} points" if p else "no change"


def outcome_words(name: str) -> str:
    """An end-state name as words: 'russia_japan_rapprochement' -> 'russia japan
    rapprochement'."""
    return name.replace("_", " ").strip()


# --------------------------------------------------------------------------- comparison


@dataclass(eq=False)
class Comparison:
    """Scenarios run on the same random numbers, and what differs between them.

    ``entries[0]`` is the reference every difference is taken against. The frames
    (module docstring) are computed on first use and kept; ``figures()`` gives the
    report's figures. Only the dyads every scenario has are compared (``shared``); the
    others are listed in ``left_out`` and ``notes``.
    """

    entries: list[Compared]
    seed: int
    replicates: int
    chunk_size: int
    notes: list[str] = field(default_factory=list)
    """Things the reader should know (settings taken from the first scenario, dyads left
    out, pairing caveats), in words."""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stats: list[RunStats] = field(default_factory=list)
    backend: str = ""
    _figures: dict[str, go.Figure] | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ basics

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    @property
    def reference(self) -> str:
        """The label of the first scenario, which differences are taken against."""
        return self.entries[0].label

    @property
    def results(self) -> list[RunResult]:
        return [e.result for e in self.entries]

    def view(self, k: int) -> Any:
        """The model-like view of scenario k's ensemble."""
        return self.entries[k].result.ensemble.point(0)

    @property
    def dates(self) -> list[dt.date]:
        return list(self.view(0).dates)

    @cached_property
    def names(self) -> dict[str, str]:
        """Actor id -> display name (the first scenario that has the actor names it)."""
        out: dict[str, str] = {}
        for k in range(len(self.entries)):
            v = self.view(k)
            for i, name in zip(v.actor_ids, v.actor_names, strict=True):
                out.setdefault(i, name)
        return out

    def _dyad_columns(self, k: int) -> dict[frozenset[str], int]:
        v = self.view(k)
        ids = v.actor_ids
        return {frozenset((ids[i], ids[j])): c for c, (i, j) in enumerate(v.dyads)}

    @cached_property
    def shared(self) -> list[tuple[str, str]]:
        """The dyads every scenario has, as (actor a, actor b) in the first's order."""
        columns = [self._dyad_columns(k) for k in range(len(self.entries))]
        v = self.view(0)
        ids = v.actor_ids
        return [
            (ids[i], ids[j])
            for i, j in v.dyads
            if all(frozenset((ids[i], ids[j])) in c for c in columns)
        ]

    @cached_property
    def left_out(self) -> dict[str, list[str]]:
        """Per scenario label, its dyads ('A-B') that are not compared (not in every
        scenario); only scenarios with such dyads appear."""
        shared = {frozenset(p) for p in self.shared}
        out: dict[str, list[str]] = {}
        for k, entry in enumerate(self.entries):
            v = self.view(k)
            ids = v.actor_ids
            missing = [
                f"{ids[i]}-{ids[j]}"
                for i, j in v.dyads
                if frozenset((ids[i], ids[j])) not in shared
            ]
            if missing:
                out[entry.label] = missing
        return out

    def _columns(self, k: int) -> list[int]:
        """Scenario k's dyad columns of the shared dyads, in the order of ``shared``."""
        cols = self._dyad_columns(k)
        return [cols[frozenset(p)] for p in self.shared]

    def dyad_label(self, a: str, b: str) -> str:
        """'Russia – Japan'."""
        return f"{self.names.get(a, a)} – {self.names.get(b, b)}"

    # ------------------------------------------------------------------ frames

    @cached_property
    def bands(self) -> pd.DataFrame:
        """Per scenario, shared dyad and step: date and the 5, 25, 50 ('median'), 75 and
        95% quantiles of the relation across replicates (from the per-step histograms:
        exact on the 0.05 lattice of moves, within 0.0125 otherwise)."""
        from sim.experiment.collect import histogram_quantiles

        dates = pd.to_datetime(pd.Series(self.dates)).astype("datetime64[ms]").to_numpy()
        steps = np.arange(len(dates), dtype=np.int32)
        frames = []
        for k, entry in enumerate(self.entries):
            v = self.view(k)
            q = histogram_quantiles(
                v.histograms[:, self._columns(k), :], v.edges, [0.05, 0.25, 0.5, 0.75, 0.95]
            )  # (T+1, D, 5)
            for d, (a, b) in enumerate(self.shared):
                frames.append(
                    pd.DataFrame(
                        {
                            "scenario": entry.label,
                            "dyad": f"{a}-{b}",
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

    @cached_property
    def _holds(self) -> list[dict[str, np.ndarray]]:
        from sim.results.frames import outcome_holds

        return [outcome_holds(e.scenario, self.view(k)) for k, e in enumerate(self.entries)]

    @cached_property
    def end_states(self) -> pd.DataFrame:
        """Per scenario and named end-state: ``probability`` (share of replicates where it
        holds at the end), ``count``, Wilson 95% interval ``ci_low`` / ``ci_high``,
        ``replicates``; and against the first scenario: ``reference_probability``,
        ``difference`` (probability minus the reference's, as a share: 0.27 is 27 points)
        and a 95% interval of that difference from the paired per-replicate differences
        (normal approximation). Each scenario is scored on its own end-state definitions;
        an end-state the reference does not define has no difference."""
        from sim.results.frames import wilson_interval

        names = list(dict.fromkeys(n for h in self._holds for n in h))
        ref = self._holds[0]
        r = self.replicates
        rows = []
        for k, entry in enumerate(self.entries):
            outcomes = entry.scenario.outcomes
            for name in names:
                if name not in self._holds[k]:
                    continue
                holds = self._holds[k][name]
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

    @cached_property
    def differences(self) -> pd.DataFrame:
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
        ref_ends = self.view(0).ends[:, self._columns(0)]
        rows = []
        r = self.replicates
        for k, entry in enumerate(self.entries[1:], start=1):
            ends = self.view(k).ends[:, self._columns(k)]
            diff = ends - ref_ends  # (R, D)
            q = np.quantile(diff, [0.05, 0.95], axis=0) if r else np.full((2, diff.shape[1]), 0)
            mean = diff.mean(axis=0)
            se = diff.std(axis=0, ddof=1) / np.sqrt(r) if r > 1 else np.full(len(mean), np.nan)
            for d, (a, b) in enumerate(self.shared):
                rows.append(
                    {
                        "scenario": entry.label,
                        "reference": self.reference,
                        "dyad": f"{a}-{b}",
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

    @cached_property
    def transitions(self) -> pd.DataFrame:
        """Per scenario: replicates going from each bloc partition at the start to each at
        the end (``start``, ``end``: :func:`partition_texts`; ``replicates``; ``share`` of
        all replicates). Ordered by scenario, then most common first."""
        frames = []
        for k, entry in enumerate(self.entries):
            v = self.view(k)
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

    @cached_property
    def events(self) -> pd.DataFrame:
        """Per scenario and event: ``share_fired`` (share of replicates in which it fired
        at least once, with its Wilson 95% interval), ``mean_firings`` (firings per
        replicate), ``median_first_date``; what each scenario's events did
        (:func:`sim.results.frames.event_table`)."""
        from sim.results.frames import event_table

        frames = []
        for k, entry in enumerate(self.entries):
            t = event_table(self.view(k), entry.scenario)
            t.insert(0, "scenario", entry.label)
            frames.append(t)
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return out.reindex(columns=EVENT_COLUMNS)

    @cached_property
    def largest(self) -> pd.DataFrame:
        """The largest differences from the reference, in words: ``kind`` ('dyad' or
        'end_state'), ``scenario``, ``subject`` (the dyad or end-state), ``difference``
        (relation units, or a share for end-states) and ``text``, e.g. 'Russia – Japan:
        +0.21 by Jan 2024 in kurils-settled against baseline, 90% interval +0.12 to
        +0.30' or 'Russia japan rapprochement: 54% -> 81% (+27 points) in kurils-settled'.
        Up to :data:`LARGEST` of each kind, largest absolute difference first; none
        smaller than :data:`VISIBLE` (so a scenario compared with itself lists none)."""
        end = self.dates[-1]
        by = f"by {end:%b %Y}"
        rows = []
        dif = self.differences
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
                        "text": f"{self.dyad_label(rec.actor_a, rec.actor_b)}: "
                        f"{fmt_signed(rec.mean_difference)} {by} in {rec.scenario} against "
                        f"{self.reference}, 90% interval {fmt_signed(rec.p05)} to "
                        f"{fmt_signed(rec.p95)}",
                    }
                )
        es = self.end_states
        es = es[(es["scenario"] != self.reference) & (es["difference"].abs() >= VISIBLE)]
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

    def panel_dyads(self, limit: int | None = None) -> list[str]:
        """The dyads ('A-B', in scenario order) the relations figure shows: all of them, or
        when there are more than ``limit`` (default
        :data:`sim.present.compare_figures.MAX_PANELS`) those with the largest absolute mean
        difference from the reference."""
        from sim.present.compare_figures import MAX_PANELS

        limit = MAX_PANELS if limit is None else limit
        order = [f"{a}-{b}" for a, b in self.shared]
        if len(order) <= limit or not len(self.differences):
            return order[:limit]
        size = self.differences.assign(size=self.differences["mean_difference"].abs())
        biggest = size.groupby("dyad")["size"].max().sort_values(ascending=False, kind="stable")
        keep = set(biggest.index[:limit])
        return [d for d in order if d in keep]

    def figures(self) -> dict[str, go.Figure]:
        """The report's figures by name: 'relations' (bands overlaid), 'end_states'
        (grouped bars; if any end-state), 'differences' (heatmap; if any shared dyad) and
        'blocs' (Sankey of bloc partitions, start to end)."""
        if self._figures is None:
            from sim.present import compare_figures as cf

            colors = cf.scenario_colors(self.labels)
            figs: dict[str, go.Figure] = {}
            if len(self.bands):
                bounds = self.entries[0].scenario.bands
                figs["relations"] = cf.compare_bands_figure(
                    self.bands, self.labels, colors, self.names, bounds, self.panel_dyads()
                )
            if len(self.end_states):
                figs["end_states"] = cf.compare_end_states_figure(
                    self.end_states, self.labels, colors
                )
            if len(self.differences):
                figs["differences"] = cf.difference_heatmap(
                    self.differences, self.names, self.reference
                )
            figs["blocs"] = cf.bloc_sankey_figure(self.transitions, self.labels, TOP_PARTITIONS)
            self._figures = figs
        return dict(self._figures)


# --------------------------------------------------------------------------- running


class JoinedPlans:
    """Several scenarios' plans as one for the runner: scenario k is the runner's point k.

    Each task is the scenario's own (its seeds depend on the chunk only, so they are the
    same for every scenario), with the key's point set to the scenario's index.
    """

    def __init__(self, plans: Sequence[Any]) -> None:
        self.plans = list(plans)
        self.replicates = self.plans[0].replicates
        self.points = [{} for _ in self.plans]

    @property
    def keys(self) -> list[Any]:
        from sim.experiment.tasks import ChunkKey

        return [ChunkKey(k, c) for k, p in enumerate(self.plans) for c in range(len(p.bounds))]

    def task(self, key: Any) -> Any:
        from sim.experiment.tasks import ChunkKey

        task = self.plans[key.point].task(ChunkKey(0, key.chunk))
        task.key = key
        return task


class JoinedEnsembles:
    """Routes each chunk result to its scenario's ensemble (see :class:`JoinedPlans`)."""

    def __init__(self, ensembles: Sequence[Any]) -> None:
        self.ensembles = list(ensembles)

    def add(self, result: Any, keep_history: bool = False) -> None:
        from sim.experiment.tasks import ChunkKey

        scenario = result.key.point
        result.key = ChunkKey(0, result.key.chunk)
        self.ensembles[scenario].add(result, keep_history=keep_history)


def _resolve(item: Any) -> tuple[Any, Path | None]:
    """A scenario and its file from a path, a Scenario, or a (Scenario, path) pair."""
    from sim.api import load_scenario

    if isinstance(item, str | os.PathLike):
        return load_scenario(item), Path(item)
    if isinstance(item, tuple) and len(item) == 2:
        return item[0], None if item[1] is None else Path(item[1])
    return item, None


def comparison_notes(
    scenarios: Sequence[Any],
    sources: Sequence[Path | None],
    replicates: int | None,
    seed: int | None,
) -> list[str]:
    """What a reader should know before the numbers: the seed and replicates taken from
    the first scenario where others say otherwise, and where the random numbers are only
    approximately shared (different actors or uncertain parameters)."""
    notes = []
    where = [_describe(s, sc) for s, sc in zip(sources, scenarios, strict=True)]
    first = scenarios[0].run
    for key, given, what in (("seed", seed, "seed"), ("replicates", replicates, "replicates")):
        if given is not None:
            continue
        other = [
            f"{where[k]} ({getattr(s.run, key)})"
            for k, s in enumerate(scenarios[1:], start=1)
            if getattr(s.run, key) != getattr(first, key)
        ]
        if other:
            notes.append(
                f"every scenario ran with the first's {what}, {getattr(first, key)} (set in "
                f"{where[0]}), not its own: {', '.join(other)}"
            )
    actor_sets = [tuple(s.actors) for s in scenarios]
    if len(set(actor_sets)) > 1:
        notes.append(
            "the scenarios have different actors, so the random numbers of their decisions "
            "do not line up (one is drawn for every decision of every pair of actors, and "
            "the pairs differ): differences between them include noise, which more "
            "replicates narrow"
        )
    uncertain = [tuple(sorted(getattr(s, "uncertainties", None) or {})) for s in scenarios]
    if len(set(uncertain)) > 1:
        notes.append(
            "the scenarios sample different uncertain parameters, so the parameter draws "
            "of a replicate are not the same in all of them"
        )
    for name in dict.fromkeys(n for s in scenarios for n in s.outcomes):
        defs = {repr(s.outcomes[name].model_dump()) for s in scenarios if name in s.outcomes}
        if len(defs) > 1:
            notes.append(
                f"end-state '{name}' is defined differently in some scenarios; each is "
                "scored on its own definition"
            )
    return notes


def compare(
    paths_or_scenarios: Sequence[Any],
    replicates: int | None = None,
    seed: int | None = None,
    *,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    sink: ProgressSink | None = None,
) -> Comparison:
    """Run scenarios on the same random numbers and compare them with the first.

    ``paths_or_scenarios``: two or more scenario files or Scenario objects (or
    (Scenario, file) pairs of scenarios already loaded); the first is the reference.
    All run with the same seed and replicates: the first scenario's ``run.seed`` and
    ``run.replicates`` unless ``seed`` / ``replicates`` say otherwise
    (a note says so when another scenario sets different ones). They must share
    ``run.steps``, ``step_months``, ``start`` and ``chunk_size`` (``chunk_size`` here
    sets it for all) and have no sweep, else :class:`ComparisonError`. Chunks run in this
    process, on ``workers`` local processes or on the Dask ``scheduler``; what is kept
    per replicate is its start and end (record mode 'outcomes'): the bands come from the
    per-step histograms.

    The chunks of all scenarios go to the workers together (scenario k is the runner's
    "point" k), so several small scenarios run at once. ``progress(done, total)`` is
    called after every chunk of every scenario; ``sink`` may instead take the runner's
    progress (the command line's bar). A failed chunk's ``key.point`` is the index of
    its scenario. Raises ``sim.scenario.ScenarioError`` for a bad file and
    ``sim.experiment.engine.EnsembleFailed`` if a chunk fails.
    """
    from sim.api import RunResult
    from sim.experiment.engine import EnsembleFailed, make_plan, new_ensemble, resolve_settings
    from sim.experiment.executors import DEFAULT_CONNECT_TIMEOUT, make_backend
    from sim.experiment.runner import CallbackProgress, Interrupted, execute

    loaded = [_resolve(item) for item in paths_or_scenarios]
    scenarios = [s for s, _ in loaded]
    sources = [p for _, p in loaded]
    check_comparable(scenarios, sources, chunk_size)
    first = scenarios[0].run
    reps = int(replicates or first.replicates)
    seed_ = int(first.seed if seed is None else seed)
    size = int(chunk_size or first.chunk_size)
    notes = comparison_notes(scenarios, sources, replicates, seed)
    settings = [resolve_settings(s, reps, seed_, size, "outcomes", None) for s in scenarios]
    labels = unique_labels([s.name for s in scenarios])
    plans = JoinedPlans([make_plan(s, st) for s, st in zip(scenarios, settings, strict=True)])
    ensembles = JoinedEnsembles(
        [new_ensemble(s, st) for s, st in zip(scenarios, settings, strict=True)]
    )
    started = dt.datetime.now().astimezone()
    timeout = connect_timeout or DEFAULT_CONNECT_TIMEOUT
    with make_backend(workers, scheduler, len(plans.keys), timeout) as backend:
        backend_name = backend.description
        try:
            stats = execute(
                plans,  # type: ignore[arg-type]
                ensembles,  # type: ignore[arg-type]
                backend,
                plans.keys,
                progress=sink or CallbackProgress(progress),
            )
        except Interrupted:
            raise KeyboardInterrupt from None
    if stats.failures:
        raise EnsembleFailed(stats.failures)
    finished = dt.datetime.now().astimezone()
    entries = [
        Compared(
            label,
            scenario,
            source,
            RunResult(scenario, None, source, started, finished, ensemble=ensemble),
        )
        for label, scenario, source, ensemble in zip(
            labels, scenarios, sources, ensembles.ensembles, strict=True
        )
    ]
    comparison = Comparison(
        entries,
        seed=seed_,
        replicates=reps,
        chunk_size=size,
        notes=notes,
        started_at=started,
        finished_at=finished,
        stats=[stats],
        backend=backend_name,
    )
    if comparison.left_out:
        parts = [f"{label}: {', '.join(d)}" for label, d in comparison.left_out.items()]
        comparison.notes.append(
            "only the dyads every scenario has are compared; left out: " + "; ".join(parts)
        )
    return comparison


# --------------------------------------------------------------------------- saving


def comparison_id_base(comparison: Comparison) -> str:
    """``YYYYmmdd-HHMMSS-<6 hex>``: start time, and a digest of the scenarios' hashes (in
    order), the seed and the replicates."""
    from sim.results.frames import scenario_sha256

    started = comparison.started_at or dt.datetime.now().astimezone()
    hashes = [scenario_sha256(e.scenario) for e in comparison.entries]
    key = ":".join([*hashes, str(comparison.seed), str(comparison.replicates)])
    digest = hashlib.sha256(key.encode()).hexdigest()[:6]
    return f"{started.astimezone().strftime('%Y%m%d-%H%M%S')}-{digest}"


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone().isoformat(timespec="milliseconds")


def comparison_manifest(
    comparison: Comparison, comparison_id: str, command: Sequence[str] | str | None
) -> dict[str, Any]:
    """What was compared and how, as JSON-ready data (``manifest.json``).

    Each scenario's label, file, SHA-256 and resolved content; the common seed,
    replicates, chunk size and seed scheme; the shared and left-out dyads; the notes;
    the command, times, package versions and the files of the folder.
    """
    from sim.experiment.tasks import SEED_SCHEME
    from sim.results.frames import _git_commit, package_versions, scenario_dump, scenario_sha256

    cmd: Any = command if isinstance(command, str | None) else [str(c) for c in command]
    dates = comparison.dates
    return {
        "format": "alignsim-comparison",
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
        "shared_dyads": [f"{a}-{b}" for a, b in comparison.shared],
        "left_out_dyads": comparison.left_out,
        "notes": list(comparison.notes),
        "command": cmd,
        "cwd": os.getcwd(),
        "started_at": _iso(comparison.started_at),
        "finished_at": _iso(comparison.finished_at),
        "written_at": _iso(dt.datetime.now().astimezone()),
        "execution": {
            "backend": comparison.backend,
            "seconds": round(sum(s.seconds for s in comparison.stats), 3),
            "chunks": sum(s.chunks for s in comparison.stats),
        },
        "versions": package_versions(),
        "git_commit": _git_commit(),
        "files": {},
        "resolved": {e.label: scenario_dump(e.scenario) for e in comparison.entries},
    }


def _csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False)


CSV_FILES = {
    "bands.csv": "bands",
    "end_states.csv": "end_states",
    "differences.csv": "differences",
    "blocs.csv": "transitions",
    "events.csv": "events",
    "largest_differences.csv": "largest",
}
"""The CSV files of a comparison folder and the frame each holds."""


def save_comparison(
    comparison: Comparison,
    results_root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``<results_root>/compare/<id>/`` and return it.

    The folder holds ``comparison.html`` (the self-contained report), the frames as CSV
    files (:data:`CSV_FILES`) and ``manifest.json``. Like a run folder it is written into
    a hidden temporary folder and renamed into place when complete
    (:func:`sim.results.frames.publish_folder`), never over an existing one.
    """
    from sim.present.report import write_comparison_report
    from sim.results.frames import publish_folder

    def fill(tmp: Path, comparison_id: str) -> tuple[dict[str, Any], list[str]]:
        names = []
        for name, attr in CSV_FILES.items():
            _csv(getattr(comparison, attr), tmp / name)
            names.append(name)
        manifest = comparison_manifest(comparison, comparison_id, command)
        write_comparison_report(tmp / "comparison.html", comparison)
        names.append("comparison.html")
        return manifest, names

    return publish_folder(
        Path(results_root) / "compare",
        comparison_id_base(comparison),
        fill,
        id_key="comparison_id",
    )


__all__ = [
    "Compared",
    "Comparison",
    "ComparisonError",
    "bloc_partitions",
    "check_comparable",
    "compare",
    "partition_texts",
    "save_comparison",
]
