"""The phases of a turn: only the legal transitions, only by the white cell."""

from __future__ import annotations

import pytest
from workshop_support import make_game, play_turn, short_baseline, to_phase

from sim.workshop import NotAllowed, Phase, WrongPhase
from sim.workshop.phases import TRANSITIONS


def test_a_turn_cycles_through_its_phases(tmp_path):
    game = make_game(tmp_path)
    assert (game.turn, game.phase) == (1, Phase.BRIEFING)
    seen = [game.phase]
    for _ in range(3):
        seen.append(game.advance("control"))
    assert seen == [Phase.BRIEFING, Phase.PLANNING, Phase.LOCKED, Phase.ADJUDICATION]
    game.propose("control")
    game.commit("control")
    assert game.phase is Phase.RESULTS
    assert game.advance("control") is Phase.BRIEFING
    assert game.turn == 2


def test_illegal_transitions_are_refused(tmp_path):
    game = make_game(tmp_path)
    for target in Phase:
        if target not in TRANSITIONS[Phase.BRIEFING]:
            with pytest.raises(WrongPhase, match="from briefing it goes to planning"):
                game.set_phase("control", target)
    to_phase(game, Phase.LOCKED)
    assert game.set_phase("control", "planning") is Phase.PLANNING  # reopen planning
    to_phase(game, Phase.ADJUDICATION)
    with pytest.raises(WrongPhase, match="commit"):
        game.set_phase("control", Phase.RESULTS)
    with pytest.raises(WrongPhase, match="commit"):
        game.advance("control")
    with pytest.raises(WrongPhase, match="no proposal"):
        game.commit("control")
    with pytest.raises(Exception, match="unknown phase"):
        game.set_phase("control", "lunch")


def test_only_the_white_cell_changes_the_phase(tmp_path):
    game = make_game(tmp_path)
    for role in ("team:JPN", "observer", "projector"):
        with pytest.raises(NotAllowed, match="only the white cell"):
            game.advance(role)
        with pytest.raises(NotAllowed, match="only the white cell"):
            game.set_phase(role, "planning")
    with pytest.raises(NotAllowed, match="unknown role"):
        game.advance("admin")
    with pytest.raises(NotAllowed, match="no team plays CHN"):
        game.advance("team:CHN")
    assert game.phase is Phase.BRIEFING
    assert game.seq == 1  # nothing was written


def test_the_game_ends_after_the_scenarios_last_turn(tmp_path):
    game = make_game(tmp_path, scenario=short_baseline(2))
    play_turn(game)
    game.advance("control")
    play_turn(game)
    assert game.finished
    with pytest.raises(WrongPhase, match="the game is over"):
        game.advance("control")


def test_propose_and_commit_only_in_adjudication(tmp_path):
    game = make_game(tmp_path)
    with pytest.raises(WrongPhase, match="adjudication phase; the game is in briefing"):
        game.propose("control")
    to_phase(game, Phase.PLANNING)
    with pytest.raises(WrongPhase):
        game.override("control", "RUS-JPN", 0.1, "because")


def test_the_white_cell_ends_the_game_after_any_committed_turn(tmp_path):
    game = make_game(tmp_path)
    with pytest.raises(WrongPhase, match="commit turn 1 first"):
        game.end("control", "out of time")
    play_turn(game)
    with pytest.raises(NotAllowed):
        game.end("team:JPN")
    game.end("control", "out of time")
    assert game.finished and game.ended == {"turn": 1, "reason": "out of time"}
    assert game.view("observer")["ended"] == {"turn": 1, "reason": "out of time"}
    with pytest.raises(WrongPhase, match="ended the game after turn 1"):
        game.advance("control")
    with pytest.raises(WrongPhase, match="ended the game"):
        game.inject("control", "late news", "text")
    game.note("control", "the room ran out of time")  # notes are still kept
    path = game.path
    game.close()
    with type(game).open(path) as again:  # the end is in the log
        assert again.ended == {"turn": 1, "reason": "out of time"} and again.finished
        again.rollback("control", 0)  # a rollback undoes the end with the turn
        assert again.ended is None and not again.finished and again.turn == 1
        again.advance("control")
