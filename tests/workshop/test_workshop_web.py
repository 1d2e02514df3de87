"""The workshop web app, server side: codes to roles, limits, and bad input.

Requests go through the Flask test client (no network); the Dash callbacks are called
the way the browser calls them, with the page's URL (and its code) as an input.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from workshop_support import make_game, play_turn, to_phase

from sim.workshop import Phase
from sim.workshop.explanation import dyad_summary
from sim.workshop.web import actions, layouts, security
from sim.workshop.web.app import create_app
from sim.workshop.web.security import JoinCodes, RateLimiter, code_from_search, game_roles

pytest.importorskip("dash")


def search(web: actions.WebGame, role: str) -> str:
    return f"?code={web.codes.code(role)}"


#: The page shell's callback: its content and the columns' layout.
SHELL = "..shell.children...columns.style...role-label.children...page.className.."


def callback_key(app: Any, output: str) -> str:
    """The key of the callback that writes ``output`` ('ctl-msg.children'), which names
    all of its outputs when it has several."""
    if output in app.callback_map:
        return output
    return next(k for k in app.callback_map if output in k.strip(".").split("..."))


def callback(client: Any, app: Any, output: str, values: dict[str, Any], trigger: str) -> Any:
    """POST one Dash callback as the browser does (the one that writes ``output``);
    return the response."""
    output = callback_key(app, output)
    spec = app.callback_map[output]

    def items(kind: str) -> list[Any]:
        out = []
        for dep in spec[kind]:
            if dep["id"].startswith("{"):
                out.append([])  # a pattern-matching input with no component on the page
            else:
                key = f"{dep['id']}.{dep['property']}"
                out.append({**dep, "value": values.get(key)})
        return out

    outputs: Any = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")
    ]
    body = {
        "output": output,
        "outputs": outputs[0] if len(outputs) == 1 else outputs,
        "inputs": items("inputs"),
        "state": items("state"),
        "changedPropIds": [trigger],
    }
    return client.post("/_dash-update-component", json=body)


def message(response: Any, output: str) -> str:
    assert response.status_code == 200, response.data
    data = response.get_json()["response"]
    component, prop = output.split(".")
    return data[component][prop]


# --- codes and roles ---------------------------------------------------------------------


def test_every_role_gets_its_own_random_code():
    codes = JoinCodes(game_roles(["JPN", "RUS"]))
    assert codes.roles == ["control", "team:JPN", "team:RUS", "observer", "projector"]
    values = [codes.code(r) for r in codes.roles]
    assert len(set(values)) == 5 and all(len(v) >= 20 for v in values)
    for role in codes.roles:
        assert codes.role_for(codes.code(role)) == role
        assert codes.role_for_search(f"?code={codes.code(role)}") == role
    assert JoinCodes(codes.roles).code("control") != codes.code("control")  # random


@pytest.mark.parametrize("bad", [None, "", "nope", "team:JPN", "control", "x" * 500, "?code="])
def test_a_wrong_or_missing_code_is_no_role(bad):
    codes = JoinCodes(game_roles(["JPN"]))
    assert codes.role_for(bad) is None
    assert codes.role_for_search(bad) is None


def test_codes_are_compared_in_constant_time_against_every_code(monkeypatch):
    codes = JoinCodes(game_roles(["JPN", "RUS"]))
    calls: list[tuple[bytes, bytes]] = []
    real = security.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert codes.role_for(codes.code("control")) == "control"
    assert len(calls) == 5  # no early exit at the first (matching) code
    calls.clear()
    assert codes.role_for("wrong") is None
    assert len(calls) == 5


def test_code_from_search():
    assert code_from_search("?code=abc") == "abc"
    assert code_from_search("code=abc&x=1") == "abc"
    assert code_from_search("?other=1") is None


# --- limits ------------------------------------------------------------------------------


def test_an_oversized_request_gets_413(served):
    game, app, _ = served
    client = app.server.test_client()
    response = client.post(
        "/_dash-update-component", data=b"x" * (70 * 1024), content_type="application/json"
    )
    assert response.status_code == 413
    assert b"too large" in response.data
    assert game.seq == 1


def test_a_flood_gets_429(tmp_path):
    game = make_game(tmp_path)
    try:
        app, web = create_app(game, rate=0.01, burst=10)
        client = app.server.test_client()
        statuses = [client.get(f"/play{search(web, 'team:JPN')}").status_code for _ in range(30)]
        assert statuses[:10] == [200] * 10
        assert statuses[-1] == 429
        # Another code has its own bucket.
        assert client.get(f"/play{search(web, 'team:RUS')}").status_code == 200
    finally:
        game.close()


def test_token_bucket_refills():
    now = [0.0]
    limiter = RateLimiter(rate=1, burst=2, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    now[0] = 1.0
    assert limiter.allow("a") and not limiter.allow("a")


def test_a_malformed_callback_request_is_refused_in_words(served):
    game, app, _ = served
    client = app.server.test_client()
    response = client.post(
        "/_dash-update-component", data=b"{not json", content_type="application/json"
    )
    assert response.status_code in (400, 500)
    assert b"Traceback" not in response.data
    assert game.seq == 1


# --- pages -------------------------------------------------------------------------------


def test_a_wrong_code_gets_a_clear_page(served):
    _, app, web = served
    client = app.server.test_client()
    response = callback(client, app, SHELL, {"url.search": "?code=nope"}, "url.search")
    text = json.dumps(message(response, "shell.children"))
    assert "Cannot join this game" in text and "not valid" in text
    response = callback(client, app, SHELL, {"url.search": None}, "url.search")
    assert "Cannot join this game" in json.dumps(message(response, "shell.children"))
    ok = callback(client, app, SHELL, {"url.search": search(web, "control")}, "url.search")
    assert message(ok, "role-label.children").startswith("White cell console · ")
    assert "ctl-advance" in json.dumps(message(ok, "shell.children"))
    team = callback(client, app, SHELL, {"url.search": search(web, "team:JPN")}, "url.search")
    assert message(team, "role-label.children").startswith("Team ")
    assert "(Japan)" in message(team, "role-label.children")
    assert message(ok, "columns.style")["gridTemplateColumns"] == "minmax(0, 3fr) minmax(0, 2fr)"
    wide = callback(client, app, SHELL, {"url.search": search(web, "projector")}, "url.search")
    assert message(wide, "columns.style")["gridTemplateColumns"] == "minmax(0, 1fr)"


def test_the_state_route_is_tiny_and_needs_a_code(served):
    game, app, web = served
    client = app.server.test_client()
    assert client.get("/api/state?code=nope").status_code == 403
    assert client.get("/api/state").status_code == 403
    seen = client.get(f"/api/state{search(web, 'projector')}").get_json()
    version = seen.pop("v")
    assert seen == {
        "seq": game.seq,
        "turn": 1,
        "phase": "briefing",
        "epoch": web.epoch,
        "timer": None,
        "job": "",
    }
    game.advance("control")
    # A page that saw the old version is answered at once: the game has changed.
    since = f"/api/state{search(web, 'projector')}&since={version}"
    assert client.get(since).get_json()["seq"] == game.seq


def live(client: Any, web: actions.WebGame, role: str, have: dict[str, str] | None) -> Any:
    """``/api/live`` as a page of ``role`` that shows ``have`` (part: fingerprint) asks it."""
    keys = ",".join(f"{k}.{v}" for k, v in (have or {}).items())
    response = client.get(f"/api/live{search(web, role)}&have={keys}")
    assert response.status_code == 200, response.data
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def test_a_view_is_built_once_per_change_and_role(served):
    game, app, web = served
    client = app.server.test_client()
    first = live(client, web, "projector", None)
    for _ in range(5):  # five more projector screens ask: the view is not built again
        assert live(client, web, "projector", None) == first
    assert web.views.builds == 1
    game.advance("control")
    after = live(client, web, "projector", None)
    assert after["seq"] == game.seq and "planning" in after["parts"]["header"]["html"]
    assert (after["turn"], after["phase"]) == (1, "planning")  # what its turn line says
    assert web.views.builds == 2
    live(client, web, "observer", None)
    assert web.views.builds == 3  # another role: its own view


def redrawn(
    client: Any, web: actions.WebGame, role: str, drawn: dict[str, str] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The parts a page of ``role`` that shows ``drawn`` is sent now (name: {html,
    figures}), and the fingerprints it keeps after."""
    got = live(client, web, role, drawn)
    assert set(got["keys"]) == set(layouts.PARTS)
    return got["parts"], got["keys"]


