"""Tipping points: the value of a parameter at which an outcome crosses a level.

For every varied parameter (``--vary KEY=LO:HI``), one at a time, the other parameters
keep the scenario's values, or are drawn per replicate as the scenario draws its
uncertainties (the same draws at every value). The **outcome** is an end-state's
probability (``russia_japan_rapprochement`` or ``P(...)``) or the mean of an outcome
expression (``RUS-JPN``; :mod:`sim.analysis.outcome_expr`, as the sensitivity analysis
reads them). Its estimate at a value x is the share (or mean) over R replicates of the
scenario with the parameter at x.

**Common random numbers.** Every evaluation runs on the same seed (the same chunk seeds
and the same draws of the uncertain parameters), so the estimate is a deterministic
function of x: moving x changes only what x changes. The bisection therefore never
flips back and forth on noise, and two runs with the same seed give the same numbers,
on any number of workers.

**The crossing.** The estimate is evaluated at LO and HI. If it is on the same side of
the level at both ends there is **no crossing in LO..HI** (the result says which side
and the values at both ends). Otherwise the range is bisected
(:mod:`sim.analysis.bisection`) to ``tolerance`` x (HI - LO): the crossing is the middle
of the last bracket, between the last value on the starting side and the first value
past the level.

**The interval** (Monte Carlo error). Each estimate has a 95% interval: the Wilson score
interval of a probability (:func:`sim.results.intervals.wilson_interval`), mean +/-
1.96 standard errors of a mean. The lower and the upper bound of that interval are
bisected like the estimate: the interval of the crossing runs from where the first of
them crosses the level to where the second does, i.e. the values of the parameter whose
estimate is not distinguishable from the level at 95%. A bound that is already past the
level at LO (or not yet at HI) puts that end of the interval at LO (HI): the interval
is then marked ``clipped`` (it may reach further than the range).

All the bisections of one round run as one call of the ensemble engine
(:func:`sim.analysis.common.run_ensemble`): one point per distinct value, on the process
pool or Dask cluster. The bisection assumes one crossing in the range: with several it
finds one of them. ``pair`` (A, B): a tipping curve; for each of k values of A spread
evenly over its range, the crossing of B with A fixed at that value.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.common import (
    AnalysisError,
    chunk_size_of,
    load,
    merge_stats,
    open_backend,
    parse_outcome_option,
    run_ensemble,
    sweep_ignored_notes,
    vary_ranges,
)
from sim.analysis.outcome_expr import OutcomeError, OutcomeExpr, parse_end_state, parse_outcome
from sim.analysis.tipping_result import Crossing, TippingResult
from sim.analysis.tipping_search import (
    Estimate,
    Search,
    estimate_of,
    evaluations_frame,
    find_crossings,
)
from sim.experiment.runner import RunStats
from sim.scenario import Scenario

DEFAULT_LEVEL = 0.5
DEFAULT_REPLICATES = 200
DEFAULT_TOLERANCE = 0.01
"""Bisection tolerance, as a share of each parameter's range (1%: 7 halvings)."""
DEFAULT_PAIR_POINTS = 5


def read_outcome(text: str, scenario: Scenario) -> OutcomeExpr:
    """An outcome expression (``RUS-JPN``, ``P(...)``) or a bare end-state or condition
    (``russia_japan_rapprochement``, ``RUS-CHN is allied``, read as its probability).

    Raises :class:`AnalysisError` with the expression parser's message.
    """
    try:
        return parse_outcome(text, scenario)
    except OutcomeError as first:
        try:
            bare = parse_end_state(text, scenario)
        except OutcomeError:
            raise AnalysisError(str(first)) from None
    suffix = f"@{bare.step}" if "@" in str(text) else ""
    return parse_outcome_option(parse_outcome, f"P({bare.subject}){suffix}", scenario)


