"""The workshop web app in a real browser (Debian's chromium, driven by Playwright).

The app runs in a background thread on 127.0.0.1 with a free port; the white cell, two
teams and the projector each have their own browser context. Skipped (with the reason)
when chromium or Playwright is not installed; CI installs both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import ARGS, CHROMIUM, LAUNCH_MS, WAIT_MS, playwright_or_skip
from workshop_support import make_game

sync_api = playwright_or_skip()

from sim.workshop import Game, Phase  # noqa: E402
from sim.workshop.web.app import create_app  # noqa: E402
from sim.workshop.web.serve import start  # noqa: E402

XSS = "<script>alert(1)</script>"
# Every browser test takes seconds (a browser, a server, pages that load): all are slow.
pytestmark = pytest.mark.slow
SHORT_HOLD_S = 1.0
"""How long the server holds a page's question to /api/state in the tests that cut a page
off from it: the page says "reconnecting" once the question held open has come back and
the next has failed, so these tests would otherwise wait out the whole hold (10 s)."""


@pytest.fixture
def short_hold(monkeypatch):
    """The state route of a server in this process holds questions :data:`SHORT_HOLD_S`."""
    from sim.workshop.web import state_route

    hold = state_route.hold

    def held_briefly(web, role, since, stop, hold_s=SHORT_HOLD_S):
        return hold(web, role, since, stop, hold_s)

    monkeypatch.setattr(state_route, "hold", held_briefly)


@pytest.fixture
def room(tmp_path):
    """The served game (opened in the server's thread: SQLite wants it so), its join
    codes, a read-only view of the game file for checks, and a browser; everything shut
    down after."""

    def factory():
        game = make_game(tmp_path)
        # A page whose question to the server fails asks again after 1.5 s (not 0.5 s):
        # the tests that cut a page off keep a loaded 2-core machine free for the rest.
        return create_app(game, out_dir=tmp_path / "aar", poll_ms=1500)

    running = start(factory, cleanup=lambda web: web.game.close())
    web = running.made
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=LAUNCH_MS)
            try:
                yield web, running.url, browser, web.game.path
            finally:
                browser.close()
    finally:
        running.stop()


def saved(path: Path) -> Game:
    """The game as written on disk (read-only, in this thread)."""
    return Game.open(path, read_only=True)


def open_page(browser, url: str, code: str, dialogs: list[str]):
    """A page in its own context (its own cookies), joined with ``code``. Confirmations
    are accepted (as the white cell would) and recorded in ``dialogs`` as 'confirm: ...';
    any other dialog (an alert a script raised) as 'alert: ...', and dismissed."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(WAIT_MS)

    def answer(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        if dialog.type == "confirm":
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    page.goto(f"{url}/play?code={code}")
    page.locator("#turn-label").wait_for()
    return page


def expect_text(locator, text: str) -> None:
    sync_api.expect(locator).to_contain_text(text, timeout=WAIT_MS)


def expect_value(locator, value: str) -> None:
    sync_api.expect(locator).to_have_value(value, timeout=WAIT_MS)


def choose(page, dropdown: str, option: str) -> None:
    """Pick an option of a dcc.Dropdown by its label."""
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option", name=option, exact=True).first.click()


def settled(locator) -> None:
    """Wait until the callback writing ``locator`` has finished: a click made while it is
    still in flight can be lost on a loaded machine."""
    sync_api.expect(locator).not_to_have_attribute("data-dash-is-loading", "true", timeout=WAIT_MS)


def play_move(page, move: str, target: str, rationale: str) -> None:
    expect_text(page.locator("#team-move"), "choose a move")  # moves are open
    choose(page, "team-move", move)
    choose(page, "team-target", target)
    page.locator("#team-rationale").fill(rationale)
    page.locator("#team-submit").click()
    expect_text(page.locator("#team-msg"), "Submitted")
    settled(page.locator("#team-msg"))
    # The form is cleared for the next move.
    expect_value(page.locator("#team-rationale"), "")
    expect_text(page.locator("#team-move"), "choose a move")
    page.locator("#team-ready").click()
    expect_text(page.locator("#team-msg"), "Marked ready")


def advance(control, phase: str) -> None:
    """Next phase, and wait until the console shows it (a click on a page that still
    shows the phase before is refused, as it should be)."""
    control.locator("#ctl-advance").click()
    expect_text(control.locator("#ctl-msg"), f"Phase: {phase}")
    expect_text(control.locator("#turn-label"), phase)


def test_a_full_turn_in_the_browser(room, tmp_path):
    web, url, browser, path = room
    dialogs: list[str] = []
    pages = {
        role: open_page(browser, url, web.codes.code(role), dialogs)
        for role in ("control", "team:JPN", "team:RUS", "projector")
    }
    control, jpn, rus, projector = pages.values()
    expect_text(projector.locator("#turn-label"), "briefing")
    expect_text(jpn.locator("#team-move"), "(moves open in planning)")

    advance(control, "planning")
    for page in pages.values():
        expect_text(page.locator("#turn-label"), "planning")

    play_move(jpn, "Engage", "RUS", XSS)
    play_move(rus, "Hold steady", "JPN", "Wait and see")
    # The rationale is shown as text, and no script ran.
    sync_api.expect(jpn.locator("#live .rationale").get_by_text(XSS)).to_be_visible(timeout=WAIT_MS)
    assert dialogs == []
    # Russia's page does not see Japan's order; the white cell sees both.
    expect_text(control.locator("#live"), "Wait and see")
    expect_text(control.locator("#live"), XSS)
    assert XSS not in rus.locator("#live").inner_text()

    # An inject and a note; each form is cleared once its action is done.
    control.locator("#ctl-inject-title").fill("Summit")
    control.locator("#ctl-inject-text").fill("Leaders meet in Vladivostok.")
    control.locator("#ctl-inject").click()
    expect_text(control.locator("#ctl-msg"), "Inject")
    expect_value(control.locator("#ctl-inject-title"), "")
    expect_value(control.locator("#ctl-inject-text"), "")
    expect_text(jpn.locator("#live"), "Leaders meet in Vladivostok.")
    control.locator("#ctl-note-text").fill("Tokyo wants talks")
    control.locator("#ctl-note").click()
    expect_text(control.locator("#ctl-msg"), "Note kept")
    expect_value(control.locator("#ctl-note-text"), "")
    expect_text(control.locator("#notes"), "Tokyo wants talks")

    advance(control, "locked")
    advance(control, "adjudication")
    control.locator("#ctl-propose").click()
    expect_text(control.locator("#live"), "Proposal for turn 1")
    # Each dyad in one line (Japan's engagement is the team's), the full words collapsed.
    table = control.locator("#proposal-table")
    expect_text(table, "JPN engaged (team)")
    why = table.locator("details.why").first
    assert why.evaluate("d => d.open") is False
    sync_api.expect(why.locator(".why-words")).to_be_hidden()
    why.locator("summary").click()
    sync_api.expect(why.locator(".why-words")).to_be_visible()

    control.locator("#ctl-dyad").select_option("RUS-JPN")
    control.locator("#ctl-value").fill("0.1")
    control.locator("#ctl-reason").fill("a good summit")
    control.locator("#ctl-override").click()
    expect_text(control.locator("#ctl-msg"), "Override: RUS-JPN set to +0.10")
    expect_value(control.locator("#ctl-reason"), "")
    expect_value(control.locator("#ctl-value"), "")
    expect_value(control.locator("#ctl-dyad"), "")
    expect_text(control.locator("#proposal-table"), "a good summit")

    control.locator("#ctl-commit").click()  # a confirmation first (accepted)
    expect_text(control.locator("#ctl-msg"), "Turn 1 committed")
    assert "confirm: Commit turn 1 as shown? Every screen shows it at once." in dialogs

    # The projector shows the committed turn within the polling interval.
    expect_text(projector.locator("#turn-label"), "results")
    sync_api.expect(projector.locator("#projector-network")).to_be_visible()
    expect_text(jpn.locator("#team-move"), "(moves open in the next turn's planning)")
    assert "No moves yet" not in jpn.locator("#live").inner_text()  # a committed turn
    projector.screenshot(path=str(tmp_path / "projector.png"), full_page=True)
    control.screenshot(path=str(tmp_path / "control.png"), full_page=True)
    jpn.screenshot(path=str(tmp_path / "team.png"), full_page=True)
    with saved(path) as game:
        assert game.phase is Phase.RESULTS and list(game.committed) == [1]
        orders = game.committed[1].orders
        assert {(o.actor, o.by) for o in orders} == {("JPN", "team:JPN"), ("RUS", "team:RUS")}

    # End the game: every page says so, with the white cell's reason.
    expect_text(control.locator("#turn-label"), "results")
    sync_api.expect(control.locator("#ctl-end")).to_be_enabled(timeout=WAIT_MS)
    control.locator("#ctl-end-reason").fill("time is up")
    control.locator("#ctl-end").click()
    expect_text(control.locator("#ctl-msg"), "The game ended after turn 1")
    expect_value(control.locator("#ctl-end-reason"), "")
    for page in pages.values():
        expect_text(page.locator("#ended-banner"), "ended it after turn 1: time is up")
    # A fork from turn 1 (cleared turn field), opened in place of the ended game.
    control.locator("#ctl-turn").fill("1")
    control.locator("#ctl-fork").click()
    expect_text(control.locator("#ctl-msg"), "Forked at turn 1")
    expect_value(control.locator("#ctl-turn"), "")
    control.locator("#ctl-open-fork").click()
    expect_text(control.locator("#ctl-msg"), "Now playing the fork")
    expect_text(projector.locator("#turn-label"), "Turn 2")
    sync_api.expect(projector.locator("#ended-banner")).to_have_count(0, timeout=WAIT_MS)
    confirms = [d for d in dialogs if d.startswith("confirm: ")]
    assert [d.split("?")[0] for d in confirms] == [
        "confirm: Commit turn 1 as shown",
        "confirm: End the game after turn 1",
        "confirm: Fork a new game from turn 1",
        "confirm: Open the last fork made from this console in place of this game",
    ]
    assert [d for d in dialogs if not d.startswith("confirm: ")] == []  # no script ran
    with saved(path) as game:
        assert game.ended == {"turn": 1, "reason": "time is up"}


def test_a_team_page_cannot_act_for_another_team_or_the_white_cell(room):
    web, url, browser, path = room
    dialogs: list[str] = []
    control = open_page(browser, url, web.codes.code("control"), dialogs)
    control.locator("#ctl-advance").click()
    expect_text(control.locator("#ctl-msg"), "Phase: planning")
    jpn = open_page(browser, url, web.codes.code("team:JPN"), dialogs)
    assert jpn.locator("#ctl-advance").count() == 0  # no white-cell controls on its page
    # A hand-made request from Japan's browser for a white-cell action (built from the
    # app's own list of callbacks, as the browser builds it) is refused.
    deps = jpn.request.get(f"{url}/_dash-dependencies").json()
    spec = next(d for d in deps if "ctl-msg.children" in d["output"].strip(".").split("..."))
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]}
        for o in spec["output"].strip(".").split("...")
    ]
    search = f"?code={web.codes.code('team:JPN')}"
    body = {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": 1} for i in spec["inputs"]],
        "state": [{**s, "value": search if s["id"] == "url" else None} for s in spec["state"]],
        "changedPropIds": ["ctl-commit-confirm.submit_n_clicks"],
    }
    with saved(path) as game:
        seq = game.seq
    response = jpn.request.post(
        f"{url}/_dash-update-component",
        data=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 200
    assert "Refused: only the white cell (control) may commit" in response.text()
    # Japan submits through its page: the move is Japan's, whatever it aims at.
    choose(jpn, "team-move", "Engage")
    choose(jpn, "team-target", "RUS")
    jpn.locator("#team-submit").click()
    expect_text(jpn.locator("#team-msg"), "Submitted")
    with saved(path) as game:
        assert [(o.actor, o.by) for o in game.orders("control")] == [("JPN", "team:JPN")]
        assert game.seq == seq + 1  # the refused request wrote nothing
    # A wrong code gets a clear page.
    wrong = jpn.context.new_page()
    wrong.goto(f"{url}/play?code=not-a-code")
    expect_text(wrong.locator("#join-error"), "not valid")
    assert dialogs == []