def test_a_page_is_sent_only_the_parts_that_changed(served):
    game, app, web = served
    client = app.server.test_client()
    sent, projector = redrawn(client, web, "projector", None)
    assert set(sent) == set(layouts.PARTS)  # a new page draws everything
    assert set(sent["charts"]["figures"]) == {"projector-network", "projector-relations"}
    assert sent["relations"] == {"html": "", "figures": {}}  # not on a projector
    sent, team = redrawn(client, web, "team:JPN", None)
    assert "order-list" in sent["orders"]["html"] or "No moves yet" in sent["orders"]["html"]
    assert sent["charts"]["html"] == ""
    # nothing changed: nothing is sent again
    assert redrawn(client, web, "projector", projector) == ({}, projector)
    game.advance("control")
    sent, projector = redrawn(client, web, "projector", projector)
    assert "header" in sent and "charts" not in sent  # the phase, not the charts
    sent, team = redrawn(client, web, "team:JPN", team)
    assert "header" in sent and "relations" not in sent
    game.submit_move("team:JPN", "JPN", "engage", "RUS", None, "talks")
    sent, team = redrawn(client, web, "team:JPN", team)
    assert set(sent) == {"orders"} and "talks" in sent["orders"]["html"]
    assert 'data-order="' in sent["orders"]["html"]  # its Withdraw button, for poll.js
    assert redrawn(client, web, "projector", projector)[0] == {}  # it shows no orders
    assert redrawn(client, web, "team:RUS", None)[0]["orders"]["html"]
    play_turn(game)
    sent, projector = redrawn(client, web, "projector", projector)
    assert {"header", "charts", "lookahead"} <= set(sent)  # a committed turn
    assert set(sent["lookahead"]["figures"]) == {"projector-fan", "projector-landscape"}


