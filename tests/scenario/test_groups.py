"""Groups of actors: an event path naming a group stands for the members' paths."""

from __future__ import annotations

import pytest
from factories import baseline_dict, scenario

from sim.scenario.groups import expand_path, parse_targets


@pytest.fixture
def s():
    data = baseline_dict()  # actors USA, CHN, JPN, RUS
    data["groups"] = {"G7": ["USA", "JPN"], "WEST": ["USA", "JPN", "RUS"], "SCO": ["CHN", "RUS"]}
    return scenario(data)


def test_a_path_without_a_group_is_itself(s) -> None:
    assert expand_path(s, "actors.CHN.assertiveness") == ["actors.CHN.assertiveness"]
    assert expand_path(s, "weights.threat") == ["weights.threat"]


def test_actor_lever_and_dyad_slots_expand(s) -> None:
    assert expand_path(s, "actors.G7.offense") == ["actors.USA.offense", "actors.JPN.offense"]
    assert expand_path(s, "actors.RUS.wedge.G7") == ["actors.RUS.wedge.USA", "actors.RUS.wedge.JPN"]
    assert expand_path(s, "dyads.G7-RUS.irritants.sanctions.RUS") == [
        "dyads.USA-RUS.irritants.sanctions.RUS",
        "dyads.JPN-RUS.irritants.sanctions.RUS",
    ]


def test_a_group_named_twice_is_the_same_member(s) -> None:
    assert expand_path(s, "dyads.G7-RUS.irritants.sanctions.G7") == [
        "dyads.USA-RUS.irritants.sanctions.USA",
        "dyads.JPN-RUS.irritants.sanctions.JPN",
    ]


def test_self_pairs_are_skipped(s) -> None:
    assert expand_path(s, "dyads.WEST-JPN.treaty") == [
        "dyads.USA-JPN.treaty",
        "dyads.RUS-JPN.treaty",
    ]
    assert expand_path(s, "actors.JPN.attention.G7") == ["actors.JPN.attention.USA"]


def test_two_groups_give_every_pair_once(s) -> None:
    found = parse_targets(s, "dyads.WEST-SCO.institutions")
    pairs = {frozenset((t.i, t.j)) for _, t in found}
    # USA-CHN, USA-RUS, JPN-CHN, JPN-RUS, RUS-CHN (RUS-RUS skipped), each once
    assert len(found) == len(pairs) == 5
    assert frozenset((3, 3)) not in pairs


def test_an_expanded_path_that_does_not_parse_names_the_path_as_written(s) -> None:
    with pytest.raises(ValueError, match=r"'dyads.G7-RUS.bogus': unknown dyad field"):
        parse_targets(s, "dyads.G7-RUS.bogus")
