"""Injects: scripted (the scenario's events) and ad hoc, with visibility per role."""

from __future__ import annotations

import pytest
from workshop_support import ROOT, make_game, to_phase

from sim.scenario import load_scenario_text
from sim.workshop import InvalidInput, Phase, WrongPhase


def titles(game, role):
    return [i.title for i in game.injects(role)]


def test_visibility_filters_what_each_role_reads(tmp_path):
    game = make_game(tmp_path)
    game.inject("control", "Public", "Everyone hears this.")
    game.inject("control", "For Tokyo", "Only Japan.", visibility="teams", teams=["JPN"])
    game.inject("control", "White cell", "Only us.", visibility="control")
    assert titles(game, "control") == ["Public", "For Tokyo", "White cell"]
    assert titles(game, "team:JPN") == ["Public", "For Tokyo"]
    assert titles(game, "team:RUS") == ["Public"]
    assert titles(game, "observer") == ["Public"]
    assert titles(game, "projector") == ["Public"]
    shown = [i["title"] for i in game.view("team:RUS")["injects"]]
    assert shown == ["Public"]


def test_an_inject_changes_the_world_at_once(tmp_path):
    game = make_game(tmp_path)
    before = game.value("actors.CHN.assertiveness")
    inject = game.inject(
        "control",
        "ADIZ enforced",
        "China enforces its air defence zone.",
        changes=[
            ("actors.CHN.assertiveness", "add", 0.2),
            {"path": "dyads.CHN-JPN.disputes.adiz", "op": "set", "value": 0.6},
        ],
    )
    assert [str(c) for c in inject.changes] == [
        "actors.CHN.assertiveness + 0.2",
        "dyads.CHN-JPN.disputes.adiz = 0.6",
    ]
    assert game.value("actors.CHN.assertiveness") == pytest.approx(before + 0.2)
    assert game.value("dyads.JPN-CHN.disputes.adiz") == pytest.approx(0.6)
    game.inject("control", "Shock", changes=[("dyads.RUS-JPN.relation", "set", 0.4)])
    assert game.relations["RUS-JPN"] == pytest.approx(0.4)


def test_invalid_injects_are_refused(tmp_path):
    game = make_game(tmp_path)
    cases = [
        (dict(title=""), "needs a title"),
        (
            dict(title="x", changes=[("actors.CHN.assertivness", "add", 0.1)]),
            "did you mean 'assertiveness'",
        ),
        (dict(title="x", changes=[("actors.CHN.assertiveness", "set", 2.0)]), "between 0 and 1"),
        (
            dict(title="x", changes=[("actors.CHN.assertiveness", "times", 2.0)]),
            "the operation is set or add, got 'times'",
        ),
        (dict(title="x", changes=[("actors.CHN.offense", "add", "a lot")]), "a finite number"),
        (dict(title="x", visibility="teams"), "needs the teams"),
        (dict(title="x", visibility="teams", teams=["CHN"]), "no team plays CHN"),
        (dict(title="x", visibility="secret"), "expected all, teams or control"),
        (dict(title="x", teams=["JPN"]), "only with visibility 'teams'"),
    ]
    for kwargs, message in cases:
        with pytest.raises(InvalidInput, match=message):
            game.inject("control", **kwargs)
    assert game.seq == 1


def test_an_inject_that_changes_the_world_outdates_the_proposal(tmp_path):
    game = make_game(tmp_path)
    to_phase(game, Phase.ADJUDICATION)
    first = game.propose("control")
    game.inject("control", "Talk only", "No change to the world.")
    game.override("control", "RUS-JPN", 0.1, "fine")  # a text inject changes nothing
    game.inject("control", "Crisis", changes=[("actors.CHN.assertiveness", "add", 0.3)])
    with pytest.raises(WrongPhase, match="propose again"):
        game.commit("control")
    with pytest.raises(WrongPhase, match="propose again"):
        game.override("control", "RUS-JPN", 0.2, "x")
    second = game.propose("control")
    assert second != first
    game.commit("control")
    assert game.view("control")["proposal_stale"] is False


def test_scripted_injects_are_the_scenarios_events(tmp_path):
    text = (
        "extends: baseline.yaml\nname: with-crisis\nevents:\n  crisis:\n"
        "    description: A naval standoff.\n    step: 1\n"
        "    add: {actors.CHN.assertiveness: 0.2}\n"
    )
    scenario = load_scenario_text(text, "crisis.yaml", base_dir=ROOT / "scenarios")
    game = make_game(tmp_path, scenario=scenario)
    assert game.view("control")["scheduled_events"] == [
        {"event": "crisis", "description": "A naval standoff.", "when": "step 1"}
    ]
    assert "scheduled_events" not in game.view("team:JPN")
    to_phase(game, Phase.ADJUDICATION)
    assert game.propose("control").events == ["crisis"]
    game.commit("control")
    assert game.view("team:JPN")["results"][0]["events"] == ["crisis"]
    assert game.value("actors.CHN.assertiveness") == pytest.approx(0.8)
