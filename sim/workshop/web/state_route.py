"""``/api/state`` and ``/api/live``: how a page learns of a change, and what it then shows.

A page sends the version of the state it last saw (``since``). The answer comes at once
when the version differs; otherwise the request is held until it changes, or for
:data:`HOLD_S` at most, and the page asks again at once. An idle page so costs one small
request every few seconds and nothing in between, and learns of a change within
:data:`CHECK_S` of it. The version covers what a page shows without asking for its
parts: the game's log position, the server's run (``epoch``), the countdown and, on the
console, the background work. The countdown is sent as seconds left, which the page
counts down by itself.

Told of a change, the page asks ``/api/live`` with the fingerprints of the parts it
shows, and is sent the parts that changed, as HTML and chart figures built once per
change and role (:mod:`sim.workshop.web.views`), which it sets in place.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from typing import Any

from flask import Flask, Response, jsonify, request

from sim.workshop.web.actions import WebGame
from sim.workshop.web.security import LIVE_PATH, STATE_PATH
from sim.workshop.web.views import drawn_keys, update

log = logging.getLogger(__name__)

HOLD_S = 10.0
"""How long a question is held when nothing changes. Short enough that a page whose
server went away learns of it soon; long enough that an idle room costs nothing."""
CHECK_S = 0.05
"""How often a held question looks at the game: the delay it adds to an update."""
STOP_KEY = "alignsim.workshop.stop"
"""Where the Flask app keeps the event that ends every held question (the server stops)."""


def state(web: WebGame, role: str) -> dict[str, Any]:
    """What a page of ``role`` learns from the state route, with its version ``v``."""
    game = web.game
    timer = web.running_timer()
    shown: dict[str, Any] = {
        "seq": game.seq,
        "turn": game.turn,
        "phase": game.phase.value,
        "epoch": web.epoch,
        "timer": None if timer is None else {"phase": timer.phase, "left": web.timer_left()},
        "job": web.jobs.status() if role == "control" else "",
    }
    ends = None if timer is None else timer.ends
    seen = f"{web.epoch}:{game.seq}:{game.turn}:{game.phase.value}:{ends}:{shown['job']}"
    # Short and plain (it goes back in the page's next URL), and says nothing by itself.
    shown["v"] = hashlib.blake2b(seen.encode(), digest_size=8).hexdigest()
    return shown


def hold(
    web: WebGame, role: str, since: str | None, stop: threading.Event, hold_s: float = HOLD_S
) -> dict[str, Any]:
    """The state of ``role`` once its version is not ``since`` (at once if it is not),
    or after ``hold_s`` seconds, or when ``stop`` is set."""
    shown = state(web, role)
    end = time.monotonic() + hold_s
    while shown["v"] == since and time.monotonic() < end:
        if stop.wait(CHECK_S):
            break
        shown = state(web, role)
    return shown


def install(server: Flask, web: WebGame) -> None:
    """``GET /api/state?code=...&since=...`` and ``GET /api/live?code=...&have=...``;
    nothing for a wrong code. :mod:`sim.workshop.web.serve` sets the event kept under
    :data:`STOP_KEY` on shutdown, which ends every held question."""
    stop = server.extensions.setdefault(STOP_KEY, threading.Event())

    @server.get(STATE_PATH)
    def answer() -> Any:
        role = web.codes.role_for(request.args.get("code"))
        if role is None:
            return refused()
        return jsonify(hold(web, role, request.args.get("since"), stop))

    @server.get(LIVE_PATH)
    def live() -> Any:
        role = web.codes.role_for(request.args.get("code"))
        if role is None:
            return refused()
        try:
            _, shown = web.views.get(role)
        except Exception:  # never a traceback on a screen: the page asks again
            log.exception("building the %s page failed", role)
            text = "This page could not be drawn; it is drawn again in a moment.\n"
            return Response(text, 500, mimetype="text/plain")
        body = update(shown, drawn_keys(request.args.get("have")))
        return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})


def refused() -> Response:
    """The answer to a wrong or missing join code."""
    return Response("This join code is not valid for this game.\n", 403, mimetype="text/plain")
