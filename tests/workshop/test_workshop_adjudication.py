"""Adjudication: the model runs the turn with the teams' moves, proposes and explains."""

from __future__ import annotations

import math

import pytest
from workshop_support import make_game, play_turn, short_baseline, to_phase

from sim.workshop import Phase, WrongPhase


def propose_with(game, orders):
    to_phase(game, Phase.PLANNING)
    for role, actor, move, target, rationale in orders:
        game.submit_move(role, actor, move, target, rationale=rationale)
    to_phase(game, Phase.ADJUDICATION)
    return game.propose("control")


def test_a_full_turn_with_two_teams_and_two_model_played_states(tmp_path):
    game = make_game(tmp_path)
    proposal = propose_with(
        game,
        [
            ("team:JPN", "JPN", "engage", "RUS", ""),
            ("team:RUS", "RUS", "engage", "JPN", ""),
            ("team:RUS", "RUS", "hold", "CHN", ""),
        ],
    )
    kinds = {(s.actor, s.toward): s for d in proposal.dyads for s in d.sides}
    assert len(kinds) == 12
    assert kinds["JPN", "RUS"].source == "team" and kinds["JPN", "RUS"].played == "engage"
    assert kinds["RUS", "CHN"].source == "team" and kinds["RUS", "CHN"].change == 0
    assert kinds["JPN", "USA"].source == "model"  # no order: Japan's own rule decides
    for actor in ("USA", "CHN"):
        for side in (s for s in kinds.values() if s.actor == actor):
            assert side.source == "model" and side.played == side.model_choice
    # warming needs both: both engaged, so Russia-Japan warms by one step
    rus_jpn = proposal.dyad("RUS-JPN")
    assert rus_jpn.proposed == pytest.approx(rus_jpn.before + 0.05)
    # the explanation: terms sum to the propensity, and the desired level is tanh(beta p)
    for side in kinds.values():
        assert sum(side.terms.values()) == pytest.approx(side.propensity, abs=1e-12)
        beta = game.scenario.model.responsiveness
        assert side.desired == pytest.approx(math.tanh(beta * side.propensity))
        assert sum(side.probabilities.values()) == pytest.approx(1.0)
    assert "Russia-Japan" in rus_jpn.words and "engaged (team" in rus_jpn.words
    committed = game.commit("control")
    assert committed == proposal.relations
    assert game.relations == proposal.relations


def test_confronting_makes_the_relation_fall_whatever_the_other_side_does(tmp_path):
    game = make_game(tmp_path)
    proposal = propose_with(game, [("team:JPN", "JPN", "confront", "CHN", "Senkaku patrols")])
    change = proposal.dyad("CHN-JPN")
    china, japan = change.sides
    assert japan.played == "confront" and japan.change == pytest.approx(-0.1)
    assert china.source == "model" and china.change >= -0.1  # China did not confront harder
    assert change.proposed == pytest.approx(change.before - 0.1)
    assert change.held_back_by is None or change.held_back_by == "JPN"


def test_warming_needs_both_sides(tmp_path):
    game = make_game(tmp_path)
    proposal = propose_with(
        game,
        [
            ("team:JPN", "JPN", "cooperate", "RUS", "A peace treaty"),
            ("team:RUS", "RUS", "hold", "JPN", "Not yet"),
        ],
    )
    change = proposal.dyad("RUS-JPN")
    assert change.proposed == pytest.approx(change.before)
    assert change.held_back_by == "RUS"
    assert "Russia held back the warming" in change.words


def test_a_teams_silence_can_mean_hold(tmp_path):
    game = make_game(tmp_path, default_move="hold")
    proposal = propose_with(game, [])
    sides = {(s.actor, s.toward): s for d in proposal.dyads for s in d.sides}
    for (actor, _), side in sides.items():
        if actor in ("JPN", "RUS"):
            assert side.source == "hold" and side.change == 0.0
    # with both sides of Russia-Japan holding, it cannot warm
    assert proposal.dyad("RUS-JPN").proposed <= proposal.dyad("RUS-JPN").before


def test_parameter_changes_land_before_the_turn(tmp_path):
    game = make_game(tmp_path)
    before = game.relations
    proposal = propose_with(
        game, [("team:JPN", "JPN", "offer_investment", "RUS", "Lift the barriers")]
    )
    (applied,) = proposal.changes
    assert applied.change.path == "dyads.RUS-JPN.interdependence"
    japan = next(s for s in proposal.dyad("RUS-JPN").sides if s.actor == "JPN")
    # interdependence 0.07 + 0.02 (modest is the default intensity), times its weight
    weight = game.scenario.weights.interdependence
    assert japan.terms["interdependence"] == pytest.approx(weight * 0.09)
    game.commit("control")
    assert game.relations != before
    # The turn's step then moves trade toward what the new relation implies (sim.model.trade):
    # one quarter of partial adjustment from 0.09, a small step.
    assert game.value("dyads.RUS-JPN.interdependence") == pytest.approx(0.09, abs=0.005)


