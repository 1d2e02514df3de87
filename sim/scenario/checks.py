"""Checks across fields that pydantic cannot make alone.

:func:`check_scenario` returns ``(key path, message)`` pairs; the loader places each at
the file and line that wrote the key. The checks: actor ids are well formed; dyad keys
name two different known actors; irritants are felt by one of the dyad's two actors;
attention and wedge point at other known actors; sizes come all from ``size`` or all
from ``capabilities`` (with the same components) and can be shares (no component, and
no actor's capabilities or size, all 0); outcome conditions name known actors;
groups name known actors (``sim.scenario.groups``); events fall inside the run and change
paths that exist (``sim.scenario.event_checks``, which also notes events after the end);
uncertain parameters and sweeps name numeric parameters (``sim.scenario.paths.parse_target``),
keep inside each parameter's range (``sim.scenario.paths.bounds``) and do not overlap;
the run ends by 9999-12-31 (its calendar is :mod:`sim.scenario.calendar`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, Literal, get_origin

from pydantic import BaseModel

from sim.scenario.calendar import run_end_problems
from sim.scenario.dyads import Dyad, dyad_problem, known
from sim.scenario.errors import KeyPath, number
from sim.scenario.event_checks import condition_problem, event_problems
from sim.scenario.groups import group_problems
from sim.scenario.keypaths import bounds_at, type_at
from sim.scenario.paths import ACTOR_LEVERS, Target, bounds, parse_target
from sim.scenario.schema import ACTOR_ID, Choice, Normal, Scenario, Triangular, Uniform

Issue = tuple[KeyPath, str]
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
COMPONENTS = ("gdp", "military", "population")


# --- checks ---------------------------------------------------------------------------------


def check_scenario(scenario: Scenario, set_aside: Collection[KeyPath] = ()) -> list[Issue]:
    """Every cross-field problem of a validated scenario, as (key path, message).

    ``set_aside``: the places of a scenario that did not validate whose values were left
    out or replaced by defaults (``sim.scenario.partial``). A check that reads one of them
    is not made (what it would say could be false), nor is any issue at or below one
    reported; every other check still says what is true of the values that are valid.
    """
    ids = list(scenario.actors)
    sizes = [("actors", "*", "size"), ("actors", "*", "capabilities")]
    found: list[Issue] = []
    ends = run_end_problems(scenario)  # a run past the year 9999 has no timing to check
    set_aside = (*set_aside, ("run",)) if ends else set_aside

    def check(reads: list[KeyPath], issues: Callable[[], list[Issue]]) -> None:
        if not any(_overlap(place, read) for place in set_aside for read in reads):
            found.extend(issues())

    check([("name",)], lambda: _name(scenario))
    check([], lambda: _actor_ids(ids))
    check(sizes, lambda: _sizes(scenario))
    check([], lambda: _levers(scenario, ids))
    check([], lambda: _dyads(scenario, ids))
    check([], lambda: _outcomes(scenario, ids))
    check([("groups",)], lambda: group_problems(scenario))
    check([("run",), ("groups",), *sizes], lambda: event_problems(scenario, changes=False))
    check([("groups",), *sizes], lambda: event_problems(scenario, timing=False))
    check(sizes, lambda: _uncertainties(scenario))
    check(sizes, lambda: _sweep(scenario))
    return [i for i in found if not any(_within(i[0], p) for p in set_aside)] + ends


def _overlap(a: KeyPath, b: KeyPath) -> bool:
    """Whether one of two places holds the other ('*' stands for any key)."""
    return all(x == y or "*" in (x, y) for x, y in zip(a, b, strict=False))


def _within(path: KeyPath, place: KeyPath) -> bool:
    """Whether ``path`` is at or below ``place`` ('*' stands for any key)."""
    return len(path) >= len(place) and _overlap(path, place)


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
    return issues or _zero_sizes(s, by_size, by_caps)


def _zero_sizes(s: Scenario, by_size: list[str], by_caps: list[str]) -> list[Issue]:
    """Sizes that are shares of nothing: a component 0 for every actor, an actor all 0.

    A share of a total of 0 is not defined (the model would quietly give every actor an
    equal share of it), and an actor with no capability at all has no size.
    """
    fix = "give the real figures"
    if by_size:
        if all(s.actors[a].size == 0 for a in by_size):
            msg = f"every actor's size is 0; shares of 0 cannot define sizes: {fix}"
            return [(("actors", by_size[0], "size"), msg)]
        return [
            (("actors", a, "size"), f"a size of 0 cannot define sizes (shares): {fix}")
            for a in by_size
            if s.actors[a].size == 0
        ]
    caps = {a: s.actors[a].capabilities for a in by_caps}
    given = [c for c in COMPONENTS if all(getattr(caps[a], c) is not None for a in by_caps)]
    empty = [c for c in given if all(getattr(caps[a], c) == 0 for a in by_caps)]
    issues: list[Issue] = []
    for comp in empty:
        msg = (
            f"'{comp}' is 0 for every actor ({', '.join(by_caps)}); shares of 0 cannot "
            f"define sizes: {fix} or leave '{comp}' out for every actor"
        )
        issues.append((("actors", by_caps[0], "capabilities", comp), msg))
    for a in by_caps:
        if given != empty and all(getattr(caps[a], c) == 0 for c in given):
            msg = (
                f"every capability of {a} is 0 ({', '.join(given)}); a state with no "
                f"capability at all cannot define sizes: {fix}"
            )
            issues.append((("actors", a, "capabilities", given[0]), msg))
    return issues


#: What a lever aimed at its own actor would mean, said plainly.
_SELF_LEVER = {
    "attention": "an actor has no attention toward itself",
    "wedge": "an actor has no wedge against itself",
    "assertiveness_toward": "an actor's intentions cannot be aimed at itself",
    "sanctions": "a state cannot sanction itself",
}


def _levers(s: Scenario, ids: list[str]) -> list[Issue]:
    issues: list[Issue] = []
    for a, actor in s.actors.items():
        for lever in ACTOR_LEVERS:
            for other in getattr(actor, lever):
                path = ("actors", a, lever, other)
                if other not in ids:
                    issues.append((path, f"unknown actor '{other}'; {known(ids)}"))
                elif other == a:
                    issues.append((path, _SELF_LEVER[lever]))
    return issues


def _dyads(s: Scenario, ids: list[str]) -> list[Issue]:
    issues: list[Issue] = []
    for key, dyad in s.dyads.items():
        problem = dyad_problem(key, ids)
        if problem:
            issues.append((("dyads", key), problem))
            continue
        sides = Dyad.parse(key, ids)
        for name, felt in dyad.irritants.items():
            for side in felt:
                if side not in (sides.a, sides.b):
                    msg = f"'{side}' is not a side of this dyad; expected {sides.a} or {sides.b}"
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
        if outcome.when is not None:
            problem = condition_problem(s, outcome.when, relations_only=True)
            if problem:
                issues.append((("outcomes", name, "when"), problem))
    return issues


# --- uncertain parameters and sweeps --------------------------------------------------------

Use = Literal["swept", "sampled"]


def canonical_path(ids: Sequence[str], path: str) -> str:
    """A parameter path with its dyad written in the order the actors are listed.

    ``dyads.JPN-RUS.relation`` -> ``dyads.RUS-JPN.relation`` when RUS is listed first;
    any other path, or a dyad of unknown actors, is returned unchanged.
    """
    parts = path.split(".")
    if len(parts) > 1 and parts[0] == "dyads":
        pair = Dyad.split(parts[1])
        if pair and pair.a in ids and pair.b in ids:
            parts[1] = str(pair.canonical(ids))
    return ".".join(parts)


def _holds(tp: Any) -> str:
    """What a non-numeric field holds, in words."""
    if (isinstance(tp, type) and issubclass(tp, BaseModel)) or get_origin(tp) is dict:
        return "a group of settings"
    if get_origin(tp) is Literal:
        return "a choice of words"
    if get_origin(tp) is list:
        return "a list"
    words = {str: "text", int: "a whole number", dt.date: "a date", bool: "a yes/no flag"}
    return words.get(tp, "something else")


def parameter_target(scenario: Scenario, path: str, use: Use) -> Target:
    """The parameter a path names, for an uncertainty (``sampled``) or a sweep (``swept``).

    Raises ValueError with a message saying what is wrong: run settings are fixed for a
    run; a path to text, a date or a whole number is not a numeric parameter; anything
    else must be a path that ``sim.scenario.paths.parse_target`` accepts.
    """
    parts = tuple(path.split("."))
    example = "e.g. actors.CHN.assertiveness or model.temperature"
    if parts[0] == "run":
        raise ValueError(
            f"run settings cannot be {use}; only parameters under actors, dyads, weights "
            f"or model can ({example})"
        )
    found = type_at(parts) if all(parts) else None
    if found is not None and found[0] is not float:
        raise ValueError(
            f"holds {_holds(found[0])}, not a number; only numeric parameters can be {use} "
            f"({example})"
        )
    try:
        return parse_target(scenario, path)
    except ValueError as exc:
        raise ValueError(str(exc).removeprefix(f"'{path}': ")) from None


def parameter_range(target: Target, path: str) -> tuple[float, float, bool, bool]:
    """The range of a parameter: (low, high, low is excluded, high is excluded).

    ``sim.scenario.paths.bounds`` gives the range; where the format says "greater than" (the
    model's temperature must be greater than 0), that bound is excluded and named as the
    format names it.
    """
    lo, hi = bounds(target)
    field = bounds_at(tuple(path.split(".")))
    lo_open = "gt" in field and field["gt"] <= lo
    hi_open = "lt" in field and field["lt"] >= hi
    if lo_open:
        lo = field["gt"]
    if hi_open:
        hi = field["lt"]
    return lo, hi, lo_open, hi_open


def range_words(lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> str:
    """A range in words: 'between 0 and 1', 'at least 0', 'greater than 0 and at most 10'."""
    if not lo_open and not hi_open and math.isfinite(lo) and math.isfinite(hi):
        return f"between {number(lo)} and {number(hi)}"
    parts = []
    if math.isfinite(lo):
        parts.append(f"{'greater than' if lo_open else 'at least'} {number(lo)}")
    if math.isfinite(hi):
        parts.append(f"{'less than' if hi_open else 'at most'} {number(hi)}")
    return " and ".join(parts) or "any number"


def _outside(x: float, lo: float, hi: float, lo_open: bool, hi_open: bool) -> bool:
    return x < lo or x > hi or (lo_open and x == lo) or (hi_open and x == hi)


def sweep_problems(scenario: Scenario, path: str, values: Sequence[float]) -> list[Issue]:
    """What is wrong with sweeping ``path`` over ``values``, as (place, message) pairs.

    The place is ``()`` for the path itself or ``(i,)`` for the i-th value. The same
    function checks the scenario's ``sweep`` and the command line's ``--set``.
    """
    try:
        target = parameter_target(scenario, path, "swept")
    except ValueError as exc:
        return [((), str(exc))]
    if not values:
        return [((), "needs at least one value")]
    lo, hi, lo_open, hi_open = parameter_range(target, path)
    words = range_words(lo, hi, lo_open, hi_open)
    issues: list[Issue] = []
    seen: dict[float, int] = {}
    for i, x in enumerate(values):
        if not math.isfinite(x):
            issues.append(((i,), f"expected a finite number, got {number(x)}"))
        elif _outside(x, lo, hi, lo_open, hi_open):
            issues.append(((i,), f"must be {words} (the parameter's range), got {number(x)}"))
        elif x in seen:
            issues.append(((i,), f"{number(x)} is given twice (also value {seen[x] + 1})"))
        else:
            seen[x] = i
    return issues


def distribution_problems(
    scenario: Scenario, path: str, dist: Uniform | Normal | Triangular | Choice
) -> list[Issue]:
    """What is wrong with ``dist`` as the distribution of ``path``, as (place, message).

    The place is ``()`` for the parameter itself or the key within the distribution
    (``('low',)``, ``('values', 2)``). The distribution's support must lie inside the
    parameter's range, so an untruncated normal is refused for a bounded parameter.
    """
    try:
        target = parameter_target(scenario, path, "sampled")
    except ValueError as exc:
        return [((), str(exc))]
    lo, hi, lo_open, hi_open = parameter_range(target, path)
    words = range_words(lo, hi, lo_open, hi_open)

    def check(place: KeyPath, x: float) -> list[Issue]:
        if _outside(x, lo, hi, lo_open, hi_open):
            return [(place, f"must be {words} (the parameter's range), got {number(x)}")]
        return []

    issues: list[Issue] = []
    if isinstance(dist, Uniform | Triangular):
        issues += check(("low",), dist.low) + check(("high",), dist.high)
    elif isinstance(dist, Choice):
        for i, x in enumerate(dist.values):
            issues += check(("values", i), x)
    else:
        missing = []
        if dist.low is None and math.isfinite(lo):
            missing.append(f"low: {number(lo)}")
        if dist.high is None and math.isfinite(hi):
            missing.append(f"high: {number(hi)}")
        if missing:
            msg = (
                "an untruncated normal can fall outside the parameter's range "
                f"({words}); truncate it: add {' and '.join(missing)} (or tighter bounds)"
            )
            issues.append(((), msg))
        for key in ("low", "high"):
            x = getattr(dist, key)
            if x is not None:
                issues += check((key,), x)
    return issues


def _uncertainties(s: Scenario) -> list[Issue]:
    issues: list[Issue] = []
    for path, dist in s.uncertainties.items():
        here = ("uncertainties", path)
        issues += [((*here, *place), msg) for place, msg in distribution_problems(s, path, dist)]
        if path in s.sweep:
            msg = (
                f"also swept (sweep: {path}); a parameter is either sampled or swept, not "
                "both: remove one"
            )
            issues.append((here, msg))
    return issues


def _sweep(s: Scenario) -> list[Issue]:
    issues: list[Issue] = []
    for path, values in s.sweep.items():
        here = ("sweep", path)
        issues += [((*here, *place), msg) for place, msg in sweep_problems(s, path, values)]
    return issues
