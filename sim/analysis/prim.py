"""PRIM boxes and feature scores (ema_workbench) of a scenario discovery, and the box in
words.

- :func:`run_prim`: PRIM's first box and its peeling trajectory; :func:`choose_box` the
  rule that picks the box to report (:mod:`sim.analysis.discovery` explains it);
- :func:`describe_box`: the chosen box as a plain-language sentence or two;
- :func:`feature_scores`: extra-trees feature scores of the parameters;
- :func:`support`: the range a distribution draws from.

ema_workbench is imported inside the calls that need it (it is heavy: start-up speed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.common import join_words, number
from sim.analysis.outcome_expr import OutcomeExpr
from sim.analysis.quiet import quiet_libraries
from sim.scenario import Scenario


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


def restrictions(
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
    where = f"When {join_words(conditions)}" if conditions else "Over the whole sampled range"
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
            f" The restriction on {join_words(weak)} is not significant (quasi-p above 0.05): "
            "it may be noise."
        )
    return text


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
