"""Conditions: evaluation on hand-made relation matrices, vectorised over replicates; blocs.

Parsing and its error messages: tests/scenario/test_grammar.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from factories import baseline

from sim.model.conditions import holds
from sim.model.events import ModelState
from sim.model.world import build_world
from sim.scenario.grammar import parse_condition

IDS = ["USA", "RUS", "CHN", "JPN"]  # the baseline's actors, in its order


def relations(pairs: dict[str, float]) -> np.ndarray:
    """A (1, 4, 4) symmetric relation matrix from {'A-B': value}."""
    r = np.zeros((1, 4, 4))
    for key, value in pairs.items():
        a, b = (IDS.index(x) for x in key.split("-"))
        r[0, a, b] = r[0, b, a] = value
    return r


def holds_at(text: str, pairs: dict[str, float], step: int = 0, **changes) -> bool:
    scenario = baseline(changes)
    state = ModelState(relations(pairs), build_world(scenario), step, scenario.bands)
    return bool(holds(parse_condition(text, scenario), state)[0])


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
    assert holds_at(text, pairs) is expected


def test_step_is_the_current_step():
    assert holds_at("step >= 8", {}, step=8)


def test_blocs_are_the_groups_in_which_every_pair_is_aligned():
    pairs = {"USA-JPN": 0.8, "RUS-CHN": 0.4, "USA-CHN": -0.3, "RUS-JPN": 0.1}
    assert holds_at("together(USA, JPN) and together(CHN, RUS)", pairs)
    assert holds_at("blocs == 2", pairs)
    assert not holds_at("together(JPN, RUS)", pairs)
    # Japan and Russia aligned make a chain of four. It used to be one bloc (connected
    # components); a bloc is now a clique of aligned pairs (sim.model.blocs), and
    # USA-CHN is in rivalry, so the two blocs stay apart.
    pairs["RUS-JPN"] = 0.25
    assert holds_at("not together(USA, CHN) and not together(JPN, RUS) and blocs == 2", pairs)
    # Every pair aligned: one bloc of four.
    warm = {d: 0.3 for d in ("USA-RUS", "USA-CHN", "USA-JPN", "RUS-CHN", "RUS-JPN", "CHN-JPN")}
    assert holds_at("together(USA, CHN) and blocs == 1", warm)
    # bloc_labels itself (labels, cliques, ties): tests/model/test_blocs.py


def test_conditions_are_vectorised_over_replicates():
    scenario = baseline()
    r = np.concatenate([relations({"RUS-CHN": 0.7}), relations({"RUS-CHN": 0.1})])
    state = ModelState(r, build_world(scenario), 0, scenario.bands)
    np.testing.assert_array_equal(
        holds(parse_condition("RUS-CHN is allied", scenario), state), [True, False]
    )
