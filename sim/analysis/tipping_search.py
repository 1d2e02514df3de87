"""The search of a tipping point: estimates with their 95% intervals, and the
bisection of the estimate and of both interval bounds (:mod:`sim.analysis.tipping`
explains the method; this module is its arithmetic, independent of the engine)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.bisection import Bracket, bisect_together
from sim.analysis.tipping_result import Crossing
from sim.results.intervals import Z95, wilson_interval

BOUNDS = ("estimate", "lower", "upper")
"""What is bisected for each search: the estimate and the two ends of its 95% interval."""


@dataclass(frozen=True)
class Estimate:
    """The outcome at one point: the estimate over R replicates and its 95% interval."""

    estimate: float
    lower: float
    upper: float
    se: float

    def bound(self, which: str) -> float:
        return float(getattr(self, which))


@dataclass(frozen=True)
class Search:
    """Where one crossing is looked for: ``path`` over ``low..high``, with the parameters
    of ``fixed`` (path, value) held (a pair curve's value of A)."""

    path: str
    low: float
    high: float
    fixed: tuple[tuple[str, float], ...] = ()

    def point(self, x: float) -> dict[str, float]:
        return {**dict(self.fixed), self.path: float(x)}


def estimate_of(values: np.ndarray, kind: str) -> Estimate:
    """The estimate and 95% interval of per-replicate ``values`` (0/1 or relations)."""
    n = len(values)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    if kind == "probability":
        low, high = wilson_interval(round(float(values.sum())), n)
        return Estimate(mean, float(low), float(high), se)
    half = Z95 * (0.0 if math.isnan(se) else se)
    return Estimate(mean, mean - half, mean + half, se)


def find_crossings(
    searches: Sequence[Search],
    evaluate: Callable[[Sequence[dict[str, float]]], list[Estimate]],
    level: float,
    tolerance: float,
) -> list[Crossing]:
    """The crossing of ``level`` in every search (module docstring).

    ``evaluate(points)`` gives the :class:`Estimate` of each point (a dict path ->
    value); it is called once for the ends of every range and once per bisection round.
    """
    ends = evaluate([s.point(x) for s in searches for x in (s.low, s.high)])
    at = {
        (k, x): ends[2 * k + j]
        for k, s in enumerate(searches)
        for j, x in enumerate((s.low, s.high))
    }

    def above(e: Estimate, which: str) -> bool:
        return e.bound(which) >= level

    brackets: dict[tuple[int, str], Bracket] = {}
    clipped: dict[tuple[int, str], float] = {}
    start_side: dict[int, bool] = {}
    for k, s in enumerate(searches):
        lo, hi = at[(k, s.low)], at[(k, s.high)]
        side = above(lo, "estimate")
        start_side[k] = side
        if above(hi, "estimate") == side:
            continue  # no crossing in the range
        step = tolerance * (s.high - s.low)
        for which in BOUNDS:
            if above(lo, which) != side:
                clipped[(k, which)] = s.low  # already past the level at LO
            elif above(hi, which) == side:
                clipped[(k, which)] = s.high  # not yet past it at HI
            else:
                brackets[(k, which)] = Bracket(s.low, s.high, step)

    def judge(middles: dict[tuple[int, str], float]) -> dict[tuple[int, str], bool]:
        keys = list(middles)
        found = evaluate([searches[k].point(middles[(k, w)]) for k, w in keys])
        return {(k, w): above(e, w) == start_side[k] for (k, w), e in zip(keys, found, strict=True)}

    done = bisect_together(brackets, judge)
    crossings = []
    for k, s in enumerate(searches):
        lo, hi = at[(k, s.low)], at[(k, s.high)]
        fixed = dict(s.fixed)
        if (k, "estimate") not in done:
            crossings.append(Crossing(s.path, s.low, s.high, lo.estimate, hi.estimate, fixed=fixed))
            continue
        est = done[(k, "estimate")]
        ends = [
            done[(k, w)].value if (k, w) in done else clipped[(k, w)] for w in ("lower", "upper")
        ]
        before, after = evaluate([s.point(est.good), s.point(est.bad)])
        crossings.append(
            Crossing(
                s.path,
                s.low,
                s.high,
                lo.estimate,
                hi.estimate,
                crossing=est.value,
                before=est.good,
                after=est.bad,
                estimate_before=before.estimate,
                estimate_after=after.estimate,
                interval_low=min(ends),
                interval_high=max(ends),
                clipped=any((k, w) in clipped for w in ("lower", "upper")),
                fixed=fixed,
            )
        )
    return crossings


def evaluations_frame(
    searches: Sequence[Search], cache: Mapping[tuple[tuple[str, float], ...], Estimate]
) -> pd.DataFrame:
    """Every point evaluated, by search: the parameter, its value, the fixed values and
    the estimate with its interval (sorted by search and value)."""
    rows = []
    for k, s in enumerate(searches):
        fixed = dict(s.fixed)
        for key, e in cache.items():
            point = dict(key)
            if set(point) != {s.path, *fixed} or any(point[p] != v for p, v in fixed.items()):
                continue
            rows.append(
                {
                    "search": k,
                    "parameter": s.path,
                    "value": point[s.path],
                    "fixed": "; ".join(f"{p}={v:g}" for p, v in fixed.items()),
                    "estimate": e.estimate,
                    "lower": e.lower,
                    "upper": e.upper,
                    "se": e.se,
                }
            )
    columns = ["search", "parameter", "value", "fixed", "estimate", "lower", "upper", "se"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["search", "value"], ignore_index=True)
