"""Landscape case files: sizes and propensities given directly, e.g. for historical cases.

    name: Europe 1936                 # optional
    description: ...                  # optional
    source: ...                       # optional, e.g. a citation
    actors:
      - {id: GBR, size: 1}            # size >= 0, default 1; name optional
      - {id: FRA, size: 1}
    propensities:                     # symmetric; pairs not listed are 0
      GBR-FRA: 1

A file is a case file when it has a top-level ``propensities`` key, a scenario otherwise
(:func:`load_input` reads either). The file is read with the scenario loader's sourced
YAML reader, so every problem is a :class:`~sim.analysis.landscape.inputs.LandscapeError` naming
the file, the line and the key (``propensities.FRA-GBR``, ``actors[2].id``).
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.landscape.inputs import (
    LandscapeError,
    LandscapeInput,
    display_name,
    scenario_input,
)
from sim.scenario import load_scenario
from sim.scenario.errors import KeyNode, Problem, describe, number
from sim.scenario.keypaths import closest
from sim.scenario.sourced_yaml import parse_sourced, read_text

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
CASE_KEYS = ("name", "description", "source", "actors", "propensities")
ACTOR_KEYS = ("id", "size", "name")


def load_input(
    path: str | os.PathLike[str],
    step: int | None = None,
    replicates: int | None = None,
    seed: int | None = None,
    max_bytes: int | None = None,
) -> LandscapeInput:
    """Read a case file or a scenario (told apart by a top-level ``propensities`` key).

    ``step``, ``replicates`` and ``seed`` apply to scenarios only (a case file has no
    steps): giving them with a case file is an error. ``max_bytes`` is the largest file
    (and base a scenario extends) to read (None: the loader's 5 MB).
    """
    p = Path(path)
    shown = display_name(p)
    data, root = parse_sourced(read_text(p, shown, None, max_bytes), shown)
    if "propensities" in data:
        given = [f"--{k}" for k, v in (("step", step), ("reps", replicates)) if v is not None]
        if given:
            msg = (
                f"{' and '.join(given)} apply to scenarios; a case file gives its numbers directly"
            )
            raise LandscapeError(Problem(shown, None, "", msg))
        return case_input(data, root, shown)
    if isinstance(data.get("actors"), list):
        msg = (
            "a landscape case file needs 'propensities' (pairs A-B: value); a scenario lists "
            "its actors as a mapping"
        )
        raise LandscapeError(root.problem(("actors",), msg))
    scenario = load_scenario(p, max_bytes=max_bytes)
    return scenario_input(scenario, step or 0, replicates, seed, file=shown)


def load_case(path: str | os.PathLike[str]) -> LandscapeInput:
    """Read a landscape case file; raise LandscapeError naming file, line and key."""
    p = Path(path)
    shown = display_name(p)
    data, root = parse_sourced(read_text(p, shown, None), shown)
    return case_input(data, root, shown)


def load_case_text(text: str, name: str = "<text>") -> LandscapeInput:
    """Like :func:`load_case` for YAML text; ``name`` is shown in messages."""
    data, root = parse_sourced(text, name)
    return case_input(data, root, name)


def case_input(data: dict[str, Any], root: KeyNode, shown: str) -> LandscapeInput:
    """Check a parsed case file and return its input, or raise every problem found."""
    problems: list[Problem] = []
    for key in data:
        if key not in CASE_KEYS:
            close = closest(str(key), CASE_KEYS)
            hint = (
                f"did you mean '{close}'?" if close else f"expected one of {', '.join(CASE_KEYS)}"
            )
            problems.append(root.problem((key,), f"unknown key; {hint}"))
    for key in ("name", "description", "source"):
        if key in data and not isinstance(data[key], str):
            problems.append(root.problem((key,), f"expected text, got {describe(data[key])}"))
    ids, sizes = _actors(data, root, problems)
    p = _propensities(data, root, ids, problems)
    if problems:
        raise LandscapeError(sorted(problems, key=lambda q: q.line or 0))
    source: dict[str, Any] = {"kind": "case", "file": shown}
    for key in ("name", "description", "source"):
        if key in data:
            source[key] = data[key]
    line = root.kids["actors"].line
    return LandscapeInput(tuple(ids), np.array(sizes), p, source, shown, line)


def _actors(
    data: dict[str, Any], root: KeyNode, problems: list[Problem]
) -> tuple[list[str], list[float]]:
    actors = data.get("actors")
    if "actors" not in data:
        problems.append(root.problem((), "required key 'actors' is missing"))
        return [], []
    if not isinstance(actors, list):
        msg = f"expected a list of actors ('- {{id: GBR, size: 1}}'), got {describe(actors)}"
        problems.append(root.problem(("actors",), msg))
        return [], []
    ids: list[str] = []
    sizes: list[float] = []
    first_line: dict[str, int] = {}
    for k, actor in enumerate(actors):
        at = ("actors", k)
        if not isinstance(actor, dict):
            msg = f"expected a mapping like {{id: GBR, size: 1}}, got {describe(actor)}"
            problems.append(root.problem(at, msg))
            continue
        for key in actor:
            if key not in ACTOR_KEYS:
                close = closest(str(key), ACTOR_KEYS)
                hint = f"did you mean '{close}'?" if close else f"expected {', '.join(ACTOR_KEYS)}"
                problems.append(root.problem((*at, key), f"unknown key; {hint}"))
        if "name" in actor and not isinstance(actor["name"], str):
            problems.append(
                root.problem((*at, "name"), f"expected text, got {describe(actor['name'])}")
            )
        ident = actor.get("id")
        size = actor.get("size", 1.0)
        ok = False
        if "id" not in actor:
            problems.append(root.problem(at, "required key 'id' is missing"))
        elif not isinstance(ident, str) or not ID_PATTERN.match(ident):
            msg = (
                "an id is 1-32 letters, digits or '_', starting with a letter (e.g. GBR), "
                f"got {describe(ident)}"
            )
            problems.append(root.problem((*at, "id"), msg))
        elif ident in first_line:
            msg = f"duplicate id '{ident}' (also on line {first_line[ident]})"
            problems.append(root.problem((*at, "id"), msg))
        else:
            first_line[ident] = root.locate((*at, "id"))[1]
            ok = True
        size_ok = _is_number(size) and size >= 0
        if not _is_number(size):
            problems.append(root.problem((*at, "size"), f"expected a number, got {describe(size)}"))
        elif size < 0:
            problems.append(root.problem((*at, "size"), f"must be at least 0, got {number(size)}"))
        if ok:  # a valid id counts as an actor even when its size is wrong (one message)
            ids.append(ident)
            sizes.append(float(size) if size_ok else 0.0)
    if not problems and len(ids) < 2:
        problems.append(
            root.problem(("actors",), f"a landscape needs at least 2 actors, got {len(ids)}")
        )
    return ids, sizes


def _propensities(
    data: dict[str, Any], root: KeyNode, ids: list[str], problems: list[Problem]
) -> np.ndarray:
    n = len(ids)
    p = np.zeros((n, n))
    given = data.get("propensities")
    if not isinstance(given, dict):
        msg = f"expected a mapping of pairs ('GBR-FRA: 1'), got {describe(given)}"
        problems.append(root.problem(("propensities",), msg))
        return p
    seen: dict[tuple[int, int], tuple[str, float]] = {}
    for key, value in given.items():
        at = ("propensities", key)
        parts = str(key).split("-")
        if len(parts) != 2 or not all(parts):
            msg = "a pair is two actor ids joined by '-', e.g. GBR-FRA"
            problems.append(root.problem(at, msg))
            continue
        unknown = [a for a in parts if a not in ids]
        if unknown:
            if ids:
                for a in unknown:
                    close = closest(a, ids)
                    hint = f"; did you mean '{close}'?" if close else ""
                    msg = f"unknown actor '{a}'{hint} (actors: {', '.join(ids)})"
                    problems.append(root.problem(at, msg))
            continue
        if parts[0] == parts[1]:
            msg = "an actor has no propensity toward itself: a pair joins two different actors"
            problems.append(root.problem(at, msg))
            continue
        if not _is_number(value):
            problems.append(root.problem(at, f"expected a number, got {describe(value)}"))
            continue
        i, j = ids.index(parts[0]), ids.index(parts[1])
        pair = (min(i, j), max(i, j))
        if pair in seen:
            other, before = seen[pair]
            if before != value:
                line = root.locate(("propensities", other))[1]
                msg = (
                    f"is {number(value)} but {other} (line {line}) is {number(before)}: "
                    "propensities are symmetric, give each pair once"
                )
                problems.append(root.problem(at, msg))
            continue
        seen[pair] = (str(key), float(value))
        p[i, j] = p[j, i] = float(value)
    return p


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )
