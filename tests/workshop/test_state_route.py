"""The state route holds a page's question until the game changes (or the server stops).

Each test runs the held question in a thread and waits on what it returns, with bounds
that only end a test that would otherwise hang; none measures how fast it answers.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sim.workshop.web.actions import Timer
from sim.workshop.web.state_route import STOP_KEY, hold, state

pytest.importorskip("dash")

#: Seconds: a bound for a test that would hang, far above any answer's time.
BOUND_S = 120.0


def test_a_held_question_is_answered_when_the_game_changes(served):
    game, _, web = served
    seen = state(web, "observer")
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        asked = pool.submit(hold, web, "observer", seen["v"], stop, BOUND_S)
        # Nothing has changed: the question is still waiting when the game moves on.
        assert not asked.done()
        game.advance("control")
        answer = asked.result(timeout=BOUND_S)
    assert answer["seq"] == game.seq and answer["phase"] == "planning"
    assert answer["v"] != seen["v"]


def test_a_page_that_saw_an_older_version_is_answered_at_once(served):
    game, _, web = served
    old = state(web, "observer")["v"]
    game.advance("control")
    # hold_s would keep a question for longer than the bound: the answer comes anyway.
    answer = hold(web, "observer", old, threading.Event(), hold_s=10 * BOUND_S)
    assert answer["phase"] == "planning"


def test_a_timer_is_a_change_and_is_sent_as_seconds_left(served):
    game, _, web = served
    game.advance("control")
    seen = state(web, "team:JPN")
    assert seen["timer"] is None
    web.clock = lambda: 1000.0
    web.timer = Timer(game.turn, game.phase.value, 1000.0 + 300.0, 5)
    answer = hold(web, "team:JPN", seen["v"], threading.Event(), hold_s=10 * BOUND_S)
    assert answer["timer"] == {"phase": "planning", "left": 300.0}
    web.clock = lambda: 1290.6
    assert web.timer_text() == "planning: 0:09 left"
    web.clock = lambda: 2000.0
    assert state(web, "team:JPN")["timer"] == {"phase": "planning", "left": 0.0}
    assert web.timer_text() == "planning: time is up"


def test_the_console_alone_hears_of_background_work(served):
    _, _, web = served
    web.jobs.status = lambda: "Proposing turn 1 …"  # what the console's banner shows
    assert state(web, "control")["job"] == "Proposing turn 1 …"
    assert state(web, "observer")["job"] == ""
    assert state(web, "control")["v"] != state(web, "observer")["v"]


def test_stopping_the_server_answers_every_held_question(served):
    _, app, web = served
    stop = app.server.extensions[STOP_KEY]
    seen = state(web, "projector")["v"]
    with ThreadPoolExecutor(3) as pool:
        asked = [pool.submit(hold, web, "projector", seen, stop, BOUND_S) for _ in range(3)]
        assert not any(a.done() for a in asked)
        stop.set()
        answers = [a.result(timeout=BOUND_S) for a in asked]
    assert all(a["v"] == seen for a in answers)  # nothing changed: they are told so