def check_level(outcome: OutcomeExpr, level: float) -> float:
    """The level, checked against what the outcome can be (AnalysisError if it cannot)."""
    x = float(level)
    if outcome.kind == "probability" and not 0 < x < 1:
        raise AnalysisError(
            f"--level {level:g}: {outcome.label} is a probability, so its level must be "
            "between 0 and 1 (exclusive), e.g. --level 0.5"
        )
    if outcome.kind == "relation" and not -1 < x < 1:
        raise AnalysisError(
            f"--level {level:g}: {outcome.label} is a relation (-1 .. +1), so its level "
            "must be between -1 and 1 (exclusive), e.g. --level 0.2"
        )
    return x


@dataclass(eq=False)
class TippingPlan:
    """A checked tipping-point analysis, ready to run (made by :func:`plan_tipping`)."""

    scenario: Scenario
    outcome: OutcomeExpr
    level: float
    ranges: dict[str, tuple[float, float]]
    """Canonical parameter path -> (LO, HI), in the order given."""
    replicates: int
    seed: int
    tolerance: float
    chunk_size: int
    pair: tuple[str, str] | None = None
    pair_points: int = DEFAULT_PAIR_POINTS
    notes: list[str] = field(default_factory=list)
    source: Path | None = None

    def searches(self) -> list[Search]:
        """One search per varied parameter, then one per value of A of the pair curve."""
        table = [Search(p, lo, hi) for p, (lo, hi) in self.ranges.items()]
        return table + self.pair_searches()

    def pair_searches(self) -> list[Search]:
        if self.pair is None:
            return []
        a, b = self.pair
        (a_lo, a_hi), (b_lo, b_hi) = self.ranges[a], self.ranges[b]
        values = np.linspace(a_lo, a_hi, self.pair_points)
        return [Search(b, b_lo, b_hi, ((a, float(v)),)) for v in values]

    def describe(self) -> str:
        """One line: what will run."""
        pair = ""
        if self.pair:
            pair = f", a tipping curve of {self.pair[1]} over {self.pair_points} values of "
            pair += self.pair[0]
        return (
            f"tipping points of {self.outcome.label} at {self.level:g} in "
            f"{self.scenario.name}: {len(self.ranges)} parameter(s){pair}; "
            f"{self.replicates:,} replicates per evaluation, seed {self.seed}"
        )

    def run(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        connect_timeout: float | None = None,
        progress: Any = None,
    ) -> TippingResult:
        """Bisect every search, all of a round's evaluations in one engine call."""
        started = dt.datetime.now().astimezone()
        fixed = self.scenario.model_copy(update={"sweep": {}})
        cache: dict[tuple[tuple[str, float], ...], Estimate] = {}
        total: list[RunStats | None] = [None]

        def evaluate(points: Sequence[dict[str, float]]) -> list[Estimate]:
            keys = [tuple(sorted(p.items())) for p in points]
            todo = list(dict.fromkeys(k for k in keys if k not in cache))
            if todo:
                ensemble, stats, _ = run_ensemble(
                    fixed,
                    replicates=self.replicates,
                    seed=self.seed,
                    chunk_size=self.chunk_size,
                    record=self.outcome.record,
                    points=[dict(k) for k in todo],
                    workers=workers,
                    scheduler=scheduler,
                    connect_timeout=connect_timeout,
                    progress=progress,
                    backend=backend,
                )
                total[0] = merge_stats(total[0], stats)
                for index, key in enumerate(todo):
                    values = self.outcome.per_replicate(ensemble.point(index), fixed)
                    cache[key] = estimate_of(values, self.outcome.kind)
            return [cache[k] for k in keys]

        searches = self.searches()
        # One pool (or Dask client) for every round, at most as wide as the first round.
        per_point = -(-self.replicates // self.chunk_size)
        widest = 2 * len(searches) * per_point
        with open_backend(workers, scheduler, widest, connect_timeout) as backend:
            crossings = find_crossings(searches, evaluate, self.level, self.tolerance)
        evaluations = evaluations_frame(searches, cache)
        return TippingResult(
            scenario=self.scenario,
            outcome=self.outcome,
            level=self.level,
            ranges=dict(self.ranges),
            replicates=self.replicates,
            seed=self.seed,
            tolerance=self.tolerance,
            chunk_size=self.chunk_size,
            crossings=crossings[: len(self.ranges)],
            pair=self.pair,
            pair_crossings=crossings[len(self.ranges) :],
            evaluations=evaluations,
            notes=list(self.notes),
            source=self.source,
            started_at=started,
            finished_at=dt.datetime.now().astimezone(),
            stats=total[0],
        )


def plan_tipping(
    scenario_or_path: Scenario | str | os.PathLike[str],
    outcome: str,
    vary: Mapping[str, tuple[float, float]],
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    pair: Sequence[str] | None = None,
    pair_points: int = DEFAULT_PAIR_POINTS,
    chunk_size: int | None = None,
) -> TippingPlan:
    """Check a tipping-point analysis without running anything.

    ``vary``: ``{path: (LO, HI)}``, at least one; ``pair``: two of its keys (A, B).
    Raises :class:`AnalysisError` (a ValueError) on a bad outcome, level, range or pair,
    and ``sim.scenario.ScenarioError`` on an invalid file.
    """
    scenario, source = load(scenario_or_path)
    expr = read_outcome(outcome, scenario)
    checked_level = check_level(expr, level)
    if not vary:
        raise AnalysisError(
            "tipping points need at least one --vary KEY=LO:HI, e.g. "
            "--vary actors.CHN.assertiveness=0.2:1.0"
        )
    ranges: dict[str, tuple[float, float]] = {}
    by_key: dict[str, str] = {}
    for key, path, lo, hi in vary_ranges(scenario, vary):
        if path in ranges:
            raise AnalysisError(f"--vary {key}: {path} is given twice; give each parameter once")
        ranges[path] = (lo, hi)
        by_key[key] = by_key[path] = path
    if int(replicates) < 2:
        raise AnalysisError(f"replicates must be >= 2 (for an interval), got {replicates}")
    if not 0 < tolerance < 1:
        raise AnalysisError(
            f"tolerance must be between 0 and 1 (a share of the range), got {tolerance}"
        )
    if int(pair_points) < 2:
        raise AnalysisError(f"a tipping curve needs at least 2 values of A, got {pair_points}")
    pair_paths = None
    if pair is not None:
        if len(pair) != 2:
            raise AnalysisError("--pair takes two parameters: A B")
        missing = [p for p in pair if p not in by_key]
        if missing:
            raise AnalysisError(
                f"--pair {' '.join(missing)}: not varied; --pair names two parameters given "
                f"with --vary ({', '.join(ranges)})"
            )
        pair_paths = (by_key[pair[0]], by_key[pair[1]])
        if pair_paths[0] == pair_paths[1]:
            raise AnalysisError("--pair A B: A and B must be two different parameters")
    notes = sweep_ignored_notes(scenario)
    if scenario.uncertainties:
        notes.append(
            "the scenario's other uncertain parameters are drawn per replicate as it draws "
            "them, the same draws at every value (common random numbers)"
        )
    return TippingPlan(
        scenario=scenario,
        outcome=expr,
        level=checked_level,
        ranges=ranges,
        replicates=int(replicates),
        seed=int(scenario.run.seed if seed is None else seed),
        tolerance=float(tolerance),
        chunk_size=chunk_size_of(scenario, chunk_size),
        pair=pair_paths,
        pair_points=int(pair_points),
        notes=notes,
        source=source,
    )


def tipping(
    scenario_or_path: Scenario | str | os.PathLike[str],
    outcome: str,
    vary: Mapping[str, tuple[float, float]],
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    pair: Sequence[str] | None = None,
    pair_points: int = DEFAULT_PAIR_POINTS,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
    progress: Any = None,
) -> TippingResult:
    """Find the tipping points of ``outcome`` (module docstring; arguments as for
    :func:`plan_tipping`, and where to run as for :func:`sim.run`)."""
    plan = plan_tipping(
        scenario_or_path,
        outcome,
        vary,
        level,
        replicates,
        seed,
        tolerance=tolerance,
        pair=pair,
        pair_points=pair_points,
        chunk_size=chunk_size,
    )
    return plan.run(workers, scheduler, connect_timeout, progress)


__all__ = [
    "Crossing",
    "Estimate",
    "Search",
    "TippingPlan",
    "TippingResult",
    "find_crossings",
    "plan_tipping",
    "read_outcome",
    "tipping",
]
