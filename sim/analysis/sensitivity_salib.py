"""The factors of a sensitivity analysis and what SALib does with them.

A :class:`Factor` is one uncertain parameter as SALib samples it (the substitutions are
tabled in :mod:`sim.analysis.sensitivity`); :func:`build_factors` makes them from the
scenario and the ``vary`` ranges, :func:`salib_problem` describes them to SALib,
:func:`draw_sample` draws SALib's sample (Morris trajectories or Saltelli's Sobol'
design) and :func:`analyse_indices` turns the points' outcomes into SALib's indices.
SALib is imported only inside the two calls that need it (it is heavy and optional for
start-up).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.common import (
    AnalysisError,
    derived_seed,
    number,
    parameter_label,
    vary_ranges,
)
from sim.analysis.quiet import quiet_libraries
from sim.scenario import Scenario
from sim.scenario.checks import parameter_range, parameter_target

DEFAULT_LEVELS = 4
"""The Morris grid's levels when none are given."""
NORMAL_CUT_SD = 4.0
"""A normal without a bound is cut this many sd from its mean for SALib."""

SAMPLE_PURPOSE, ANALYZE_PURPOSE = 1, 2
"""derived_seed purposes of SALib's sampling and analysis."""

INDICES_COLUMNS = {
    "morris": ["factor", "label", "mu_star", "mu_star_conf", "mu", "sigma", "rank"],
    "sobol": ["factor", "label", "S1", "S1_conf", "ST", "ST_conf", "rank"],
}


