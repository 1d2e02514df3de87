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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from sim.analysis.outcome_expr import OutcomeExpr, parse_end_state
from sim.present.html_page import CSS, esc, figure_div, html_page, summary_table, table_html

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sim.scenario import Scenario

DEFAULT_REPLICATES = 2000
DEFAULT_THRESHOLD = 0.8
DEFAULT_SAMPLING = "latin_hypercube"
FEATURE_PURPOSE = 3
"""derived_seed purpose of the extra-trees feature scoring."""

YES_COLOR = "#1f3b73"
NO_COLOR = "#d9d9d9"


@dataclass(eq=False)
class DiscoveryResult:
    """A finished scenario discovery.

    ``data``: one row per replicate: ``replicate``, one column per uncertain parameter
    (the value it drew) and ``end_state`` (1 where the end-state held, else 0).
    ``trajectory``: the peeling trajectory, one row per box (``box``, ``coverage``,
    ``density``, ``mass``, ``res_dim`` restricted parameters, ``n`` replicates in the
    box, ``k`` of them with the end-state, then ``<path>_min`` / ``<path>_max`` limits).
    ``box``: the chosen box, one row per restricted parameter (``parameter``, ``label``,
    ``low`` / ``high``: NaN on a side that is not restricted, the quasi-p values
    ``qp_low`` / ``qp_high``, and the range its distribution draws from, ``range_low`` /
    ``range_high``). ``box_stats``: its ``box``, ``coverage``, ``density``, ``mass``,
    ``res_dim`` and ``meets_threshold``. ``feature_scores``: ``parameter``, ``label``,
    ``score`` (extra trees, summing to 1), highest first. Without any replicate in
    which the end-state holds (or with it holding in all), there is nothing to find:
    the trajectory, box and feature scores are empty and ``description`` says so.
    """

    scenario: Scenario
    outcome: OutcomeExpr
    replicates: int
    seed: int
    threshold: float
    sampling: str
    uncertainties: dict[str, Any]
    """Path -> distribution (as a dict, as the scenario states it) of every uncertain
    parameter sampled."""
    data: pd.DataFrame
    trajectory: pd.DataFrame
    box: pd.DataFrame
    box_stats: dict[str, Any]
    feature_scores: pd.DataFrame
    description: str
    """The chosen box in plain language."""
    notes: list[str] = field(default_factory=list)
    peel_alpha: float = 0.05
    mass_min: float = 0.05
    chunk_size: int = 0
    source: Path | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stats: Any = None
    _figures: dict[str, go.Figure] | None = field(default=None, repr=False)

    @property
    def parameters(self) -> list[str]:
        """The uncertain parameter paths, sorted."""
        return sorted(self.uncertainties)

    @property
    def count(self) -> int:
        """Replicates in which the end-state holds."""
        return int(self.data["end_state"].sum())

    def figures(self) -> dict[str, go.Figure]:
        """'parallel' (parallel coordinates of the replicates, the box marked),
        'trajectory' (density against coverage) and 'features' (feature scores); the last
        two only when PRIM ran."""
        if self._figures is None:
            self._figures = discovery_figures(self)
        return dict(self._figures)

    def html(self) -> str:
        """The self-contained report page (discovery.html)."""
        return discovery_html(self)

    def manifest(self, command: Sequence[str] | str | None = None) -> dict[str, Any]:
        """The manifest (JSON-ready) of the result folder."""
        m = result_manifest("discover", self, command)
        m.update(
            {
                "outcome": {
                    "text": self.outcome.text,
                    "step": self.outcome.step,
                    "meaning": self.outcome.meaning,
                },
                "replicates": self.replicates,
                "chunk_size": self.chunk_size,
                "record": self.outcome.record,
                "sampling": self.sampling,
                "uncertainties": self.uncertainties,
                "holds_in": self.count,
                "share": self.count / self.replicates,
                "prim": {
                    "implementation": "ema_workbench.analysis.prim.Prim",
                    "threshold": self.threshold,
                    "peel_alpha": self.peel_alpha,
                    "mass_min": self.mass_min,
                    "choice": "highest coverage among boxes with density >= threshold; "
                    "else the densest box",
                    "box": _jsonable(self.box_stats),
                    "limits": _jsonable(self.box.to_dict(orient="records")),
                },
                "feature_scores": {
                    "implementation": "ema_workbench get_ex_feature_scores (extra trees)",
                    "random_state": derived_seed(self.seed, FEATURE_PURPOSE),
                    "scores": _jsonable(
                        dict(
                            zip(
                                self.feature_scores["parameter"],
                                self.feature_scores["score"],
                                strict=True,
                            )
                        )
                    ),
                },
                "seeds": {
                    "ensemble": self.seed,
                    "parameters": "SeedSequence(entropy=seed, spawn_key=(0,))",
                },
                "description": self.description,
                "notes": list(self.notes),
            }
        )
        return m

    def save(
        self,
        root: str | os.PathLike[str] = "results",
        command: Sequence[str] | str | None = None,
    ) -> Path:
        """Write ``<root>/discover/<scenario>/<run-id>/`` and return it: replicates.csv,
        trajectory.csv, box.csv, feature_scores.csv, discovery.html, manifest.json."""

        def write(tmp: Path) -> list[str]:
            self.data.to_csv(tmp / "replicates.csv", index=False)
            self.trajectory.to_csv(tmp / "trajectory.csv", index=False)
            self.box.to_csv(tmp / "box.csv", index=False)
            self.feature_scores.to_csv(tmp / "feature_scores.csv", index=False)
            (tmp / "discovery.html").write_text(self.html(), encoding="utf-8")
            return [
                "replicates.csv",
                "trajectory.csv",
                "box.csv",
                "feature_scores.csv",
                "discovery.html",
            ]

        return save_result("discover", self, root, command, write)