def test_proposals_are_reproducible_and_commit_what_was_proposed(tmp_path):
    game = make_game(tmp_path)
    first = propose_with(game, [("team:RUS", "RUS", "pressure", "USA", "Missile defence")])
    again = game.propose("control")
    assert again == first
    other = make_game(tmp_path, name="other.sqlite")
    twin = propose_with(other, [("team:RUS", "RUS", "pressure", "USA", "Missile defence")])
    assert twin.relations == first.relations  # same seed, same turn: same numbers
    reseeded = make_game(tmp_path, name="reseeded.sqlite", seed=99)
    other_seed = propose_with(reseeded, [("team:RUS", "RUS", "pressure", "USA", "x")])
    assert [d.sides[0].probabilities for d in other_seed.dyads] == [
        d.sides[0].probabilities for d in first.dyads
    ]  # the same situation, only the draws differ


def test_the_look_ahead_fan(tmp_path):
    game = make_game(tmp_path, scenario=short_baseline(3), lookahead=4, fan_replicates=32)
    proposal = propose_with(game, [])
    fan = proposal.fan
    assert fan.turns == [2, 3]  # never past the scenario's last turn
    assert fan.replicates == 32 and fan.quantiles == [0.05, 0.25, 0.5, 0.75, 0.95]
    for values in fan.dyads.values():
        assert len(values) == 2
        for q in values:
            assert q == sorted(q) and -1 <= q[0] <= q[-1] <= 1
    assert proposal.alignments and all(len(a.blocs) == 2 for a in proposal.alignments)
    game.commit("control")
    game.advance("control")
    game.advance("control")
    game.advance("control")
    game.advance("control")
    assert game.propose("control").fan.turns == [3]


def test_overrides_need_a_reason_and_a_relation(tmp_path):
    game = make_game(tmp_path)
    proposal = propose_with(game, [])
    for value, reason, message in (
        (0.3, "", "needs a reason"),
        (0.3, "   ", "needs a reason"),
        (1.5, "why", "from -1 to 1"),
        (float("nan"), "why", "from -1 to 1"),
    ):
        with pytest.raises(Exception, match=message):
            game.override("control", "RUS-JPN", value, reason)
    with pytest.raises(Exception, match="is not a dyad"):
        game.override("control", "RUS-KOR", 0.1, "why")
    override = game.override("control", "RUS-JPN", 0.3, "The summit went well")
    assert override.dyad == "RUS-JPN" and override.proposed == proposal.relations["RUS-JPN"]
    relations = game.commit("control")
    assert relations["RUS-JPN"] == pytest.approx(0.3)
    others = {k: v for k, v in relations.items() if k != "RUS-JPN"}
    assert others == {k: v for k, v in proposal.relations.items() if k != "RUS-JPN"}
    turn = game.committed[1]
    assert turn.overrides["RUS-JPN"].reason == "The summit went well"


def test_a_played_turn_moves_on(tmp_path):
    game = make_game(tmp_path)
    play_turn(game, [("team:JPN", "JPN", "engage", "RUS", "")])
    with pytest.raises(WrongPhase):
        game.propose("control")
    game.advance("control")
    assert (game.turn, game.phase, game.orders("control")) == (2, Phase.BRIEFING, [])


def test_the_model_proposes_outside_the_lock_and_a_change_meanwhile_supersedes_it(
    tmp_path, monkeypatch
):
    """While the model runs (seconds), other roles act and read; a proposal worked out on
    a state that changed meanwhile is refused, never written over the change."""
    import threading

    import sim.workshop.game as game_module
    from sim.workshop.errors import Superseded

    game = make_game(tmp_path)
    to_phase(game, Phase.ADJUDICATION)
    running, release = threading.Event(), threading.Event()
    real = game_module.propose

    def slow(*args, **kwargs):
        running.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(game_module, "propose", slow)
    outcome: dict = {}

    def ask() -> None:
        try:
            outcome["proposal"] = game.propose("control")
        except Superseded as exc:
            outcome["refused"] = str(exc)

    worker = threading.Thread(target=ask)
    worker.start()
    assert running.wait(60)
    assert game.view("observer")["phase"] == "adjudication"  # reads go on meanwhile
    game.note("control", "a note changes nothing the model read")
    game.inject("control", "News", "an inject while the model runs")
    release.set()
    worker.join(60)
    assert "changed while the model was proposing" in outcome["refused"]
    assert game.proposal("control") is None
    game.propose("control")  # asked again, on the state as it is now
    assert game.proposal("control") is not None
    game.close()
