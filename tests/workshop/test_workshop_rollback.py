"""Rollback (replay the log up to turn k, keep the rest marked) and forks."""

from __future__ import annotations

import pytest
from workshop_support import make_game, play_turn

from sim.workshop import Game, InvalidInput, Phase

JAPAN_ENGAGES = [("team:JPN", "JPN", "engage", "RUS", "")]
RUSSIA_PRESSES = [("team:RUS", "RUS", "pressure", "JPN", "Kurils")]


def play(game: Game, turns: int) -> dict[int, dict[str, float]]:
    seen = {}
    for turn in range(turns):
        if turn:
            game.advance("control")
        game.inject("control", f"News {game.turn}", changes=[("actors.CHN.offense", "add", 0.01)])
        seen[game.turn] = play_turn(game, JAPAN_ENGAGES)
    return seen


def test_rollback_rebuilds_the_state_and_keeps_the_log(tmp_path):
    game = make_game(tmp_path)
    seen = play(game, 3)
    offense = game.value("actors.CHN.offense")
    rows = len(game.records())
    game.rollback("control", 1)
    assert (game.turn, game.phase) == (2, Phase.BRIEFING)
    assert game.relations == seen[1]
    assert sorted(game.committed) == [1]
    assert game.value("actors.CHN.offense") == pytest.approx(offense - 0.02)
    assert [i.title for i in game.injects("control")] == ["News 1"]
    records = game.records()
    assert len(records) == rows + 1 and records[-1].kind == "rollback"
    undone = [r for r in records if not r.active]
    assert undone and all(r.rolled_back_by == records[-1].seq for r in undone)
    assert {r.kind for r in undone} >= {"commit", "inject", "proposal", "phase"}
    # turn 2 again, the same way: the same random numbers, the same outcome
    game.inject("control", "News 2", changes=[("actors.CHN.offense", "add", 0.01)])
    assert play_turn(game, JAPAN_ENGAGES) == seen[2]
    game.advance("control")
    game.close()
    again = Game.open(game.path)
    assert (again.turn, again.phase) == (3, Phase.BRIEFING)
    assert all(c.ok for c in again.checks) and sorted(again.committed) == [1, 2]


def test_rollback_to_the_start_and_limits(tmp_path):
    game = make_game(tmp_path)
    start = game.relations
    play(game, 2)
    with pytest.raises(InvalidInput, match="choose a committed turn, 0 to 2"):
        game.rollback("control", 3)
    game.rollback("control", 0)
    assert (game.turn, game.phase, game.relations) == (1, Phase.BRIEFING, start)
    assert game.committed == {} and game.injects("control") == []
    # a second rollback over the first: still consistent, and it replays
    play(game, 2)
    game.rollback("control", 1)
    game.close()
    reopened = Game.open(game.path)
    assert (reopened.turn, sorted(reopened.committed)) == (2, [1])


def test_a_fork_is_a_counterfactual_from_turn_k(tmp_path):
    game = make_game(tmp_path)
    seen = play(game, 3)
    fork = game.fork("control", 1, tmp_path / "fork.sqlite", title="What if Russia pressed")
    assert fork.title == "What if Russia pressed"
    assert (fork.turn, fork.phase) == (2, Phase.BRIEFING)
    assert fork.relations == seen[1] and sorted(fork.committed) == [1]
    assert fork.game_id != game.game_id
    source = game.records()
    assert source[-1].kind == "fork" and source[-1].payload["turn"] == 1
    copied = fork.records()
    cut = copied[-1].seq - 1
    assert copied[-1].kind == "forked"
    assert [(r.seq, r.kind, r.payload, r.hash) for r in copied[:-1]] == [
        (r.seq, r.kind, r.payload, r.hash) for r in source if r.seq <= cut
    ]
    # the counterfactual goes its own way; the source game is untouched
    fork.inject("control", "News 2", changes=[("actors.CHN.offense", "add", 0.01)])
    different = play_turn(fork, RUSSIA_PRESSES)
    assert different["RUS-JPN"] < seen[2]["RUS-JPN"]
    assert game.turn == 3 and game.relations == seen[3]
    fork.close()
    assert Game.open(tmp_path / "fork.sqlite").relations == different


def test_a_fork_after_a_rollback_keeps_only_its_own_history(tmp_path):
    game = make_game(tmp_path)
    play(game, 2)
    game.rollback("control", 1)
    game.inject("control", "News 2b", changes=[("actors.CHN.offense", "add", 0.02)])
    replayed = play_turn(game, RUSSIA_PRESSES)
    fork = game.fork("control", 2, tmp_path / "f.sqlite")
    assert fork.relations == replayed
    assert [i.title for i in fork.injects("control")] == ["News 1", "News 2b"]
    assert sum(not r.active for r in fork.records()) > 0  # the first turn 2, marked
    with pytest.raises(Exception, match="already exists"):
        game.fork("control", 1, tmp_path / "f.sqlite")