def _jsonable(obj: Any) -> Any:
    """Plain JSON data: numpy scalars to Python, NaN to None."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and obj != obj:
        return None
    return obj


# --------------------------------------------------------------------------- PRIM


def run_prim(
    x: pd.DataFrame,
    y: np.ndarray,
    threshold: float,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> tuple[pd.DataFrame, int, dict[int, pd.DataFrame], dict[int, dict[str, list[float]]]]:
    """PRIM's first box: (trajectory, chosen box id, limits per box id, quasi-p per box id).

    ``x``: one float column per parameter; ``y``: bool per row. The trajectory has one
    row per box: ``box``, ``coverage``, ``density``, ``mass``, ``res_dim``, ``n``,
    ``k``. The choice rule is the module docstring's.
    """
    with quiet_libraries():
        from ema_workbench.analysis.prim import Prim

        prim = Prim(x, np.asarray(y, dtype=bool), peel_alpha=peel_alpha, mass_min=mass_min)
        box = prim.find_box()
    traj = box.peeling_trajectory
    frame = pd.DataFrame(
        {
            "box": traj["id"].astype(int).to_numpy(),
            "coverage": traj["coverage"].astype(float).to_numpy(),
            "density": traj["density"].astype(float).to_numpy(),
            "mass": traj["mass"].astype(float).to_numpy(),
            "res_dim": traj["res_dim"].astype(int).to_numpy(),
            "n": traj["n"].astype(int).to_numpy(),
            "k": traj["k"].astype(int).to_numpy(),
        }
    )
    limits = {int(i): box.box_lims[i] for i in range(len(box.box_lims))}
    qp = {int(i): dict(box.p_values[i]) for i in range(len(box.p_values))}
    return frame, choose_box(frame, threshold), limits, qp


def choose_box(trajectory: pd.DataFrame, threshold: float) -> int:
    """The box to report: highest coverage among those with density >= threshold (ties:
    fewer restricted parameters, higher density, earlier); else the densest (ties:
    higher coverage, earlier)."""
    t = trajectory
    ok = t[t["density"] >= threshold - 1e-12]
    if len(ok):
        best = ok.sort_values(
            ["coverage", "res_dim", "density", "box"],
            ascending=[False, True, False, True],
            kind="stable",
        )
    else:
        best = t.sort_values(
            ["density", "coverage", "box"], ascending=[False, False, True], kind="stable"
        )
    return int(best.iloc[0]["box"])


def _restrictions(
    limits: pd.DataFrame, initial: pd.DataFrame, qp: Mapping[str, list[float]]
) -> list[dict[str, Any]]:
    """The restricted sides of a box: one dict per restricted parameter."""
    rows = []
    for path in limits.columns:
        lo, hi = float(limits[path].iloc[0]), float(limits[path].iloc[1])
        lo0, hi0 = float(initial[path].iloc[0]), float(initial[path].iloc[1])
        low_cut, high_cut = lo > lo0, hi < hi0
        if not (low_cut or high_cut):
            continue
        q = list(qp.get(path, [-1.0, -1.0]))
        rows.append(
            {
                "parameter": str(path),
                "low": lo if low_cut else np.nan,
                "high": hi if high_cut else np.nan,
                "qp_low": q[0] if low_cut and q[0] >= 0 else np.nan,
                "qp_high": q[1] if high_cut and q[1] >= 0 else np.nan,
            }
        )
    return rows


def restriction_text(label: str, low: float, high: float) -> str:
    """One restriction in words: 'X is between a and b', 'X is above a', 'X is below b'."""
    if not np.isnan(low) and not np.isnan(high):
        return f"{label} is between {number(low)} and {number(high)}"
    if not np.isnan(low):
        return f"{label} is above {number(low)}"
    return f"{label} is below {number(high)}"


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def end_state_phrase(outcome: OutcomeExpr, scenario: Scenario) -> str:
    """The end-state as the subject of a sentence."""
    at = "" if outcome.step == outcome.steps else f" at step {outcome.step}"
    if outcome.end_state is not None:
        description = (scenario.outcomes[outcome.end_state].description or "").strip()
        about = f" ({description.rstrip('.')})" if description else ""
        return f"the end-state {outcome.end_state}{about}{at}"
    return f"'{outcome.subject}'{at}"


def describe_box(
    outcome: OutcomeExpr,
    scenario: Scenario,
    box: pd.DataFrame,
    stats: Mapping[str, Any],
    threshold: float,
) -> str:
    """The chosen box as a plain-language sentence or two."""
    what = end_state_phrase(outcome, scenario)
    density, coverage, mass = stats["density"], stats["coverage"], stats["mass"]
    conditions = [restriction_text(r.label, r.low, r.high) for r in box.itertuples(index=False)]
    where = f"When {_join(conditions)}" if conditions else "Over the whole sampled range"
    text = (
        f"{where}, {what} follows in {density:.0%} of runs (density); these runs hold "
        f"{coverage:.0%} of all runs in which it follows (coverage) and {mass:.0%} of all "
        "runs (mass)."
    )
    if not stats.get("meets_threshold", True):
        text = (
            f"No box on the peeling trajectory reaches a density of {threshold:.0%}; the "
            f"densest is shown. {text}"
        )
    weak = [
        r.label
        for r in box.itertuples(index=False)
        if np.nanmin([r.qp_low, r.qp_high, np.inf]) > 0.05
    ]
    if weak:
        text += (
            f" The restriction on {_join(weak)} is not significant (quasi-p above 0.05): "
            "it may be noise."
        )
    return text


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
            rows = _restrictions(limits[chosen], limits[0], qp.get(chosen, {}))
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
    from sim.experiment.uncertainty import METHODS
    from sim.scenario.schema import Uniform

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


def feature_scores(x: pd.DataFrame, y: np.ndarray, random_state: int) -> pd.DataFrame:
    """Extra-trees feature scores (``parameter``, ``score``; highest first, sum 1).

    ``get_ex_feature_scores`` with its defaults (100 trees, leaves growing with the
    sample) except ``max_features``: a third of the parameters, at least 1 (its own
    default rounds to 0 below 2 parameters), and a fixed ``random_state``.
    """
    with quiet_libraries():
        from ema_workbench.analysis.feature_scoring import get_ex_feature_scores

        found, _ = get_ex_feature_scores(
            x,
            np.asarray(y, dtype=int),
            max_features=max(1, round(x.shape[1] / 3)),
            random_state=random_state,
        )
    column = found.columns[0]
    out = pd.DataFrame(
        {"parameter": [str(p) for p in found.index], "score": found[column].astype(float)}
    )
    return out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- figures


def support(dist: Mapping[str, Any], values: np.ndarray) -> tuple[float, float]:
    """The range of values a distribution (a dict, as the scenario states it) can draw:
    low..high where it has them, else the values' range."""
    if dist.get("dist") == "choice":
        return float(min(dist["values"])), float(max(dist["values"]))
    low, high = dist.get("low"), dist.get("high")
    return (
        float(values.min()) if low is None else float(low),
        float(values.max()) if high is None else float(high),
    )


