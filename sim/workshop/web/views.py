"""What each role's screen shows, built once per change of the game and served from memory.

Thirty screens of seven roles poll the same game; building a page (0.06 to 0.3 s) for
each of them on every change is what made screens go stale. :class:`RoleViews` builds the
live part of a role's page once per ``(seq, role)`` (the game's log position changes with
every action) and hands the same components to every screen of that role. A role's view
is built by the first screen that asks after a change while the others of that role wait
for it (one lock per role), so a change costs one build per role, not one per screen.
Views of a game that has moved on are dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sim.workshop.game import Game

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