def test_a_page_that_says_nonsense_about_what_it_shows_is_sent_everything(served):
    _, app, web = served
    client = app.server.test_client()
    for have in ("x" * 5000, "header", ",,,.", "nopart.abc,header." + "f" * 100):
        response = client.get(f"/api/live{search(web, 'observer')}&have={have}")
        assert set(response.get_json()["parts"]) == set(layouts.PARTS)
    assert client.get("/api/live?code=not-a-code&have=").status_code == 403
    assert client.get("/api/live").status_code == 403


def test_a_part_that_cannot_be_built_is_answered_in_words_and_built_again(served):
    _, app, web = served
    client = app.server.test_client()
    build = web.views.build

    def broken(game: Any, role: str) -> Any:
        raise RuntimeError("a bug")

    web.views.build = broken
    response = client.get(f"/api/live{search(web, 'observer')}&have=")
    assert response.status_code == 500
    assert b"could not be drawn" in response.data and b"Traceback" not in response.data
    web.views.build = build
    assert client.get(f"/api/live{search(web, 'observer')}&have=").status_code == 200


def test_the_join_codes_survive_a_restart(tmp_path):
    game = make_game(tmp_path)
    _, first = create_app(game, out_dir=tmp_path / "aar")
    _, second = create_app(game, out_dir=tmp_path / "aar")
    assert {r: first.codes.code(r) for r in first.codes.roles} == {
        r: second.codes.code(r) for r in second.codes.roles
    }
    kept = game.path.with_name(game.path.name + ".codes.json")
    assert kept.stat().st_mode & 0o777 == 0o600
    game.close()


# --- acting through the web layer --------------------------------------------------------

TEAM_OUT = "team-msg.children"


def team_values(web: actions.WebGame, role: str, **form: Any) -> dict[str, Any]:
    return {
        "url.search": search(web, role),
        "team-move.value": form.get("move"),
        "team-target.value": form.get("target"),
        "team-intensity.value": form.get("intensity"),
        "team-rationale.value": form.get("rationale"),
    }


def test_a_team_submits_only_as_itself(served):
    game, app, web = served
    to_phase(game, Phase.PLANNING)
    client = app.server.test_client()
    values = team_values(web, "team:JPN", move="engage", target="RUS", rationale="talks")
    # Whatever else the request says, the code decides: the move is Japan's.
    values["actor"] = "RUS"
    text = message(callback(client, app, TEAM_OUT, values, "team-submit.n_clicks"), TEAM_OUT)
    assert text.startswith("Submitted"), text
    orders = game.orders("control")
    assert [(o.actor, o.by) for o in orders] == [("JPN", "team:JPN")]
    # Russia's page cannot withdraw Japan's order, nor can it act as the white cell.
    assert actions.withdraw(web, search(web, "team:RUS"), orders[0].id).startswith(
        "Refused: RUS may not withdraw a move of JPN"
    )
    seq = game.seq
    text = actions.control(web, search(web, "team:RUS"), "advance", {})
    assert text.startswith("Refused: only the white cell (control) may change the phase")
    assert actions.control(web, search(web, "team:JPN"), "timer", {"minutes": 5}).startswith(
        "Refused"
    )
    assert actions.write_report.__name__  # the report is refused below
    with pytest.raises(actions.WorkshopError, match="only the white cell"):
        actions.write_report(web, search(web, "observer"))
    assert game.seq == seq and len(game.orders("control")) == 1


