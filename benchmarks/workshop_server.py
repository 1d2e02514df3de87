"""How fast the workshop server brings thirty screens up to date, without browsers.

    .venv/bin/python benchmarks/workshop_server.py [--screens 30] [--turns 3]
        [--scenario scenarios/baseline-point.yaml]

``benchmarks/workshop_room.py`` drives real browsers; on this 2-core machine thirty
chromium pages drawing Plotly charts take most of the CPU the server would need (in a
room every screen is its own laptop). This benchmark measures the server alone: the game
is served in this process (:func:`sim.workshop.web.serve.start`, the threaded server),
and each screen is a thread that does what a page does over HTTP (``assets/poll.js``): it
keeps a question open to ``/api/state`` with the version it last saw (the server answers
when the game changes), and when the log position changed it asks ``/api/live`` for the
parts of its live column that changed, with the fingerprints of those it shows, as the
page does. The screens are the
room's: 1 console, 12 team screens (4 teams x 3), 2 projectors, 15 observers. The white
cell acts through the engine's web actions (``sim.workshop.web.actions.control``) in
this process: next phase to planning, locked, adjudication, propose (in the background;
the wait is for the proposal's write), commit and next phase to the next briefing, for
``--turns`` turns.

For every action it prints p50, p95 and max of the latency from the action returning to
each screen having received its new live part, and the screens stale after 3 s; the
reference is the same with one screen, in the same run. Loopback only; every wait is
bounded and the threads stop at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shlex
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

from sim.workshop.game import Game
from sim.workshop.phases import Phase
from sim.workshop.web import actions
from sim.workshop.web.app import create_app
from sim.workshop.web.layouts import PARTS
from sim.workshop.web.serve import start

ROOT = Path(__file__).resolve().parent.parent
TEAMS = ["JPN", "RUS", "CHN", "USA"]
STALE_S = 3.0
WAIT_S = 20.0
RETRY_S = 0.5  # as a page: how soon it asks again after a failed question


def room_roles(screens: int) -> list[str]:
    """The roles of the room's screens: console, 3 per team, 2 projectors, observers."""
    roles = ["control"] + [f"team:{t}" for t in TEAMS for _ in range(3)] + ["projector"] * 2
    roles += ["observer"] * max(0, screens - len(roles))
    return roles[:screens]


