"""What each role's screen shows, built once per change of the game and served from memory.

Thirty screens of seven roles poll the same game; building a page (0.06 to 0.3 s) for
each of them on every change is what made screens go stale. :class:`RoleViews` builds the
live part of a role's page once per ``(seq, role)`` (the game's log position changes with
every action) and hands the same components to every screen of that role. A role's view
is built by the first screen that asks after a change while the others of that role wait
for it (one lock per role), so a change costs one build per role, not one per screen.
Views of a game that has moved on are dropped.

**Parts.** A screen's live column is made of parts (the header, the relations, the
charts ...: :data:`~sim.workshop.web.layouts.PARTS`), and a view keeps each part with a
fingerprint of its content. A page tells the server the fingerprints it drew, and gets
back only the parts whose fingerprint changed: a team's submission redraws the teams'
lists, not thirty screens' charts (redrawing Plotly charts is most of what a page costs
its laptop).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from plotly.io.json import to_json_plotly

from sim.workshop.game import Game
from sim.workshop.web.layouts import parts

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
    """One part of a screen as built, with a fingerprint of its content (the same
    content, the same fingerprint, also after a restart of the server)."""

    key: str
    component: Any


def fingerprinted(shown: Mapping[str, Any]) -> dict[str, Part]:
    """Each part (a Dash component or None) with its fingerprint: a hash of the JSON
    the browser would be sent."""
    return {
        name: Part(hashlib.blake2b(to_json_plotly(c).encode(), digest_size=12).hexdigest(), c)
        for name, c in shown.items()
    }


def screen(game: Game, role: str) -> dict[str, Part]:
    """What ``role``'s screens show now, part by part, fingerprinted (a :data:`Build`)."""
    return fingerprinted(parts(game, role))


def changed(view: Mapping[str, Part], drawn: Any) -> tuple[list[Any], dict[str, str]]:
    """What a page must redraw: for each part of ``view`` in order, the part when the
    page's fingerprint of it (``drawn``: what the page says it drew) differs, None when
    it is unchanged; and the fingerprints the page shows after."""
    drawn = drawn if isinstance(drawn, dict) else {}
    redraw = [None if drawn.get(n) == part.key else part for n, part in view.items()]
    return redraw, {n: part.key for n, part in view.items()}
