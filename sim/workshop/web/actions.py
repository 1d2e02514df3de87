"""What the pages' buttons do: thin calls into the engine, with the role from the code.

Every function takes the page's URL query string (``?code=...``), maps the code to its
role on the server (:class:`~sim.workshop.web.security.JoinCodes`) and passes that role
to the engine, which decides what is allowed. The browser never says who it is. A
refusal comes back as the engine's own words; nothing was written.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.workshop.aar import write_aar
from sim.workshop.errors import WorkshopError
from sim.workshop.game import Game
from sim.workshop.web.codes_file import keep_codes
from sim.workshop.web.jobs import Jobs
from sim.workshop.web.security import JoinCodes
from sim.workshop.web.views import RoleViews, screen

log = logging.getLogger(__name__)
MAX_TIMER_MINUTES = 240


class NoRole(WorkshopError):
    """The page's join code matches no role of this game."""


@dataclass
class Timer:
    """A countdown the white cell set for one phase of one turn."""

    turn: int
    phase: str
    ends: float
    minutes: float


@dataclass
class WebGame:
    """A served game: the engine, the join codes and what only the web layer keeps."""

    game: Game
    codes: JoinCodes
    out_dir: Path
    timer: Timer | None = None
    clock: Callable[[], float] = time.time
    forks: list[Path] = field(default_factory=list)
    jobs: Jobs = field(default_factory=Jobs)
    epoch: str = field(default_factory=lambda: secrets.token_hex(8))
    """This server's run: a page that sees it change re-renders (the server restarted)."""
    views: RoleViews = field(init=False)

    def __post_init__(self) -> None:
        self.views = RoleViews(self.game, screen)

    def role(self, search: str | None) -> str:
        """The role of the page's code; NoRole when the code is missing or wrong."""
        role = self.codes.role_for_search(search)
        if role is None:
            raise NoRole(
                "this join code is not valid for this game: use the URL the white cell gave you"
            )
        return role

    def running_timer(self) -> Timer | None:
        """The countdown of the current turn and phase, if one was started."""
        t = self.timer
        if t is None or t.turn != self.game.turn or t.phase != self.game.phase.value:
            return None
        return t

    def timer_left(self) -> float:
        """Seconds left on the running countdown (0 when time is up or none runs)."""
        t = self.running_timer()
        return 0.0 if t is None else max(0.0, t.ends - self.clock())

    def timer_text(self) -> str:
        """The countdown of the current phase, or '' when none is running (the pages
        write it the same way as they count down: ``assets/poll.js``)."""
        t = self.running_timer()
        if t is None:
            return ""
        left = round(self.timer_left())
        if left == 0:
            return f"{t.phase}: time is up"
        return f"{t.phase}: {left // 60}:{left % 60:02d} left"


FAILED = ("Refused", "Something went wrong")
"""How the messages of actions that changed nothing begin (sim.workshop.web.actions)."""


def succeeded(message: str) -> bool:
    """Whether an action's message says it was done (its form may then be cleared)."""
    return not message.startswith(FAILED)


def attempt(action: Callable[[], str]) -> str:
    """Run an action; its message, or the engine's reason for refusing it."""
    try:
        return action()
    except WorkshopError as exc:
        return f"Refused: {exc}"
    except Exception:  # a page must never show a traceback
        log.exception("a web action failed")
        return "Something went wrong on the server; the game was not changed."


def _text(value: Any, limit: int = 20_000) -> str:
    text = "" if value is None else str(value)
    if len(text) > limit:
        raise WorkshopError(f"the text has {len(text)} characters; at most {limit}")
    return text


