"""The result of a calibration (:mod:`sim.analysis.calibration`): the fitted values with
their profile intervals, the fit per observation before and after, every evaluation, the
calibrated scenario file, words, one JSON object and the manifest of its folder."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.common import number, parameter_label, result_manifest, signed
from sim.analysis.observation_fit import ObservationModel
from sim.experiment.runner import RunStats
from sim.scenario import Scenario
from sim.scenario.observations import Observation

PROFILE_DROP = 1.92
"""chi2(1 degree of freedom, 0.95) / 2: the drop of log-likelihood that bounds a 95%
profile interval."""
EDGE_SHARE = 0.05
"""An interval within this share of its range from an end is said to reach that end."""
PROFILE_BINS = 20


@dataclass(frozen=True)
class Evaluation:
    """One point evaluated: its values, the log-likelihood of the fitted observations and
    of the held-out ones (0 when none is held out)."""

    values: dict[str, float]
    fit: float
    held_out: float


@dataclass(frozen=True)
class Interval:
    """A parameter's 95% profile interval (``reaches_low`` / ``reaches_high``: it comes
    within 5% of the range's end, so the observations do not bound it on that side)."""

    path: str
    low: float
    high: float
    best: float
    range_low: float
    range_high: float
    reaches_low: bool
    reaches_high: bool
    supporting: int
    """How many evaluations lie within the drop of the best."""


def profile_intervals(
    evaluations: Sequence[Evaluation], ranges: Mapping[str, tuple[float, float]]
) -> dict[str, Interval]:
    """Each parameter's interval over the evaluations within :data:`PROFILE_DROP` of the
    best (:mod:`sim.analysis.calibration`)."""
    best = max(evaluations, key=lambda e: e.fit)
    near = [e for e in evaluations if e.fit >= best.fit - PROFILE_DROP]
    out = {}
    for path, (lo, hi) in ranges.items():
        values = [e.values[path] for e in near]
        low, high = min(values), max(values)
        edge = EDGE_SHARE * (hi - lo)
        out[path] = Interval(
            path,
            low,
            high,
            best.values[path],
            lo,
            hi,
            low - lo <= edge,
            hi - high <= edge,
            len(near),
        )
    return out


def profile_frame(
    evaluations: Sequence[Evaluation], ranges: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """The profile log-likelihood of every parameter: its range cut in 20 bins, the best
    score of the evaluations in each (NaN where none fell)."""
    rows = []
    for path, (lo, hi) in ranges.items():
        edges = np.linspace(lo, hi, PROFILE_BINS + 1)
        values = np.array([e.values[path] for e in evaluations])
        scores = np.array([e.fit for e in evaluations])
        where = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, PROFILE_BINS - 1)
        for b in range(PROFILE_BINS):
            inside = scores[where == b]
            rows.append(
                {
                    "parameter": path,
                    "value": float((edges[b] + edges[b + 1]) / 2),
                    "profile": float(inside.max()) if len(inside) else math.nan,
                    "evaluations": len(inside),
                }
            )
    return pd.DataFrame(rows, columns=["parameter", "value", "profile", "evaluations"])


