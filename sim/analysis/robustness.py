"""Robustness of the stylised facts: does each fact survive a change of one setting?

One factor at a time (a decision-rule setting ``model.<name>`` or a driver weight
``weights.<name>``, or any other parameter path), the factor is moved by a relative
``spread`` down and up from its scenario value (-20% and +20% by default) and every
stylised fact (:mod:`sim.analysis.stylised_facts`) is judged on ensembles run with that
value, on the same seed as the baseline (common random numbers, so differences are the
factor's, not the noise's). Where a fact breaks, :func:`break_even` bisects the factor
between its baseline value (fact holds) and the breaking value (fact fails) to locate
where it flips, to a stated tolerance (the one bisection of the analyses,
:mod:`sim.analysis.bisection`; ``break_even`` is imported from there).

The bisection assumes one flip between the two ends; with several, it finds one of them.
benchmarks/robustness.py prints the table and writes it as Markdown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.analysis.bisection import break_even
from sim.analysis.stylised_facts import FACTS, Run, StylisedFact, Verdict
from sim.model.world import build_world
from sim.scenario.paths import SETTINGS, WEIGHTS, bounds, parse_target
from sim.scenario.schema import Scenario

SPREAD = 0.2
"""The default relative change of a factor: -20% and +20% of its scenario value."""

TOLERANCE = 0.01
"""The default bisection tolerance, relative to the factor's scenario value (1%)."""


def decision_factors(scenario: Scenario) -> dict[str, float]:
    """Every decision-rule setting and driver weight by path, with the scenario's value."""
    settings = {f"model.{name}": float(getattr(scenario.model, name)) for name in SETTINGS}
    weights = {f"weights.{name}": float(getattr(scenario.weights, name)) for name in WEIGHTS}
    return settings | weights


def scenario_value(scenario: Scenario, path: str) -> float:
    """The value of ``path`` (any parameter path but a relation) as the model starts it."""
    return float(build_world(scenario).value(parse_target(scenario, path))[0])


@dataclass(frozen=True)
class BreakEven:
    """Where a fact flips as one factor moves from its baseline value toward ``broken``.

    ``holds_at`` is the last value found where the fact holds, ``fails_at`` the first where
    it fails; they are at most ``tolerance`` apart. ``value`` is their midpoint.
    """

    fact: str
    path: str
    baseline: float
    holds_at: float
    fails_at: float
    tolerance: float

    @property
    def value(self) -> float:
        return (self.holds_at + self.fails_at) / 2

    @property
    def relative(self) -> float:
        """The break-even's distance from the baseline, relative to the baseline value."""
        return (self.value - self.baseline) / self.baseline if self.baseline else np.inf

    def __str__(self) -> str:
        side = "at or above" if self.fails_at < self.holds_at else "at or below"
        return (
            f"{self.fact} needs {self.path} {side} {self.value:.4g} "
            f"(baseline {self.baseline:g}, {self.relative:+.0%}; +-{self.tolerance / 2:.2g})"
        )


@dataclass(frozen=True)
class FactorRow:
    """The facts under one factor moved down and up: the verdicts at each value and the
    break-even of every fact that fails at one of them (keyed by (fact, 'low'|'high'))."""

    path: str
    baseline: float
    low: float
    high: float
    at_low: dict[str, Verdict]
    at_high: dict[str, Verdict]
    break_evens: dict[tuple[str, str], BreakEven] = field(default_factory=dict)

    @property
    def holds_everywhere(self) -> bool:
        return all(v.holds for v in (*self.at_low.values(), *self.at_high.values()))


def moved(path: str, baseline: float, change: float, scenario: Scenario) -> float:
    """``baseline * (1 + change)``, kept inside the valid range of the quantity ``path`` names."""
    low, high = bounds(parse_target(scenario, path))
    return float(np.clip(baseline * (1.0 + change), low, high))


def factor_row(
    scenario: Scenario,
    path: str,
    runs: Callable[[Mapping[str, float]], Run],
    facts: tuple[StylisedFact, ...] = FACTS,
    spread: float = SPREAD,
    tolerance: float = TOLERANCE,
    baseline: float | None = None,
) -> FactorRow:
    """Judge every fact with ``path`` at -spread and +spread of its baseline value.

    ``runs({path: x})`` gives the :data:`Run` of the scenario with the factor at ``x``
    (the facts add their own changes on top). A fact failing at one end gets its
    break-even, bisected to ``tolerance`` times |baseline| (or ``tolerance`` itself when
    the baseline value is 0); a fact that fails at the baseline value itself gets none.
    """
    base = scenario_value(scenario, path) if baseline is None else baseline
    low = moved(path, base, -spread, scenario)
    high = moved(path, base, +spread, scenario)

    def verdicts(x: float) -> dict[str, Verdict]:
        run = runs({path: x})
        return {f.name: f.check(run) for f in facts}

    at_low, at_high = verdicts(low), verdicts(high)
    at_base: dict[str, bool] = {}
    step = tolerance * abs(base) if base else tolerance
    found: dict[tuple[str, str], BreakEven] = {}
    for side, end, judged in (("low", low, at_low), ("high", high, at_high)):
        for fact in facts:
            if judged[fact.name].holds or end == base:
                continue
            if fact.name not in at_base:
                at_base[fact.name] = fact.check(runs({path: base})).holds
            if not at_base[fact.name]:
                continue

            def holds(x: float, fact: StylisedFact = fact) -> bool:
                return fact.check(runs({path: x})).holds

            good, bad = break_even(holds, base, end, step)
            found[(fact.name, side)] = BreakEven(fact.name, path, base, good, bad, step)
    return FactorRow(path, base, low, high, at_low, at_high, found)
