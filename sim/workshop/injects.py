"""Injects: news the white cell gives the room, with optional changes to the world.

Scripted injects are the scenario's own events: the model fires them during the turn and
they are reported with the turn's results (visible to all). Ad-hoc injects are written
live by the white cell: a title, a text, optional parameter changes by path (validated
against the scenario, applied at once) and a visibility: everyone, some teams, or the
white cell only. :func:`visible_to` is the rule every view applies.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from sim.scenario import Scenario
from sim.workshop.changes import ParameterChange, change_problem
from sim.workshop.errors import InvalidInput
from sim.workshop.roles import Role

Visibility = Literal["all", "teams", "control"]
MAX_TITLE, MAX_TEXT = 200, 10_000


class Inject(BaseModel):
    """One inject: what the room is told, what it changes, and who may read it.

    visibility: 'all' (every role), 'teams' (the white cell and the teams listed in
    ``teams``) or 'control' (the white cell only).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    turn: int
    phase: str
    title: str
    text: str = ""
    changes: list[ParameterChange] = []
    visibility: Visibility = "all"
    teams: list[str] = []
    by: str = "control"


def visible_to(inject: Inject, role: Role) -> bool:
    """Whether ``role`` may read the inject."""
    if role.is_control or inject.visibility == "all":
        return True
    return inject.visibility == "teams" and role.kind == "team" and role.actor in inject.teams


def check_inject(
    scenario: Scenario,
    team_actors: list[str],
    title: str,
    text: str,
    changes: list[ParameterChange],
    visibility: str,
    teams: list[str],
) -> None:
    """InvalidInput saying what is wrong with an inject, or nothing."""
    if not title.strip():
        raise InvalidInput("an inject needs a title")
    if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        raise InvalidInput(
            f"an inject's title has at most {MAX_TITLE} characters and its text {MAX_TEXT}"
        )
    if visibility not in ("all", "teams", "control"):
        raise InvalidInput(f"visibility {visibility!r}: expected all, teams or control")
    if visibility == "teams":
        if not teams:
            raise InvalidInput("visibility 'teams' needs the teams who may read it")
        unknown = [t for t in teams if t not in team_actors]
        if unknown:
            played = ", ".join(team_actors) or "none"
            raise InvalidInput(f"no team plays {', '.join(unknown)}; the teams are {played}")
    elif teams:
        raise InvalidInput(f"teams are listed only with visibility 'teams', not {visibility!r}")
    for change in changes:
        problem = change_problem(scenario, change.path, change.op, change.value)
        if problem:
            raise InvalidInput(f"inject change {change.path}: {problem}")