def _number(value: Any, what: str, expected: str = "") -> float:
    """``value`` as a finite number; refused in words naming ``what`` and, when given,
    the ``expected`` range ('from -1 to 1')."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise WorkshopError(f"enter {what}" + (f": a number {expected}" if expected else ""))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise WorkshopError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise WorkshopError(f"{what} must be a finite number")
    return number


def seen_state(seen: Any) -> tuple[Any, Any]:
    """The turn and phase a page last showed (its ``seq`` store), or (None, None) when
    it says nothing usable (then nothing is checked)."""
    if not isinstance(seen, dict):
        return None, None
    turn, phase = seen.get("turn"), seen.get("phase")
    if isinstance(turn, bool) or not isinstance(turn, int) or not isinstance(phase, str):
        return None, None
    return turn, phase


def _turn(value: Any) -> int:
    number = _number(value, "the turn", "(a whole number, 0 for the start)")
    if number != int(number):
        raise WorkshopError(f"the turn must be a whole number, got {value!r}")
    return int(number)


# --- teams -------------------------------------------------------------------------------


def team_actor(web: WebGame, search: str | None) -> tuple[str, str]:
    """The page's role and the state it plays; refused unless the code is a team's."""
    role = web.role(search)
    if not role.startswith("team:"):
        raise WorkshopError(f"this page is for a team; the code is the {role}'s")
    return role, role.partition(":")[2]


def submit(
    web: WebGame,
    search: str | None,
    move: Any,
    target: Any,
    intensity: Any,
    rationale: Any,
    seen: Any = None,
) -> str:
    """Submit the team's move (the state is the one the code's team plays); refused if
    the page showed another turn or phase than the game's (``seen``)."""

    def run() -> str:
        role, actor = team_actor(web, search)
        with web.game.as_seen(*seen_state(seen)):
            web.game.check_submit(role, actor)  # moves locked: say so, not "choose a move"
            if not move or not target:
                raise WorkshopError("choose a move and a target")
            order = web.game.submit_move(
                role, actor, str(move), str(target), intensity or None, _text(rationale)
            )
        return f"Submitted: {order.label} toward {order.target} ({order.intensity})."

    return attempt(run)


def ready(web: WebGame, search: str | None, is_ready: bool, seen: Any = None) -> str:
    """Mark the team ready (or not ready after all)."""

    def run() -> str:
        role, actor = team_actor(web, search)
        with web.game.as_seen(*seen_state(seen)):
            web.game.mark_ready(role, actor, is_ready)
        return "Marked ready." if is_ready else "Marked not ready."

    return attempt(run)


def withdraw(web: WebGame, search: str | None, order_id: Any) -> str:
    """Withdraw one of the team's orders (the engine checks that it is the team's)."""

    def run() -> str:
        role = web.role(search)
        web.game.withdraw_move(role, str(order_id))
        return "Withdrawn."

    return attempt(run)


# --- the white cell ----------------------------------------------------------------------


CHECKED = frozenset({"advance", "set_phase", "propose", "override", "commit", "end", "rollback"})
"""White-cell actions refused when the console showed another turn or phase than the
game's: two consoles clicking at once, one wins and the other is told."""


@dataclass(frozen=True)
class ControlForm:
    """What the console's fields hold when a white-cell button is pressed: one field per
    form field, so that no two actions share a value (each action reads its own). Values
    are as the browser sent them; the action checks them."""

    phase: Any = None
    minutes: Any = None
    dyad: Any = None
    value: Any = None
    override_reason: Any = None
    inject_title: Any = None
    inject_text: Any = None
    visibility: Any = None
    teams: Any = None
    note: Any = None
    turn: Any = None
    end_reason: Any = None
    fork: Any = None


def control(
    web: WebGame,
    search: str | None,
    action: str,
    form: ControlForm | Mapping[str, Any] | None = None,
    seen: Any = None,
) -> str:
    """One white-cell action by name, with the console's fields (a :class:`ControlForm`,
    or a mapping of its field names). The engine refuses every one of them to a role other
    than control; the timer is checked here. ``seen``: the turn and phase the console
    showed (:func:`seen_state`), checked for :data:`CHECKED`."""
    if not isinstance(form, ControlForm):
        form = ControlForm(**(form or {}))  # an unknown field name is a TypeError

    def run() -> str:
        role = web.role(search)
        expect = seen_state(seen) if action in CHECKED else (None, None)
        with web.game.as_seen(*expect):
            return _control(web, role, action, form)

    return attempt(run)


