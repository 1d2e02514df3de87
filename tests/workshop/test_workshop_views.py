"""What each role sees: the one filter the web layer shows as it is."""

from __future__ import annotations

import json

from workshop_support import make_game, play_turn, to_phase

from sim.workshop import Phase

ROLES = ("control", "team:JPN", "team:RUS", "observer", "projector")


def test_views_are_json_and_filtered_by_role(tmp_path):
    game = make_game(tmp_path)
    to_phase(game, Phase.PLANNING)
    game.submit_move("team:JPN", "JPN", "engage", "RUS", rationale="Tokyo's reasons")
    game.submit_move("team:RUS", "RUS", "hold", "JPN", rationale="Moscow's reasons")
    game.mark_ready("team:RUS", "RUS")
    views = {role: game.view(role) for role in ROLES}
    for view in views.values():
        json.dumps(view)  # the web layer sends it as it is
        assert view["phase"] == "planning" and view["period"] == "2014-Q1"
        assert [a["ready"] for a in view["actors"]] == [False, True, False, False]
    assert len(views["control"]["orders"]) == 2
    assert [o["actor"] for o in views["team:JPN"]["orders"]] == ["JPN"]
    assert views["observer"]["orders"] == [] and views["projector"]["orders"] == []
    assert "legal_moves" in views["team:JPN"] and "legal_moves" not in views["observer"]
    assert "proposal" in views["control"] and "proposal" not in views["team:JPN"]
    assert [a["played_by"] for a in views["projector"]["actors"]] == [
        "model", "team", "model", "team"
    ]  # fmt: skip


def test_committed_turns_show_moves_but_keep_reasons_private(tmp_path):
    game = make_game(tmp_path)
    play_turn(
        game,
        [("team:JPN", "JPN", "engage", "RUS", "Tokyo's reasons")],
        overrides={"USA-CHN": (0.0, "White cell's reasons")},
    )
    results = {role: game.view(role)["results"][0] for role in ROLES}
    for role, result in results.items():
        (order,) = result["orders"]
        assert order["move"] == "engage"  # every move is revealed once committed
        shown = role in ("control", "team:JPN", "observer")
        assert (order["rationale"] == "Tokyo's reasons") is shown
        override = result["overrides"]["USA-CHN"]
        assert override["value"] == 0.0
        assert ("reason" in override) is (role in ("control", "observer"))
        assert result["relations"] == game.relations
        assert "RUS-JPN" in result["explanations"]
