"""The robustness machinery (sim.analysis.robustness), not its numbers: the bisection finds
a known threshold, a factor's row holds the verdicts of the ensembles at its two ends."""

from __future__ import annotations

import pytest
from factories import baseline

from sim.analysis.robustness import break_even, decision_factors, factor_row, moved
from sim.analysis.stylised_facts import FACTS, Ensembles, StylisedFact, Verdict, check_facts

REPS = 8
SEED = 7


def test_break_even_finds_a_known_threshold():
    calls = []

    def holds(x: float) -> bool:
        calls.append(x)
        return x >= 0.56

    good, bad = break_even(holds, good=0.6, bad=0.48, tolerance=0.001)
    assert bad < 0.56 <= good and good - bad <= 0.001
    assert len(calls) == 7  # 0.12 halved seven times is below 0.001
    good, bad = break_even(lambda x: x <= 1.13, good=1.0, bad=1.2, tolerance=0.01)
    assert good <= 1.13 < bad and bad - good <= 0.01 and good < bad
    with pytest.raises(ValueError, match="tolerance"):
        break_even(holds, 0.6, 0.48, 0.0)


def test_every_setting_and_weight_is_a_factor_at_its_scenario_value():
    factors = decision_factors(baseline())
    assert factors["model.temperature"] == 0.01
    assert factors["weights.shared_threat"] == 3.5
    assert len(factors) >= 16


def test_a_moved_factor_stays_in_its_valid_range():
    scenario = baseline()
    assert moved("model.step_length", 0.45, 0.2, scenario) == 0.5
    assert moved("weights.threat", 0.5, -0.2, scenario) == pytest.approx(0.4)


def _weight_at_least(threshold: float) -> StylisedFact:
    """A toy fact with a known break-even: the shared-threat weight the model ran with."""

    def judge(name, run):
        weight = float(run({}).world.weights["shared_threat"].ravel()[0])
        return Verdict(name, weight >= threshold, weight, ">=", threshold, "weight")

    return StylisedFact("toy", "the weight is high enough", judge)


def _runs(scenario):
    def runs(changes):
        return Ensembles(scenario, REPS, SEED, changes)

    return runs


def test_a_row_bisects_to_the_fact_s_known_break_even():
    scenario = baseline()
    row = factor_row(
        scenario,
        "weights.shared_threat",
        _runs(scenario),
        facts=(_weight_at_least(3.1),),
        tolerance=0.001,
    )
    assert (row.baseline, row.low, row.high) == (3.5, pytest.approx(2.8), pytest.approx(4.2))
    assert not row.at_low["toy"].holds and row.at_high["toy"].holds
    assert list(row.break_evens) == [("toy", "low")]
    be = row.break_evens[("toy", "low")]
    assert be.fails_at < 3.1 <= be.holds_at and be.holds_at - be.fails_at <= 0.0035
    assert "at or above" in str(be) and not row.holds_everywhere


def test_a_row_holds_the_verdicts_of_the_ensembles_at_its_ends():
    scenario = baseline()
    row = factor_row(scenario, "model.temperature", _runs(scenario), tolerance=0.2)
    assert (row.low, row.high) == (pytest.approx(0.008), pytest.approx(0.012))
    for value, verdicts in ((row.low, row.at_low), (row.high, row.at_high)):
        direct = check_facts(Ensembles(scenario, REPS, SEED, {"model.temperature": value}))
        assert verdicts == direct
    assert set(row.at_low) == {f.name for f in FACTS}
