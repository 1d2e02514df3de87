"""Calibration: the values of chosen parameters that best fit what was observed.

``calibrate(FILE, OBS.csv, {path: (LO, HI)})`` fits the varied parameters of a scenario
to dated observations of relations (:mod:`sim.scenario.observations`) by simulation.

**What is fitted.** Every evaluation is an ensemble of R replicates of the scenario with
the varied parameters at one point; its score is the log-likelihood of the observations
given the replicates (:mod:`sim.analysis.observation_fit`: measurement error for points,
blurred edges for bands, a 1% chance that a coding is wrong). The scenario's other
uncertain parameters are drawn per replicate as it draws them, so the likelihood is
marginal over them. Every evaluation runs on the same seed (common random numbers): the
score is a deterministic function of the point, and moving a parameter changes only what
that parameter changes.

**The optimiser** is optuna's TPE sampler (Bergstra et al. 2011), multivariate, seeded
from the run's seed: a well-kept library that needs no gradient (the score is a step
function of the parameters: a replicate's choices flip at thresholds) and spends a small
budget where the score is high. It proposes ``BATCH`` points at a time (the constant-liar
strategy), which run as one call of the ensemble engine on the process pool or Dask
cluster; the batches do not depend on the number of workers, so neither do the results.
The first batch also holds the scenario as it is (the fit *before*) and, when they lie in
the ranges and are not drawn, the scenario's own values.

**The uncertainty** is a profile-likelihood interval per parameter, read off the
evaluations: the values of the parameter among the evaluations whose log-likelihood is
within chi2(1, 0.95) / 2 = 1.92 of the best (the other parameters free). It is as coarse
as the budget; it treats the observations as independent (they are not: it is too
narrow), and it ignores the Monte Carlo error of the score, which is estimated separately
by a bootstrap over the replicates at the best point (a warning says when it is not small
against 1.92). An interval that reaches an end of its range is marked: the data do not
bound the parameter there.

**Held-out dates** (``holdout_after``): observations dated after it are not fitted; their
log-likelihood before and after is reported, as a check of what the fit does not see.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.calibration_result import (
    CalibrationResult,
    Evaluation,
    profile_intervals,
)
from sim.analysis.common import (
    AnalysisError,
    chunk_size_of,
    derived_seed,
    load,
    merge_stats,
    open_backend,
    run_ensemble,
    sweep_ignored_notes,
    vary_ranges,
)
from sim.analysis.observation_fit import ObservationIndex, ObservationModel, fit_table
from sim.analysis.robustness import scenario_value
from sim.scenario import Scenario
from sim.scenario.calendar import read_date
from sim.scenario.observations import Observation, load_observations

DEFAULT_BUDGET = 200
DEFAULT_REPLICATES = 200
BATCH = 8
"""Points proposed and run together (one engine call); fixed, so results do not depend
on the number of workers."""
MIN_PER_PARAMETER = 10
"""Below this many evaluations per fitted parameter the budget gets a warning."""
BOOTSTRAP = 200
"""Resamples of the replicates for the Monte Carlo error of the best score."""
CALIBRATION_STREAM = 11
"""The purpose number of the optimiser's seed (:func:`derived_seed`)."""

Progress = Callable[[int, int, float], None]
"""``progress(done, budget, best)``: evaluations done, the budget, the best score so far."""


def parse_date(text: str | dt.date, option: str = "--holdout-after") -> dt.date:
    """A YYYY-MM-DD date (AnalysisError naming ``option`` otherwise)."""
    if isinstance(text, dt.date):
        return text
    try:
        return read_date(str(text))
    except ValueError:
        raise AnalysisError(f"{option} {text}: expected a date YYYY-MM-DD") from None


