"""Every console and team action not played in the full turn, in a real browser.

The white cell sets a phase, runs a countdown, overrides out of range, rolls back and
writes the report; it sends injects to one team and to itself only; a team withdraws a
move, says it is not ready after all, and submits from a page left behind by the game.
Each action is made through the page's forms (their ids are stable) and checked by
what the pages show and by the game file. Nothing here depends on how the live part of
a page is laid out, nor on how a dyad is spelled (the first one the console offers).
Skipped like the other browser tests when chromium or Playwright is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# The browser tests' module: importing it skips this one too when chromium or Playwright
# is missing; it shares its fixture (room: the served game and a browser) and helpers.
import test_workshop_browser
from conftest import self_contained
from test_workshop_browser import (
    WAIT_MS,
    advance,
    choose,
    expect_text,
    expect_value,
    open_page,
    saved,
    settled,
    sync_api,
)

room = test_workshop_browser.room
short_hold = test_workshop_browser.short_hold  # a fixture: held questions end soon
expect = sync_api.expect
# Every browser test takes seconds (a browser, a server, pages that load): all are slow.
pytestmark = pytest.mark.slow


def pages(web, url: str, browser, roles: tuple[str, ...], dialogs: list[str]) -> list:
    return [open_page(browser, url, web.codes.code(role), dialogs) for role in roles]


def refused(control, path: Path, field: str, value: str, button: str) -> None:
    """Type ``value`` into ``field``, click ``button``: refused, and nothing is written.
    The console's message before must not be a refusal: the one awaited is the answer."""
    with saved(path) as game:
        seq = game.seq
    control.locator(field).fill(value)
    control.locator(button).click()
    expect(control.locator("#ctl-msg")).to_have_text(re.compile("^Refused: "), timeout=WAIT_MS)
    with saved(path) as game:
        assert game.seq == seq


def first_dyad(control) -> str:
    """The first dyad the console's override form offers (whatever the actor order)."""
    option = control.locator("#ctl-dyad option:not([value=''])").first
    expect(option).to_be_attached(timeout=WAIT_MS)
    return option.get_attribute("value")


def propose(control, turn: int) -> None:
    """Propose, and wait until the model's proposal is written (the console says so)."""
    control.locator("#ctl-propose").click()
    expect_text(control.locator("#job"), f"The model proposed turn {turn}")


def override(control, dyad: str, value: str, reason: str) -> None:
    control.locator("#ctl-dyad").select_option(dyad)
    control.locator("#ctl-value").fill(value)
    control.locator("#ctl-reason").fill(reason)
    control.locator("#ctl-override").click()


def commit(control, turn: int) -> None:
    control.locator("#ctl-commit").click()  # behind a confirmation (accepted)
    expect_text(control.locator("#ctl-msg"), f"Turn {turn} committed")
    # The next click must come from a page that shows the results (else it is refused).
    expect_text(control.locator("#turn-label"), "results")


