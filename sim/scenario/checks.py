"""Checks across fields that pydantic cannot make alone, and the run's calendar.

:func:`check_scenario` returns ``(key path, message)`` pairs; the loader places each at
the file and line that wrote the key. The checks: actor ids are well formed; dyad keys
name two different known actors; irritants are felt by one of the dyad's two actors;
attention and wedge point at other known actors; sizes come all from ``size`` or all
from ``capabilities`` (with the same components); outcome conditions name known actors;
events fall inside the run and change paths that exist (``sim.world.parse_target``).

The calendar: step k (1 = the first) covers the months
``[start + (k-1)*step_months, start + k*step_months)``; :func:`event_step` says which
step a dated event falls in.
"""

from __future__ import annotations

import datetime as dt
import re

from sim.scenario.errors import KeyPath, number
from sim.scenario.schema import ACTOR_ID, Event, Scenario

Issue = tuple[KeyPath, str]
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
COMPONENTS = ("gdp", "military", "population")


# --- calendar -------------------------------------------------------------------------------


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to the month's last day."""
    y, m = divmod(date.month - 1 + months, 12)
    year, month = date.year + y, m + 1
    for day in (date.day, 30, 29):
        try:
            return dt.date(year, month, min(day, date.day))
        except ValueError:
            continue
    return dt.date(year, month, 28)


def months_between(start: dt.date, date: dt.date) -> int:
    """Whole calendar months from ``start`` to ``date`` (negative before it).

    The largest m with ``add_months(start, m) <= date``: 2014-01-15 to 2014-03-14 is 1.
    """
    m = (date.year - start.year) * 12 + (date.month - start.month)
    while add_months(start, m) > date:
        m -= 1
    while add_months(start, m + 1) <= date:
        m += 1
    return m


def run_end(scenario: Scenario) -> dt.date:
    """The first day after the run: start + steps * step_months months (exclusive)."""
    run = scenario.run
    return add_months(run.start, run.steps * run.step_months)


def event_step(scenario: Scenario, event: Event) -> int:
    """The step (1 = the first) at which an event applies.

    For ``step`` it is that step. For ``at`` it is the step whose period holds the date:
    ``floor(months_between(run.start, at) / step_months) + 1``, so with quarterly steps
    from 2014-01-01, 2014-03-31 is step 1 and 2014-04-01 is step 2. Dates outside the run
    give steps outside 1..run.steps (the checks reject such scenarios).
    """
    if event.step is not None:
        return event.step
    if event.at is None:
        raise ValueError("an event needs 'at' or 'step'")
    return months_between(scenario.run.start, event.at) // scenario.run.step_months + 1


# --- checks ---------------------------------------------------------------------------------


def check_scenario(scenario: Scenario) -> list[Issue]:
    """Every cross-field problem of a validated scenario, as (key path, message)."""
    ids = list(scenario.actors)
    return [
        *_name(scenario),
        *_actor_ids(ids),
        *_sizes(scenario),
        *_levers(scenario, ids),
        *_dyads(scenario, ids),
        *_outcomes(scenario, ids),
        *_events(scenario),
    ]


def known(ids: list[str]) -> str:
    return "known actors: " + ", ".join(ids)


def dyad_problem(key: str, ids: list[str]) -> str | None:
    """Why ``key`` is not a dyad of the scenario's actors, or None when it is one."""
    parts = key.split("-")
    if len(parts) != 2 or not all(parts):
        return "a dyad is two actor ids joined by '-', e.g. RUS-JPN"
    unknown = [p for p in parts if p not in ids]
    if unknown:
        names = " and ".join(f"'{p}'" for p in unknown)
        return f"unknown actor{'s' if len(unknown) > 1 else ''} {names}; {known(ids)}"
    if parts[0] == parts[1]:
        return "a dyad needs two different actors"
    return None


def _name(s: Scenario) -> list[Issue]:
    if NAME.match(s.name):
        return []
    msg = (
        f"'{s.name}' cannot name the results folder; use letters, digits, '_', '-' or '.' "
        "(starting with a letter or digit, at most 80), e.g. adiz_2031"
    )
    return [(("name",), msg)]


def _actor_ids(ids: list[str]) -> list[Issue]:
    msg = "an actor id is 1-16 upper-case letters, digits or '_', starting with a letter (e.g. RUS)"
    return [(("actors", a), f"'{a}': {msg}") for a in ids if not ACTOR_ID.match(a)]