@dataclass(eq=False)
class CalibrationResult:
    """A finished calibration (fields as :class:`~sim.analysis.calibration.CalibrationPlan`
    and what it found)."""

    scenario: Scenario
    observations: tuple[Observation, ...]
    observations_file: Path | None
    ranges: dict[str, tuple[float, float]]
    budget: int
    replicates: int
    seed: int
    chunk_size: int
    holdout_after: dt.date | None
    model: ObservationModel
    before: Evaluation
    """The scenario as it is (its own values, its uncertainties drawn)."""
    best: Evaluation
    evaluations: list[Evaluation]
    intervals: dict[str, Interval]
    fit_before: pd.DataFrame
    fit_after: pd.DataFrame
    monte_carlo_error: float
    optimiser: str
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: Path | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stats: RunStats | None = None

    @property
    def points(self) -> int:
        """Points evaluated (the budget and the scenario as it is)."""
        return len(self.evaluations) + 1

    @property
    def held_out_count(self) -> int:
        return int(self.fit_after["held_out"].sum())

    def parameters(self) -> pd.DataFrame:
        """One row per fitted parameter: range, best value, 95% profile interval, words."""
        rows = []
        for path, iv in self.intervals.items():
            rows.append(
                {
                    "parameter": path,
                    "label": parameter_label(self.scenario, path),
                    "low": iv.range_low,
                    "high": iv.range_high,
                    "best": iv.best,
                    "interval_low": iv.low,
                    "interval_high": iv.high,
                    "reaches_low": iv.reaches_low,
                    "reaches_high": iv.reaches_high,
                    "words": self.parameter_words(iv),
                }
            )
        return pd.DataFrame(rows)

    def parameter_words(self, iv: Interval) -> str:
        """'the model's responsiveness fits best at 1.62 (95% profile interval 1.41 to
        1.80)', saying where the interval reaches an end of the range."""
        label = parameter_label(self.scenario, iv.path)
        text = (
            f"{label} fits best at {number(iv.best, 3)} (95% profile interval "
            f"{number(iv.low, 3)} to {number(iv.high, 3)}"
        )
        ends = []
        if iv.reaches_low:
            ends.append(f"down to the range's low end {number(iv.range_low, 3)}")
        if iv.reaches_high:
            ends.append(f"up to the range's high end {number(iv.range_high, 3)}")
        if ends:
            text += "; it reaches " + " and ".join(ends) + ": the observations do not bound it"
            text += " there"
        return text + ")"

    def words(self) -> list[str]:
        """The findings in sentences: each parameter, then the fit before and after."""
        lines = [self.parameter_words(iv) for iv in self.intervals.values()]
        n_fit = len(self.observations) - self.held_out_count
        lines.append(
            f"log-likelihood of the {n_fit} fitted observation(s): "
            f"{number(self.before.fit, 2)} as the scenario is, {number(self.best.fit, 2)} "
            f"fitted ({signed(self.best.fit - self.before.fit, 2)}; Monte Carlo error "
            f"{number(self.monte_carlo_error, 2)})"
        )
        inside_before = _inside(self.fit_before, held=False)
        inside_after = _inside(self.fit_after, held=False)
        lines.append(
            f"fitted observations whose median lies inside: {inside_before} before, "
            f"{inside_after} after"
        )
        if self.held_out_count:
            lines.append(
                f"held out ({self.held_out_count} observation(s) after {self.holdout_after}): "
                f"log-likelihood {number(self.before.held_out, 2)} before, "
                f"{number(self.best.held_out, 2)} fitted; medians inside "
                f"{_inside(self.fit_before, held=True)} before, "
                f"{_inside(self.fit_after, held=True)} after"
            )
        return lines

    def evaluations_frame(self) -> pd.DataFrame:
        """Every evaluation in order: its values and both log-likelihoods."""
        rows = [
            {"evaluation": k + 1, **e.values, "fit": e.fit, "held_out": e.held_out}
            for k, e in enumerate(self.evaluations)
        ]
        return pd.DataFrame(rows, columns=["evaluation", *self.ranges, "fit", "held_out"])

    def fit_frame(self) -> pd.DataFrame:
        """Per observation: what it says, and the replicates' median, inside share and
        log-likelihood before and after the fit."""
        keep = ["line", "date", "step", "dyad", "kind", "low", "high", "relation", "sd"]
        frame = self.fit_before[[*keep, "held_out"]].copy()
        for when, source in (("before", self.fit_before), ("after", self.fit_after)):
            for col in ("median", "p10", "p90", "inside", "log_likelihood"):
                frame[f"{col}_{when}"] = source[col].to_numpy()
        frame["source"] = self.fit_before["source"].to_numpy()
        return frame

    def calibrated_yaml(self, folder: str | os.PathLike[str]) -> str:
        """The calibrated scenario as it is written into ``folder``: it ``extends`` the
        input (a path relative to ``folder``) and sets the fitted values, with comments
        saying how and when they were fitted."""
        finished = (self.finished_at or dt.datetime.now().astimezone()).isoformat(
            timespec="seconds"
        )
        obs = self.observations_file.name if self.observations_file else "observations"
        held = ""
        if self.held_out_count:
            held = f", {self.held_out_count} held out after {self.holdout_after}"
        lines = [
            f"# Calibrated by `run.py calibrate` on {finished}.",
            f"# Fitted to {obs}: {len(self.observations) - self.held_out_count} "
            f"observation(s){held}.",
            f"# {self.optimiser}; {len(self.evaluations)} evaluations x {self.replicates} "
            f"replicates on seed {self.seed} (common random numbers).",
            f"# Log-likelihood {self.before.fit:.2f} before, {self.best.fit:.2f} after "
            f"(Monte Carlo error {self.monte_carlo_error:.2f}).",
            "# Each value is the best evaluation's; the comment beside it gives its 95%",
            "# profile interval (docs/analysis.md, 'Calibration').",
        ]
        if self.source is not None:
            base = os.path.relpath(Path(self.source).resolve(), Path(folder).resolve())
            lines.append(f"extends: {Path(base).as_posix()}")
        else:
            lines.append("# (the input scenario had no file: these values override it)")
        lines.append(f"name: {self.scenario.name}-calibrated")
        for path, iv in self.intervals.items():
            note = f"95% profile interval {iv.low:.4g} to {iv.high:.4g}"
            if iv.reaches_low or iv.reaches_high:
                note += " (reaches the range's end)"
            fitted = f"fitted in {iv.range_low:g}..{iv.range_high:g}"
            lines.append(f"{path}: {iv.best:.6g}  # {fitted}; {note}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The result as one JSON-ready object (no NaN)."""
        return {
            "scenario": self.scenario.name,
            "observations": len(self.observations),
            "held_out": self.held_out_count,
            "holdout_after": None if self.holdout_after is None else str(self.holdout_after),
            "budget": self.budget,
            "replicates": self.replicates,
            "seed": self.seed,
            "optimiser": self.optimiser,
            "parameters": {
                path: {
                    "best": iv.best,
                    "interval": [iv.low, iv.high],
                    "range": [iv.range_low, iv.range_high],
                    "reaches_low": iv.reaches_low,
                    "reaches_high": iv.reaches_high,
                }
                for path, iv in self.intervals.items()
            },
            "log_likelihood": {
                "before": self.before.fit,
                "after": self.best.fit,
                "held_out_before": self.before.held_out,
                "held_out_after": self.best.held_out,
                "monte_carlo_error": self.monte_carlo_error,
            },
            "words": self.words(),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }

    def manifest(self, command: Sequence[str] | str | None = None) -> dict[str, Any]:
        """The folder's manifest: the common fields and this calibration's."""
        m = result_manifest("calibration", self, command)
        m["calibration"] = {
            **self.to_json(),
            "observations_file": (
                None if self.observations_file is None else str(self.observations_file.resolve())
            ),
            "observation_model": {
                "gross_error": self.model.gross_error,
                "band_edge": self.model.band_edge,
            },
            "chunk_size": self.chunk_size,
        }
        return m


def _inside(frame: pd.DataFrame, held: bool) -> str:
    part = frame[frame["held_out"] == held]
    bands = part[part["kind"] == "band"]
    n = int(((bands["median"] >= bands["low"]) & (bands["median"] <= bands["high"])).sum())
    points = part[part["kind"] == "point"]
    n += int((abs(points["median"] - points["relation"]) <= points["sd"]).sum())
    return f"{n} of {len(part)}"