@dataclass(frozen=True)
class Factor:
    """One uncertain parameter of the analysis and how SALib samples it."""

    path: str
    """The parameter path (``actors.CHN.assertiveness``)."""
    label: str
    """The parameter in words (``China's assertiveness``)."""
    source: str
    """'scenario' (its uncertainties) or 'vary' (a range given for the analysis)."""
    distribution: dict[str, Any]
    """The distribution as the scenario (or --vary, as a uniform) states it."""
    salib_dist: str
    """SALib's name of the distribution sampled: 'unif', 'triang' or 'truncnorm'."""
    salib_bounds: list[float]
    """SALib's parameters of that distribution (the problem's ``bounds`` entry)."""
    low: float
    high: float
    """The range the sampled values lie in."""
    note: str = ""
    """What differs from the scenario's distribution, if anything."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label,
            "source": self.source,
            "distribution": self.distribution,
            "salib": {"dist": self.salib_dist, "bounds": self.salib_bounds},
            "low": self.low,
            "high": self.high,
            "note": self.note,
        }


def _factor_from_distribution(scenario: Scenario, path: str, dist: Any) -> Factor:
    """The SALib description of one of the scenario's distributions (the table of
    :mod:`sim.analysis.sensitivity`)."""
    label = parameter_label(scenario, path)
    given = dist.model_dump()
    kind = given["dist"]
    if kind == "uniform":
        lo, hi = float(dist.low), float(dist.high)
        return Factor(path, label, "scenario", given, "unif", [lo, hi], lo, hi)
    if kind == "triangular":
        lo, mode, hi = float(dist.low), float(dist.mode), float(dist.high)
        if hi < 0:
            note = (
                f"triangular({number(lo)}, {number(mode)}, {number(hi)}) sampled as uniform "
                f"over [{number(lo)}, {number(hi)}]: SALib's triangular needs a high end >= 0"
            )
            return Factor(path, label, "scenario", given, "unif", [lo, hi], lo, hi, note)
        # SALib needs the peak strictly below 1 (as a share of the width)
        c = min((mode - lo) / (hi - lo), 1.0 - 1e-9)
        return Factor(path, label, "scenario", given, "triang", [lo, hi, c], lo, hi)
    if kind == "normal":
        mean, sd = float(dist.mean), float(dist.sd)
        p_lo, p_hi, _, _ = parameter_range(parameter_target(scenario, path, "sampled"), path)
        notes = []
        lo = dist.low
        if lo is None:
            lo = max(mean - NORMAL_CUT_SD * sd, p_lo)
            notes.append(f"no low: cut at {number(lo)}")
        hi = dist.high
        if hi is None:
            hi = min(mean + NORMAL_CUT_SD * sd, p_hi)
            notes.append(f"no high: cut at {number(hi)}")
        note = f"normal sampled truncated ({'; '.join(notes)})" if notes else ""
        lo, hi = float(lo), float(hi)
        return Factor(path, label, "scenario", given, "truncnorm", [lo, hi, mean, sd], lo, hi, note)
    values = [float(v) for v in dist.values]
    lo, hi = min(values), max(values)
    note = (
        f"choice of {', '.join(number(v) for v in values)} sampled as uniform over "
        f"[{number(lo)}, {number(hi)}]: SALib has no discrete distributions"
    )
    return Factor(path, label, "scenario", given, "unif", [lo, hi], lo, hi, note)


def build_factors(
    scenario: Scenario, vary: Mapping[str, tuple[float, float]] | None = None
) -> tuple[list[Factor], list[str]]:
    """The factors of an analysis (sorted by path) and notes on how they are sampled.

    ``vary`` maps parameter paths to (low, high): uniform factors, checked like sweep
    keys, replacing the scenario's distribution of the same parameter. A choice with a
    single value is constant and left out (noted). Raises :class:`AnalysisError` on a
    bad ``vary`` entry or when there is no factor at all.
    """
    factors: dict[str, Factor] = {}
    notes: list[str] = []
    for path in sorted(scenario.uncertainties):
        dist = scenario.uncertainties[path]
        if dist.model_dump()["dist"] == "choice" and len(set(dist.values)) < 2:
            notes.append(f"{path}: a choice of one value is constant; not a factor")
            continue
        factors[path] = _factor_from_distribution(scenario, path, dist)
    seen: dict[str, str] = {}
    for key, path, lo, hi in vary_ranges(scenario, vary):
        if path in seen:
            raise AnalysisError(f"--vary {key}: the same parameter as --vary {seen[path]}")
        seen[path] = key
        if path in factors:
            notes.append(
                f"{path}: --vary {number(lo)}:{number(hi)} replaces the scenario's "
                f"{factors[path].distribution['dist']} distribution"
            )
        factors[path] = Factor(
            path,
            parameter_label(scenario, path),
            "vary",
            {"dist": "uniform", "low": lo, "high": hi},
            "unif",
            [lo, hi],
            lo,
            hi,
        )
    for f in factors.values():
        if f.note:
            notes.append(f"{f.path}: {f.note}")
    if not factors:
        raise AnalysisError(
            f"scenario '{scenario.name}' has no uncertain parameters to analyse: give "
            "distributions in the scenario (uncertainties:, docs/scenarios.md) or ranges "
            "with --vary KEY=LO:HI (e.g. --vary actors.CHN.assertiveness=0.4:0.8)"
        )
    return [factors[p] for p in sorted(factors)], notes


def salib_problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """The SALib problem specification of the factors (names are the paths)."""
    return {
        "num_vars": len(factors),
        "names": [f.path for f in factors],
        "bounds": [list(f.salib_bounds) for f in factors],
        "dists": [f.salib_dist for f in factors],
    }


def draw_sample(
    method: str, factors: Sequence[Factor], n: int, seed: int, levels: int = DEFAULT_LEVELS
) -> np.ndarray:
    """SALib's sample: an (points, factors) array of factor values.

    Morris: ``SALib.sample.morris.sample(problem, n, num_levels=levels)`` (n
    trajectories, n (k + 1) points). Sobol: ``SALib.sample.sobol.sample(problem, n,
    calc_second_order=False)`` (scrambled Sobol' sequence, n (k + 2) points). Both with
    a seed derived from ``seed``. Values are clipped into each factor's range.
    """
    problem = salib_problem(factors)
    sample_seed = derived_seed(seed, SAMPLE_PURPOSE)
    with quiet_libraries():
        if method == "morris":
            from SALib.sample import morris as morris_sample

            x = morris_sample.sample(problem, n, num_levels=levels, seed=sample_seed)
        else:
            from SALib.sample import sobol as sobol_sample

            x = sobol_sample.sample(problem, n, calc_second_order=False, seed=sample_seed)
    x = np.asarray(x, dtype=np.float64)
    lows = np.array([f.low for f in factors])
    highs = np.array([f.high for f in factors])
    return np.clip(x, lows, highs)


def analyse_indices(
    method: str,
    factors: Sequence[Factor],
    x: np.ndarray,
    y: np.ndarray,
    seed: int,
    levels: int = DEFAULT_LEVELS,
) -> pd.DataFrame:
    """SALib's indices as a table, one row per factor, most influential first.

    Morris: ``SALib.analyze.morris.analyze`` -> mu_star, mu_star_conf, mu, sigma.
    Sobol: ``SALib.analyze.sobol.analyze(calc_second_order=False)`` -> S1, S1_conf, ST,
    ST_conf. ``rank`` is 1 for the most influential (by mu_star or ST).
    """
    problem = salib_problem(factors)
    analyze_seed = derived_seed(seed, ANALYZE_PURPOSE)
    yy = np.asarray(y, dtype=np.float64)
    with quiet_libraries():
        if method == "morris":
            from SALib.analyze import morris as morris_analyze

            si = morris_analyze.analyze(
                problem, np.asarray(x, dtype=np.float64), yy, num_levels=levels, seed=analyze_seed
            )
            keys, key = ["mu_star", "mu_star_conf", "mu", "sigma"], "mu_star"
        else:
            from SALib.analyze import sobol as sobol_analyze

            si = sobol_analyze.analyze(problem, yy, calc_second_order=False, seed=analyze_seed)
            keys, key = ["S1", "S1_conf", "ST", "ST_conf"], "ST"
    frame = pd.DataFrame(
        {
            "factor": [f.path for f in factors],
            "label": [f.label for f in factors],
            **{k: np.asarray(si[k], dtype=np.float64) for k in keys},
        }
    )
    frame = frame.sort_values(key, ascending=False, kind="stable", na_position="last")
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)[INDICES_COLUMNS[method]]


__all__ = [
    "Factor",
    "analyse_indices",
    "build_factors",
    "draw_sample",
    "salib_problem",
]
