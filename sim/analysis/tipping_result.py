"""The result of a tipping-point analysis (:mod:`sim.analysis.tipping`): its crossings,
as a table, in words, as one JSON object and as the manifest of its folder."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.common import number, parameter_label, result_manifest
from sim.analysis.outcome_expr import OutcomeExpr
from sim.experiment.runner import RunStats
from sim.scenario import Scenario

NAN = float("nan")

TABLE_COLUMNS = [
    "parameter",
    "label",
    "fixed",
    "low",
    "high",
    "at_low",
    "at_high",
    "status",
    "direction",
    "crossing",
    "interval_low",
    "interval_high",
    "clipped",
    "before",
    "after",
    "estimate_before",
    "estimate_after",
    "words",
]


@dataclass(frozen=True)
class Crossing:
    """Where the outcome crosses the level as ``path`` moves over ``low..high``.

    ``at_low`` / ``at_high``: the estimate at the ends. Without a crossing ``crossing`` is
    NaN. With one: ``crossing`` is the middle of the last bracket, ``before`` the last
    value found on the starting side (estimate ``estimate_before``) and ``after`` the
    first past the level (``estimate_after``); ``interval_low..interval_high`` is where
    the 95% interval of the estimate contains the level, ``clipped`` when it reaches an
    end of the range. ``fixed``: parameters held at a value (a pair curve's A).
    """

    path: str
    low: float
    high: float
    at_low: float
    at_high: float
    crossing: float = NAN
    before: float = NAN
    after: float = NAN
    estimate_before: float = NAN
    estimate_after: float = NAN
    interval_low: float = NAN
    interval_high: float = NAN
    clipped: bool = False
    fixed: dict[str, float] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return not math.isnan(self.crossing)

    @property
    def rises(self) -> bool:
        """Whether the outcome is higher at HI than at LO."""
        return self.at_high > self.at_low


def _subject(outcome: OutcomeExpr, level: float) -> str:
    if outcome.end_state is not None:
        name = outcome.end_state.replace("_", " ")
        return f"{name} (probability {number(level, 3)} or more)"
    if outcome.kind == "probability":
        return f"{outcome.label} of {number(level, 3)} or more"
    return f"a mean {outcome.label} of {number(level, 3)} or more"


def crossing_words(c: Crossing, outcome: OutcomeExpr, level: float, scenario: Scenario) -> str:
    """The crossing in a sentence: 'russia japan rapprochement (probability 0.5 or more)
    needs China's assertiveness at or above 0.71 (95% interval 0.68 to 0.74)'."""
    label = parameter_label(scenario, c.path)
    held = "".join(
        f", with {parameter_label(scenario, p)} at {number(v, 3)}" for p, v in c.fixed.items()
    )
    lo, hi = number(c.low, 3), number(c.high, 3)
    if not c.found:
        side = "above" if c.at_low >= level else "below"
        return (
            f"{outcome.label} stays {side} {number(level, 3)} over {label} {lo}..{hi}{held} "
            f"({number(c.at_low, 3)} at {lo}, {number(c.at_high, 3)} at {hi}): "
            f"no crossing in {lo}..{hi}"
        )
    # The outcome reaches the level on the far side of the crossing when it starts below.
    starts_below = c.at_low < level
    side = "above" if starts_below else "below"
    clipped = " (clipped at the range)" if c.clipped else ""
    return (
        f"{_subject(outcome, level)} needs {label} at or {side} {number(c.crossing, 3)}{held} "
        f"(95% interval {number(c.interval_low, 3)} to {number(c.interval_high, 3)}{clipped}; "
        f"{number(c.at_low, 3)} at {lo}, {number(c.at_high, 3)} at {hi})"
    )


def _float(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


@dataclass(eq=False)
class TippingResult:
    """A finished tipping-point analysis.

    ``crossings``: one per varied parameter, in the order given; ``pair_crossings``: the
    tipping curve (B's crossing at each value of A) when ``pair`` is (A, B).
    ``evaluations``: every point evaluated (:func:`sim.analysis.tipping_search.evaluations_frame`).
    """

    scenario: Scenario
    outcome: OutcomeExpr
    level: float
    ranges: dict[str, tuple[float, float]]
    replicates: int
    seed: int
    tolerance: float
    chunk_size: int
    crossings: list[Crossing]
    evaluations: pd.DataFrame
    pair: tuple[str, str] | None = None
    pair_crossings: list[Crossing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: Path | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stats: RunStats | None = None

    @property
    def points(self) -> int:
        """Distinct points evaluated (each an ensemble of ``replicates``)."""
        return len(self.evaluations.drop_duplicates(["parameter", "value", "fixed"]))

    def _frame(self, crossings: Sequence[Crossing]) -> pd.DataFrame:
        rows = []
        for c in crossings:
            rows.append(
                {
                    "parameter": c.path,
                    "label": parameter_label(self.scenario, c.path),
                    "fixed": "; ".join(f"{p}={v:g}" for p, v in c.fixed.items()),
                    "low": c.low,
                    "high": c.high,
                    "at_low": c.at_low,
                    "at_high": c.at_high,
                    "status": "crossing" if c.found else "no crossing",
                    "direction": "rises" if c.rises else "falls" if c.at_high < c.at_low else "",
                    "crossing": c.crossing,
                    "interval_low": c.interval_low,
                    "interval_high": c.interval_high,
                    "clipped": c.clipped,
                    "before": c.before,
                    "after": c.after,
                    "estimate_before": c.estimate_before,
                    "estimate_after": c.estimate_after,
                    "words": crossing_words(c, self.outcome, self.level, self.scenario),
                }
            )
        return pd.DataFrame(rows, columns=TABLE_COLUMNS)

    def table(self) -> pd.DataFrame:
        """One row per varied parameter (tipping.csv)."""
        return self._frame(self.crossings)

    def pair_table(self) -> pd.DataFrame:
        """One row per value of A of the pair curve, with A's value in column ``a_value``
        (empty without a pair)."""
        frame = self._frame(self.pair_crossings)
        frame.insert(0, "a_value", [next(iter(c.fixed.values())) for c in self.pair_crossings])
        return frame

    def words(self) -> list[str]:
        """Every crossing (and the pair curve's) in a sentence."""
        return [
            crossing_words(c, self.outcome, self.level, self.scenario)
            for c in (*self.crossings, *self.pair_crossings)
        ]

    def _crossing_json(self, c: Crossing) -> dict[str, Any]:
        return {
            "parameter": c.path,
            "label": parameter_label(self.scenario, c.path),
            "fixed": dict(c.fixed),
            "low": c.low,
            "high": c.high,
            "at_low": c.at_low,
            "at_high": c.at_high,
            "found": c.found,
            "crossing": _float(c.crossing),
            "interval": [_float(c.interval_low), _float(c.interval_high)] if c.found else None,
            "clipped": c.clipped,
            "before": _float(c.before),
            "after": _float(c.after),
            "estimate_before": _float(c.estimate_before),
            "estimate_after": _float(c.estimate_after),
            "words": crossing_words(c, self.outcome, self.level, self.scenario),
        }

    def to_json(self) -> dict[str, Any]:
        """The result as one JSON-ready object (what ``--json`` prints)."""
        return {
            "scenario": self.scenario.name,
            "outcome": {
                "text": self.outcome.text,
                "kind": self.outcome.kind,
                "step": self.outcome.step,
                "meaning": self.outcome.meaning,
            },
            "level": self.level,
            "replicates": self.replicates,
            "seed": self.seed,
            "tolerance": self.tolerance,
            "crossings": [self._crossing_json(c) for c in self.crossings],
            "pair": None
            if self.pair is None
            else {
                "a": self.pair[0],
                "b": self.pair[1],
                "curve": [self._crossing_json(c) for c in self.pair_crossings],
            },
            "points": self.points,
            "notes": list(self.notes),
        }

    def manifest(self, command: Sequence[str] | str | None = None) -> dict[str, Any]:
        """The manifest (JSON-ready) of the result folder."""
        m = result_manifest("tipping", self, command)
        m.update(
            {
                "level": self.level,
                "replicates": self.replicates,
                "chunk_size": self.chunk_size,
                "record": self.outcome.record,
                "tolerance": self.tolerance,
                "outcome": {
                    "text": self.outcome.text,
                    "kind": self.outcome.kind,
                    "step": self.outcome.step,
                    "meaning": self.outcome.meaning,
                },
                "vary": {p: [lo, hi] for p, (lo, hi) in self.ranges.items()},
                "pair": list(self.pair) if self.pair else None,
                "points": self.points,
                "seeds": {
                    "ensemble": self.seed,
                    "scheme": "every evaluation uses the same seeds and the same draws of "
                    "the uncertain parameters (common random numbers)",
                },
                "interval": "95%: where the Wilson interval of a probability (mean +/- 1.96 "
                "standard errors of a mean) contains the level; its bounds are bisected",
                "notes": list(self.notes),
            }
        )
        return m
