"""Moves: what is legal (catalogue, target, rationale, phase) and who may do what."""

from __future__ import annotations

import pytest
from workshop_support import make_game, to_phase

from sim.workshop import IllegalMove, NotAllowed, Phase


@pytest.fixture
def game(tmp_path):
    game = make_game(tmp_path)
    to_phase(game, Phase.PLANNING)
    yield game
    game.close()


def test_a_team_submits_revises_withdraws_and_marks_ready(game):
    order = game.submit_move("team:JPN", "JPN", "offer_investment", "RUS", "major", "Open Sakhalin")
    assert order.relation == "engage" and order.intensity == "major"
    assert [c.path for c in order.changes] == ["dyads.RUS-JPN.interdependence"]
    assert order.changes[0].value == pytest.approx(0.04)
    game.mark_ready("team:JPN", "JPN")
    assert game.view("control")["actors"][3]["ready"]
    revised = game.revise_move("team:JPN", order.id, intensity="modest")
    assert revised.id == order.id and revised.changes[0].value == pytest.approx(0.02)
    assert revised.rationale == "Open Sakhalin"
    assert "JPN" not in {a["id"] for a in game.view("control")["actors"] if a["ready"]}
    game.withdraw_move("team:JPN", order.id)
    assert game.orders("control") == []


def test_unknown_move_wrong_target_and_intensity(game):
    with pytest.raises(
        IllegalMove, match="'confrnt' is not in the move catalogue; did you mean 'confront'"
    ):
        game.submit_move("team:JPN", "JPN", "confrnt", "CHN", rationale="x")
    with pytest.raises(IllegalMove, match="may aim 'press_kurils_claim' only at RUS, not CHN"):
        game.submit_move("team:JPN", "JPN", "press_kurils_claim", "CHN", rationale="x")
    with pytest.raises(IllegalMove, match="JPN cannot aim 'engage' at itself"):
        game.submit_move("team:JPN", "JPN", "engage", "JPN")
    with pytest.raises(IllegalMove, match="aimed at the acting state itself"):
        game.submit_move("team:JPN", "JPN", "show_of_force", "CHN", rationale="x")
    with pytest.raises(IllegalMove, match="unknown target 'KOR'"):
        game.submit_move("team:JPN", "JPN", "engage", "KOR")
    with pytest.raises(
        IllegalMove, match="RUS may not make 'press_senkaku_claim': it is for CHN, JPN"
    ):
        game.submit_move("team:RUS", "RUS", "press_senkaku_claim", "JPN", rationale="x")
    with pytest.raises(IllegalMove, match="has the intensities modest, major; got 'huge'"):
        game.submit_move("team:JPN", "JPN", "offer_investment", "RUS", "huge", "x")
    assert game.submit_move("team:JPN", "JPN", "show_of_force", "JPN", rationale="x")


def test_rationales_required_and_bounded(game):
    with pytest.raises(IllegalMove, match="'confront' needs a rationale"):
        game.submit_move("team:JPN", "JPN", "confront", "CHN", rationale="   ")
    with pytest.raises(
        IllegalMove, match="the rationale is 601 characters; 'confront' allows at most 600"
    ):
        game.submit_move("team:JPN", "JPN", "confront", "CHN", rationale="x" * 601)
    assert game.submit_move("team:JPN", "JPN", "engage", "CHN").rationale == ""


def test_one_relation_move_per_target(game):
    first = game.submit_move("team:JPN", "JPN", "engage", "RUS")
    with pytest.raises(IllegalMove, match="already has a relation move toward RUS"):
        game.submit_move("team:JPN", "JPN", "cooperate", "RUS", rationale="x")
    with pytest.raises(IllegalMove, match="already makes 'engage' toward RUS"):
        game.submit_move("team:JPN", "JPN", "engage", "RUS")
    # a move that changes parameters only goes beside it; revising keeps the one slot
    game.submit_move("team:JPN", "JPN", "drive_wedge", "RUS", rationale="split them")
    game.revise_move("team:JPN", first.id, move="cooperate", rationale="summit")


