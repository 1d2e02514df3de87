"""The move catalogue: the default file, and located errors like the scenario loader's."""

from __future__ import annotations

import pytest
from workshop_support import baseline, default_catalogue

from sim.scenario import ScenarioError
from sim.workshop.catalogue import load_catalogue_text
from sim.workshop.orders import legal_moves


def load(text: str):
    return load_catalogue_text(text, baseline(), name="moves.yaml")


def problems(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        load(text)
    return str(info.value)


def test_default_catalogue_fits_the_baseline():
    catalogue = default_catalogue()
    assert {"confront", "pressure", "hold", "engage", "cooperate"} <= set(catalogue.moves)
    investment = catalogue.moves["offer_investment"]
    (written,) = investment.changes("JPN", "RUS", "modest")
    assert written.path == "dyads.JPN-RUS.interdependence"  # SELF-TARGET, as written
    (change,) = investment.changes("JPN", "RUS", "modest", list(baseline().actors))
    assert change.path == "dyads.RUS-JPN.interdependence"  # the scenario's spelling
    assert change.op == "add" and change.value == pytest.approx(0.02)
    # Only Russia and Japan may press the Kurils claim, and only at each other.
    kurils = {m.move: m for m in legal_moves(catalogue, list(baseline().actors), "JPN")}
    assert kurils["press_kurils_claim"].targets == ["RUS"]
    usa = {m.move for m in legal_moves(catalogue, list(baseline().actors), "USA")}
    assert "press_kurils_claim" not in usa and "expand_missile_defence" in usa
    show = catalogue.moves["show_of_force"]
    assert show.targets_for("CHN", list(baseline().actors)) == ["CHN"]


def test_dotted_and_nested_paths_are_the_same():
    catalogue = load(
        "name: t\nmoves:\n  talk:\n    label: Talk\n    add:\n      dyads:\n"
        "        SELF-TARGET:\n          institutions: 0.1\n"
    )
    assert catalogue.moves["talk"].add == {"dyads.SELF-TARGET.institutions": 0.1}


def test_unknown_key_is_located_with_a_suggestion():
    text = "name: t\nmoves:\n  talk:\n    lable: Talk\n    relation: engage\n"
    msg = problems(text)
    assert "moves.yaml:4: moves.talk.lable: unknown key; did you mean 'label'?" in msg


def test_bad_relation_and_missing_effect():
    msg = problems("name: t\nmoves:\n  a:\n    label: A\n    relation: confrnt\n")
    assert "moves.yaml:5: moves.a.relation:" in msg and "confront" in msg
    msg = problems("name: t\nmoves:\n  a:\n    label: A\n")
    assert "a move needs an effect" in msg


def test_paths_are_checked_for_every_player_and_target():
    text = (
        "name: t\nmoves:\n  invest:\n    label: Invest\n    relation: engage\n"
        "    add:\n      dyads.SELF-TARGET.interdependance: 0.1\n"
    )
    msg = problems(text)
    assert "moves.yaml:7: moves.invest.add.dyads.SELF-TARGET.interdependance:" in msg
    assert "with SELF=USA, TARGET=RUS" in msg and "did you mean 'interdependence'" in msg


def test_a_move_aimed_at_oneself_cannot_name_a_dyad_or_move_a_relation():
    msg = problems(
        "name: t\nmoves:\n  a:\n    label: A\n    targets: self\n"
        "    add: {dyads.SELF-TARGET.institutions: 0.1}\n"
    )
    assert "moves.a.add.dyads.SELF-TARGET.institutions" in msg and "SELF=USA, TARGET=USA" in msg
    msg = problems("name: t\nmoves:\n  a:\n    label: A\n    targets: self\n    relation: hold\n")
    assert "cannot move a relation" in msg


def test_unknown_actors_and_values_out_of_range():
    msg = problems(
        "name: t\nmoves:\n  a:\n    label: A\n    relation: engage\n    players: [RUS, KOR]\n"
    )
    assert "moves.yaml:6: moves.a.players[1]: unknown actor 'KOR'" in msg
    msg = problems(
        "name: t\nmoves:\n  a:\n    label: A\n    set: {actors.SELF.assertiveness: 1.5}\n"
    )
    assert "must be between 0 and 1, got 1.5" in msg
    msg = problems("name: t\nmoves:\n  a:\n    label: A\n    relation: hold\n    intensities: {}\n")
    assert "at least one intensity" in msg


def test_a_player_without_a_target_is_an_error():
    msg = problems(
        "name: t\nmoves:\n  a:\n    label: A\n    relation: engage\n"
        "    players: [JPN]\n    targets: [JPN]\n"
    )
    assert "JPN may play it but has no target" in msg
