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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.analysis.common import (
    AnalysisError,
    chunk_size_of,
    load,
    number,
    parse_outcome_option,
    run_ensemble,
    sweep_ignored_notes,
)
from sim.analysis.outcome_expr import OutcomeExpr, parse_outcome
from sim.analysis.sensitivity_result import SensitivityResult
from sim.analysis.sensitivity_salib import (
    DEFAULT_LEVELS,
    Factor,
    analyse_indices,
    build_factors,
    draw_sample,
    salib_problem,
)
from sim.scenario import Scenario

Method = Literal["morris", "sobol"]
METHODS: tuple[str, ...] = ("morris", "sobol")
DEFAULT_N = {"morris": 20, "sobol": 128}
"""Default N: Morris trajectories, Sobol base sample (a power of 2)."""
DEFAULT_REPLICATES = 50


def _is_power_of_two(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


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


__all__ = [
    "DEFAULT_LEVELS",
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
