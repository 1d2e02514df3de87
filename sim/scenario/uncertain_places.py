"""Uncertain parameters as files write them: distributions in place of numbers, and overrides.

A file may write a distribution where the format expects a number
(``actors.CHN.assertiveness: {dist: uniform, low: 0.4, high: 0.8}``): before the files of an
``extends`` chain are merged, :func:`lift_distributions` moves each into the file's
``uncertainties`` and leaves a central value (:func:`central_value`) in its place. What an
override writes at a parameter's place ends the base's uncertainty about it
(:func:`override_uncertainties`). The loader (:mod:`sim.scenario.loader`) calls both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.scenario.dyads import Dyad
from sim.scenario.errors import KeyNode, KeyPath, Problem
from sim.scenario.keypaths import bounds_at, type_at
from sim.scenario.paths import LEVER_RANGES

UNCERTAIN = "uncertainties"
SECTIONS = ("actors", "dyads", "weights", "model")  # where a distribution may replace a number


def lift_distributions(data: dict[str, Any], root: KeyNode) -> list[Problem]:
    """Move the distributions one file writes in place of numbers into its ``uncertainties``.

    A mapping where the format expects a number, under actors, dyads, weights or model
    (``actors.CHN.assertiveness: {dist: uniform, low: 0.4, high: 0.8}``), is an uncertain
    parameter: it goes to ``uncertainties`` keyed by its dotted path, and a central value
    (:func:`central_value`) takes its place so that the rest of the scenario validates.
    When no central value can be computed (a malformed distribution, or one that changes
    only some fields of a base's distribution) the key is removed instead. The moved key
    keeps its file and line, and messages name it by the path the user wrote. Works in
    place on one file's data, before it is merged with the files it extends.
    """
    found: list[tuple[KeyPath, dict[str, Any], KeyNode, dict[str, Any], KeyNode]] = []
    for section in SECTIONS:
        if isinstance(data.get(section), dict) and section in root.kids:
            _find_inline(data[section], root.kids[section], (section,), found)
    if not found:
        return []
    table = data.get(UNCERTAIN)
    if UNCERTAIN in data and table is not None and not isinstance(table, dict):
        return []  # validation says that `uncertainties` must be a mapping
    if not isinstance(table, dict):
        first = found[0][2]
        table = data[UNCERTAIN] = {}
        root.kids[UNCERTAIN] = KeyNode(first.file, first.line, UNCERTAIN)
    at = root.kids[UNCERTAIN]
    problems = []
    for path, spec, node, parent, parent_at in found:
        key = ".".join(str(p) for p in path)
        twin = next((k for k in table if _path_key(k) == _path_key(key)), None)
        if twin is not None:
            msg = f"given twice (also on line {at.kids[twin].line}, under {UNCERTAIN})"
            problems.append(Problem(node.file, node.line, key, msg))
            del parent[path[-1]]  # reported: the rest is read without it
            parent_at.kids.pop(path[-1], None)
            continue
        table[key] = spec
        node.alias = path
        at.kids[key] = node
        leaf = path[-1]
        centre = central_value(spec)
        if centre is None:
            del parent[leaf]
            parent_at.kids.pop(leaf, None)
        else:
            parent[leaf] = _into_field_range(path, centre)
            parent_at.kids[leaf] = KeyNode(node.file, node.line, node.written)
    return problems


def _find_inline(
    mapping: dict[str, Any],
    at: KeyNode,
    path: KeyPath,
    found: list[tuple[KeyPath, dict[str, Any], KeyNode, dict[str, Any], KeyNode]],
) -> None:
    for key, value in mapping.items():
        if not isinstance(value, dict) or key not in at.kids:
            continue
        here = (*path, key)
        if _numeric_at(here):
            found.append((here, value, at.kids[key], mapping, at))
        else:
            _find_inline(value, at.kids[key], here, found)


def _numeric_at(path: KeyPath) -> bool:
    """Whether the format expects a number at ``path``."""
    found = type_at(path)
    return found is not None and found[0] is float


def central_value(spec: Mapping[str, Any]) -> float | None:
    """The number that stands for a distribution where the scenario needs one value.

    uniform: the midpoint of low and high; triangular: the mode; normal: the mean,
    clipped into low..high when those are given; choice: the first value. None when the
    mapping is not a complete distribution of a known kind.
    """

    def num(key: str) -> float | None:
        v = spec.get(key)
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        return float(v) if ok else None

    kind = spec.get("dist")
    if kind == "uniform":
        low, high = num("low"), num("high")
        return None if low is None or high is None else float(f"{(low + high) / 2:.12g}")
    if kind == "triangular":
        return num("mode")
    if kind == "normal":
        mean, low, high = num("mean"), num("low"), num("high")
        if mean is None:
            return None
        mean = max(mean, low) if low is not None else mean
        return min(mean, high) if high is not None else mean
    if kind == "choice":
        values = spec.get("values")
        if isinstance(values, list) and values:
            first = values[0]
            ok = isinstance(first, int | float) and not isinstance(first, bool)
            return float(first) if ok and math.isfinite(first) else None
    return None


def _into_field_range(path: KeyPath, x: float) -> float:
    """``x`` moved inside the bounds of the field at ``path``.

    A central value outside the parameter's range would be reported as if the user had
    written it; moved inside, the checks report the distribution's bounds instead.
    """
    if len(path) == 4 and path[0] == "actors" and path[2] in LEVER_RANGES:
        lo, hi = LEVER_RANGES[str(path[2])]
        return min(max(x, lo), hi)
    b = bounds_at(path)
    if "ge" in b:
        x = max(x, b["ge"])
    if "gt" in b and x <= b["gt"]:
        x = math.nextafter(b["gt"], math.inf)
    if "le" in b:
        x = min(x, b["le"])
    if "lt" in b and x >= b["lt"]:
        x = math.nextafter(b["lt"], -math.inf)
    return x


@dataclass
class Written:
    """What one file writes at parameters' places (before its distributions are lifted)."""

    values: set[str] = field(default_factory=set)  # a number (or any non-mapping value)
    nulls: set[str] = field(default_factory=set)  # null: the key and all below it go
    cleared: bool = False  # `uncertainties: null`


def written_places(data: dict[str, Any]) -> Written:
    """What one file writes at parameters' places, read before its distributions are lifted."""
    out = Written(cleared=UNCERTAIN in data and data[UNCERTAIN] is None)

    def walk(value: Any, path: tuple[str, ...]) -> None:
        key = ".".join(path)
        if value is None:
            out.nulls.add(_path_key(key))
        elif isinstance(value, dict):
            if not (_numeric_at(path) and "dist" in value):  # a distribution is not a value
                for k, v in value.items():
                    walk(v, (*path, str(k)))
        elif len(path) > 1:
            out.values.add(_path_key(key))

    for section in SECTIONS:
        if section in data:
            walk(data[section], (section,))
    return out


def _path_key(path: str) -> str:
    """A parameter path with its dyad's actors sorted: the same for 'A-B' and 'B-A'."""
    parts = path.split(".")
    if len(parts) > 1 and parts[0] == "dyads" and (pair := Dyad.split(parts[1])):
        parts[1] = str(Dyad(*sorted((pair.a, pair.b))))
    return ".".join(parts)


def override_uncertainties(
    base: dict[str, Any], base_at: KeyNode, over: dict[str, Any], over_at: KeyNode, w: Written
) -> None:
    """Prepare merging an override's uncertain parameters and sweeps into its base's.

    - ``uncertainties: null`` drops every uncertainty of the base;
    - a value or a null written at a parameter's place (``actors.CHN.assertiveness: 0.6``)
      ends the base's uncertainty about it (a null also about everything below it);
    - a distribution that names ``dist`` replaces the base's whole; one without ``dist``
      changes only the fields it gives (merged as usual);
    - paths naming a dyad in the other order take the base's spelling.
    """
    if w.cleared:
        base.pop(UNCERTAIN, None)
        base_at.kids.pop(UNCERTAIN, None)
    for table in (UNCERTAIN, "sweep"):
        mine, theirs = over.get(table), base.get(table)
        if isinstance(mine, dict) and isinstance(theirs, dict) and table in over_at.kids:
            spelt = {_path_key(k): k for k in theirs if isinstance(k, str)}
            renames = {
                k: spelt[_path_key(k)]
                for k in mine
                if isinstance(k, str) and k not in theirs and _path_key(k) in spelt
            }
            over[table] = rename_keys(mine, over_at.kids[table], renames)
    table = base.get(UNCERTAIN)
    if not isinstance(table, dict):
        return
    mine = over.get(UNCERTAIN) if isinstance(over.get(UNCERTAIN), dict) else {}
    for key in list(table):
        k = _path_key(str(key))
        ended = k in w.values or any(k == q or k.startswith(q + ".") for q in w.nulls)
        replaced = isinstance(mine.get(key), dict) and "dist" in mine[key]
        if ended or replaced:
            del table[key]
            if UNCERTAIN in base_at.kids:
                base_at.kids[UNCERTAIN].kids.pop(key, None)


def rename_keys(mapping: dict, at: KeyNode, renames: dict[str, str | None]) -> dict:
    """``mapping`` with keys renamed, order kept; the KeyNodes move too (written stays).

    A key renamed to None is left out. (The loader renames dyad keys with it too.)
    """
    for old, new in renames.items():
        if old in at.kids:
            kid = at.kids.pop(old)
            if new is not None:
                at.kids[new] = kid
    return {renames.get(k, k): v for k, v in mapping.items() if renames.get(k, k) is not None}