def test_control_actions_need_the_control_code(served):
    game, app, web = served
    client = app.server.test_client()
    out = "ctl-msg.children"
    for role_search in (search(web, "observer"), search(web, "team:JPN"), "?code=guess", ""):
        values = {"url.search": role_search}
        text = message(callback(client, app, out, values, "ctl-advance.n_clicks"), out)
        assert text.startswith("Refused"), text
    assert game.phase is Phase.BRIEFING and game.seq == 1
    ok = callback(client, app, out, {"url.search": search(web, "control")}, "ctl-advance.n_clicks")
    assert message(ok, out) == "Phase: planning."


def test_bad_moves_get_the_engines_words_and_change_nothing(served):
    game, _, web = served
    jpn = search(web, "team:JPN")
    text = actions.submit(web, jpn, "engage", "RUS", None, "")
    assert text.startswith("Refused:") and "planning" in text  # briefing: not open yet
    to_phase(game, Phase.PLANNING)
    seq = game.seq
    assert actions.submit(web, jpn, "engage", "JPN", None, "").startswith("Refused:")
    assert actions.submit(web, jpn, "no_such_move", "RUS", None, "").startswith("Refused:")
    assert actions.submit(web, jpn, None, None, None, "") == "Refused: choose a move and a target"
    assert game.seq == seq
    to_phase(game, Phase.LOCKED)
    late = actions.submit(web, jpn, "engage", "RUS", None, "late")
    assert late == "Refused: the planning phase is over: moves are locked"
    assert actions.submit(web, "?code=wrong", "engage", "RUS", None, "").startswith(
        "Refused: this join code is not valid"
    )
    ctl = search(web, "control")
    text = actions.control(web, ctl, "override", {"dyad": "RUS-JPN", "value": 0.1})
    assert text.startswith("Refused:") and "adjudication" in text
    to_phase(game, Phase.ADJUDICATION)
    assert actions.control(web, ctl, "propose", {}).startswith("Started: the model is proposing")
    assert web.jobs.wait(300)
    text = actions.control(web, ctl, "override", {"dyad": "RUS-JPN", "value": 0.1})
    assert text.startswith("Refused: an override needs a reason")
    assert actions.control(web, ctl, "override", {"dyad": "RUS-JPN", "value": "x"}).startswith(
        "Refused: the relation must be a number"
    )
    assert actions.control(web, ctl, "rollback", {"turn": "x"}).startswith("Refused")


