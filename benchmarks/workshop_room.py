"""How long a room of screens waits to see the white cell's actions (issue 12).

    .venv/bin/python benchmarks/workshop_room.py --screens 30 --turns 3
        [--teams JPN,RUS,CHN,USA] [--laptops-per-team 3] [--projectors 2]
        [--scenario scenarios/baseline-point.yaml] [--in-process]
        [--external URL --codes FILE] [--server-root DIR]

Serves a fresh game on the scenario, with the teams, and opens ``--screens`` pages in one
headless chromium (Debian's, through Playwright's async API, so that every page waits
at the same time in one thread), each in its own browser context as a laptop in the room
would be: the white cell's console, ``--laptops-per-team`` team pages per team,
``--projectors`` projectors and observers for the rest (30 = 1 + 4 x 3 + 2 + 15).

**The server.** By default the room's own command, ``python run.py workshop SCENARIO
--teams ... --port 0 --game PATH`` in a subprocess (its join URLs read from its
stdout; it binds to 127.0.0.1), so that the server has a process and a GIL of its own
as it has in the room. ``--in-process`` serves the game with
:func:`sim.workshop.web.serve.start` in a thread of this process instead (werkzeug's
request log silenced). ``--external URL --codes FILE`` measures a server that is
already running (FILE: the lines the workshop command printed, or ``role code`` lines,
or a JSON object of role to code); its game must stand at a briefing.

**The turns.** Everything goes through the pages, as in the room. The white cell clicks
the console's buttons: Next phase (planning), then, once the teams have acted, Next
phase (locked), Next phase (adjudication), Propose, Accept and commit, and Next phase
(the next turn's briefing). One laptop per team acts (chooses the first move and target
its page offers, writes a rationale, submits and marks ready; all teams at once); the
other laptops only watch.

**What is measured.** Every page carries a MutationObserver (an init script) that writes
down, with the browser's clock, when each new text of the turn line (``#turn-label``,
"Turn 2 of 40 · 2014-Q2 · planning"), of the console's and the team's message lines and
of the console's proposal title was on the screen: the first task after the next
animation frame, which runs once that frame has been painted. A page sets all its
changed parts in one task and asks Plotly to draw its charts in it (``assets/poll.js``),
so the frame that shows the new turn line shows the other parts' change too. The white
cell's action is *acknowledged* when the console's message line says so ("Phase:
planning.", "Turn 1 committed."); a screen's *latency* is the time from that
acknowledgement to its turn line showing the new turn and phase (for Propose, which only
the console shows: to the console's "Proposal for turn N"); a screen that shows it
before the acknowledgement arrives counts 0. Each wait is bounded (``--wait``, 10 s); a
screen that has not shown the new state after ``--stale`` (3 s), or at all, is *stale*.
Also measured: the acknowledgement time of every action (click to message), page loads,
and the HTTP answers that were not 200 (429: the server's rate limit).

**The reference.** Before the room, the same actions for ``--reference-turns`` turns (2)
on a second fresh game with one screen (the console) alone, in the same run: the room's
figures read as ratios to it, since this shared machine's speed varies by a factor of
three. ``--reference-turns 0`` skips it (so does ``--external``). ``--server-root DIR``
serves another tree's code (e.g. ``git archive HEAD`` unpacked in DIR) with this
benchmark, to measure a baseline while the working tree changes.

**Caveat.** The browsers run on the same two cores as the server: 30 pages drawing
Plotly charts cost CPU that laptops in a room would bring themselves. So chromium runs
under ``nice -n 10`` (``--browser-nice``; 0: not), which lets the server go first as if
the screens were other laptops, and the report gives the CPU the server, chromium and
the machine used. Background throttling of timers is switched off in chromium (in the
room each screen is in the foreground), so that no page's timers are slowed down. The
white cell, as a facilitator would, acts only on a console that shows the last action's
state: when the console is itself stale, the next click waits until it is not (a click on
a stale console is refused by the engine and would end the run).

Ends by itself: every wait is bounded and a global ``--deadline`` stops the driving; the
browser, the contexts and the server (SIGINT, then terminate, then kill) are closed in
``finally`` blocks. Nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from browser import ARGS as BROWSER_ARGS
from browser import CHROMIUM, LAUNCH_MS

ROOT = Path(__file__).resolve().parent.parent
LOCALHOST = "127.0.0.1"
ARGS = [
    *BROWSER_ARGS,
    # Every screen of the room is a foreground page: no throttled timers.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
PAGE_LOAD_S = 90.0  # a bound on one page's first drawing, not a speed target
SERVER_START_S = 180.0
TEAM_STEP_S = 60.0  # a bound on each of a team's clicks being answered
PROPOSE_ACK_S = 300.0  # the model's proposal runs the look-ahead fan
OPEN_AT_ONCE = 3  # pages opened at the same time (30 at once is not how a room arrives)

# Written into every page before its scripts: each new text of the markers, with the
# browser's clock (Date.now(), one clock for every page on this machine).
WATCH_JS = """
(() => {
  const log = [];
  const last = {};
  window.__room = log;
  const text = (id) => { const e = document.getElementById(id); return e ? e.textContent : null; };
  const proposal = () => {
    const t = document.getElementById('proposal-table');
    if (!t) return null;
    const box = t.closest('.card');
    const head = box ? box.querySelector(':scope > .card-header') : null;
    return head ? head.textContent : '';
  };
  const check = () => {
    const now = Date.now();
    const seen = {label: text('turn-label'), ctl: text('ctl-msg'), team: text('team-msg'),
                  proposal: proposal()};
    const wake = () => { for (const w of [...(window.__roomWaiting || [])]) w(); };
    for (const k in seen) {
      if (seen[k] === last[k]) continue;
      last[k] = seen[k];
      // [key, text, when the text changed, when the frame that shows it was drawn]: a
      // task after the next animation frame runs once that frame has been painted.
      const entry = [k, seen[k], now, null];
      log.push(entry);
      requestAnimationFrame(() => setTimeout(() => { entry[3] = Date.now(); wake(); }, 0));
    }
  };
  const start = () => {
    new MutationObserver(check).observe(document.documentElement,
      {subtree: true, childList: true, characterData: true});
    check();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
"""

# The first marker event at or after `after` whose text has every one of `parts` (or one
# of `refusals`): the time its frame was painted and its text, or null after `timeout`
# ms. The page's observer wakes the wait whenever a marker has been painted.
FIND_JS = """
(a) => new Promise((done) => {
  const look = () => {
    for (const [k, v, changed, t] of (window.__room || [])) {
      if (k !== a.key || changed < a.after || v === null || t === null) continue;
      if (a.parts.every((p) => v.includes(p))) return {t: t, text: v};
      if (a.refusals.some((p) => v.includes(p))) return {t: t, text: v};
    }
    return null;
  };
  const now = look();
  if (now) { done(now); return; }
  const waiting = window.__roomWaiting || (window.__roomWaiting = []);
  const stop = () => waiting.splice(waiting.indexOf(wake), 1);
  const wake = () => {
    const got = look();
    if (got) { clearTimeout(bound); stop(); done(got); }
  };
  const bound = setTimeout(() => { stop(); done(null); }, a.timeout);
  waiting.push(wake);
})
"""
REFUSALS = ["Refused", "went wrong"]


# --- the room ----------------------------------------------------------------------------


@dataclass
class Screen:
    """One page in the room: its name ("team:JPN#2"), role, and whether it acts."""

    name: str
    role: str
    acts: bool = False
    page: Any = None
    load_s: float | None = None
    answers: Counter[int] = field(default_factory=Counter)

    @property
    def kind(self) -> str:
        """control, team, observer or projector."""
        return self.role.partition(":")[0]


def roster(n: int, teams: list[str], laptops: int, projectors: int) -> list[Screen]:
    """The room's screens: the console, one acting laptop per team, a projector and an
    observer, then the watching laptops, the other projectors and observers up to n."""
    if n < 1 + len(teams):
        raise SystemExit(f"--screens {n}: need at least 1 + {len(teams)} (console, one per team)")
    screens = [Screen("control", "control")]
    screens += [Screen(f"team:{t}#1", f"team:{t}", acts=True) for t in teams]
    extra = [Screen(f"team:{t}#{k}", f"team:{t}") for k in range(2, laptops + 1) for t in teams]
    shows = [Screen(f"projector#{k}", "projector") for k in range(1, projectors + 1)]
    first = [*shows[:1], Screen("observer#1", "observer")]
    order = first + extra + shows[1:]
    screens += order[: n - len(screens)]
    for k in range(2, n - len(screens) + 2):
        screens.append(Screen(f"observer#{k}", "observer"))
    return screens


@dataclass
class Sample:
    """How long one screen took to show one action's new state (None: not within the
    wait)."""

    screen: Screen
    latency: float | None


@dataclass
class Action:
    """One white-cell action of one turn, its acknowledgement and what each screen saw."""

    kind: str
    turn: int
    ack_s: float | None = None
    ack_text: str = ""
    samples: list[Sample] = field(default_factory=list)


@dataclass
class Room:
    """What one room measured."""

    label: str
    screens: list[Screen]
    actions: list[Action] = field(default_factory=list)
    team_acks: dict[str, list[float | None]] = field(default_factory=dict)
    stopped: str = ""
    seconds: float = 0.0
    server_cpu_s: float | None = None
    browser_cpu_s: float = 0.0
    machine_busy: float = 0.0  # the share of all cores that was busy


class Stop(Exception):
    """The run cannot go on (a refusal, no acknowledgement, the deadline); why."""


@dataclass
class Clock:
    """The global deadline, and the bound of a white-cell action's acknowledgement."""

    ends: float
    ack_s: float = 60.0

    def left(self, bound: float) -> float:
        """``bound`` seconds or what is left of the run, whichever is less."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise Stop("the global deadline passed")
        return min(bound, left)


def machine_busy() -> tuple[float, float]:
    """The machine's busy and total CPU seconds so far (/proc/stat, Linux; else 0, 0)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    return (sum(fields) - idle) / tick, sum(fields) / tick


def browser_cpu() -> float:
    """CPU seconds used so far by the chromium processes alive now (Linux; else 0)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError, IndexError):
            continue
        if name.startswith("chrom"):
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# --- servers -----------------------------------------------------------------------------


@dataclass
class Server:
    """A served game: its base URL, its join codes, and how to read its CPU time."""

    url: str
    codes: dict[str, str]
    pid: int | None = None

    def cpu_s(self) -> float | None:
        """CPU seconds the server process has used (subprocess mode, Linux), or None."""
        if self.pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


URL_LINE = re.compile(r"^\s*(\S+)\s+(http://[^/\s]+)/play\?code=(\S+)\s*$")


@contextmanager
def subprocess_server(
    scenario: Path, teams: list[str], folder: Path, root: Path = ROOT
) -> Iterator[Server]:
    """``python run.py workshop`` of the tree ``root`` on a new game in ``folder``;
    stopped with SIGINT."""
    cmd = [
        sys.executable,
        str(root / "run.py"),
        "workshop",
        str(scenario),
        "--teams",
        ",".join(teams),
        "--port",
        "0",
        "--game",
        str(folder / "game.sqlite"),
    ]
    errors = (folder / "server.log").open("w")
    # The tree's own sim package first, whatever the venv has installed.
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=errors, text=True, bufsize=1
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, name="server-stdout", daemon=True).start()
    try:
        codes: dict[str, str] = {}
        base = ""
        ends = time.monotonic() + SERVER_START_S
        while True:
            try:
                line = lines.get(timeout=max(0.1, ends - time.monotonic()))
            except queue.Empty:
                raise Stop(f"the server printed no join URLs in {SERVER_START_S:.0f} s") from None
            if line is None:
                errors.flush()
                tail = (folder / "server.log").read_text()[-2000:]
                raise Stop(f"the server stopped (exit {proc.wait()}): {tail}")
            if m := URL_LINE.match(line):
                base, codes[m.group(1)] = m.group(2), m.group(3)
            if line.startswith("serving"):
                break
        yield Server(base, codes, proc.pid)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # the command's own way to stop
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        errors.close()


@contextmanager
def in_process_server(
    scenario: Path, teams: list[str], folder: Path, root: Path = ROOT
) -> Iterator[Server]:
    """The game served by :func:`sim.workshop.web.serve.start` of the tree ``root`` in a
    thread of this process (the game is created in that thread: SQLite wants it so)."""
    if root != ROOT and str(root) not in sys.path:
        sys.path.insert(0, str(root))  # before sim is first imported: the tree's own
    from sim.workshop.game import Game
    from sim.workshop.web.app import create_app
    from sim.workshop.web.serve import start

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    def factory() -> Any:
        game = Game.create(folder / "game.sqlite", scenario, teams=teams)
        return create_app(game, out_dir=folder / "aar")

    running = start(factory, host=LOCALHOST, port=0, cleanup=lambda web: web.game.close())
    try:
        web = running.made
        yield Server(running.url, {r: web.codes.code(r) for r in web.codes.roles})
    finally:
        running.stop()


@contextmanager
def external_server(url: str, codes_file: Path) -> Iterator[Server]:
    """A server already running; its codes from a file."""
    text = codes_file.read_text()
    codes: dict[str, str] = {}
    try:
        loaded = json.loads(text)
        codes = {str(k): str(v) for k, v in loaded.items()}
    except (ValueError, AttributeError):
        for line in text.splitlines():
            if m := URL_LINE.match(line):
                codes[m.group(1)] = m.group(3)
            elif len(parts := line.split()) == 2:
                codes[parts[0]] = parts[1]
    yield Server(url.rstrip("/"), codes)


# --- pages -------------------------------------------------------------------------------


async def find(page: Any, key: str, parts: list[str], after: float, timeout_s: float) -> Any:
    """The first ``key`` marker text at or after ``after`` with all of ``parts`` (or a
    refusal): {t, text}, or None if none came within ``timeout_s``."""
    from playwright.async_api import Error

    bound_ms = max(1.0, timeout_s * 1000)
    arg = {"key": key, "parts": parts, "after": after, "refusals": REFUSALS, "timeout": bound_ms}
    try:
        # Woken by the page's own MutationObserver, not polled: thirty pages polled ten
        # times a second cost the browser CPU a room's laptops would not spend.
        return await asyncio.wait_for(page.evaluate(FIND_JS, arg), bound_ms / 1000 + 30)
    except TimeoutError:
        return None
    except Error as exc:  # a page that crashed or closed counts as not shown
        logging.getLogger(__name__).warning("a page failed: %s", exc)
        return None


async def now_ms(page: Any) -> float:
    """The browser's clock, in ms since the epoch."""
    return float(await page.evaluate("Date.now()"))


async def open_screen(browser: Any, base: str, code: str, screen: Screen, clock: Clock) -> None:
    """Open the screen's page in its own context; wait for its turn line (one reload if
    the first load does not get there)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(WATCH_JS)
    page = await context.new_page()
    page.on("response", lambda r: screen.answers.update([r.status]))
    # the console asks before a commit ("Commit turn 3 as shown?"): the white cell says yes
    page.on("dialog", lambda d: asyncio.ensure_future(d.accept()))
    screen.page = page
    start = time.monotonic()
    for attempt in range(2):
        try:
            bound = clock.left(PAGE_LOAD_S)
            if attempt == 0:
                await page.goto(f"{base}/play?code={code}", timeout=bound * 1000)
            else:
                await page.reload(timeout=bound * 1000)
            await page.locator("#turn-label").wait_for(timeout=clock.left(PAGE_LOAD_S) * 1000)
            screen.load_s = time.monotonic() - start
            return
        except Stop:
            raise
        except Exception:  # a page that does not load is reported, not fatal
            continue


async def open_room(browser: Any, server: Server, screens: list[Screen], clock: Clock) -> None:
    """Open every screen, a few at a time."""
    missing = {s.role for s in screens} - set(server.codes)
    if missing:
        raise Stop(f"no join code for {', '.join(sorted(missing))}")
    gate = asyncio.Semaphore(OPEN_AT_ONCE)

    async def one(screen: Screen) -> None:
        async with gate:
            await open_screen(browser, server.url, server.codes[screen.role], screen, clock)

    await asyncio.gather(*(one(s) for s in screens))


async def choose(page: Any, dropdown: str, clock: Clock, prefer: str | None = None) -> str:
    """Pick an option of a dcc.Dropdown (``prefer`` if offered, else the first); its
    label. Options come from a callback: try again until they are there."""
    ends = time.monotonic() + clock.left(TEAM_STEP_S)
    while time.monotonic() < ends:
        await page.locator(f"#{dropdown}").click(timeout=clock.left(TEAM_STEP_S) * 1000)
        options = page.get_by_role("option")
        try:
            await options.first.wait_for(timeout=3000)
        except Exception:  # not loaded yet: close and look again
            await page.keyboard.press("Escape")
            await asyncio.sleep(0.5)
            continue
        names = [n.strip() for n in await options.all_inner_texts()]
        pick = names.index(prefer) if prefer in names else 0
        await options.nth(pick).click(timeout=10_000)
        return names[pick]
    raise TimeoutError(f"#{dropdown} offered no option in {TEAM_STEP_S:.0f} s")


async def team_click(page: Any, button: str, expect: str, clock: Clock) -> float | None:
    """Click a team button; seconds until the team's message line says ``expect``."""
    after = await now_ms(page)
    await page.locator(f"#{button}").click(timeout=clock.left(TEAM_STEP_S) * 1000)
    got = await find(page, "team", [expect], after, clock.left(TEAM_STEP_S))
    if got is None or expect not in got["text"]:
        return None
    return (got["t"] - after) / 1000


async def team_turn(screen: Screen, turn: int, clock: Clock, acks: dict[str, list]) -> None:
    """One team's move and readiness through its page."""
    page = screen.page
    try:
        await choose(page, "team-move", clock, prefer="Hold steady")
        await choose(page, "team-target", clock)
        await page.locator("#team-rationale").fill(f"Turn {turn}: {screen.name} holds.")
        acks["submit"].append(await team_click(page, "team-submit", "Submitted", clock))
        # A click on Ready while Submit is still in flight can be lost: wait for it.
        await page.locator('#team-msg:not([data-dash-is-loading="true"])').wait_for(
            timeout=clock.left(TEAM_STEP_S) * 1000
        )
        acks["ready"].append(await team_click(page, "team-ready", "Marked ready", clock))
    except Stop:
        raise
    except Exception as exc:  # a team that could not act is reported
        acks.setdefault("failed", []).append(None)
        print(f"  ({screen.name} could not act in turn {turn}: {type(exc).__name__})", flush=True)


# --- the white cell ----------------------------------------------------------------------

PHASE_ACK = "Phase: {}."


async def white_cell(
    room: Room,
    kind: str,
    turn: int,
    button: str,
    ack: str,
    state: tuple[str, list[str]],
    clock: Clock,
    wait_s: float,
    only_console: bool = False,
) -> Action:
    """Click ``button`` on the console; wait for ``ack`` in its message line, then for
    every screen's ``state`` marker (key, text parts), up to ``wait_s`` after the ack."""
    console = room.screens[0].page
    action = Action(kind, turn)
    room.actions.append(action)
    after = await now_ms(console)
    await console.locator(f"#{button}").click(timeout=clock.left(clock.ack_s) * 1000)
    bound = max(PROPOSE_ACK_S, clock.ack_s) if kind == "propose" else clock.ack_s
    got = await find(console, "ctl", [ack], after, clock.left(bound))
    if got is None:
        raise Stop(f"{kind} in turn {turn}: no acknowledgement within {bound:.0f} s")
    action.ack_text = got["text"]
    if ack not in got["text"]:
        raise Stop(f"{kind} in turn {turn}: {got['text']}")
    t_ack = got["t"]
    action.ack_s = (t_ack - after) / 1000
    started = time.monotonic()
    key, parts = state
    watched = [s for s in room.screens if s.page is not None and s.load_s is not None]
    if only_console:
        watched = watched[:1]

    bound = clock.left(wait_s)  # the deadline is checked once, not inside the gather

    async def one(screen: Screen) -> Sample:
        left = min(bound, wait_s) - (time.monotonic() - started)
        seen = await find(screen.page, key, parts, after, max(0.5, left))
        if seen is None or not all(p in seen["text"] for p in parts):
            return Sample(screen, None)
        latency = max(0.0, (seen["t"] - t_ack) / 1000)
        return Sample(screen, latency if latency <= wait_s else None)

    action.samples = list(await asyncio.gather(*(one(s) for s in watched)))
    if action.samples and action.samples[0].latency is None:
        # The console is stale: a facilitator waits for it before the next click.
        await find(console, key, parts, after, clock.left(clock.ack_s))
    return action


def label_state(turn: int, phase: str) -> tuple[str, list[str]]:
    """The turn line of ``turn`` in ``phase`` ("Turn 2 of 40 · 2014-Q2 · planning")."""
    return "label", [f"Turn {turn} of ", f"· {phase}"]


async def play(room: Room, turns: int, clock: Clock, wait_s: float) -> None:
    """Play ``turns`` turns from the briefing the game stands at."""
    console = room.screens[0]
    if console.load_s is None:
        raise Stop("the white cell's console did not load")
    label = await console.page.locator("#turn-label").text_content() or ""
    m = re.search(r"Turn (\d+) of (\d+) .*· (\w+)\s*$", label)
    if not m or m.group(3) != "briefing":
        raise Stop(f"the game must stand at a briefing; the console shows {label!r}")
    first, total = int(m.group(1)), int(m.group(2))
    teams = [s for s in room.screens if s.acts and s.load_s is not None]
    room.team_acks = {"submit": [], "ready": []}
    for turn in range(first, min(first + turns, total + 1)):
        go = (room, "planning", turn, "ctl-advance", PHASE_ACK.format("planning"))
        await white_cell(*go, label_state(turn, "planning"), clock, wait_s)
        await asyncio.gather(*(team_turn(s, turn, clock, room.team_acks) for s in teams))
        for phase in ("locked", "adjudication"):
            go = (room, phase, turn, "ctl-advance", PHASE_ACK.format(phase))
            await white_cell(*go, label_state(turn, phase), clock, wait_s)
        proposal = ("proposal", [f"Proposal for turn {turn}"])
        # Propose runs in the background: the click is acknowledged at once ("Started"),
        # the console shows the proposal when the model is done (the latency measured).
        go = (room, "propose", turn, "ctl-propose", f"Started: the model is proposing turn {turn}")
        await white_cell(*go, proposal, clock, PROPOSE_ACK_S, only_console=True)
        go = (room, "commit", turn, "ctl-commit", f"Turn {turn} committed")
        await white_cell(*go, label_state(turn, "results"), clock, wait_s)
        if turn + 1 < min(first + turns, total + 1):
            go = (room, "briefing", turn + 1, "ctl-advance", PHASE_ACK.format("briefing"))
            await white_cell(*go, label_state(turn + 1, "briefing"), clock, wait_s)


async def measure_room(
    browser: Any,
    server: Server,
    screens: list[Screen],
    turns: int,
    clock: Clock,
    wait_s: float,
    label: str,
) -> Room:
    """Open the screens, play the turns, close the contexts; what was measured."""
    room = Room(label, screens)
    start = time.monotonic()
    cpu, chromium, (busy, total) = server.cpu_s(), browser_cpu(), machine_busy()
    try:
        await open_room(browser, server, screens, clock)
        print(f"  {label}: {sum(s.load_s is not None for s in screens)} pages open", flush=True)
        await play(room, turns, clock, wait_s)
    except Stop as exc:
        room.stopped = str(exc)
    finally:
        room.seconds = time.monotonic() - start
        end_cpu = server.cpu_s()
        if cpu is not None and end_cpu is not None:
            room.server_cpu_s = end_cpu - cpu
        room.browser_cpu_s = browser_cpu() - chromium  # before the contexts close
        end_busy, end_total = machine_busy()
        room.machine_busy = (end_busy - busy) / max(end_total - total, 1e-9)
        for s in screens:
            if s.page is not None:
                with contextlib.suppress(Exception):  # a dead context is not news
                    await s.page.context.close()
    return room


# --- the report --------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (inf stands for not shown within the wait)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def seconds(value: float | None, wait_s: float) -> str:
    if value is None or math.isinf(value):
        return f">{wait_s:g}"
    return f"{value:.2f}"


def row(name: str, samples: list[Sample], stale_s: float, wait_s: float) -> str:
    """One line: screens measured, p50, p95, max, stale (by role), not shown."""
    values = [math.inf if s.latency is None else s.latency for s in samples]
    if not values:
        return f"  {name:<14} {'-':>6}"
    stale = [s for s in samples if s.latency is None or s.latency > stale_s]
    missed = sum(s.latency is None for s in samples)
    kinds = Counter(s.screen.kind for s in stale)
    who = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "-"
    p50, p95, top = (percentile(values, q) for q in (0.5, 0.95, 1.0))
    return (
        f"  {name:<14} {len(values):>6} {seconds(p50, wait_s):>7} {seconds(p95, wait_s):>7} "
        f"{seconds(top, wait_s):>7} {len(stale):>6} {missed:>7}  {who}"
    )


def acks_line(name: str, values: list[float | None]) -> str:
    got = sorted(v for v in values if v is not None)
    if not got:
        return f"  {name:<14} n={len(values)} none acknowledged"
    lost = len(values) - len(got)
    return f"  {name:<14} n={len(values)} p50 {percentile(got, 0.5):.2f} s, max {got[-1]:.2f} s" + (
        f", {lost} not acknowledged" if lost else ""
    )


KINDS = ["planning", "locked", "adjudication", "propose", "commit", "briefing"]


def report(room: Room, stale_s: float, wait_s: float) -> dict[str, float]:
    """Print what the room measured; the overall p50 latency and p50 ack (for ratios)."""
    print(f"\n== {room.label} ==")
    loaded = [s for s in room.screens if s.load_s is not None]
    roles = Counter(s.kind for s in room.screens)
    print(
        f"screens: {len(room.screens)} ("
        + ", ".join(f"{k} {n}" for k, n in roles.items())
        + f"); loaded {len(loaded)}"
        + (
            f", load p50 {percentile([s.load_s for s in loaded], 0.5):.1f} s, "
            f"max {max(s.load_s for s in loaded):.1f} s"
            if loaded
            else ""
        )
    )
    failed = [s.name for s in room.screens if s.load_s is None]
    if failed:
        print(f"  not loaded: {', '.join(failed)}")
    answers: Counter[int] = Counter()
    for s in room.screens:
        answers.update(s.answers)
    other = {k: v for k, v in sorted(answers.items()) if k != 200}
    print(f"HTTP answers: {sum(answers.values())}, not 200: {other or 'none'}")
    print(
        f"\nlatency from the white cell's ack to each screen showing it (s); stale: not "
        f"shown after {stale_s:g} s; not shown: not within {wait_s:g} s"
    )
    print(f"  {'action':<14} {'n':>6} {'p50':>7} {'p95':>7} {'max':>7} {'stale':>6} {'unshown':>7}")
    every: list[Sample] = []
    for kind in KINDS:
        samples = [x for a in room.actions if a.kind == kind for x in a.samples]
        if samples:
            note = " (console only)" if kind == "propose" else ""
            print(row(kind, samples, stale_s, wait_s) + note)
            if kind != "propose":
                every += samples
    print(row("all (no propose)", every, stale_s, wait_s))
    print("\nacknowledgement: the white cell's click to its message (s)")
    for kind in KINDS:
        values = [a.ack_s for a in room.actions if a.kind == kind]
        if values:
            print(acks_line(kind, values))
    for name, values in room.team_acks.items():
        print(acks_line(f"team {name}", values))
    done = sorted({a.turn for a in room.actions if a.kind == "commit" and a.samples})
    print(f"\nturns committed: {done or 'none'}; time {room.seconds:.1f} s", end="")
    if room.server_cpu_s is not None:
        print(
            f"; server CPU {room.server_cpu_s:.1f} s "
            f"({100 * room.server_cpu_s / max(room.seconds, 1e-9):.0f}% of one core)",
            end="",
        )
    print(
        f"\nCPU: machine busy {100 * room.machine_busy:.0f}% of {os.cpu_count()} cores; "
        f"chromium {room.browser_cpu_s:.1f} s"
    )
    if room.stopped:
        print(f"STOPPED: {room.stopped}")
    values = [math.inf if s.latency is None else s.latency for s in every]
    acks = [a.ack_s for a in room.actions if a.ack_s is not None and a.kind != "propose"]
    return {
        "p50": percentile(values, 0.5) if values else math.nan,
        "ack": percentile(acks, 0.5) if acks else math.nan,
    }


# --- the run -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=30)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--teams", default="JPN,RUS,CHN,USA")
    parser.add_argument("--laptops-per-team", type=int, default=3)
    parser.add_argument("--projectors", type=int, default=2)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/baseline-point.yaml")
    parser.add_argument("--in-process", action="store_true", help="serve in this process")
    parser.add_argument(
        "--server-root",
        type=Path,
        default=ROOT,
        metavar="DIR",
        help="serve DIR's code (another checkout, e.g. `git archive HEAD` unpacked)",
    )
    parser.add_argument("--external", metavar="URL", help="measure a running server")
    parser.add_argument("--codes", type=Path, metavar="FILE", help="its join codes")
    parser.add_argument("--wait", type=float, default=10.0, help="bound of each wait (s)")
    parser.add_argument("--stale", type=float, default=3.0, help="stale after (s)")
    parser.add_argument(
        "--browser-nice", type=int, default=10, help="run chromium under nice N (0: not)"
    )
    parser.add_argument("--ack-wait", type=float, default=60.0, help="bound of an ack (s)")
    parser.add_argument("--reference-turns", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=1800.0, help="whole run (s)")
    args = parser.parse_args(argv)
    if args.external and not args.codes:
        parser.error("--external needs --codes FILE")
    if args.external and not args.external.startswith(f"http://{LOCALHOST}:"):
        print(f"note: measuring {args.external} (this script binds nothing itself)")
    if not Path(CHROMIUM).exists():
        print(f"chromium is not installed ({CHROMIUM}): apt-get install chromium")
        return 2
    teams = [t.strip().upper() for t in args.teams.split(",") if t.strip()]
    scenario = args.scenario if args.scenario.is_absolute() else Path.cwd() / args.scenario
    mode = "external" if args.external else ("in-process" if args.in_process else "subprocess")
    print("command:", shlex.join([Path(sys.executable).name, *sys.argv]))
    print(
        f"server: {mode}"
        + (f" ({args.server_root})" if mode != "external" else "")
        + f"; scenario {args.scenario}; teams {','.join(teams)}; "
        f"turns {args.turns}; wait {args.wait:g} s, stale after {args.stale:g} s, "
        f"ack within {args.ack_wait:g} s; chromium under nice {args.browser_nice}"
    )
    load_before = os.getloadavg()
    print("load average before: " + " ".join(f"{x:.2f}" for x in load_before), flush=True)
    started = time.monotonic()
    clock = Clock(started + args.deadline, args.ack_wait)
    rooms = asyncio.run(run(args, teams, scenario, mode, clock))
    figures = [report(r, args.stale, args.wait) for r in rooms]
    if len(figures) == 2:
        ref, big = figures
        print("\n== the room against the reference (same run) ==")
        for key, name in (("p50", "latency p50"), ("ack", "white-cell ack p50")):
            ratio = big[key] / ref[key] if ref[key] and not math.isnan(ref[key]) else math.nan
            room_s = seconds(big[key], args.wait)
            print(f"  {name:<20} {room_s} s vs {ref[key]:.2f} s: x{ratio:.1f}")
    print(f"\ntotal time {time.monotonic() - started:.1f} s")
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


async def run(
    args: argparse.Namespace, teams: list[str], scenario: Path, mode: str, clock: Clock
) -> list[Room]:
    """The reference room (one screen) and then the room, one after the other."""
    serve: Callable[[Path], Any]
    root = args.server_root.resolve()
    if mode == "external":
        serve = lambda _folder: external_server(args.external, args.codes)  # noqa: E731
    elif mode == "in-process":
        serve = lambda folder: in_process_server(scenario, teams, folder, root)  # noqa: E731
    else:
        serve = lambda folder: subprocess_server(scenario, teams, folder, root)  # noqa: E731
    plans: list[tuple[str, list[Screen], int]] = []
    if args.reference_turns > 0 and mode != "external":
        plans.append(("reference: 1 screen", [Screen("control", "control")], args.reference_turns))
    room = roster(args.screens, teams, args.laptops_per_team, args.projectors)
    plans.append((f"room: {len(room)} screens", room, args.turns))
    rooms: list[Room] = []
    with tempfile.TemporaryDirectory(prefix="workshop-room-browser-") as tmp:
        executable = CHROMIUM
        if args.browser_nice:
            # Every renderer inherits the browser's niceness: the server comes first, as
            # if the screens were other laptops.
            executable = str(Path(tmp) / "chromium")
            nice = f"nice -n {int(args.browser_nice)} {shlex.quote(CHROMIUM)}"
            Path(executable).write_text(f'#!/bin/sh\nexec {nice} "$@"\n')
            Path(executable).chmod(0o755)
        await measure_rooms(executable, plans, serve, clock, args.wait, rooms)
    return rooms


async def measure_rooms(
    executable: str,
    plans: list[tuple[str, list[Screen], int]],
    serve: Callable[[Path], Any],
    clock: Clock,
    wait_s: float,
    rooms: list[Room],
) -> None:
    """Each planned room in turn, each on its own server, with one chromium; what they
    measured goes into ``rooms`` (also when the run stops half-way)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=executable, args=ARGS, timeout=LAUNCH_MS)
        try:
            for label, screens, turns in plans:
                with tempfile.TemporaryDirectory(prefix="workshop-room-") as tmp:
                    print(f"{label}: starting the server", flush=True)
                    try:
                        with serve(Path(tmp)) as server:
                            made = await measure_room(
                                browser, server, screens, turns, clock, wait_s, label
                            )
                            rooms.append(made)
                    except Stop as exc:
                        rooms.append(Room(label, screens, stopped=str(exc)))
        finally:
            await browser.close()


if __name__ == "__main__":
    sys.exit(main())
