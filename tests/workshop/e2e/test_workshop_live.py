"""The pages stay with the game in a real browser: a restart, and two white-cell tabs.

The first test runs ``run.py workshop`` as a subprocess on a fixed port, stops it with
SIGTERM while a console and an observer page are open, and starts it again on the same
game file and port: the pages say "reconnecting" meanwhile and "live" again after, without
a reload, and the console's next action works against the new server. The second test
clicks Next phase on two consoles that both show the briefing: one advances the game, the
other is refused because the game has moved on. Every wait is on a state the page shows
(or a line the server prints), never a fixed sleep; everything runs over loopback.
Skipped like the other browser tests when chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# Importing the browser tests' module skips this one too when chromium or Playwright is
# missing (its module-level checks), and shares its launch flags and page helpers.
import test_workshop_browser
from test_workshop_browser import ARGS, CHROMIUM, LAUNCH_MS, open_page, sync_api
from workshop_support import ROOT, Lines, make_game, to_phase

from sim.workshop import Phase
from sim.workshop.web.app import create_app
from sim.workshop.web.serve import LOCALHOST, start

# A bound that ends the test if a page never gets there, not a speed target.
WAIT_MS = 60_000
# Seconds: the command imports the model and dash on a shared machine before it listens.
START_S = 180.0
ENV = {
    **os.environ,
    "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}",
    "PYTHONUNBUFFERED": "1",
}
URL_LINE = r"^\s+(\S+)\s+(http://127\.0\.0\.1:\d+/play\?code=\S+)$"
LIVE = "live · updated"
RECONNECTING = "reconnecting"
# Every browser test takes seconds (a browser, a server, pages that load): all are slow.
pytestmark = pytest.mark.slow
short_hold = test_workshop_browser.short_hold  # a fixture: held questions end soon


def free_port() -> int:
    """A port nobody listens on now (the server binds it itself, twice in a row)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


def serve(game: Path, port: int) -> tuple[subprocess.Popen[str], Lines, dict[str, str]]:
    """``run.py workshop`` on ``game`` and ``port``; returned once it serves, with the
    join URL it printed for each role."""
    command = [sys.executable, "run.py", "workshop", "scenarios/baseline.yaml"]
    proc = subprocess.Popen(
        [*command, "--teams", "JPN,RUS", "--port", str(port), "--game", str(game)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # a refusal to start shows in the lines seen
        text=True,
        env=ENV,
        cwd=ROOT,
    )
    lines = Lines(proc.stdout, START_S)
    urls: dict[str, str] = {}
    while not (found := lines.wait_for(f"{URL_LINE}|^serving")).group(0).startswith("serving"):
        urls[found.group(1)] = found.group(2)
    return proc, lines, urls


def finish(proc: subprocess.Popen[str] | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.kill()
    if proc is not None:
        proc.wait(timeout=START_S)


def join(browser, url: str, dialogs: list[str]):
    """A page in its own context, joined with the code in ``url``; the dialogs it
    raises are recorded in ``dialogs`` (none should be)."""
    base, code = url.split("/play?code=")
    page = open_page(browser, base, code, dialogs)
    page.set_default_timeout(WAIT_MS)
    return page


def expect(locator, text: str) -> None:
    sync_api.expect(locator).to_contain_text(text, timeout=WAIT_MS)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=LAUNCH_MS)
        try:
            yield launched
        finally:
            launched.close()


def test_the_pages_say_reconnecting_while_the_server_is_down_and_catch_up_after(tmp_path, browser):
    game, port = tmp_path / "game.sqlite", free_port()
    first = second = None
    try:
        first, lines, urls = serve(game, port)
        assert {"control", "observer"} <= urls.keys(), lines.seen
        dialogs: list[str] = []
        control = join(browser, urls["control"], dialogs)
        observer = join(browser, urls["observer"], dialogs)
        for page in (control, observer):
            expect(page.locator("#link"), LIVE)
            expect(page.locator("#turn-label"), "briefing")

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=START_S) == 0, lines.seen
        lines.wait_for("^stopped")
        for page in (control, observer):
            expect(page.locator("#link"), RECONNECTING)

        second, lines, again = serve(game, port)
        assert again == urls  # the codes kept beside the game file: the same URLs
        for page in (control, observer):  # the same pages, not reloaded
            expect(page.locator("#link"), LIVE)
        expect(control.locator("#turn-label"), "briefing")
        control.locator("#ctl-advance").click()
        expect(control.locator("#ctl-msg"), "Phase: planning")
        expect(observer.locator("#turn-label"), "planning")
        assert dialogs == []
    finally:
        finish(first)
        finish(second)


@pytest.fixture
def served_room(tmp_path):
    """A fresh game (teams JPN and RUS) served in this process: (web, base URL); the
    server is stopped after the test."""
    running = start(
        lambda: create_app(make_game(tmp_path), out_dir=tmp_path / "aar"),
        cleanup=lambda web: web.game.close(),
    )
    try:
        yield running.made, running.url
    finally:
        running.stop()


