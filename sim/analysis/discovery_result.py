"""The result of a scenario discovery (:mod:`sim.analysis.discovery`): the replicates,
the peeling trajectory, the chosen box, the feature scores and the manifest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.common import derived_seed, result_manifest
from sim.analysis.outcome_expr import OutcomeExpr
from sim.experiment.runner import RunStats
from sim.scenario import Scenario

FEATURE_PURPOSE = 3
"""derived_seed purpose of the extra-trees feature scoring."""


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
    stats: RunStats | None = None
    """How the ensemble ran."""

    @property
    def parameters(self) -> list[str]:
        """The uncertain parameter paths, sorted."""
        return sorted(self.uncertainties)

    @property
    def count(self) -> int:
        """Replicates in which the end-state holds."""
        return int(self.data["end_state"].sum())

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