@dataclass(eq=False)
class CalibrationPlan:
    """A checked calibration, ready to run (made by :func:`plan_calibration`)."""

    scenario: Scenario
    observations: tuple[Observation, ...]
    observations_file: Path | None
    ranges: dict[str, tuple[float, float]]
    """Canonical parameter path -> (LO, HI), in the order given."""
    budget: int
    replicates: int
    seed: int
    chunk_size: int
    holdout_after: dt.date | None = None
    model: ObservationModel = field(default_factory=ObservationModel)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: Path | None = None

    @property
    def held_out(self) -> list[bool]:
        """Per observation (file order): whether it is held out of the fit."""
        cut = self.holdout_after
        return [cut is not None and o.date > cut for o in self.observations]

    def describe(self) -> str:
        """One line: what will run."""
        held = sum(self.held_out)
        fitted = len(self.observations) - held
        out = f" ({held} held out after {self.holdout_after})" if held else ""
        return (
            f"calibration of {len(self.ranges)} parameter(s) of {self.scenario.name} to "
            f"{fitted} observation(s){out}: {self.budget:,} evaluations x "
            f"{self.replicates:,} replicates, seed {self.seed}"
        )

    def starting_values(self) -> dict[str, float] | None:
        """The scenario's own values of the varied parameters, if every one is a number
        (not drawn) inside its range; else None."""
        drawn = set(self.scenario.uncertainties or {})
        values = {}
        for path, (lo, hi) in self.ranges.items():
            if path in drawn:
                return None
            value = scenario_value(self.scenario, path)
            if not lo <= value <= hi:
                return None
            values[path] = value
        return values

    def run(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        connect_timeout: float | None = None,
        progress: Progress | None = None,
    ) -> CalibrationResult:
        """Fit the parameters (module docstring)."""
        import optuna  # deferred: heavy, and only calibration needs it

        started = dt.datetime.now().astimezone()
        fixed = self.scenario.model_copy(update={"sweep": {}})
        held = np.asarray(self.held_out)
        fit_obs = [o for o, h in zip(self.observations, held, strict=True) if not h]
        out_obs = [o for o, h in zip(self.observations, held, strict=True) if h]
        state: dict[str, Any] = {"stats": None, "index": None}
        relations: dict[tuple[tuple[str, float], ...], np.ndarray] = {}
        evaluations: list[Evaluation] = []

        def evaluate(points: Sequence[dict[str, float]], backend: Any) -> list[Evaluation]:
            ensemble, stats, _ = run_ensemble(
                fixed,
                replicates=self.replicates,
                seed=self.seed,
                chunk_size=self.chunk_size,
                record="full",
                points=[dict(p) for p in points],
                workers=workers,
                scheduler=scheduler,
                connect_timeout=connect_timeout,
                progress=None,
                backend=backend,
            )
            state["stats"] = merge_stats(state["stats"], stats)
            if state["index"] is None:
                view = ensemble.point(0)
                state["index"] = ObservationIndex.of(
                    fixed, self.observations, view.actor_ids, view.dyads
                )
            index: ObservationIndex = state["index"]
            found = []
            for k, point in enumerate(points):
                rel = index.relations(ensemble.point(k).history)
                relations[_key(point)] = rel
                found.append(
                    Evaluation(
                        values=dict(point),
                        fit=self.model.log_likelihood(rel[:, ~held], fit_obs),
                        held_out=self.model.log_likelihood(rel[:, held], out_obs),
                    )
                )
            return found

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        with warnings.catch_warnings():
            # multivariate and constant_liar are flagged experimental; both are documented
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = optuna.samplers.TPESampler(
                seed=derived_seed(self.seed, CALIBRATION_STREAM),
                multivariate=True,
                constant_liar=True,
                n_startup_trials=min(10, self.budget),
            )
        study = optuna.create_study(direction="maximize", sampler=sampler)
        space = {
            path: optuna.distributions.FloatDistribution(lo, hi)
            for path, (lo, hi) in self.ranges.items()
        }
        start = self.starting_values()
        if start is not None:
            study.enqueue_trial(start)
        per_point = -(-self.replicates // self.chunk_size)
        before: Evaluation | None = None
        with open_backend(workers, scheduler, (BATCH + 1) * per_point, connect_timeout) as backend:
            while len(evaluations) < self.budget:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                    trials = [
                        study.ask(space) for _ in range(min(BATCH, self.budget - len(evaluations)))
                    ]
                points = [{p: float(t.params[p]) for p in self.ranges} for t in trials]
                extra = [{}] if before is None else []
                found = evaluate([*points, *extra], backend)
                if before is None:
                    before = found.pop()
                for trial, evaluation in zip(trials, found, strict=True):
                    study.tell(trial, evaluation.fit)
                evaluations.extend(found)
                if progress is not None:
                    progress(len(evaluations), self.budget, max(e.fit for e in evaluations))
        assert before is not None and state["index"] is not None
        best = max(evaluations, key=lambda e: e.fit)
        index: ObservationIndex = state["index"]
        best_rel = relations[_key(best.values)]
        resampler = np.random.default_rng(derived_seed(self.seed, CALIBRATION_STREAM + 1))
        mc_error = self.model.bootstrap_error(best_rel[:, ~held], fit_obs, resampler, BOOTSTRAP)
        warns = list(self.warnings)
        if mc_error > 0.5:
            warns.append(
                f"the Monte Carlo error of the best log-likelihood is {mc_error:.2f} "
                "(bootstrap over replicates), not small against the 1.92 that bounds the "
                "intervals: raise --reps for intervals that mean what they say"
            )
        return CalibrationResult(
            scenario=self.scenario,
            observations=self.observations,
            observations_file=self.observations_file,
            ranges=dict(self.ranges),
            budget=self.budget,
            replicates=self.replicates,
            seed=self.seed,
            chunk_size=self.chunk_size,
            holdout_after=self.holdout_after,
            model=self.model,
            before=before,
            best=best,
            evaluations=evaluations,
            intervals=profile_intervals(evaluations, self.ranges),
            fit_before=fit_table(index, relations[_key({})], self.model, held),
            fit_after=fit_table(index, best_rel, self.model, held),
            monte_carlo_error=mc_error,
            optimiser=f"optuna {optuna.__version__} TPE (multivariate, batches of {BATCH})",
            notes=list(self.notes),
            warnings=warns,
            source=self.source,
            started_at=started,
            finished_at=dt.datetime.now().astimezone(),
            stats=state["stats"],
        )


def _key(point: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((p, float(v)) for p, v in point.items()))


def plan_calibration(
    scenario_or_path: Scenario | str | os.PathLike[str],
    observations: str | os.PathLike[str] | Sequence[Observation],
    vary: Mapping[str, tuple[float, float]],
    budget: int = DEFAULT_BUDGET,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    *,
    holdout_after: str | dt.date | None = None,
    chunk_size: int | None = None,
) -> CalibrationPlan:
    """Check a calibration without running anything.

    ``observations``: a CSV file (read against the scenario) or observations already
    read. Raises :class:`AnalysisError` (a ValueError) on a bad range, budget, replicate
    count or date, ``sim.scenario.ScenarioError`` on an invalid scenario and
    ``sim.scenario.observations.ObservationError`` on a bad observations file.
    """
    scenario, source = load(scenario_or_path)
    obs_file = None
    if isinstance(observations, str | os.PathLike):
        obs_file = Path(observations)
        found = load_observations(obs_file, scenario)
    else:
        found = tuple(observations)
    if not found:
        raise AnalysisError("calibration needs at least one observation")
    if not vary:
        raise AnalysisError(
            "calibration needs at least one --vary KEY=LO:HI, e.g. --vary model.responsiveness=1:3"
        )
    ranges: dict[str, tuple[float, float]] = {}
    for key, path, lo, hi in vary_ranges(scenario, vary):
        if path in ranges:
            raise AnalysisError(f"--vary {key}: {path} is given twice; give each parameter once")
        ranges[path] = (lo, hi)
    if int(budget) < 1:
        raise AnalysisError(f"--budget must be at least 1 evaluation, got {budget}")
    if int(replicates) < 2:
        raise AnalysisError(f"--reps must be >= 2 (a likelihood over replicates), got {replicates}")
    cut = None if holdout_after is None else parse_date(holdout_after)
    plan_warnings = []
    if cut is not None:
        if all(o.date > cut for o in found):
            raise AnalysisError(
                f"--holdout-after {cut}: every observation is after it, so none is left "
                f"to fit (the first is dated {min(o.date for o in found)})"
            )
        if not any(o.date > cut for o in found):
            plan_warnings.append(
                f"--holdout-after {cut}: no observation is dated after it, so nothing is held out"
            )
    if int(budget) < MIN_PER_PARAMETER * len(ranges):
        plan_warnings.append(
            f"a budget of {int(budget)} evaluation(s) for {len(ranges)} parameter(s) is "
            f"too small to say much (fewer than {MIN_PER_PARAMETER} per parameter): the "
            "best values are rough and the intervals are not to be trusted; raise --budget"
        )
    notes = sweep_ignored_notes(scenario)
    drawn = sorted(set(scenario.uncertainties or {}) - set(ranges))
    if drawn:
        notes.append(
            f"the scenario's other {len(drawn)} uncertain parameter(s) are drawn per "
            "replicate as it draws them (the fit is marginal over them), the same draws "
            "at every point"
        )
    return CalibrationPlan(
        scenario=scenario,
        observations=found,
        observations_file=obs_file,
        ranges=ranges,
        budget=int(budget),
        replicates=int(replicates),
        seed=int(scenario.run.seed if seed is None else seed),
        chunk_size=chunk_size_of(scenario, chunk_size),
        holdout_after=cut,
        notes=notes,
        warnings=plan_warnings,
        source=source,
    )


def calibrate(
    scenario_or_path: Scenario | str | os.PathLike[str],
    observations: str | os.PathLike[str] | Sequence[Observation],
    vary: Mapping[str, tuple[float, float]],
    budget: int = DEFAULT_BUDGET,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    *,
    holdout_after: str | dt.date | None = None,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
    progress: Progress | None = None,
) -> CalibrationResult:
    """Fit ``vary``'s parameters to ``observations`` (module docstring; arguments as for
    :func:`plan_calibration`, and where to run as for :func:`sim.run`)."""
    plan = plan_calibration(
        scenario_or_path,
        observations,
        vary,
        budget,
        replicates,
        seed,
        holdout_after=holdout_after,
        chunk_size=chunk_size,
    )
    return plan.run(workers, scheduler, connect_timeout, progress)


__all__ = ["CalibrationPlan", "CalibrationResult", "calibrate", "parse_date", "plan_calibration"]
