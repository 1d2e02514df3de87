"""Conditions: parsing, evaluation on hand-made relation matrices, blocs, and errors."""

from __future__ import annotations

import numpy as np
import pytest
from factories import baseline

from sim.model.conditions import ConditionError, bloc_labels, parse_condition
from sim.model.events import ModelState
from sim.model.world import build_world

IDS = ["USA", "CHN", "JPN", "RUS"]


def relations(pairs: dict[str, float]) -> np.ndarray:
    """A (1, 4, 4) symmetric relation matrix from {'A-B': value}."""
    r = np.zeros((1, 4, 4))
    for key, value in pairs.items():
        a, b = (IDS.index(x) for x in key.split("-"))
        r[0, a, b] = r[0, b, a] = value
    return r


def holds(text: str, pairs: dict[str, float], step: int = 0, **changes) -> bool:
    scenario = baseline(changes)
    state = ModelState(relations(pairs), build_world(scenario), step, scenario.bands)
    return bool(parse_condition(text, scenario).holds(state)[0])


@pytest.mark.parametrize(
    ("text", "pairs", "expected"),
    [
        ("RUS-CHN > 0.6", {"RUS-CHN": 0.65}, True),
        ("RUS-CHN > 0.6", {"RUS-CHN": 0.6}, False),
        ("CHN-RUS >= 0.6", {"RUS-CHN": 0.6}, True),
        ("RUS-JPN < -0.5 or RUS-CHN > 0.5", {"RUS-CHN": 0.55}, True),
        ("RUS-JPN < -0.5 and RUS-CHN > 0.5", {"RUS-CHN": 0.55}, False),
        ("not RUS-JPN < 0", {"RUS-JPN": 0.1}, True),
        ("not (RUS-JPN < 0 or RUS-CHN < 0)", {"RUS-JPN": 0.1}, True),
        ("RUS-CHN is allied and RUS-JPN is hostile", {"RUS-CHN": 0.7, "RUS-JPN": -0.7}, True),
        ("RUS-CHN is allied and RUS-JPN is hostile", {"RUS-CHN": 0.7, "RUS-JPN": -0.6}, False),
        ("RUS-JPN is not hostile", {"RUS-JPN": -0.6}, True),
        ("USA-RUS is hedging", {"USA-RUS": -0.2}, True),
        ("USA-RUS is hedging", {"USA-RUS": 0.2000000001}, True),  # float drift is rounded
        ("USA-RUS is aligned", {"USA-RUS": 0.25}, True),
        ("RUS-JPN > -0.1", {"RUS-JPN": 0.0}, True),
        ("RUS-JPN > (0.1)", {"RUS-JPN": 0.15}, True),
        ("strongest(RUS) <= 0.6", {"RUS-CHN": 0.6, "RUS-JPN": 0.2}, True),
        ("strongest(RUS) <= 0.6", {"RUS-CHN": 0.65}, False),
        ("weakest(CHN) < -0.5", {"CHN-JPN": -0.55}, True),
        ("step >= 8", {}, False),
        ("actors.CHN.assertiveness >= 0.6", {}, True),
        ("dyads.RUS-JPN.disputes.kurils == 0.5", {}, True),
        ("dyads.RUS-JPN.relation > 0.3", {"RUS-JPN": 0.35}, True),
    ],
)
def test_conditions_evaluate_as_written(text, pairs, expected):
    assert holds(text, pairs) is expected


def test_step_is_the_current_step():
    assert holds("step >= 8", {}, step=8)


def test_blocs_are_the_groups_joined_by_aligned_relations():
    pairs = {"USA-JPN": 0.8, "CHN-RUS": 0.4, "USA-CHN": -0.3, "JPN-RUS": 0.1}
    assert holds("together(USA, JPN) and together(CHN, RUS)", pairs)
    assert holds("blocs == 2", pairs)
    assert not holds("together(JPN, RUS)", pairs)
    pairs["JPN-RUS"] = 0.25  # Japan and Russia aligned: one chain of four
    assert holds("together(USA, CHN) and blocs == 1", pairs)
    labels = bloc_labels(relations({"USA-JPN": 0.8}), 0.2)
    np.testing.assert_array_equal(labels, [[0, 1, 0, 3]])


def test_conditions_are_vectorised_over_replicates():
    scenario = baseline()
    r = np.concatenate([relations({"RUS-CHN": 0.7}), relations({"RUS-CHN": 0.1})])
    state = ModelState(r, build_world(scenario), 0, scenario.bands)
    np.testing.assert_array_equal(
        parse_condition("RUS-CHN is allied", scenario).holds(state), [True, False]
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RUS-CHN >> 0.6", "expected a number, a dyad (A-B) or a path at column 10"),
        ("RUS-KOR > 0.6", "unknown actor 'KOR'"),
        ("RUS-CHN is friendly", "'is' takes a band"),
        ("0.5 is allied", "only a relation (A-B) is in a band"),
        ("RUS-CHN", "needs a comparison"),
        ("actors.CHN.assertivness > 0.5", "did you mean 'assertiveness'"),
        ("RUS-CHN > 0.6 and", "ends too early"),
        ("RUS-CHN > 0.6 )", "unexpected ')'"),
        ("", "the condition is empty"),
        ("RUS-CHN > 0.6 ; import os", "unexpected character ';'"),
        ("__import__('os')", "unexpected character"),
        ("__import__ > 1", "unknown name '__import__'"),
        ("together(RUS, RUS)", "two different actors"),
        ("allied > 0.3", "cannot stand here"),
        ("(RUS-CHN > 0.6) > 1", "unexpected '>'"),
    ],
)
def test_bad_conditions_say_what_is_wrong(text, message):
    with pytest.raises(ConditionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_condition(text, baseline())


def test_end_states_read_only_relations():
    with pytest.raises(ConditionError, match="not parameters"):
        parse_condition("actors.CHN.assertiveness > 0.5", baseline(), relations_only=True)
    with pytest.raises(ConditionError, match="'step' cannot be used"):
        parse_condition("step > 3", baseline(), relations_only=True)
