"""The bulletin's claims, as they emerge from the drivers in a baseline ensemble.

Nothing here is imposed on the model: each fact (sim.analysis.stylised_facts) runs the
calibrated baseline (or a one-parameter change of it) and checks what the drivers produce.
The baseline carries what is not known: its judgement values are uncertain, drawn per
replicate (scenarios/baseline.yaml, ``uncertainties``), so each fact is a claim about that
ensemble. 400 replicates, seed 20140306.
"""

from __future__ import annotations

import pytest
from conftest import REPO_ROOT

from sim.analysis.stylised_facts import FACTS, FACTS_BY_NAME, Ensembles, StylisedFact
from sim.scenario import load_scenario

REPS = 400
SEED = 20140306


@pytest.fixture(scope="module")
def run() -> Ensembles:
    """The uncertain baseline ensemble with dotted-path changes; each set runs once."""
    return Ensembles(load_scenario(REPO_ROOT / "scenarios" / "baseline.yaml"), REPS, SEED)


def test_the_baseline_ensemble_is_uncertain(run):
    assert len(run.draws) >= 15  # every judgement value the baseline marks
    assert all(values.std() > 0 for values in run.draws.values())


def test_every_fact_is_tested_here():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert {f.name for f in FACTS} <= tested


def _holds(name: str, run) -> None:
    fact: StylisedFact = FACTS_BY_NAME[name]
    verdict = fact.check(run)
    assert verdict.holds, str(verdict)


def test_russia_does_not_side_with_china_against_japan(run):
    _holds("russia_does_not_side_with_china_against_japan", run)


def test_russia_japan_improves_while_the_kurils_stay_unresolved(run):
    _holds("russia_japan_improves_while_the_kurils_stay_unresolved", run)
    base = run({})
    i, j = base.actor_ids.index("RUS"), base.actor_ids.index("JPN")
    assert (base.world.disputes["kurils"][:, i, j] > 0).all()  # no settlement happened


def test_us_japan_alliance_holds(run):
    _holds("us_japan_alliance_holds", run)


def test_russia_allied_with_no_one(run):
    _holds("russia_allied_with_no_one", run)


def test_more_chinese_assertiveness_raises_russia_japan(run):
    _holds("more_chinese_assertiveness_raises_russia_japan", run)


def test_settling_the_kurils_raises_russia_japan(run):
    _holds("settling_the_kurils_raises_russia_japan", run)


def test_the_verdicts_state_their_numbers(run):
    verdict = FACTS_BY_NAME["us_japan_alliance_holds"].check(run)
    assert 0.0 <= verdict.value <= 1.0
    assert (verdict.comparison, verdict.threshold) == (">=", 0.95)
    assert "0.95" in str(verdict) and "holds" in str(verdict)