class Screen(threading.Thread):
    """One screen: keeps a question open to the state route, fetches its live part when
    the game changed. Each screen connects from a loopback address of its own
    (127.0.0.2, 127.0.0.3 ...), as each laptop of a room has its own: the server's rate
    limit is per code and address, and the fifteen observers share one code."""

    def __init__(self, base: str, code: str, stop: threading.Event, address: str) -> None:
        super().__init__(daemon=True)
        self.host, self.port = urlsplit(base).hostname, urlsplit(base).port
        self.code, self.stop, self.address = code, stop, address
        self.since = ""  # the version of the state route's last answer
        self.questions = 0  # questions asked of the state route
        self.seen_seq = -1
        self.updated: dict[int, float] = {}  # seq -> when its live part arrived
        self.errors = 0
        self.failures: Counter[str] = Counter()  # what went wrong, and how often
        self.drawn: dict | None = None  # the fingerprints of the parts it shows
        self.received = 0  # parts sent to it (a part unchanged is not sent)

    def ask(self, method: str, path: str, body: bytes | None = None) -> dict:
        """One request from this screen's address; its JSON answer (OSError if not 200)."""
        conn = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.address, 0)
        )
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            if answer.status != 200:
                raise OSError(f"HTTP {answer.status}")
            return json.loads(data)
        finally:
            conn.close()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.questions += 1
                state = self.ask("GET", f"/api/state?code={self.code}&since={quote(self.since)}")
                if state["seq"] != self.seen_seq:
                    self.render(state)
                    self.seen_seq = state["seq"]
                    self.updated[state["seq"]] = time.monotonic()
                # Only once the page shows it: a failed drawing is asked for again.
                self.since = state["v"]
            except Exception as exc:  # a failed request is counted; the page retries soon
                if not self.stop.is_set():  # (at the end the server stops under it)
                    self.errors += 1
                    self.failures[type(exc).__name__ + ": " + str(exc)[:60]] += 1
                self.stop.wait(RETRY_S)

    def render(self, state: dict) -> None:
        """Ask for the live part as the page does: with the fingerprints of the parts it
        shows, so that only the changed parts come back."""
        have = ",".join(f"{k}.{v}" for k, v in (self.drawn or {}).items())
        answer = self.ask("GET", f"/api/live?code={self.code}&have={quote(have)}")
        self.received += len(answer["parts"])
        self.drawn = answer["keys"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(scenario: Path, screens: int, turns: int, label: str) -> list[float]:
    """Serve a fresh game to ``screens`` screens, play ``turns`` turns; print and return
    every latency (s)."""
    folder = Path(tempfile.mkdtemp(prefix="workshop-server-"))
    box: dict = {}

    def factory():
        game = Game.create(folder / "game.sqlite", scenario, None, TEAMS)
        app, web = create_app(game, out_dir=folder / "aar")
        box["web"] = web
        return app, web

    running = start(factory, cleanup=lambda web: web.game.close())
    web: actions.WebGame = box["web"]
    codes = {r: web.codes.code(r) for r in web.codes.roles}
    stop = threading.Event()
    room = [
        Screen(running.url, codes[r], stop, f"127.0.0.{2 + k}")
        for k, r in enumerate(room_roles(screens))
    ]
    for s in room:
        s.start()
    ctl = f"?code={codes['control']}"
    rows: dict[str, list[float]] = {}
    stale = 0
    started = time.monotonic()

    def act(kind: str, do) -> None:
        nonlocal stale
        message = do()
        if message.startswith("Refused"):
            raise SystemExit(f"{label}: {kind} refused: {message}")
        done, seq = time.monotonic(), web.game.seq
        end = done + WAIT_S
        while time.monotonic() < end and any(seq not in s.updated for s in room):
            time.sleep(0.01)
        for s in room:
            got = s.updated.get(seq)
            if got is None or got - done > STALE_S:
                stale += 1
            if got is not None:
                rows.setdefault(kind, []).append(max(0.0, got - done))

    try:
        for _ in range(turns):
            for phase in ("planning", "locked", "adjudication"):
                act(phase, lambda: actions.control(web, ctl, "advance", {}))
            actions.control(web, ctl, "propose", {})
            assert web.jobs.wait(300), "the proposal did not finish"
            act("commit", lambda: actions.control(web, ctl, "commit", {}))
            if web.game.phase is Phase.RESULTS and not web.game.finished:
                act("briefing", lambda: actions.control(web, ctl, "advance", {}))
    finally:
        stop.set()
        running.stop()  # which answers the questions held open
        for s in room:
            s.join(timeout=35)
    every = [x for xs in rows.values() for x in xs]
    print(f"== {label}: {screens} screen(s), {turns} turn(s) ==")
    print("  action         n     p50     p95     max")
    for kind, xs in rows.items():
        p50, p95 = percentile(xs, 0.5), percentile(xs, 0.95)
        print(f"  {kind:<12} {len(xs):>3}  {p50:6.2f}  {p95:6.2f}  {max(xs):6.2f}")
    print(
        f"  all          {len(every):>3}  {percentile(every, 0.5):6.2f}  "
        f"{percentile(every, 0.95):6.2f}  {max(every):6.2f}"
    )
    errors = sum(s.errors for s in room)
    renders = sum(len(s.updated) for s in room)
    sent = sum(s.received for s in room) / max(1, renders)
    print(
        f"  stale after {STALE_S:g} s: {stale}; failed requests: {errors}; views built: "
        f"{web.views.builds}; parts sent per update: {sent:.1f} of {len(PARTS)}; "
        f"time {time.monotonic() - started:.1f} s"
    )
    elapsed = (time.monotonic() - started) / 60
    asked = sum(s.questions for s in room) / max(1, len(room)) / max(elapsed, 1e-9)
    print(f"  questions to /api/state: {asked:.1f} per screen per minute")
    failures = sum((s.failures for s in room), Counter())
    for what, n in failures.most_common(3):
        print(f"  failed: {n} x {what}")
    return every


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screens", type=int, default=30)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/baseline-point.yaml")
    args = parser.parse_args()
    reference = measure(args.scenario, 1, 1, "reference")
    room = measure(args.scenario, args.screens, args.turns, "room")
    ratio = percentile(room, 0.95) / max(percentile(reference, 0.95), 1e-9)
    print(f"p95 of the room against one screen: x{ratio:.1f}")
    print(
        "command:", shlex.join([".venv/bin/python", "benchmarks/workshop_server.py", *sys.argv[1:]])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
