"""Global sensitivity analysis (SALib): which uncertain parameters move an outcome.

The **factors** are the scenario's uncertain parameters (``uncertainties``) and any
ranges given with ``vary`` (``--vary KEY=LO:HI``, a uniform factor; it replaces the
scenario's distribution of the same parameter). Each factor is described to SALib by
its distribution where SALib has one:

============  =====================================  ==========================
scenario      SALib problem entry                    note
============  =====================================  ==========================
uniform       ``unif``, [low, high]
triangular    ``triang``, [low, high, (mode-low)/(high-low)]  SALib refuses a
                                                     negative high: uniform
                                                     over [low, high] instead
normal        ``truncnorm``, [low, high, mean, sd]   a missing bound is cut at
                                                     mean -/+ 4 sd (inside the
                                                     parameter's range)
choice        ``unif``, [min, max] of the values     SALib has no discrete
                                                     distribution
============  =====================================  ==========================

(every such substitution is listed in the result's ``notes`` and in the report).

SALib draws a sample of factor values (Morris trajectories or Saltelli's Sobol'
design, with a seed derived from the run's). Every row of the sample is a **point**:
its values are set as constants on the scenario (the scenario's uncertainties are
removed, so nothing else is sampled per replicate) and the point is run as an ensemble
of R replicates. All points use the same seeds (common random numbers), so two points
differ only by their factor values, and a factor that does not enter the model gives
exactly the same numbers at every point. All points run through the ensemble engine in
one call (:func:`sim.experiment.engine.run_in_memory`), on this process, a process pool
or a Dask cluster. The outcome of a point is the outcome expression
(:mod:`sim.analysis.outcome_expr`) averaged over its replicates: a mean relation or a
probability. SALib then computes:

- **Morris** (elementary effects; Morris 1991, Campolongo et al. 2007): ``mu_star``,
  the mean absolute change of the outcome when the factor moves across its range
  (elementary effects are divided by the step in the unit cube, so a factor whose whole
  range moves the outcome by 0.3 has mu* near 0.3), with its bootstrap 95% interval
  ``mu_star_conf``; ``mu`` (signed mean; the direction) and ``sigma`` (the standard
  deviation of the effects: interactions and non-linearity). N is the number of
  trajectories; the sample has N (k + 1) points for k factors.
- **Sobol** (variance decomposition; Saltelli 2002, Saltelli et al. 2010): ``S1``, the
  share of the outcome's variance due to the factor alone, and ``ST``, its share
  including every interaction, with bootstrap 95% intervals ``S1_conf`` and
  ``ST_conf``. N is the base sample (a power of 2); without second-order indices the
  sample has N (k + 2) points.

The outcome of every point carries Monte Carlo noise from its R replicates (its
standard error is in ``samples.outcome_se``); common random numbers keep the noise of
differences between points much smaller than that, but small indices (mu* or ST of a
few hundredths) are within noise for small R.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from sim.analysis.common import (
    AnalysisError,
    chunk_size_of,
    derived_seed,
    distribution_text,
    load,
    number,
    parameter_label,
    parse_outcome_option,
    quiet_libraries,
    result_manifest,
    run_ensemble,
    save_result,
    sweep_ignored_notes,
    vary_ranges,
)
from sim.analysis.outcome_expr import OutcomeExpr, parse_outcome
from sim.present.html_page import esc, figure_div, html_page, summary_table, table_html

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sim.scenario import Scenario

Method = Literal["morris", "sobol"]
METHODS: tuple[str, ...] = ("morris", "sobol")
DEFAULT_N = {"morris": 20, "sobol": 128}
"""Default N: Morris trajectories, Sobol base sample (a power of 2)."""
DEFAULT_REPLICATES = 50
DEFAULT_LEVELS = 4
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
    """The SALib description of one of the scenario's distributions (module table)."""
    from sim.scenario.checks import parameter_range, parameter_target

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