def test_two_consoles_that_showed_the_briefing_advance_the_game_once(
    short_hold, served_room, browser
):
    web, url = served_room
    control_url = f"{url}/play?code={web.codes.code('control')}"
    dialogs: list[str] = []
    tabs = [join(browser, control_url, dialogs), join(browser, control_url, dialogs)]
    for tab in tabs:
        expect(tab.locator("#turn-label"), "briefing")
        expect(tab.locator("#link"), LIVE)
    # Both tabs keep showing the briefing until both have clicked: their questions to
    # /api/state fail from now on (they say "reconnecting" once the question held open
    # has come back and the next has failed), so neither can learn of the other's click
    # in between, however the clicks and questions interleave.
    for tab in tabs:
        tab.route("**/api/state*", lambda route: route.abort())
    for tab in tabs:
        expect(tab.locator("#link"), RECONNECTING)
        expect(tab.locator("#turn-label"), "briefing")
    for tab in tabs:  # one right after the other: the two actions are in flight at once
        tab.locator("#ctl-advance").click()
    for tab in tabs:
        answered = sync_api.expect(tab.locator("#ctl-msg"))
        answered.to_have_text(re.compile(r"\S"), timeout=WAIT_MS)
    messages = [tab.locator("#ctl-msg").inner_text() for tab in tabs]
    refused = [m for m in messages if m.startswith("Refused:")]
    assert [m for m in messages if m not in refused] == ["Phase: planning."], messages
    assert len(refused) == 1, messages
    assert refused[0].startswith("Refused: this page showed turn 1 (briefing), "), messages
    assert "but the game has moved on to turn 1 (planning)" in refused[0], messages

    for tab in tabs:
        tab.unroute("**/api/state*")
    for tab in tabs:  # both catch up with the one change made
        expect(tab.locator("#link"), LIVE)
        expect(tab.locator("#turn-label"), "planning")
    observer = join(browser, f"{url}/play?code={web.codes.code('observer')}", dialogs)
    expect(observer.locator("#turn-label"), "Turn 1 of")
    expect(observer.locator("#turn-label"), "planning")
    state = observer.request.get(f"{url}/api/state?code={web.codes.code('observer')}")
    assert (state.json()["turn"], state.json()["phase"]) == (1, "planning")
    assert dialogs == []


def test_a_click_that_does_not_reach_the_server_says_not_sent(served_room, browser):
    web, url = served_room
    dialogs: list[str] = []
    console = join(browser, f"{url}/play?code={web.codes.code('control')}", dialogs)
    expect(console.locator("#link"), LIVE)
    # The server is unreachable for this page's actions (as when the laptop restarts).
    console.route("**/_dash-update-component*", lambda route: route.abort())
    console.locator("#ctl-advance").click()
    expect(console.locator("#not-sent"), "Not sent: no answer from the server")
    assert web.game.phase.value == "briefing"  # nothing arrived
    console.unroute("**/_dash-update-component*")
    console.locator("#ctl-advance").click()
    expect(console.locator("#ctl-msg"), "Phase: planning.")
    sync_api.expect(console.locator("#not-sent")).to_be_hidden(timeout=WAIT_MS)
    assert dialogs == []


def test_a_team_message_goes_when_the_phase_moves_on(served_room, browser):
    web, url = served_room
    web.game.advance("control")  # planning
    dialogs: list[str] = []
    team = join(browser, f"{url}/play?code={web.codes.code('team:JPN')}", dialogs)
    expect(team.locator("#turn-label"), "planning")
    team.locator("#team-ready").click()
    expect(team.locator("#team-msg"), "Marked ready.")
    web.game.advance("control")  # locked: "Marked ready" is about planning
    expect(team.locator("#turn-label"), "locked")
    sync_api.expect(team.locator("#team-msg")).to_have_text("", timeout=WAIT_MS)
    assert dialogs == []


# Marks each Plotly chart on a page with the data it was drawn with; a chart drawn again
# gets new data (Plotly.react) or is a new chart in place of the old one.
MARK_CHARTS = """
() => {
    const charts = [...document.querySelectorAll('.js-plotly-plot')];
    for (const gd of charts) { gd.__drawn = gd.data; }
    return charts.length;
}
"""
REDRAWN = """
() => [...document.querySelectorAll('.js-plotly-plot')].some((gd) => gd.__drawn !== gd.data)
"""


def test_a_projector_redraws_its_charts_only_when_they_change(served_room, browser):
    """A team marking itself ready changes the projector's list of teams, not its
    charts: the charts are not drawn again. A committed turn redraws them."""
    web, url = served_room
    web.game.advance("control")  # planning
    dialogs: list[str] = []
    projector = join(browser, f"{url}/play?code={web.codes.code('projector')}", dialogs)
    expect(projector.locator("#turn-label"), "planning")
    sync_api.expect(projector.locator("#projector-network .main-svg").first).to_be_visible(
        timeout=WAIT_MS
    )
    assert projector.evaluate(MARK_CHARTS) >= 2  # the network and the relations
    web.game.mark_ready("team:JPN", "JPN", True)
    ready = projector.locator("#readiness .badge", has_text=re.compile(r"^ready$"))
    sync_api.expect(ready).to_have_count(1, timeout=WAIT_MS)
    assert not projector.evaluate(REDRAWN)
    to_phase(web.game, Phase.ADJUDICATION)  # then Propose and commit
    web.game.propose("control")
    web.game.commit("control")
    expect(projector.locator("#turn-label"), "results")
    projector.wait_for_function(REDRAWN, timeout=WAIT_MS)
    assert dialogs == []


def test_a_drawing_that_fails_is_asked_for_again(served_room, browser):
    """The server refuses the page's drawing of a change once (429, as when a room's
    screens share a code and an address): the page asks again and shows the change,
    without waiting for the game to change once more."""
    web, url = served_room
    dialogs: list[str] = []
    observer = join(browser, f"{url}/play?code={web.codes.code('observer')}", dialogs)
    expect(observer.locator("#turn-label"), "briefing")
    refused: list[str] = []

    def refuse_once(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=429, body="Too many requests")
        else:
            route.continue_()

    observer.route("**/api/live*", refuse_once)
    web.game.advance("control")  # planning
    expect(observer.locator("#turn-label"), "planning")
    assert refused, "the page's drawing of the change was never refused"
    assert dialogs == []
