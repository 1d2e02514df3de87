"""The valid part of a scenario that does not validate, so that its checks can still run.

When pydantic refuses a scenario, the cross-field checks (:mod:`sim.scenario.checks`)
could still say true things about the values that are valid: that an actor id is
malformed although the actor's name is missing, that an event changes a path that does
not exist although a dyad's proximity is out of range. :func:`valid_part` sets the
invalid places aside, one by one, until what is left validates:

- a field of an actor, a dyad or a setting (``run``, ``model``, ``weights``, ``bands``)
  is left out, so that its default stands in (an actor's missing name is its id; an
  actor's size or capabilities become a size of 1);
- an entry of ``events``, ``outcomes``, ``groups``, ``uncertainties`` or ``sweep`` is
  left out whole; a top-level key is left out (a missing name stands in as a word);
- actors are never left out (every check names them), and a scenario of fewer than two
  actors validates with stand-ins that are removed again before the checks.

It returns the scenario and the places set aside, which the checks avoid
(``check_scenario(scenario, set_aside)``). Nothing here reports a problem: the loader has
reported every place set aside already.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from sim.scenario.keypaths import KeyPath, without_tag
from sim.scenario.schema import Scenario

ROUNDS = 8  # each round sets aside what the last one's validation refused
ENTRIES = ("events", "outcomes", "groups", "uncertainties", "sweep")
_STAND_IN = "\x00"  # the key prefix of the stand-in actors (no actor id can start so)


class _Hopeless(Exception):
    """Nothing valid is left to check (no mapping of actors)."""


def valid_part(
    data: dict[str, Any], places: Iterable[KeyPath]
) -> tuple[Scenario | None, set[KeyPath]]:
    """The scenario made of the valid values of ``data``, and the places set aside.

    ``places`` are where problems were found (pydantic's errors, values it would quietly
    convert). ``data`` is not changed. None when too little is left to validate.
    """
    work = copy.deepcopy(data)
    aside: set[KeyPath] = set()
    pending = list(places)
    try:
        for _ in range(ROUNDS):
            for place in pending:
                aside |= _set_aside(work, place)
            actors = work.get("actors")
            if not isinstance(actors, dict):
                return None, aside
            stand_ins = [f"{_STAND_IN}{i}" for i in range(max(0, 2 - len(actors)))]
            trial = {**work, "actors": {**actors, **dict.fromkeys(stand_ins, _actor())}}
            try:
                scenario = Scenario.model_validate(trial)
            except ValidationError as exc:
                pending = [without_tag(tuple(e["loc"])) for e in exc.errors()]
                continue
            for key in stand_ins:
                del scenario.actors[key]
            return scenario, aside
    except _Hopeless:
        pass
    return None, aside


def _actor() -> dict[str, Any]:
    return {"name": "-", "size": 1.0}


def _set_aside(data: dict[str, Any], place: KeyPath) -> set[KeyPath]:
    """Leave out (or stand in for) the value at ``place``; the places set aside."""
    if not place:
        raise _Hopeless
    top = place[0]
    if top == "actors":
        return _set_aside_actor(data, place)
    if len(place) == 1 or not isinstance(data.get(top), dict):
        if top == "name":
            data["name"] = "scenario"
        else:
            data.pop(top, None)
        return {(top,)}
    section, key = data[top], place[1]
    if top == "dyads" and len(place) > 2 and isinstance(section.get(key), dict):
        section[key].pop(place[2], None)
        return {place[:3]}
    section.pop(key, None)
    return {place[:2]}


def _set_aside_actor(data: dict[str, Any], place: KeyPath) -> set[KeyPath]:
    actors = data.get("actors")
    if not isinstance(actors, dict):
        raise _Hopeless
    if len(place) == 1:  # fewer than two actors: stand-ins make up the number
        return set()
    a = place[1]
    sizes = {("actors", a, "size"), ("actors", a, "capabilities")}
    actor = actors.get(a)
    if not isinstance(actor, dict):
        actors[a] = {**_actor(), "name": str(a)}
        return {("actors", a, "*")}
    field = place[2] if len(place) > 2 else None
    if field == "name":
        actor["name"] = str(a)
        return {("actors", a, "name")}
    if field is None or field in ("size", "capabilities"):  # the actor's own rule: its size
        actor.pop("capabilities", None)
        actor["size"] = 1.0
        return sizes
    actor.pop(field, None)
    return {("actors", a, field)}