def test_set_phase_and_the_timer_show_on_the_console_and_a_team_page(room):
    web, url, browser, path = room
    dialogs: list[str] = []
    control, jpn = pages(web, url, browser, ("control", "team:JPN"), dialogs)
    for page in (control, jpn):
        expect_text(page.locator("#turn-label"), "briefing")

    control.locator("#ctl-phase").select_option("planning")
    control.locator("#ctl-set-phase").click()
    expect_text(control.locator("#ctl-msg"), "Phase: planning.")
    for page in (control, jpn):
        expect_text(page.locator("#turn-label"), "planning")
    expect_text(jpn.locator("#team-move"), "choose a move")  # moves are open
    # A step the phases do not allow is refused in the engine's words.
    control.locator("#ctl-phase").select_option("results")
    control.locator("#ctl-set-phase").click()
    expect_text(
        control.locator("#ctl-msg"),
        "Refused: the game cannot go from planning to results; from planning it goes to locked",
    )

    # A countdown for planning, on every page.
    countdown = re.compile(r"planning: [0-5]:\d\d left")
    control.locator("#ctl-minutes").fill("5")
    control.locator("#ctl-timer").click()
    expect_text(control.locator("#ctl-msg"), "Timer: 5 minutes for planning.")
    for page in (control, jpn):
        expect(page.locator("#timer")).to_have_text(countdown, timeout=WAIT_MS)
    # Values out of 0 to 240 are refused (in which words: the test after this one) and
    # leave the countdown running; each refusal follows a success, so that the message
    # seen is the answer to that click.
    for bad, good in (("-5", "4"), ("999", "5")):
        minutes = web.timer.minutes
        refused(control, path, "#ctl-minutes", bad, "#ctl-timer")
        assert web.timer is not None and web.timer.minutes == minutes  # what the pages poll
        expect(jpn.locator("#timer")).to_have_text(countdown, timeout=WAIT_MS)
        control.locator("#ctl-minutes").fill(good)
        control.locator("#ctl-timer").click()
        expect_text(control.locator("#ctl-msg"), f"Timer: {good} minutes for planning.")

    # The countdown lasts while its phase does: Set phase to locked ends it everywhere.
    control.locator("#ctl-phase").select_option("locked")
    control.locator("#ctl-set-phase").click()
    expect_text(control.locator("#ctl-msg"), "Phase: locked.")
    for page in (control, jpn):
        expect_text(page.locator("#turn-label"), "locked")
        expect(page.locator("#timer")).to_have_text("", timeout=WAIT_MS)
    expect_text(jpn.locator("#team-move"), "(moves are locked until the next turn)")
    # Set phase is also how the white cell reopens planning from locked.
    control.locator("#ctl-phase").select_option("planning")
    control.locator("#ctl-set-phase").click()
    expect_text(control.locator("#ctl-msg"), "Phase: planning.")
    for page in (control, jpn):
        expect_text(page.locator("#turn-label"), "planning")
    expect_text(jpn.locator("#team-move"), "choose a move")
    # Zero stops the countdown.
    control.locator("#ctl-minutes").fill("0")
    control.locator("#ctl-timer").click()
    expect_text(control.locator("#ctl-msg"), "Timer stopped.")
    for page in (control, jpn):
        expect(page.locator("#timer")).to_have_text("", timeout=WAIT_MS)

    with saved(path) as game:
        phases = [(r.payload["from"], r.payload["to"]) for r in game.records() if r.kind == "phase"]
        assert phases == [
            ("briefing", "planning"),
            ("planning", "locked"),
            ("locked", "planning"),
        ]
    assert dialogs == []


def test_numbers_out_of_range_are_refused_in_words_that_give_the_range(room):
    web, url, browser, path = room
    dialogs: list[str] = []
    (control,) = pages(web, url, browser, ("control",), dialogs)
    said = []
    for bad in ("-5", "999"):
        refused(control, path, "#ctl-minutes", bad, "#ctl-timer")
        said.append(control.locator("#ctl-msg").inner_text())
        control.locator("#ctl-minutes").fill("3")
        control.locator("#ctl-timer").click()
        expect_text(control.locator("#ctl-msg"), "Timer: 3 minutes for")
    for phase in ("planning", "locked", "adjudication"):
        advance(control, phase)
    propose(control, 1)
    control.locator("#ctl-dyad").select_option(first_dyad(control))
    control.locator("#ctl-reason").fill("a warmer summit")
    refused(control, path, "#ctl-value", "2", "#ctl-override")
    said.append(control.locator("#ctl-msg").inner_text())
    # Every one of them checked before failing, so that the report shows all three.
    timer, relation = "Refused: a timer runs 0 to 240 minutes", "Refused: a relation is a number"
    assert (said[0], said[1], said[2][: len(relation)]) == (timer, timer, relation), said


def test_an_inject_reaches_only_the_pages_it_is_meant_for(room):
    web, url, browser, _path = room
    dialogs: list[str] = []
    roles = ("control", "team:JPN", "team:RUS", "observer")
    control, jpn, rus, observer = pages(web, url, browser, roles, dialogs)

    def send(title: str, text: str, visibility: str, teams: tuple[str, ...] = ()) -> None:
        control.locator("#ctl-inject-title").fill(title)
        control.locator("#ctl-inject-text").fill(text)
        control.locator("#ctl-inject-vis").select_option(visibility)
        for team in teams:
            control.locator("#ctl-inject-teams").get_by_label(team, exact=True).check()
        control.locator("#ctl-inject").click()
        expect_text(control.locator("#ctl-msg"), f"sent ({visibility})")
        expect_value(control.locator("#ctl-inject-title"), "")
        for team in teams:  # the teams are cleared with the rest of the form
            box = control.locator("#ctl-inject-teams").get_by_label(team, exact=True)
            expect(box).not_to_be_checked(timeout=WAIT_MS)

    send("For Tokyo", "A letter from the envoy, for Tokyo's eyes.", "teams", ("JPN",))
    send("White cell", "Moscow will test the line next turn.", "control")
    # A public inject last: a page that shows it has drawn the two before it too.
    send("For the room", "Markets open calm.", "all")

    for page in (control, jpn, rus, observer):
        expect_text(page.locator("#live"), "Markets open calm.")
    expect_text(jpn.locator("#live"), "A letter from the envoy, for Tokyo's eyes.")
    expect_text(control.locator("#live"), "A letter from the envoy, for Tokyo's eyes.")
    expect_text(control.locator("#live"), "Moscow will test the line next turn.")
    # Nowhere on the pages it is not meant for.
    for page in (rus, observer):
        expect(page.locator("body")).not_to_contain_text("A letter from the envoy")
        expect(page.locator("body")).not_to_contain_text("For Tokyo")
    for page in (jpn, rus, observer):
        expect(page.locator("body")).not_to_contain_text("Moscow will test the line")
    assert dialogs == []


