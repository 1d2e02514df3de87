"""The Dyad type: one way to split, write and order a pair of actors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.scenario.dyads import (
    Dyad,
    canonical_dyad,
    dyad_indices,
    dyad_label,
    dyad_problem,
)

IDS = ["RUS", "JPN", "CHN", "USA"]


def test_a_dyad_prints_as_it_is_written() -> None:
    assert str(Dyad("RUS", "JPN")) == "RUS-JPN"
    assert str(Dyad.parse("JPN-RUS", IDS)) == "JPN-RUS"


def test_canonical_order_is_the_order_the_scenario_lists_its_actors() -> None:
    assert str(Dyad.parse("JPN-RUS", IDS).canonical(IDS)) == "RUS-JPN"
    assert str(Dyad.parse("RUS-JPN", IDS).canonical(IDS)) == "RUS-JPN"
    assert canonical_dyad(IDS, "USA-CHN") == "CHN-USA"
    assert dyad_label(IDS, 3, 0) == dyad_label(IDS, 0, 3) == "RUS-USA"
    assert Dyad.of(IDS, 2, 1) == Dyad("JPN", "CHN")


def test_indices_follow_the_order_written() -> None:
    assert dyad_indices(IDS, "JPN-RUS") == (1, 0)
    assert Dyad("RUS", "USA").indices(IDS) == (0, 3)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("RUS", "two actor ids joined by '-'"),
        ("RUS-JPN-CHN", "two actor ids joined by '-'"),
        ("RUS-", "two actor ids joined by '-'"),
        ("RUS-KOR", "unknown actor 'KOR'; known actors: RUS, JPN, CHN, USA"),
        ("KOR-IND", "unknown actors 'KOR' and 'IND'"),
        ("RUS-RUS", "two different actors"),
    ],
)
def test_what_is_not_a_dyad_is_said(text: str, words: str) -> None:
    problem = dyad_problem(text, IDS)
    assert problem is not None and words in problem
    with pytest.raises(ValueError, match="dyad"):
        Dyad.parse(text, IDS)


def test_split_reads_the_shape_only() -> None:
    assert Dyad.split("KOR-IND") == Dyad("KOR", "IND")
    assert Dyad.split("KOR") is None
    assert Dyad.split("A-A") is None
    assert Dyad.split(3) is None


@given(st.permutations(IDS), st.integers(0, 3), st.integers(0, 3))
def test_printing_and_parsing_round_trip(ids: list[str], i: int, j: int) -> None:
    if i == j:
        return
    dyad = Dyad.of(ids, i, j)
    assert Dyad.parse(str(dyad), ids) == dyad
    assert dyad.reversed().canonical(ids) == dyad
    assert sorted(dyad.indices(ids)) == sorted((i, j))


def test_a_dyad_in_display_names() -> None:
    names = {"RUS": "Russia", "JPN": "Japan"}
    assert Dyad("RUS", "JPN").named(names) == "Russia – Japan"
    assert Dyad("RUS", "KOR").named(names) == "Russia – KOR"
    assert Dyad("RUS", "JPN").named() == "RUS – JPN"