def discovery_figures(result: DiscoveryResult) -> dict[str, go.Figure]:
    """Parallel coordinates (box marked), peeling trajectory and feature scores."""
    import plotly.graph_objects as go

    data = result.data
    box = result.box.set_index("parameter") if len(result.box) else result.box
    dims = []
    for p in result.parameters:
        values = data[p].to_numpy()
        low, high = support(result.uncertainties[p], values)
        dim: dict[str, Any] = {
            "label": esc(parameter_label(result.scenario, p)),
            "values": values,
            "range": [low, high],
        }
        if len(box) and p in box.index:
            lo, hi = box.loc[p, "low"], box.loc[p, "high"]
            dim["constraintrange"] = [
                low if pd.isna(lo) else float(lo),
                high if pd.isna(hi) else float(hi),
            ]
        dims.append(dim)
    dims.append(
        {
            "label": esc(result.outcome.label if len(result.outcome.label) <= 40 else "end-state"),
            "values": data["end_state"].to_numpy(),
            "range": [-0.1, 1.1],
            "tickvals": [0, 1],
            "ticktext": ["no", "yes"],
        }
    )
    parallel = go.Figure(
        go.Parcoords(
            dimensions=dims,
            line={
                "color": data["end_state"].to_numpy(),
                "colorscale": [[0, NO_COLOR], [1, YES_COLOR]],
                "cmin": 0,
                "cmax": 1,
            },
        )
    )
    parallel.update_layout(
        title="Every replicate's parameter values, dark where the end-state follows"
        + ("; the chosen box is highlighted (drag an axis to explore)" if len(box) else ""),
        height=500,
        margin={"l": 90, "r": 90, "t": 110, "b": 40},
    )
    figures: dict[str, go.Figure] = {"parallel": parallel}
    if len(result.trajectory):
        t = result.trajectory
        traj = go.Figure()
        traj.add_scatter(
            x=t["coverage"],
            y=t["density"],
            mode="lines+markers",
            marker={
                "color": t["res_dim"],
                "colorscale": "Viridis",
                "size": 8,
                "colorbar": {"title": "restricted<br>parameters"},
            },
            line={"color": "#bbbbbb", "width": 1},
            customdata=np.stack([t["box"], t["mass"], t["res_dim"]], axis=1),
            hovertemplate="box %{customdata[0]}<br>coverage %{x:.2f}<br>density %{y:.2f}"
            "<br>mass %{customdata[1]:.2f}<br>%{customdata[2]} restricted<extra></extra>",
            name="peeling trajectory",
            showlegend=False,
        )
        chosen = t[t["box"] == result.box_stats.get("box")]
        traj.add_scatter(
            x=chosen["coverage"],
            y=chosen["density"],
            mode="markers",
            marker={"symbol": "star", "size": 18, "color": "#c0392b"},
            name="chosen box",
            hoverinfo="skip",
        )
        traj.add_hline(
            y=result.threshold,
            line={"dash": "dash", "color": "#c0392b", "width": 1},
            annotation_text=f"threshold {result.threshold:.0%}",
            annotation_position="bottom left",
        )
        traj.update_layout(
            title="Peeling trajectory: each box's coverage and density",
            xaxis={"title": "coverage (share of the end-state's runs inside the box)"},
            yaxis={"title": "density (share of the box's runs with the end-state)"},
            height=440,
            legend={"orientation": "h", "y": -0.2},
        )
        figures["trajectory"] = traj
    if len(result.feature_scores):
        fs = result.feature_scores.iloc[::-1]
        features = go.Figure(
            go.Bar(
                x=fs["score"],
                y=[esc(lbl) for lbl in fs["label"]],
                orientation="h",
                marker_color=YES_COLOR,
                customdata=[esc(p) for p in fs["parameter"]],
                hovertemplate="%{customdata}<br>score %{x:.3f}<extra></extra>",
            )
        )
        features.update_layout(
            title="Feature scores (extra trees): how much each parameter tells whether the "
            "end-state follows",
            xaxis_title="score (sums to 1)",
            yaxis={"automargin": True},
            height=max(240, 80 + 40 * len(fs)),
            margin={"l": 20, "r": 20, "t": 60, "b": 50},
        )
        figures["features"] = features
    return figures


