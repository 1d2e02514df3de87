"""Named groups of actors, and how an event's path that names a group reaches its members.

A scenario's top-level ``groups`` maps a name to a list of actor ids
(``groups: {G7: [USA, JPN]}``). In an event's ``set`` and ``add`` a path may name a group
wherever it names an actor, and it then stands for the same path once per member, so the
model only ever sees ordinary per-actor targets:

- ``actors.G7.assertiveness``: every member's assertiveness;
- ``actors.RUS.wedge.G7``: Russia's wedge against every member (Russia itself skipped);
- ``dyads.G7-RUS.relation``, ``dyads.G7-RUS.irritants.sanctions.RUS``: the same field of
  every member's dyad with Russia.

A member paired with itself is skipped: with ``JPN`` in ``G7``, ``dyads.G7-JPN.treaty``
changes the dyads of Japan with the other members only. A group named twice in one path
stands for the same member both times (``dyads.G7-RUS.irritants.sanctions.G7``: each
member feels the irritant on its own dyad with Russia); two different groups stand for
every pair of a member of one with a member of the other, and a dyad reached twice (a
state in both groups) is changed once.

Groups are a shorthand of events only: uncertain parameters, sweeps and conditions name
actors.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from sim.scenario.dyads import SEPARATOR, known
from sim.scenario.errors import KeyPath
from sim.scenario.paths import ACTOR_LEVERS, Target, parse_target
from sim.scenario.schema import ACTOR_ID, Scenario

Issue = tuple[KeyPath, str]

#: Where a path names an actor: (index of the dotted part, side of a dyad key or None).
Slot = tuple[int, int | None]


def group_problems(scenario: Scenario) -> list[Issue]:
    """What is wrong with the scenario's groups, as (key path, message) pairs."""
    ids = list(scenario.actors)
    issues: list[Issue] = []
    for name, members in scenario.groups.items():
        here: KeyPath = ("groups", name)
        if name in scenario.actors:
            msg = (
                f"'{name}' is an actor id; a group needs a name of its own, or a path naming "
                "it could not say whether it means the actor or the group"
            )
            issues.append((here, msg))
        elif not ACTOR_ID.match(name):
            msg = (
                f"'{name}': a group name is written like an actor id (1-16 upper-case "
                "letters, digits or '_', starting with a letter, e.g. G7)"
            )
            issues.append((here, msg))
        if not members:
            issues.append((here, "an empty group; list at least one actor, e.g. [USA, JPN]"))
        seen: set[str] = set()
        for k, member in enumerate(members):
            if member in seen:
                issues.append(((*here, k), f"'{member}' is listed twice; list each member once"))
            elif member not in ids:
                nested = member in scenario.groups
                inner = "; a group lists actors, not other groups" if nested else ""
                msg = f"unknown actor '{member}'{inner}; {known(ids)}"
                issues.append(((*here, k), msg))
            seen.add(member)
    return issues


def _slots(parts: Sequence[str]) -> list[Slot]:
    """The places of a dotted path that name an actor (the format of paths.parse_target)."""
    slots: list[Slot] = []
    if parts[0] == "actors" and len(parts) >= 2:
        slots.append((1, None))
        if len(parts) == 4 and parts[2] in ACTOR_LEVERS:
            slots.append((3, None))
    elif parts[0] == "dyads" and len(parts) >= 2:
        if len(parts[1].split(SEPARATOR)) == 2:
            slots += [(1, 0), (1, 1)]
        if len(parts) == 5 and parts[2] == "irritants":
            slots.append((4, None))
    return slots


def _word(parts: Sequence[str], slot: Slot) -> str:
    index, side = slot
    return parts[index] if side is None else parts[index].split(SEPARATOR)[side]


def expand_path(scenario: Scenario, path: str) -> list[str]:
    """The per-actor paths a path stands for: itself when it names no group.

    Raises ValueError when every member would be paired with itself (nothing is left).
    """
    parts = path.split(".")
    slots = _slots(parts)
    named = list(dict.fromkeys(w for s in slots if (w := _word(parts, s)) in scenario.groups))
    if not named or any(w in scenario.actors for w in named):
        return [path]
    out: list[str] = []
    for members in itertools.product(*(scenario.groups[g] for g in named)):
        chosen = dict(zip(named, members, strict=True))
        new = list(parts)
        pair = parts[1].split(SEPARATOR) if parts[0] == "dyads" else []
        for slot in slots:
            word = _word(parts, slot)
            actor = chosen.get(word, word)
            index, side = slot
            if side is None:
                new[index] = actor
            else:
                pair[side] = actor
        if pair:
            new[1] = SEPARATOR.join(pair)
        if _pairs_itself(parts[0], new, pair):
            continue
        out.append(".".join(new))
    if not out:
        raise ValueError(
            f"'{path}': names no pair of two different actors (each member of "
            f"{' and '.join(named)} would be paired with itself)"
        )
    return out


def _pairs_itself(head: str, parts: Sequence[str], pair: Sequence[str]) -> bool:
    """Whether an expanded path pairs an actor with itself (a dyad or a lever)."""
    if head == "dyads":
        return len(pair) == 2 and pair[0] == pair[1]
    return len(parts) == 4 and parts[2] in ACTOR_LEVERS and parts[1] == parts[3]


def _same(target: Target) -> Target:
    """A target with a symmetric pair written one way, to find a dyad reached twice."""
    if target.kind in ("dyad", "dispute") and target.i > target.j:
        return Target(target.kind, target.name, target.j, target.i)
    return target


def parse_targets(scenario: Scenario, path: str) -> list[tuple[str, Target]]:
    """Every (per-actor path, target) a path of an event's ``set`` or ``add`` changes.

    A path naming no group gives one pair, as :func:`sim.scenario.paths.parse_target`
    parses it; a path naming a group gives one pair per member (see the module's
    docstring), each target once. Raises ValueError saying what is wrong, with the path as
    written.
    """
    found: list[tuple[str, Target]] = []
    seen: set[Target] = set()
    for member_path in expand_path(scenario, path):
        try:
            target = parse_target(scenario, member_path)
        except ValueError as exc:
            if member_path == path:
                raise
            why = str(exc).removeprefix(f"'{member_path}': ")
            raise ValueError(f"'{path}': {why} (for {member_path})") from None
        if _same(target) not in seen:
            seen.add(_same(target))
            found.append((member_path, target))
    return found