def test_a_team_withdraws_a_move_and_is_not_ready_after_all(room):
    web, url, browser, path = room
    dialogs: list[str] = []
    control, jpn = pages(web, url, browser, ("control", "team:JPN"), dialogs)
    advance(control, "planning")

    expect_text(jpn.locator("#team-move"), "choose a move")
    choose(jpn, "team-move", "Engage")
    choose(jpn, "team-target", "RUS")
    jpn.locator("#team-rationale").fill("Talks first")
    jpn.locator("#team-submit").click()
    expect_text(jpn.locator("#team-msg"), "Submitted")
    settled(jpn.locator("#team-msg"))
    expect_text(jpn.locator("#live"), "Talks first")  # in the team's moves this turn
    withdraw = jpn.get_by_role("button", name="Withdraw")
    expect(withdraw).to_have_count(1, timeout=WAIT_MS)
    withdraw.click()
    expect(jpn.locator("#team-msg")).to_have_text("Withdrawn.", timeout=WAIT_MS)
    expect(withdraw).to_have_count(0, timeout=WAIT_MS)
    for page in (jpn, control):
        expect(page.locator("body")).not_to_contain_text("Talks first", timeout=WAIT_MS)
    with saved(path) as game:
        assert game.orders("control") == []
        assert [r.kind for r in game.records()][-2:] == ["move", "withdraw"]

    jpn.locator("#team-ready").click()
    expect(jpn.locator("#team-msg")).to_have_text("Marked ready.", timeout=WAIT_MS)
    settled(jpn.locator("#team-msg"))
    with saved(path) as game:
        assert {a["id"]: a["ready"] for a in game.view("control")["actors"]}["JPN"] is True
    jpn.locator("#team-unready").click()
    expect(jpn.locator("#team-msg")).to_have_text("Marked not ready.", timeout=WAIT_MS)
    with saved(path) as game:
        assert {a["id"]: a["ready"] for a in game.view("control")["actors"]}["JPN"] is False
        assert [r.payload for r in game.records() if r.kind == "ready"] == [
            {"actor": "JPN", "ready": True},
            {"actor": "JPN", "ready": False},
        ]
    assert dialogs == []


def test_a_team_page_left_in_planning_cannot_submit_during_adjudication(room, short_hold):
    web, url, browser, path = room
    dialogs: list[str] = []
    control, jpn = pages(web, url, browser, ("control", "team:JPN"), dialogs)
    advance(control, "planning")
    expect_text(jpn.locator("#turn-label"), "planning")
    expect_text(jpn.locator("#team-move"), "choose a move")
    # Japan's page stops hearing from the server (a laptop asleep, a bad network): it
    # goes on showing planning, with a move chosen, while the white cell moves on.
    jpn.route("**/api/state*", lambda route: route.abort())
    expect_text(jpn.locator("#link"), "reconnecting")
    choose(jpn, "team-move", "Engage")
    choose(jpn, "team-target", "RUS")
    jpn.locator("#team-rationale").fill("Too late")
    advance(control, "locked")
    advance(control, "adjudication")
    with saved(path) as game:
        seq = game.seq

    jpn.locator("#team-submit").click()
    expect_text(
        jpn.locator("#team-msg"),
        "Refused: this page showed turn 1 (planning), but the game has moved on to turn 1 "
        "(adjudication): look at the page again",
    )
    expect_value(jpn.locator("#team-rationale"), "Too late")  # the form is kept
    with saved(path) as game:
        assert game.seq == seq and game.orders("control") == []

    # Back in touch, the page shows adjudication; Ready is refused in the engine's words.
    jpn.unroute("**/api/state*")
    expect_text(jpn.locator("#turn-label"), "adjudication")
    expect_text(jpn.locator("#team-move"), "(moves are locked until the next turn)")
    jpn.locator("#team-ready").click()
    expect_text(jpn.locator("#team-msg"), "Refused: the planning phase is over: moves are locked")
    with saved(path) as game:
        assert game.seq == seq and game.orders("control") == []
    assert dialogs == []