def test_a_full_turn_through_the_actions(served, tmp_path):
    game, _, web = served
    ctl, jpn, rus = (search(web, r) for r in ("control", "team:JPN", "team:RUS"))
    assert actions.control(web, ctl, "advance", {}) == "Phase: planning."
    assert actions.control(web, ctl, "timer", {"minutes": 5}).startswith("Timer: 5 minutes")
    assert web.timer_text().startswith("planning: 4:5") or web.timer_text().startswith(
        "planning: 5:00"
    )
    assert actions.submit(web, jpn, "engage", "RUS", None, "<script>alert(1)</script>").startswith(
        "Submitted"
    )
    assert actions.submit(web, rus, "hold", "JPN", None, "wait").startswith("Submitted")
    assert actions.ready(web, jpn, True) == "Marked ready."
    assert actions.ready(web, rus, True) == "Marked ready."
    msg = actions.control(
        web,
        ctl,
        "inject",
        {"inject_title": "<b>Summit</b>", "inject_text": "<img src=x>", "visibility": "all"},
    )
    assert msg.startswith("Inject")
    assert web.timer_text() == "planning: 4:5" or web.timer_text().startswith("planning:")
    assert actions.control(web, ctl, "advance", {}) == "Phase: locked."
    assert web.timer_text() == ""  # the timer was for planning
    assert actions.control(web, ctl, "advance", {}) == "Phase: adjudication."
    assert actions.control(web, ctl, "propose", {}).startswith("Started: the model is proposing")
    assert web.jobs.status().startswith("the model is proposing turn 1")  # shown meanwhile
    again = actions.control(web, ctl, "propose", {})
    assert again.startswith("Refused: the model is proposing turn 1 is still running")
    assert web.jobs.wait(300)
    assert web.jobs.status() == "The model proposed turn 1: read it below."
    text = actions.control(
        web, ctl, "override", {"dyad": "RUS-JPN", "value": 0.1, "override_reason": "a good summit"}
    )
    assert text == "Override: RUS-JPN set to +0.10."
    control_page = json.dumps(layouts.live(game, "control"), default=str)
    assert "a good summit" in control_page and "Look-ahead after turn" in control_page
    assert actions.control(web, ctl, "commit", {}) == "Turn 1 committed."
    assert game.phase is Phase.RESULTS and game.relations["RUS-JPN"] == pytest.approx(0.1)
    for role in ("projector", "observer", "team:JPN", "team:RUS"):
        page = layouts.live(game, role)
        text = json.dumps(page, default=lambda c: c.to_plotly_json())
        assert "dangerously_allow_html" not in text
        assert "results" in text
    observer = json.dumps(layouts.live(game, "observer"), default=lambda c: c.to_plotly_json())
    assert "<script>alert(1)</script>" in observer  # shown as text by the browser
    projector = json.dumps(layouts.live(game, "projector"), default=lambda c: c.to_plotly_json())
    assert "&lt;b&gt;Summit&lt;/b&gt;" in projector  # escaped inside the figure
    assert "<script>" not in projector  # the projector never shows rationales
    report = actions.write_report(web, ctl)
    assert report.exists() and report.suffix == ".html"
    assert actions.control(web, ctl, "fork", {"turn": 1}).startswith("Forked at turn 1")
    assert web.forks[0].exists()
    assert actions.control(web, ctl, "rollback", {"turn": 0}).startswith("Rolled back to turn 0")
    assert game.turn == 1 and game.phase is Phase.BRIEFING


def test_the_workshop_command_refuses_a_corrupted_game(tmp_path, capsys):
    from sim.cli.main import main

    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    before = bad.read_bytes()
    code = main(["workshop", "scenarios/baseline.yaml", "--game", str(bad)])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot start the workshop" in err and "Traceback" not in err
    assert bad.read_bytes() == before


def test_the_workshop_command_refuses_a_poll_out_of_range(tmp_path, capsys):
    from sim.cli.main import main

    game = tmp_path / "g.sqlite"
    code = main(["workshop", "scenarios/baseline.yaml", "--game", str(game), "--poll", "0.05"])
    assert code == 2 and "--poll 0.05: expected 0.2 to 10 seconds" in capsys.readouterr().err
    assert not game.exists()  # refused before anything was created


def test_a_page_that_showed_another_phase_is_refused_and_told(served):
    """Two consoles click Next phase at once: the first moves the game, the second (which
    still shows the old phase) is refused, and so is a team page left on a past turn."""
    game, _, web = served
    ctl = search(web, "control")
    seen = {"seq": game.seq, "turn": 1, "phase": "briefing"}
    assert actions.control(web, ctl, "advance", {}, seen) == "Phase: planning."
    second = actions.control(web, ctl, "advance", {}, seen)
    assert second.startswith("Refused: this page showed turn 1 (briefing)")
    assert "turn 1 (planning)" in second and game.phase is Phase.PLANNING
    old = {"seq": 0, "turn": 0, "phase": "results"}
    late = actions.submit(web, search(web, "team:JPN"), "engage", "RUS", None, "x", old)
    assert late.startswith("Refused: this page showed turn 0") and not game.orders("control")
    now = {"seq": game.seq, "turn": 1, "phase": "planning"}
    ok = actions.submit(web, search(web, "team:JPN"), "engage", "RUS", None, "x", now)
    assert ok.startswith("Submitted")


def test_the_console_opens_a_fork_in_place_of_the_game(tmp_path):
    game = make_game(tmp_path)
    _, web = create_app(game, out_dir=tmp_path / "aar")
    ctl = search(web, "control")
    codes = {r: web.codes.code(r) for r in web.codes.roles}
    assert actions.control(web, ctl, "open_fork", {}).startswith("Refused: open which fork?")
    play_turn(game)
    made = actions.control(web, ctl, "fork", {"turn": 1})
    assert made.startswith("Forked at turn 1 into game-fork1-1.sqlite")
    epoch = web.epoch
    assert actions.control(web, search(web, "team:JPN"), "open_fork", {}).startswith("Refused")
    opened = actions.control(web, ctl, "open_fork", {})
    assert opened.startswith("Now playing the fork game-fork1-1.sqlite (turn 2, briefing)")
    assert web.game is not game and web.game.path.name == "game-fork1-1.sqlite"
    assert web.epoch != epoch  # every page re-renders
    # the room's URLs carry over: the fork keeps the codes, also after a restart on it
    _, again = create_app(web.game, out_dir=tmp_path / "aar")
    assert {r: again.codes.code(r) for r in again.codes.roles} == codes
    assert actions.control(web, ctl, "advance", {}) == "Phase: planning."
    web.game.close()