def test_moves_only_while_planning(tmp_path):
    game = make_game(tmp_path)
    with pytest.raises(IllegalMove, match="moves open in the planning phase"):
        game.submit_move("team:JPN", "JPN", "engage", "RUS")
    game.advance("control")
    order = game.submit_move("team:JPN", "JPN", "engage", "RUS")
    game.advance("control")  # locked
    for attempt in (
        lambda: game.submit_move("team:JPN", "JPN", "engage", "CHN"),
        lambda: game.revise_move("team:JPN", order.id, move="cooperate", rationale="x"),
        lambda: game.withdraw_move("team:JPN", order.id),
        lambda: game.mark_ready("team:JPN", "JPN"),
    ):
        with pytest.raises(IllegalMove, match="the planning phase is over: moves are locked"):
            attempt()
    assert [o.id for o in game.orders("control")] == [order.id]
    assert game.legal_moves("team:JPN") == []


def test_a_team_acts_only_for_its_own_state(game):
    with pytest.raises(NotAllowed, match="JPN may not submit a move for RUS"):
        game.submit_move("team:JPN", "RUS", "engage", "JPN")
    with pytest.raises(NotAllowed, match="JPN may not submit a move for CHN"):
        game.submit_move("team:JPN", "CHN", "engage", "JPN")
    order = game.submit_move("team:RUS", "RUS", "engage", "JPN")
    with pytest.raises(NotAllowed, match="JPN may not revise a move of RUS"):
        game.revise_move("team:JPN", order.id, move="hold")
    with pytest.raises(NotAllowed, match="JPN may not withdraw a move of RUS"):
        game.withdraw_move("team:JPN", order.id)
    with pytest.raises(NotAllowed, match="JPN may not mark ready RUS"):
        game.mark_ready("team:JPN", "RUS")
    # a team sees only its own orders
    assert game.orders("team:JPN") == []
    assert [o.id for o in game.orders("team:RUS")] == [order.id]


def test_teams_and_watchers_may_not_do_control_actions(game):
    for role in ("team:JPN", "observer", "projector"):
        for action in (
            lambda r: game.inject(r, "Crisis"),
            lambda r: game.note(r, "note"),
            lambda r: game.propose(r),
            lambda r: game.override(r, "RUS-JPN", 0.1, "x"),
            lambda r: game.commit(r),
            lambda r: game.rollback(r, 0),
            lambda r: game.fork(r, 0, "x.sqlite"),
            lambda r: game.proposal(r),
        ):
            with pytest.raises(NotAllowed, match="only the white cell"):
                action(role)
    for role in ("observer", "projector"):
        with pytest.raises(NotAllowed, match=f"the {role} may not submit a move for JPN"):
            game.submit_move(role, "JPN", "engage", "RUS")
    assert game.seq == 2  # created, phase: nothing refused was written


def test_the_white_cell_may_act_for_a_team_but_not_for_the_model(game):
    order = game.submit_move("control", "JPN", "engage", "RUS")
    assert order.by == "control"
    with pytest.raises(IllegalMove, match="CHN is played by the model"):
        game.submit_move("control", "CHN", "engage", "RUS")


def test_legal_moves_by_state(game):
    moves = {m.move: m for m in game.legal_moves("team:RUS")}
    assert moves["press_kurils_claim"].targets == ["JPN"]
    assert moves["engage"].targets == ["USA", "CHN", "JPN"]
    assert moves["show_of_force"].targets == ["RUS"]
    assert "press_senkaku_claim" not in moves
    assert moves["confront"].rationale_required
    with pytest.raises(NotAllowed):
        game.legal_moves("team:RUS", "JPN")
    assert game.view("team:RUS")["legal_moves"]
