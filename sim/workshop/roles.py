"""Who is acting: the white cell, a team, an observer or the projector in the room.

A role is written as text, as the web layer passes it: ``control`` (the white cell, the
facilitators who run the game), ``team:JPN`` (the team playing Japan), ``observer``
(watches, acts on nothing) or ``projector`` (the public screen). The engine checks every
action against the role itself; the web layer only says who is asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.workshop.errors import IllegalMove, NotAllowed

RoleKind = Literal["control", "team", "observer", "projector"]
CONTROL = "control"


@dataclass(frozen=True)
class Role:
    """A parsed role: its kind and, for a team, the actor it plays."""

    kind: RoleKind
    actor: str | None = None

    def __str__(self) -> str:
        return f"team:{self.actor}" if self.kind == "team" else self.kind

    @property
    def is_control(self) -> bool:
        return self.kind == "control"

    def plays(self, actor: str) -> bool:
        """Whether this role is the team playing ``actor``."""
        return self.kind == "team" and self.actor == actor


def parse_role(role: str | Role, actors: list[str] | None = None) -> Role:
    """A :class:`Role` from its text; NotAllowed when it names no known role or actor."""
    if isinstance(role, Role):
        parsed = role
    else:
        text = str(role).strip()
        if text in ("control", "observer", "projector"):
            return Role(text)  # type: ignore[arg-type]
        kind, sep, actor = text.partition(":")
        if kind != "team" or not sep or not actor:
            raise NotAllowed(
                f"unknown role {text!r}: expected control, team:<ACTOR>, observer or projector"
            )
        parsed = Role("team", actor)
    if parsed.kind == "team" and actors is not None and parsed.actor not in actors:
        raise NotAllowed(
            f"no team plays {parsed.actor}: the teams are {', '.join(actors) or 'none'}"
        )
    return parsed


def require_control(role: Role, action: str) -> None:
    """NotAllowed unless the role is the white cell: ``action`` says what was attempted."""
    if not role.is_control:
        raise NotAllowed(f"only the white cell (control) may {action}; {role} may not")


def require_actor(role: Role, actor: str, ids: list[str], teams: list[str], verb: str) -> None:
    """Refuse unless ``role`` may act for ``actor``: its own team, or the white cell for a
    team-played state. ``verb`` says what was attempted ("submit a move for")."""
    if role.kind in ("observer", "projector"):
        raise NotAllowed(f"the {role.kind} may not {verb} {actor}: it only watches")
    if actor not in ids:
        raise IllegalMove(f"unknown state {actor!r}; the states are {', '.join(ids)}")
    if role.is_control:
        if actor not in teams:
            raise IllegalMove(f"{actor} is played by the model: it has no team to act for")
        return
    if role.actor != actor:
        raise NotAllowed(f"{role.actor} may not {verb} {actor}")