def _sizes(s: Scenario) -> list[Issue]:
    by_size = [a for a, actor in s.actors.items() if actor.size is not None]
    by_caps = [a for a, actor in s.actors.items() if actor.capabilities is not None]
    if by_size and by_caps:
        # Point at the first actor of the smaller group: most likely the odd one out.
        odd, key = (by_size, "size") if len(by_size) <= len(by_caps) else (by_caps, "capabilities")
        msg = (
            "every actor must give 'size' or every actor 'capabilities', not a mix: "
            f"size: {', '.join(by_size)}; capabilities: {', '.join(by_caps)}"
        )
        return [(("actors", odd[0], key), msg)]
    issues: list[Issue] = []
    for comp in COMPONENTS if by_caps else ():
        givers = [a for a in by_caps if getattr(s.actors[a].capabilities, comp) is not None]
        if not givers or len(givers) == len(by_caps):
            continue
        for a in by_caps:
            if a not in givers:
                msg = (
                    f"'{comp}' is missing but given for {', '.join(givers)}; give every actor "
                    "the same components (each becomes shares among all the actors)"
                )
                issues.append((("actors", a, "capabilities"), msg))
    return issues


def _levers(s: Scenario, ids: list[str]) -> list[Issue]:
    issues: list[Issue] = []
    for a, actor in s.actors.items():
        for lever in ("attention", "wedge"):
            for other in getattr(actor, lever):
                path = ("actors", a, lever, other)
                if other not in ids:
                    issues.append((path, f"unknown actor '{other}'; {known(ids)}"))
                elif other == a:
                    toward = "toward" if lever == "attention" else "against"
                    issues.append((path, f"an actor has no {lever} {toward} itself"))
    return issues


def _dyads(s: Scenario, ids: list[str]) -> list[Issue]:
    issues: list[Issue] = []
    for key, dyad in s.dyads.items():
        problem = dyad_problem(key, ids)
        if problem:
            issues.append((("dyads", key), problem))
            continue
        sides = key.split("-")
        for name, felt in dyad.irritants.items():
            for side in felt:
                if side not in sides:
                    msg = f"'{side}' is not a side of this dyad; expected {sides[0]} or {sides[1]}"
                    issues.append((("dyads", key, "irritants", name, side), msg))
    return issues


def _outcomes(s: Scenario, ids: list[str]) -> list[Issue]:
    issues: list[Issue] = []
    for name, outcome in s.outcomes.items():
        for i, cond in enumerate(outcome.all):
            path = ("outcomes", name, "all", i)
            if cond.dyad is not None and (problem := dyad_problem(cond.dyad, ids)):
                issues.append(((*path, "dyad"), f"'{cond.dyad}': {problem}"))
            if cond.actor is not None and cond.actor not in ids:
                issues.append(((*path, "actor"), f"unknown actor '{cond.actor}'; {known(ids)}"))
    return issues


def _events(s: Scenario) -> list[Issue]:
    from sim.world import (
        bounds,
        parse_target,
    )  # here, not at the top: sim.world imports this package

    issues: list[Issue] = []
    end = run_end(s)
    for name, event in s.events.items():
        if event.at is not None and not s.run.start <= event.at < end:
            msg = f"{event.at} is outside the run ({s.run.start} to {end})"
            issues.append((("events", name, "at"), msg))
        if event.step is not None and event.step > s.run.steps:
            msg = f"step {event.step} is after the run's last step ({s.run.steps})"
            issues.append((("events", name, "step"), msg))
        for op in ("set", "add"):
            for path, value in getattr(event, op).items():
                try:
                    target = parse_target(s, path)
                except ValueError as exc:
                    msg = str(exc).removeprefix(f"'{path}': ")
                    issues.append((("events", name, op, path), msg))
                    continue
                lo, hi = bounds(target)
                # An 'add' may overshoot and is clipped; a 'set' states the value meant.
                if op == "set" and not lo <= value <= hi:
                    msg = f"must be between {number(lo)} and {number(hi)}, got {number(value)}"
                    if hi == float("inf"):
                        msg = f"must be at least {number(lo)}, got {number(value)}"
                    issues.append((("events", name, op, path), msg))
    return issues
