"""The result of a sensitivity analysis (:mod:`sim.analysis.sensitivity`): its indices,
its sample, the indices as text lines and its manifest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.common import derived_seed, result_manifest
from sim.analysis.outcome_expr import OutcomeExpr
from sim.analysis.sensitivity_salib import (
    ANALYZE_PURPOSE,
    DEFAULT_LEVELS,
    SAMPLE_PURPOSE,
    Factor,
    salib_problem,
)
from sim.experiment.runner import RunStats
from sim.scenario import Scenario


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
    stats: RunStats | None = None
    """How the ensemble ran (sim.experiment.runner.RunStats)."""

    @property
    def points(self) -> int:
        return len(self.samples)

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
