"""What the game engine refuses, and why, in words a facilitator can read out.

Every refused action raises a :class:`WorkshopError` subclass whose message says what was
refused and why ("JPN may not submit a move for RUS", "the planning phase is over: moves
are locked"). The web layer shows the message as it is; nothing was written to the log.
"""

from __future__ import annotations


class WorkshopError(Exception):
    """Something the game refused to do; the message says why. Nothing was changed."""


class NotAllowed(WorkshopError):
    """The role may not do this (a team acting for another, an observer acting, ...)."""


class IllegalMove(WorkshopError):
    """A move that breaks the rules: unknown, wrong target, missing rationale, too late ..."""


class WrongPhase(WorkshopError):
    """A white-cell action the current phase does not allow (commit before a proposal ...)."""


class InvalidInput(WorkshopError):
    """A value the game cannot take: an inject's path, an override outside -1..1, ..."""


class GameFileError(WorkshopError):
    """A game database that cannot be opened: missing, foreign, damaged or too new.

    The file is left exactly as it was: nothing is repaired, nothing is lost.
    """


class GameInUse(GameFileError):
    """The game file is open for writing in another process (another server): the message
    names that process. Nothing was changed; reading it (``aar``) still works."""


class ReplayMismatch(GameFileError):
    """Replaying the log did not reproduce a committed turn (its state hash differs)."""


class ConcurrentWrite(WorkshopError):
    """Another process wrote to the game since this one read it: reopen the game."""


class Superseded(WorkshopError):
    """An action made on a state of the game that another action has since changed (a
    proposal the model worked out while a team withdrew, a stale page's click)."""