def _control(web: WebGame, role: str, action: str, form: ControlForm) -> str:
    """The white-cell action ``action`` (see :func:`control`), as ``role``."""
    game = web.game
    if action == "advance":
        return f"Phase: {game.advance(role).value}."
    if action == "set_phase":
        return f"Phase: {game.set_phase(role, str(form.phase or '')).value}."
    if action == "propose":
        game.check_propose(role)  # refused now, in the engine's words, not in the background
        return web.jobs.start(
            f"the model is proposing turn {game.turn}", lambda: _propose(web, role)
        )
    if action == "override":
        value = _number(form.value, "the relation", "from -1 to 1")
        o = game.override(role, str(form.dyad or ""), value, _text(form.override_reason))
        return f"Override: {o.dyad} set to {o.value:+.2f}."
    if action == "commit":
        game.commit(role)
        return f"Turn {game.turn} committed."
    if action == "inject":
        teams = form.teams or []
        inject = game.inject(
            role,
            _text(form.inject_title),
            _text(form.inject_text),
            visibility=str(form.visibility or "all"),
            teams=[str(t) for t in teams] if isinstance(teams, list) else [],
        )
        return f"Inject {inject.id} sent ({inject.visibility})."
    if action == "note":
        game.note(role, _text(form.note))
        return "Note kept."
    if action == "rollback":
        turn = _turn(form.turn)
        game.rollback(role, turn)
        return f"Rolled back to turn {turn}: now turn {game.turn}, {game.phase.value}."
    if action == "fork":
        turn = _turn(form.turn)
        path = _fork_path(web, turn)
        fork = game.fork(role, turn, path)
        fork.close()
        web.forks.append(path)
        return f"Forked at turn {turn} into {path.name}: Open the fork to play it here."
    if action == "open_fork":
        return open_fork(web, role, form.fork)
    if action == "timer":
        if role != "control":
            raise WorkshopError(f"only the white cell (control) may set the timer; not {role}")
        minutes = _number(form.minutes, "the minutes", f"from 0 to {MAX_TIMER_MINUTES}")
        if not 0 <= minutes <= MAX_TIMER_MINUTES:
            raise WorkshopError(f"a timer runs 0 to {MAX_TIMER_MINUTES} minutes")
        if minutes == 0:
            web.timer = None
            return "Timer stopped."
        web.timer = Timer(game.turn, game.phase.value, web.clock() + minutes * 60.0, minutes)
        return f"Timer: {minutes:g} minutes for {game.phase.value}."
    if action == "end":
        game.end(role, _text(form.end_reason))
        return f"The game ended after turn {game.turn}."
    raise WorkshopError(f"unknown action {action!r}")


def open_fork(web: WebGame, role: str, name: Any = None) -> str:
    """Serve a fork made from this console in place of the game, to every screen (their
    join codes carry over); the game itself stays saved in its file. ``name``: the fork's
    file name among those made here (default: the last); never a path from the browser."""
    if role != "control":
        raise WorkshopError(f"only the white cell (control) may open a fork; not {role}")
    running = web.jobs.current
    if running is not None and not running.done:
        raise WorkshopError(f"{running.what} is still running; open the fork when it is done")
    made = {p.name: p for p in web.forks}
    path = made.get(str(name)) if name else (web.forks[-1] if web.forks else None)
    if path is None:
        known = ", ".join(made) or "none yet"
        raise WorkshopError(f"open which fork? those made from this console: {known}")
    fork = Game.open(path)
    old = web.game
    keep_codes(fork.path, web.codes)
    web.game, web.timer = fork, None
    web.views = RoleViews(fork, web.views.build)
    web.epoch = secrets.token_hex(8)
    old.close()
    return (
        f"Now playing the fork {path.name} (turn {fork.turn}, {fork.phase.value}) on every "
        f"screen; the game before it is saved in {old.path.name}."
    )


def _propose(web: WebGame, role: str) -> str:
    """The proposal (in the background, :mod:`sim.workshop.web.jobs`): its message."""

    def run() -> str:
        proposal = web.game.propose(role)
        return f"The model proposed turn {proposal.turn}: read it below."

    return attempt(run)


def _fork_path(web: WebGame, turn: int) -> Path:
    """A new file beside the game for a fork (never a path the browser chose)."""
    base = web.game.path
    for k in range(1, 10_000):
        path = base.with_name(f"{base.stem}-fork{turn}-{k}{base.suffix}")
        if not path.exists():
            return path
    raise WorkshopError("too many forks of this game in its folder")


def write_report(web: WebGame, search: str | None) -> Path:
    """Write the after-action report (white cell only); return the HTML file."""
    role = web.role(search)
    if role != "control":
        raise WorkshopError(f"only the white cell (control) may write the report; not {role}")
    return write_aar(web.game, web.out_dir)
