"""What each role's screen shows, built once per change of the game and served from memory.

Thirty screens of seven roles poll the same game; building a page (0.06 to 0.3 s) for
each of them on every change is what made screens go stale. :class:`RoleViews` builds the
live part of a role's page once per ``(seq, role)`` (the game's log position changes with
every action) and hands the same components to every screen of that role. A role's view
is built by the first screen that asks after a change while the others of that role wait
for it (one lock per role), so a change costs one build per role, not one per screen.
Views of a game that has moved on are dropped.

**Parts.** A screen's live column is made of parts (the header, the relations, the
charts ...: :data:`~sim.workshop.web.layouts.PARTS`), and a view keeps each part as the
page is sent it (HTML and chart figures, :mod:`sim.workshop.web.markup`) with a
fingerprint of it. A page tells the server the fingerprints it shows (``/api/live``,
:mod:`sim.workshop.web.state_route`), and gets back only the parts whose fingerprint
changed: a team's submission redraws the teams' lists, not thirty screens' charts.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.workshop.game import Game
from sim.workshop.web.layouts import PARTS, parts
from sim.workshop.web.markup import to_html

Build = Callable[[Game, str], Any]


class RoleViews:
    """The live view of each role at the game's current seq (thread-safe)."""

    def __init__(self, game: Game, build: Build) -> None:
        self.game = game
        self.build = build
        """What builds a role's view (``build(game, role)``)."""
        self._views: dict[str, tuple[int, Any]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.builds = 0
        """How many views were built (for tests and benchmarks)."""

    def _lock_of(self, role: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(role, threading.Lock())

    def get(self, role: str) -> tuple[int, Any]:
        """``(seq, view)`` of ``role`` now: the one built for this seq, or a new one."""
        seq = self.game.seq
        kept = self._views.get(role)
        if kept is not None and kept[0] == seq:
            return kept
        with self._lock_of(role):
            seq = self.game.seq
            kept = self._views.get(role)
            if kept is not None and kept[0] == seq:
                return kept  # built by another screen of this role while we waited
            view = self.build(self.game, role)
            self.builds += 1
            self._views[role] = (seq, view)
            return seq, view


@dataclass(frozen=True)
class Part:
    """One part of a screen as built: the HTML and charts the page is sent
    (:func:`sim.workshop.web.markup.to_html`), and a fingerprint of them (the same
    content, the same fingerprint, also after a restart of the server)."""

    key: str
    sent: str
    """The part as the page receives it: JSON ``{"html": ..., "figures": {id: figure}}``."""


ABSENT = Part("-", json.dumps({"html": "", "figures": {}}))
"""A part this role's screen does not show (the page empties its place)."""


def fingerprinted(shown: Mapping[str, Any]) -> dict[str, Part]:
    """Each part (a Dash component or None) as the page is sent it, with its fingerprint."""
    built: dict[str, Part] = {}
    for name, component in shown.items():
        if component is None:
            built[name] = ABSENT
            continue
        text, figures = to_html(component)
        charts = ",".join(f"{json.dumps(k)}:{v}" for k, v in figures.items())
        sent = f'{{"html":{json.dumps(text)},"figures":{{{charts}}}}}'
        key = hashlib.blake2b(sent.encode(), digest_size=12).hexdigest()
        built[name] = Part(key, sent)
    return built


@dataclass(frozen=True)
class Shown:
    """What a role's screens show at one moment: the log position, turn and phase of the
    snapshot of the game the parts were built from (what their turn line says), and the
    parts."""

    seq: int
    turn: int
    phase: str
    parts: dict[str, Part]


def screen(game: Game, role: str) -> Shown:
    """What ``role``'s screens show now, fingerprinted (a :data:`Build`)."""
    view = game.view(role)
    return Shown(view["seq"], view["turn"], view["phase"], fingerprinted(parts(game, role, view)))


def drawn_keys(have: str | None) -> dict[str, str]:
    """The fingerprints a page says it shows, from its ``have`` parameter
    (``header.1f2e...,readiness.9a0b...``); anything malformed counts as not shown."""
    keys: dict[str, str] = {}
    for item in (have or "").split(",")[: 4 * len(PARTS)]:
        name, _, key = item.partition(".")
        if name in PARTS and 0 < len(key) <= 64:
            keys[name] = key
    return keys


def update(shown: Shown, drawn: Mapping[str, str]) -> str:
    """The answer to a page that shows ``drawn`` (part: fingerprint): JSON with the seq,
    turn and phase it is built for, the fingerprint of every part and the parts whose
    fingerprint differs. The page sends the turn and phase with its actions (a page
    that shows a past phase is refused), so they are the ones its turn line shows."""
    keys = {name: part.key for name, part in shown.parts.items()}
    changed = ",".join(
        f"{json.dumps(name)}:{part.sent}"
        for name, part in shown.parts.items()
        if drawn.get(name) != part.key
    )
    return (
        f'{{"seq":{int(shown.seq)},"turn":{int(shown.turn)},"phase":{json.dumps(shown.phase)},'
        f'"keys":{json.dumps(keys)},"parts":{{{changed}}}}}'
    )
