"""Scenario discovery (PRIM, ema_workbench): where in the uncertain parameters an
end-state becomes likely.

The scenario runs as one ensemble in which every replicate draws its own values of the
uncertain parameters (the scenario's ``uncertainties``, plus any ``vary`` ranges as
uniforms), by Latin hypercube unless told otherwise, through the ensemble engine (so on
a process pool or a Dask cluster like any run). The end-state (a named end-state or a
condition on relations, :func:`sim.analysis.outcome_expr.parse_end_state`) is then
evaluated in every replicate: a yes or a no.

**PRIM** (Friedman & Fisher 1999, as adapted for scenario discovery by Bryant &
Lempert 2010; ``ema_workbench.analysis.prim.Prim``) looks for a box, a range of every
parameter, in which the end-state is frequent. Starting from the whole space it peels
off a thin slice (``peel_alpha``, 5% of the replicates left) from one side of one
parameter at a time, always the slice that raises the share of yes inside the most,
until the box holds fewer than ``mass_min`` of the replicates; then it pastes back
slices that help. Every box along the way is on the **peeling trajectory**, with:

- *density*: the share of the box's replicates in which the end-state holds (how
  reliably it follows inside the box);
- *coverage*: the share of all replicates where it holds that fall inside the box (how
  much of the end-state the box explains);
- *mass*: the share of all replicates inside the box.

Density rises and coverage falls along the trajectory; choosing a box is a trade-off.
ema_workbench (3.x) leaves the choice to the analyst. The rule here: among the boxes
with density >= ``threshold`` (default 0.8), the one with the **highest coverage**
(ties: fewer restricted parameters, then higher density), i.e. the simplest
description that still makes the end-state likely at the threshold. If no box reaches
the threshold, the densest box is chosen and the result says so. The quasi-p values of
each restriction (a one-sided binomial test, Bryant & Lempert 2010) say whether it is
more than noise (below 0.05: significant).

**Feature scores** (``ema_workbench.analysis.feature_scoring.get_ex_feature_scores``:
an extra-trees classifier, Jaxa-Rozen & Kwakkel 2018) rank every parameter by how much
it helps predict the end-state, restricted or not; they sum to 1.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.common import (
    AnalysisError,
    chunk_size_of,
    derived_seed,
    load,
    number,
    parameter_label,
    parse_outcome_option,
    run_ensemble,
    sweep_ignored_notes,
    vary_ranges,
)
from sim.analysis.discovery_result import FEATURE_PURPOSE, DiscoveryResult
from sim.analysis.outcome_expr import OutcomeExpr, parse_end_state
from sim.analysis.prim import (
    choose_box,
    describe_box,
    end_state_phrase,
    feature_scores,
    restrictions,
    run_prim,
    support,
)
from sim.experiment.uncertainty import METHODS
from sim.scenario import Scenario
from sim.scenario.schema import Uniform

DEFAULT_REPLICATES = 2000
DEFAULT_THRESHOLD = 0.8
DEFAULT_SAMPLING = "latin_hypercube"


# --------------------------------------------------------------------------- running


@dataclass(eq=False)
class DiscoveryPlan:
    """A checked scenario discovery, ready to run (made by :func:`plan_discovery`)."""

    scenario: Scenario
    outcome: OutcomeExpr
    replicates: int
    seed: int
    threshold: float
    sampling: str
    uncertainties: dict[str, Any]
    """Path -> distribution (schema objects) of every parameter sampled per replicate."""
    notes: list[str] = field(default_factory=list)
    peel_alpha: float = 0.05
    mass_min: float = 0.05
    chunk_size: int = 1000
    """Replicates per chunk of work (the scenario's run.chunk_size unless given)."""
    source: Path | None = None

    def describe(self) -> str:
        """One line: what will run."""
        return (
            f"discovery of {self.outcome.label} in {self.scenario.name}: "
            f"{len(self.uncertainties)} uncertain parameters, {self.replicates:,} replicates "
            f"({self.sampling.replace('_', ' ')}), density threshold {self.threshold:g}, "
            f"seed {self.seed}"
        )

    def run(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        connect_timeout: float | None = None,
        progress: Any = None,
    ) -> DiscoveryResult:
        """Run the ensemble (every replicate drawing its own values), then PRIM and the
        feature scores. Raises ``sim.experiment.engine.EnsembleFailed`` if a chunk fails."""
        scenario, expr, uncertain = self.scenario, self.outcome, self.uncertainties
        threshold, notes = self.threshold, list(self.notes)
        run = scenario.run.model_copy(update={"sampling": self.sampling})
        sampled = scenario.model_copy(
            update={"uncertainties": dict(uncertain), "sweep": {}, "run": run}
        )
        ensemble, stats, started = run_ensemble(
            sampled,
            replicates=self.replicates,
            seed=self.seed,
            chunk_size=self.chunk_size,
            record=expr.record,
            points=[{}],
            workers=workers,
            scheduler=scheduler,
            connect_timeout=connect_timeout,
            progress=progress,
        )
        view = ensemble.point(0)
        y = expr.per_replicate(view, scenario) > 0.5
        paths = sorted(uncertain)
        x = pd.DataFrame({p: np.asarray(view.parameters[p], dtype=np.float64) for p in paths})
        data = pd.DataFrame({"replicate": np.arange(len(y))})
        for p in paths:
            data[p] = x[p].to_numpy()
        data["end_state"] = y.astype(np.int8)
        labels = {p: parameter_label(scenario, p) for p in paths}
        count = int(y.sum())
        limit_columns = [f"{p}_{side}" for p in paths for side in ("min", "max")]
        trajectory = pd.DataFrame(
            columns=["box", "coverage", "density", "mass", "res_dim", "n", "k", *limit_columns]
        )
        box = pd.DataFrame(
            columns=[
                "parameter",
                "label",
                "low",
                "high",
                "qp_low",
                "qp_high",
                "range_low",
                "range_high",
            ]
        )
        scores = pd.DataFrame(columns=["parameter", "label", "score"])
        box_stats: dict[str, Any] = {}
        what = end_state_phrase(expr, scenario)
        if count in (0, len(y)):
            never = count == 0
            description = (
                f"{what[0].upper()}{what[1:]} {'never' if never else 'always'} follows in the "
                f"{len(y):,} runs: there is no region to find. "
                + (
                    "Widen the uncertain ranges or check the end-state."
                    if never
                    else "It follows whatever the uncertain parameters are."
                )
            )
            notes.append("PRIM and feature scoring need runs with and without the end-state")
        else:
            frame, chosen, limits, qp = run_prim(x, y, threshold, self.peel_alpha, self.mass_min)
            for p in paths:
                frame[f"{p}_min"] = [float(limits[int(b)][p].iloc[0]) for b in frame["box"]]
                frame[f"{p}_max"] = [float(limits[int(b)][p].iloc[1]) for b in frame["box"]]
            trajectory = frame
            rows = restrictions(limits[chosen], limits[0], qp.get(chosen, {}))
            box = pd.DataFrame(
                [
                    {
                        **r,
                        "label": labels[r["parameter"]],
                        **dict(
                            zip(
                                ("range_low", "range_high"),
                                support(
                                    uncertain[r["parameter"]].model_dump(),
                                    x[r["parameter"]].to_numpy(),
                                ),
                                strict=True,
                            )
                        ),
                    }
                    for r in rows
                ],
                columns=box.columns,
            )
            row = frame[frame["box"] == chosen].iloc[0]
            box_stats = {
                "box": chosen,
                "coverage": float(row["coverage"]),
                "density": float(row["density"]),
                "mass": float(row["mass"]),
                "res_dim": int(row["res_dim"]),
                "n": int(row["n"]),
                "k": int(row["k"]),
                "meets_threshold": bool(row["density"] >= threshold - 1e-12),
            }
            description = describe_box(expr, scenario, box, box_stats, threshold)
            scores = feature_scores(x, y, derived_seed(self.seed, FEATURE_PURPOSE))
            scores.insert(1, "label", [labels[p] for p in scores["parameter"]])
        return DiscoveryResult(
            scenario=scenario,
            outcome=expr,
            replicates=self.replicates,
            seed=self.seed,
            threshold=threshold,
            sampling=self.sampling,
            uncertainties={p: uncertain[p].model_dump() for p in paths},
            data=data,
            trajectory=trajectory,
            box=box,
            box_stats=box_stats,
            feature_scores=scores,
            description=description,
            notes=notes,
            peel_alpha=self.peel_alpha,
            mass_min=self.mass_min,
            chunk_size=self.chunk_size,
            source=self.source,
            started_at=started,
            finished_at=dt.datetime.now().astimezone(),
            stats=stats,
        )


def plan_discovery(
    scenario_or_path: Scenario | str | os.PathLike[str],
    outcome: str,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    vary: Mapping[str, tuple[float, float]] | None = None,
    sampling: str = DEFAULT_SAMPLING,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    chunk_size: int | None = None,
) -> DiscoveryPlan:
    """Check a scenario discovery without running anything (arguments as for
    :func:`discover`). Raises :class:`AnalysisError` on bad input or when nothing is
    uncertain, ``sim.scenario.ScenarioError`` on an invalid file."""
    scenario, source = load(scenario_or_path)
    if sampling not in METHODS:
        raise AnalysisError(f"sampling {sampling!r}: expected one of {', '.join(METHODS)}")
    if not 0 < float(threshold) <= 1:
        raise AnalysisError(f"threshold must be above 0 and at most 1, got {threshold}")
    if int(replicates) < 10:
        raise AnalysisError(f"discovery needs at least 10 replicates, got {replicates}")
    if not 0 < peel_alpha < 0.5 or not 0 < mass_min < 1:
        raise AnalysisError("peel_alpha must be in (0, 0.5) and mass_min in (0, 1)")
    size = chunk_size_of(scenario, chunk_size)
    expr = parse_outcome_option(parse_end_state, outcome, scenario)
    uncertain = dict(scenario.uncertainties)
    notes: list[str] = []
    for _key, path, lo, hi in vary_ranges(scenario, vary):
        if path in uncertain:
            notes.append(f"{path}: --vary {number(lo)}:{number(hi)} replaces the scenario's")
        uncertain[path] = Uniform(dist="uniform", low=lo, high=hi)
    if not uncertain:
        raise AnalysisError(
            f"scenario '{scenario.name}' has no uncertain parameters, so there is nothing to "
            "discover: give distributions in the scenario (uncertainties:, "
            "docs/scenarios.md) or ranges with --vary KEY=LO:HI"
        )
    notes += sweep_ignored_notes(scenario)
    return DiscoveryPlan(
        scenario=scenario,
        outcome=expr,
        replicates=int(replicates),
        seed=int(scenario.run.seed if seed is None else seed),
        threshold=float(threshold),
        sampling=sampling,
        uncertainties={p: uncertain[p] for p in sorted(uncertain)},
        notes=notes,
        peel_alpha=float(peel_alpha),
        mass_min=float(mass_min),
        chunk_size=size,
        source=source,
    )


def discover(
    scenario_or_path: Scenario | str | os.PathLike[str],
    outcome: str,
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    vary: Mapping[str, tuple[float, float]] | None = None,
    sampling: str = DEFAULT_SAMPLING,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
    progress: Any = None,
) -> DiscoveryResult:
    """Find where in the uncertain parameters ``outcome`` becomes likely (module docstring).

    ``outcome``: a named end-state or a condition (``russia_japan_rapprochement``,
    ``RUS-CHN is allied``, optionally in ``P( )`` and with ``@T``). ``replicates``: the
    ensemble (each replicate draws its own parameter values by ``sampling``,
    'latin_hypercube' or 'monte_carlo'); ``seed`` defaults to the scenario's.
    ``threshold``: the density the chosen box should reach. ``vary``: extra uniform
    uncertain parameters ``{path: (low, high)}`` (replacing the scenario's distribution
    of the same path). ``peel_alpha`` / ``mass_min``: PRIM's settings. ``chunk_size``:
    replicates per chunk of work (default: the scenario's ``run.chunk_size``; like the
    seed, it fixes the random numbers). ``workers`` / ``scheduler`` / ``progress`` as
    for :func:`sim.run`.

    Raises :class:`AnalysisError` on bad input or when nothing is uncertain,
    ``sim.scenario.ScenarioError`` on an invalid file, and
    ``sim.experiment.engine.EnsembleFailed`` if a chunk fails.
    """
    plan = plan_discovery(
        scenario_or_path,
        outcome,
        replicates,
        seed,
        threshold,
        vary=vary,
        sampling=sampling,
        peel_alpha=peel_alpha,
        mass_min=mass_min,
        chunk_size=chunk_size,
    )
    return plan.run(workers, scheduler, connect_timeout, progress)


__all__ = [
    "DiscoveryPlan",
    "DiscoveryResult",
    "choose_box",
    "describe_box",
    "discover",
    "feature_scores",
    "plan_discovery",
    "run_prim",
]