def test_each_console_field_is_its_own_value(served):
    """The note's text and the inject's text, the override's reason and the end's reason
    are different fields: a name that is none of the console's fields is an error."""
    _, _, web = served
    ctl = search(web, "control")
    with pytest.raises(TypeError):
        actions.control(web, ctl, "note", {"text": "a note"})
    form = actions.ControlForm(note="the note", inject_text="the inject", end_reason="why")
    assert actions.control(web, ctl, "note", form) == "Note kept."
    assert [n.text for n in web.game.notes("control")] == ["the note"]


def test_a_form_is_cleared_only_after_its_action_succeeded(served):
    game, app, web = served
    client = app.server.test_client()
    values = team_values(web, "team:JPN", move="engage", target="RUS", rationale="talks")
    refused = callback(client, app, TEAM_OUT, values, "team-submit.n_clicks")
    data = refused.get_json()["response"]
    assert data["team-msg"]["children"].startswith("Refused")  # briefing: not open yet
    assert set(data) == {"team-msg"}  # the form keeps what the team wrote
    to_phase(game, Phase.PLANNING)
    done = callback(client, app, TEAM_OUT, values, "team-submit.n_clicks").get_json()["response"]
    assert done["team-msg"]["children"].startswith("Submitted")
    assert done["team-move"]["value"] is None and done["team-target"]["value"] is None
    assert done["team-rationale"]["value"] == ""
    out = "ctl-msg.children"
    note = {"url.search": search(web, "control"), "ctl-note-text.value": "Tokyo wants talks"}
    kept = callback(client, app, out, note, "ctl-note.n_clicks").get_json()["response"]
    assert kept["ctl-msg"]["children"] == "Note kept."
    assert kept["ctl-note-text"]["value"] == "" and "ctl-turn" not in kept
    empty = {**note, "ctl-note-text.value": "  "}
    refused = callback(client, app, out, empty, "ctl-note.n_clicks").get_json()["response"]
    assert refused["ctl-msg"]["children"].startswith("Refused") and set(refused) == {"ctl-msg"}
    page = json.dumps(layouts.live(game, "control"), default=lambda c: c.to_plotly_json())
    assert "Tokyo wants talks" in page and "White-cell notes, turn 1" in page


def test_the_move_placeholder_says_whether_moves_are_open(served):
    game, app, web = served
    client = app.server.test_client()
    out = "team-move.placeholder"
    values = {"url.search": search(web, "team:JPN"), "seq.data": {"seq": game.seq}}
    assert message(callback(client, app, out, values, "seq.data"), out) == (
        "(moves open in planning)"
    )
    to_phase(game, Phase.PLANNING)
    assert message(callback(client, app, out, values, "seq.data"), out) == "choose a move"


def test_the_proposal_is_summarised_and_the_end_shows_on_every_page(served):
    game, _, web = served
    play_turn(game, [("team:JPN", "JPN", "engage", "RUS", "talks")])
    rus_jpn = game.committed[1].proposal.dyad("RUS-JPN")
    summary = dyad_summary(rus_jpn)
    assert summary.startswith(("+", "-")) and "JPN engaged (team)" in summary
    assert "drivers: " in summary and len(summary) < len(rus_jpn.words)
    team = json.dumps(layouts.live(game, "team:JPN"), default=lambda c: c.to_plotly_json())
    assert "No moves yet" not in team  # a committed turn
    # the committed turn's card: each dyad's summary, its full explanation behind a click
    assert summary in team and team.count("the full explanation") == 6
    ctl = search(web, "control")
    assert actions.control(web, ctl, "end", {"end_reason": "time is up"}).startswith(
        "The game ended"
    )
    for role in ("control", "team:JPN", "observer", "projector"):
        page = json.dumps(layouts.live(game, role), default=lambda c: c.to_plotly_json())
        assert "ended-banner" in page and "ended it after turn 1: time is up" in page