def _is_power_of_two(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


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


# --------------------------------------------------------------------------- result


@dataclass(eq=False)
class SensitivityResult:
    """A finished sensitivity analysis.

    ``indices``: one row per factor (most influential first): Morris ``mu_star``,
    ``mu_star_conf``, ``mu``, ``sigma``; Sobol ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
    (module docstring). ``samples``: one row per point: ``point``, one column per factor
    path (the values set), ``outcome`` (the mean over the point's replicates) and
    ``outcome_se`` (its standard error).
    """

    scenario: Scenario
    outcome: OutcomeExpr
    method: str
    n: int
    replicates: int
    seed: int
    factors: list[Factor]
    samples: pd.DataFrame
    indices: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    levels: int = DEFAULT_LEVELS
    chunk_size: int = 0
    source: Path | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stats: Any = None
    """How the ensemble ran (sim.experiment.runner.RunStats)."""
    _figures: dict[str, go.Figure] | None = field(default=None, repr=False)

    @property
    def points(self) -> int:
        return len(self.samples)

    def figures(self) -> dict[str, go.Figure]:
        """'tornado' (the indices as bars with their intervals) and, for Morris,
        'morris_scatter' (mu* against sigma)."""
        if self._figures is None:
            self._figures = sensitivity_figures(self)
        return dict(self._figures)

    def summary_lines(self) -> list[str]:
        """The indices as text lines (what the command prints)."""
        rows = self.indices
        if self.method == "morris":
            head = f"{'factor':<40} {'mu*':>8} {'+/-':>7} {'mu':>8} {'sigma':>8}"
            lines = [head]
            for r in rows.itertuples(index=False):
                lines.append(
                    f"{r.factor:<40} {r.mu_star:8.3f} {r.mu_star_conf:7.3f} {r.mu:8.3f} "
                    f"{r.sigma:8.3f}"
                )
        else:
            head = f"{'factor':<40} {'S1':>7} {'+/-':>6} {'ST':>7} {'+/-':>6}"
            lines = [head]
            for r in rows.itertuples(index=False):
                lines.append(
                    f"{r.factor:<40} {r.S1:7.3f} {r.S1_conf:6.3f} {r.ST:7.3f} {r.ST_conf:6.3f}"
                )
        return lines

    def html(self) -> str:
        """The self-contained report page (sensitivity.html)."""
        return sensitivity_html(self)

    def manifest(self, command: Sequence[str] | str | None = None) -> dict[str, Any]:
        """The manifest (JSON-ready) of the result folder."""
        m = result_manifest("sensitivity", self, command)
        m.update(
            {
                "method": self.method,
                "n": self.n,
                "num_levels": self.levels if self.method == "morris" else None,
                "second_order": False if self.method == "sobol" else None,
                "points": self.points,
                "replicates": self.replicates,
                "chunk_size": self.chunk_size,
                "record": self.outcome.record,
                "outcome": {
                    "text": self.outcome.text,
                    "kind": self.outcome.kind,
                    "step": self.outcome.step,
                    "meaning": self.outcome.meaning,
                },
                "factors": [f.to_dict() for f in self.factors],
                "salib_problem": salib_problem(self.factors),
                "seeds": {
                    "ensemble": self.seed,
                    "salib_sample": derived_seed(self.seed, SAMPLE_PURPOSE),
                    "salib_analyze": derived_seed(self.seed, ANALYZE_PURPOSE),
                    "scheme": "every point uses the same seeds (common random numbers); "
                    "SALib seeds: SeedSequence(entropy=seed, spawn_key=(3, 1 sample | 2 "
                    "analyze))",
                },
                "notes": list(self.notes),
            }
        )
        return m

    def save(
        self,
        root: str | os.PathLike[str] = "results",
        command: Sequence[str] | str | None = None,
    ) -> Path:
        """Write ``<root>/sensitivity/<scenario>/<run-id>/`` and return it: indices.csv,
        samples.csv, sensitivity.html and manifest.json (never over an existing run)."""

        def write(tmp: Path) -> list[str]:
            self.indices.to_csv(tmp / "indices.csv", index=False)
            self.samples.to_csv(tmp / "samples.csv", index=False)
            (tmp / "sensitivity.html").write_text(self.html(), encoding="utf-8")
            return ["indices.csv", "samples.csv", "sensitivity.html"]

        return save_result("sensitivity", self, root, command, write)


# --------------------------------------------------------------------------- running


@dataclass(eq=False)
class SensitivityPlan:
    """A checked sensitivity analysis, ready to run: factors, SALib's sample, settings.

    Made by :func:`plan_sensitivity`; :meth:`run` runs it. ``sample`` is the (points,
    factors) array of factor values, one row per point.
    """

    scenario: Scenario
    outcome: OutcomeExpr
    method: str
    n: int
    levels: int
    replicates: int
    seed: int
    factors: list[Factor]
    sample: np.ndarray
    notes: list[str] = field(default_factory=list)
    chunk_size: int = 1000
    """Replicates per chunk of work (the scenario's run.chunk_size unless given)."""
    source: Path | None = None

    @property
    def points(self) -> int:
        return int(self.sample.shape[0])

    def describe(self) -> str:
        """One line: what will run."""
        return (
            f"{self.method} sensitivity of {self.outcome.label} in {self.scenario.name}: "
            f"{len(self.factors)} factors, N = {self.n}, {self.points:,} points x "
            f"{self.replicates:,} replicates, seed {self.seed}"
        )

    def run(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        connect_timeout: float | None = None,
        progress: Any = None,
    ) -> SensitivityResult:
        """Run every point through the ensemble engine (one call) and analyse the means.

        Raises ``sim.experiment.engine.EnsembleFailed`` if a chunk fails and
        ``sim.experiment.executors.SchedulerUnreachable`` without a Dask scheduler.
        """
        scenario, x, notes = self.scenario, self.sample, list(self.notes)
        points = [
            {f.path: float(v) for f, v in zip(self.factors, row, strict=True)} for row in x.tolist()
        ]
        fixed = scenario.model_copy(update={"uncertainties": {}, "sweep": {}})
        ensemble, stats, started = run_ensemble(
            fixed,
            replicates=self.replicates,
            seed=self.seed,
            chunk_size=self.chunk_size,
            record=self.outcome.record,
            points=points,
            workers=workers,
            scheduler=scheduler,
            connect_timeout=connect_timeout,
            progress=progress,
        )
        means = np.empty(len(points))
        errors = np.zeros(len(points))
        for k in range(len(points)):
            values = self.outcome.per_replicate(ensemble.point(k), scenario)
            means[k] = float(values.mean())
            if len(values) > 1:
                errors[k] = float(values.std(ddof=1) / math.sqrt(len(values)))
        if np.ptp(means) == 0:
            notes.append(
                f"the outcome is {number(means[0], 3)} at every point: no factor moves it, "
                "and every index is 0"
            )
        indices = analyse_indices(self.method, self.factors, x, means, self.seed, self.levels)
        samples = pd.DataFrame({"point": np.arange(len(points))})
        for j, f in enumerate(self.factors):
            samples[f.path] = x[:, j]
        samples["outcome"] = means
        samples["outcome_se"] = errors
        return SensitivityResult(
            scenario=scenario,
            outcome=self.outcome,
            method=self.method,
            n=self.n,
            replicates=self.replicates,
            seed=self.seed,
            factors=self.factors,
            samples=samples,
            indices=indices,
            notes=notes,
            levels=self.levels,
            chunk_size=self.chunk_size,
            source=self.source,
            started_at=started,
            finished_at=dt.datetime.now().astimezone(),
            stats=stats,
        )


def plan_sensitivity(
    scenario_or_path: Scenario | str | os.PathLike[str],
    outcome: str,
    method: str = "morris",
    n: int | None = None,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    vary: Mapping[str, tuple[float, float]] | None = None,
    *,
    levels: int = DEFAULT_LEVELS,
    chunk_size: int | None = None,
) -> SensitivityPlan:
    """Check a sensitivity analysis and draw its sample, without running anything.

    Arguments as for :func:`sensitivity`. Raises :class:`AnalysisError` (a ValueError)
    on a bad method, N, outcome or range and when there are no factors, and
    ``sim.scenario.ScenarioError`` on an invalid file.
    """
    scenario, source = load(scenario_or_path)
    if method not in METHODS:
        raise AnalysisError(f"method {method!r}: expected morris or sobol")
    n = DEFAULT_N[method] if n is None else int(n)
    if method == "morris" and n < 2:
        raise AnalysisError(f"Morris needs at least 2 trajectories, got N = {n}")
    if method == "sobol" and not _is_power_of_two(n):
        raise AnalysisError(
            f"Sobol needs N a power of 2 (the Sobol' sequence is balanced only then), got "
            f"{n}; e.g. {2 ** max(1, math.ceil(math.log2(max(n, 2))))}"
        )
    if method == "morris" and (levels < 2 or levels % 2):
        raise AnalysisError(f"Morris levels must be even and >= 2, got {levels}")
    if int(replicates) < 1:
        raise AnalysisError(f"replicates must be >= 1, got {replicates}")
    size = chunk_size_of(scenario, chunk_size)
    expr = parse_outcome_option(parse_outcome, outcome, scenario)
    factors, notes = build_factors(scenario, vary)
    notes += sweep_ignored_notes(scenario)
    run_seed = int(scenario.run.seed if seed is None else seed)
    return SensitivityPlan(
        scenario=scenario,
        outcome=expr,
        method=method,
        n=n,
        levels=levels,
        replicates=int(replicates),
        seed=run_seed,
        factors=factors,
        sample=draw_sample(method, factors, n, run_seed, levels),
        notes=notes,
        chunk_size=size,
        source=source,
    )


def sensitivity(
    scenario_or_path: Scenario | str | os.PathLike[str],
    outcome: str,
    method: str = "morris",
    n: int | None = None,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    vary: Mapping[str, tuple[float, float]] | None = None,
    *,
    levels: int = DEFAULT_LEVELS,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
    progress: Any = None,
) -> SensitivityResult:
    """Run a Morris or Sobol sensitivity analysis of ``outcome`` (module docstring).

    ``outcome``: an outcome expression (``RUS-JPN``, ``RUS-JPN@20``,
    ``P(russia_japan_rapprochement)``, ``P(RUS-CHN is allied)``). ``method``: 'morris'
    or 'sobol'. ``n``: Morris trajectories (default 20) or the Sobol base sample (a
    power of 2, default 128); ``levels``: the Morris grid (even, default 4).
    ``replicates`` per point, every point on the same seeds; ``seed`` defaults to the
    scenario's. ``vary``: ``{path: (low, high)}`` uniform factors. ``chunk_size``:
    replicates per chunk of work (default: the scenario's; it fixes the random numbers,
    like the seed; a point of up to that many replicates is one chunk). ``workers`` /
    ``scheduler``: where the ensemble runs (as :func:`sim.run`); ``progress``: a
    callback ``(done_chunks, total_chunks)`` or an engine progress sink.

    Raises :class:`AnalysisError` (a ValueError) on bad input or when there are no
    factors, ``sim.scenario.ScenarioError`` on an invalid file, and
    ``sim.experiment.engine.EnsembleFailed`` if a chunk fails.
    """
    plan = plan_sensitivity(
        scenario_or_path,
        outcome,
        method,
        n,
        replicates,
        seed,
        vary,
        levels=levels,
        chunk_size=chunk_size,
    )
    return plan.run(workers, scheduler, connect_timeout, progress)


# --------------------------------------------------------------------------- figures

BAR_MAIN = "#1f3b73"
BAR_SECOND = "#9bb7d4"


def sensitivity_figures(result: SensitivityResult) -> dict[str, go.Figure]:
    """The tornado chart (and the Morris mu*-sigma scatter) of a result."""
    import plotly.graph_objects as go

    idx = result.indices.iloc[::-1]  # plotly draws the first bar at the bottom
    labels = [esc(lbl) for lbl in idx["label"]]
    hover = [esc(p) for p in idx["factor"]]
    what = esc(result.outcome.label)
    height = max(300, 110 + 52 * len(idx))
    figures: dict[str, go.Figure] = {}
    if result.method == "morris":
        fig = go.Figure()
        _index_bar(
            fig, labels, idx, hover, "mu_star", "mu*", "mu* (mean |effect|)", BAR_MAIN, conf=True
        )
        _index_bar(
            fig,
            labels,
            idx,
            hover,
            "sigma",
            "sigma",
            "sigma (spread: interactions, non-linearity)",
            BAR_SECOND,
            conf=False,
        )
        fig.update_layout(
            title=f"Morris screening of {what}: mu* with its 95% interval, and sigma",
            xaxis_title=f"change in {what} across a factor's range",
        )
        scatter = go.Figure()
        reach = (idx["mu_star"] + idx["mu_star_conf"].fillna(0)).max()
        top = float(np.nanmax([reach, idx["sigma"].max(), 1e-9])) * 1.1
        for ratio, dash in ((0.1, "dot"), (0.5, "dash"), (1.0, "solid")):
            scatter.add_scatter(
                x=[0, top],
                y=[0, ratio * top],
                mode="lines",
                line={"color": "#bbbbbb", "dash": dash, "width": 1},
                name=f"sigma / mu* = {ratio:g}",
                hoverinfo="skip",
            )
        scatter.add_scatter(
            x=result.indices["mu_star"],
            y=result.indices["sigma"],
            mode="markers+text",
            cliponaxis=False,
            text=[esc(lbl) for lbl in result.indices["label"]],
            textposition="top center",
            marker={"size": 11, "color": BAR_MAIN},
            error_x={
                "type": "data",
                "array": result.indices["mu_star_conf"].fillna(0),
                "visible": True,
            },
            customdata=[esc(p) for p in result.indices["factor"]],
            hovertemplate="%{customdata}<br>mu* = %{x:.3f}<br>sigma = %{y:.3f}<extra></extra>",
            name="factors",
        )
        scatter.update_layout(
            title="mu* against sigma: far right matters; high above the lines, the effect "
            "depends on the other factors",
            xaxis={"title": "mu*", "range": [-0.04 * top, top]},
            yaxis={"title": "sigma", "range": [-0.04 * top, top]},
            height=460,
            margin={"l": 80, "r": 20, "t": 60, "b": 50},
        )
        figures["morris_scatter"] = scatter
    else:
        fig = go.Figure()
        _index_bar(
            fig,
            labels,
            idx,
            hover,
            "ST",
            "ST",
            "ST (total effect, with interactions)",
            BAR_MAIN,
            conf=True,
        )
        _index_bar(
            fig, labels, idx, hover, "S1", "S1", "S1 (first order, alone)", BAR_SECOND, conf=True
        )
        fig.update_layout(
            title=f"Sobol indices of {what}: share of its variance, with 95% intervals",
            xaxis_title="share of the outcome's variance",
        )
    fig.update_layout(
        barmode="group",
        height=height,
        yaxis={"automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 20, "r": 20, "t": 90, "b": 60},
    )
    figures = {"tornado": fig, **figures}
    return figures


def _fmt(v: Any, digits: int = 3) -> str:
    return "" if pd.isna(v) else f"{float(v):.{digits}f}"


def sensitivity_html(result: SensitivityResult) -> str:
    """The whole sensitivity report as one HTML string (self-contained, escaped)."""
    s = result.scenario
    figs = result.figures()
    method = "Morris elementary effects" if result.method == "morris" else "Sobol indices"
    n_text = (
        f"{result.n} trajectories, {result.levels} levels"
        if result.method == "morris"
        else f"{result.n} (Saltelli design without second-order indices)"
    )
    stats = result.stats
    ran = (
        f"{stats.backend}, {stats.workers} worker(s), {stats.seconds:.1f} s"
        if stats is not None
        else ""
    )
    rows: list[tuple[str, Any]] = [
        ("outcome", f"{result.outcome.label}: {result.outcome.meaning}"),
        ("method", method),
        ("N", n_text),
        ("points", f"{result.points:,}, each an ensemble of {result.replicates:,} replicates"),
        ("seed", f"{result.seed} (every point on the same seeds: common random numbers)"),
        ("steps", f"{s.run.steps} of {s.run.step_months} month(s)"),
    ]
    if ran:
        rows.append(("ran on", ran))
    factor_rows = [
        [
            f.path,
            f.label,
            distribution_text(f.distribution),
            f"{f.salib_dist} {', '.join(number(b, 3) for b in f.salib_bounds)}",
            "scenario" if f.source == "scenario" else "--vary",
        ]
        for f in result.factors
    ]
    idx = result.indices
    if result.method == "morris":
        header = ["rank", "factor", "parameter", "mu*", "95% +/-", "mu", "sigma"]
        index_rows = [
            [
                r.rank,
                r.label,
                r.factor,
                _fmt(r.mu_star),
                _fmt(r.mu_star_conf),
                _fmt(r.mu),
                _fmt(r.sigma),
            ]
            for r in idx.itertuples(index=False)
        ]
        reading = (
            "mu* is the mean absolute change of the outcome when a factor moves across its "
            "range (elementary effects divided by the step on the unit scale), with a "
            "bootstrap 95% interval; mu is the signed mean (the direction: positive when "
            "raising the factor raises the outcome); sigma is the spread of the effects: "
            "large against mu* when the effect depends on the other factors or is "
            "non-linear. Factors are sorted by mu*; a factor near 0 can be fixed at any "
            "value in its range without changing the outcome."
        )
    else:
        header = ["rank", "factor", "parameter", "S1", "95% +/-", "ST", "95% +/-"]
        index_rows = [
            [r.rank, r.label, r.factor, _fmt(r.S1), _fmt(r.S1_conf), _fmt(r.ST), _fmt(r.ST_conf)]
            for r in idx.itertuples(index=False)
        ]
        reading = (
            "S1 is the share of the outcome's variance due to a factor alone; ST its share "
            "including every interaction with other factors (ST >= S1; the gap is "
            "interaction). Intervals are bootstrap 95%. Factors are sorted by ST; a factor "
            "with ST near 0 does not matter over its range. Small negative values are "
            "estimation noise."
        )
    body = [
        f"<h1>Sensitivity: {esc(s.name)}</h1>",
        f'<p class="description">{esc((s.description or "").strip())}</p>',
        "<h2>Analysis</h2>",
        summary_table(rows),
        "<h2>Which factors matter</h2>",
        f"<p>{esc(reading)}</p>",
        figure_div(figs["tornado"], "tornado"),
    ]
    if "morris_scatter" in figs:
        body += [
            "<p>The lines mark sigma / mu* = 0.1, 0.5 and 1: below 0.1 the effect is "
            "close to linear, up to 0.5 monotonic, above 1 it changes with the other "
            "factors or is not monotonic (Garcia Sanchez et al. 2014).</p>",
            figure_div(figs["morris_scatter"], "morris_scatter"),
        ]
    body += [
        table_html(header, index_rows, numeric={0, 3, 4, 5, 6}),
        "<h2>Factors</h2>",
        "<p>The uncertain parameters and how they were sampled (SALib's distribution "
        "and its parameters). Every other parameter keeps the scenario's value.</p>",
        table_html(
            ["parameter", "in words", "distribution", "sampled as (SALib)", "from"],
            factor_rows,
            numeric=set(),
        ),
    ]
    if result.notes:
        body.append("<h2>Notes</h2><ul>")
        body += [f"<li>{esc(note)}</li>" for note in result.notes]
        body.append("</ul>")
    se = result.samples["outcome_se"]
    body.append(
        f'<p class="muted">samples.csv holds every point\'s factor values and outcome '
        f"(mean over its replicates; standard error {_fmt(se.mean())} on average); "
        "indices.csv the indices.</p>"
    )
    return html_page(f"{s.name} – sensitivity of {result.outcome.label}", body)


__all__ = [
    "Factor",
    "SensitivityPlan",
    "SensitivityResult",
    "analyse_indices",
    "build_factors",
    "draw_sample",
    "plan_sensitivity",
    "salib_problem",
    "sensitivity",
]


def _index_bar(
    fig: go.Figure,
    labels: list[str],
    idx: pd.DataFrame,
    hover: list[str],
    column: str,
    symbol: str,
    name: str,
    color: str,
    conf: bool,
) -> None:
    """One horizontal bar series of a sensitivity index (with its interval if ``conf``)."""
    error = (
        {"type": "data", "array": idx[f"{column}_conf"].fillna(0), "visible": True}
        if conf
        else None
    )
    fig.add_bar(
        y=labels,
        x=idx[column],
        orientation="h",
        name=name,
        marker_color=color,
        error_x=error,
        customdata=hover,
        hovertemplate=f"%{{customdata}}<br>{symbol} = %{{x:.3f}}<extra></extra>",
    )