def test_submit_on_a_page_that_shows_adjudication_says_moves_are_locked(room):
    web, url, browser, path = room
    dialogs: list[str] = []
    control, jpn = pages(web, url, browser, ("control", "team:JPN"), dialogs)
    advance(control, "planning")
    advance(control, "locked")
    advance(control, "adjudication")
    expect_text(jpn.locator("#turn-label"), "adjudication")
    expect_text(jpn.locator("#team-move"), "(moves are locked until the next turn)")
    with saved(path) as game:
        seq = game.seq
    jpn.locator("#team-submit").click()
    expect(jpn.locator("#team-msg")).to_have_text(re.compile("^Refused"), timeout=WAIT_MS)
    with saved(path) as game:
        assert game.seq == seq and game.orders("control") == []
    said = jpn.locator("#team-msg").inner_text()
    assert said == "Refused: the planning phase is over: moves are locked", said


def test_override_refusal_rollback_and_the_report(room):
    web, url, browser, path = room
    dialogs: list[str] = []
    control, jpn = pages(web, url, browser, ("control", "team:JPN"), dialogs)
    dyad = first_dyad(control)

    # Turn 1: an override out of range is refused and its form kept for correcting.
    advance(control, "planning")
    advance(control, "locked")
    advance(control, "adjudication")
    propose(control, 1)
    control.locator("#ctl-dyad").select_option(dyad)
    control.locator("#ctl-reason").fill("a warmer summit")
    refused(control, path, "#ctl-value", "2", "#ctl-override")
    expect_value(control.locator("#ctl-dyad"), dyad)
    expect_value(control.locator("#ctl-value"), "2")
    expect_value(control.locator("#ctl-reason"), "a warmer summit")
    control.locator("#ctl-value").fill("0.37")
    control.locator("#ctl-override").click()
    expect_text(control.locator("#ctl-msg"), f"Override: {dyad} set to +0.37.")
    expect_value(control.locator("#ctl-value"), "")
    commit(control, 1)

    # Turn 2, set far away from turn 1.
    advance(control, "briefing")
    advance(control, "planning")
    advance(control, "locked")
    advance(control, "adjudication")
    propose(control, 2)
    override(control, dyad, "-0.83", "a frosty second round")
    expect_text(control.locator("#ctl-msg"), f"Override: {dyad} set to -0.83.")
    commit(control, 2)
    expect_text(jpn.locator("#turn-label"), "Turn 2 of")
    expect_text(jpn.locator("#turn-label"), "results")
    expect_text(jpn.locator("#live"), "-0.83")

    # Roll back to turn 1: the game resumes at turn 2's briefing, from turn 1's state.
    control.locator("#ctl-turn").fill("1")
    control.locator("#ctl-rollback").click()  # behind a confirmation (accepted)
    expect_text(control.locator("#ctl-msg"), "Rolled back to turn 1: now turn 2, briefing.")
    expect_value(control.locator("#ctl-turn"), "")
    assert any(d.startswith("confirm: Roll back to turn 1? ") for d in dialogs), dialogs
    for page in (control, jpn):
        expect_text(page.locator("#turn-label"), "Turn 2 of")
        expect_text(page.locator("#turn-label"), "briefing")
        expect_text(page.locator("#live"), "+0.37")
        expect(page.locator("body")).not_to_contain_text("-0.83", timeout=WAIT_MS)
    expect_text(control.locator("#live"), "a warmer summit")
    expect(control.locator("body")).not_to_contain_text("a frosty second round")
    with saved(path) as game:
        assert (game.turn, game.phase.value) == (2, "briefing")
        assert list(game.committed) == [1]
        assert game.relations[dyad] == pytest.approx(0.37)

    # The report: written beside the game, and downloaded by the console's browser.
    with control.expect_download(timeout=WAIT_MS) as arriving:
        control.locator("#ctl-aar").click()
    download = arriving.value
    expect_text(control.locator("#ctl-aar-msg"), "Report written: ")
    written = Path(control.locator("#ctl-aar-msg").inner_text().split("Report written: ")[1])
    assert written.parent == web.out_dir and written.suffix == ".html"
    assert download.suggested_filename == written.name
    html = Path(download.path()).read_text(encoding="utf-8")
    assert html == written.read_text(encoding="utf-8")
    rest = self_contained(html)  # plotly.js once, nothing loaded from the network
    assert rest.lstrip().lower().startswith("<!doctype html")
    assert "a warmer summit" in rest and "Rolled back" in rest
    assert [d for d in dialogs if not d.startswith("confirm: ")] == []