def discovery_html(result: DiscoveryResult) -> str:
    """The whole discovery report as one HTML string (self-contained, escaped)."""
    s = result.scenario
    figs = result.figures()
    stats = result.stats
    rows: list[tuple[str, Any]] = [
        ("end-state", f"{result.outcome.label}: {result.outcome.meaning}"),
        (
            "replicates",
            f"{result.replicates:,}, each drawing its own parameter values "
            f"({result.sampling.replace('_', ' ')})",
        ),
        (
            "end-state follows in",
            f"{result.count:,} of {result.replicates:,} runs "
            f"({result.count / result.replicates:.1%})",
        ),
        ("density threshold", f"{result.threshold:.0%}"),
        ("seed", str(result.seed)),
        ("steps", f"{s.run.steps} of {s.run.step_months} month(s)"),
    ]
    if stats is not None:
        rows.append(
            ("ran on", f"{stats.backend}, {stats.workers} worker(s), {stats.seconds:.1f} s")
        )
    body = [
        f"<h1>Scenario discovery: {esc(s.name)}</h1>",
        f'<p class="description">{esc((s.description or "").strip())}</p>',
        "<h2>Analysis</h2>",
        summary_table(rows),
        "<h2>Where the end-state is likely</h2>",
        f'<p class="finding"><strong>{esc(result.description)}</strong></p>',
        figure_div(figs["parallel"], "parallel"),
    ]
    if len(result.box):
        box_rows = [
            [
                r.label,
                r.parameter,
                "" if pd.isna(r.low) else number(r.low, 3),
                "" if pd.isna(r.high) else number(r.high, 3),
                f"{number(r.range_low, 3)} to {number(r.range_high, 3)}",
                _qp_text(r.qp_low, r.qp_high),
            ]
            for r in result.box.itertuples(index=False)
        ]
        body.append(
            table_html(
                ["parameter", "path", "box low", "box high", "sampled range", "quasi-p"],
                box_rows,
                numeric={2, 3},
            )
        )
    if "trajectory" in figs:
        body += [
            "<h2>Peeling trajectory</h2>",
            "<p>PRIM starts from all runs and peels off thin slices of one parameter at a "
            "time; each step is a box. Density (the share of a box's runs in which the "
            "end-state follows) rises as coverage (the share of all the end-state's runs "
            "inside the box) falls. The chosen box (star) has the highest coverage among "
            f"the boxes with density of at least {result.threshold:.0%}; trajectory.csv "
            "lists every box with its limits.</p>",
            figure_div(figs["trajectory"], "trajectory"),
        ]
    if "features" in figs:
        body += [
            "<h2>Feature scores</h2>",
            "<p>An extra-trees classifier predicting whether the end-state follows from "
            "the parameters; a parameter's score is its share of the prediction (the "
            "scores sum to 1), whether PRIM restricted it or not.</p>",
            figure_div(figs["features"], "features"),
        ]
    body += [
        "<h2>Uncertain parameters</h2>",
        table_html(
            ["parameter", "in words", "distribution"],
            [
                [p, parameter_label(s, p), distribution_text(d)]
                for p, d in sorted(result.uncertainties.items())
            ],
            numeric=set(),
        ),
    ]
    if result.notes:
        body.append("<h2>Notes</h2><ul>")
        body += [f"<li>{esc(note)}</li>" for note in result.notes]
        body.append("</ul>")
    body.append(
        '<p class="muted">replicates.csv holds every replicate\'s parameter values and '
        "end-state (1 yes, 0 no); box.csv the chosen box; feature_scores.csv the "
        "scores.</p>"
    )
    css = ".finding{font-size:1.1rem;max-width:60rem}"
    return html_page(f"{s.name} – discovery of {result.outcome.label}", body, css=CSS + css)


def _qp_text(low: float, high: float) -> str:
    parts = []
    if not pd.isna(low):
        parts.append(f"low {low:.2g}")
    if not pd.isna(high):
        parts.append(f"high {high:.2g}")
    return ", ".join(parts)


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
