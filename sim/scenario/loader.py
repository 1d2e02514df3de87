"""Load a scenario YAML file into a validated :class:`Scenario`, or say exactly what is wrong.

Steps, each of which reports problems with file, line and key path:

1. Read the file (UTF-8; refused from its size alone when it is larger than
   ``max_bytes``, default :data:`DEFAULT_MAX_BYTES`, 5 MB) and parse it with
   ``yaml.SafeLoader`` only, keeping the line of every key (sourced_yaml.py). Keys are
   taken as written (``NO:`` is the text 'NO', not false); dotted keys
   (``actors.CHN.assertiveness: 0.8``) expand to nested mappings, except inside an
   event's ``set``/``add``, whose keys are paths. A key given twice is an error.
2. ``extends: base.yaml`` (relative to the extending file) loads the base first and merges
   this file into it: mappings merge key by key, anything else replaces, and ``null``
   deletes the key from the base. A key's line is in the file that last set it.
   Before merging, each file's distributions written in place of numbers are lifted into
   its ``uncertainties`` (:func:`lift_distributions`), and an override's value or null at
   a parameter's place ends the base's uncertainty about it.
3. Dyad keys 'B-A' become 'A-B' in the order the actors are listed (as do outcome
   conditions' ``dyad`` and the dyads named in ``uncertainties`` and ``sweep`` paths);
   giving both orders in one file is an error.
4. Validate with the pydantic models (schema.py), then the cross-field checks (checks.py),
   which run on the valid part of the scenario when some of it is invalid (partial.py);
   what is kept but will not happen (an event after the run's end) becomes a note
   (:func:`load_scenario_noted`).

Problems that leave the data usable (a key given twice, an invalid value) do not stop
these steps: every problem is reported at once, in file order and by line. Only what
stops a file from being read (its size, its encoding, its YAML, a broken ``extends``)
ends the list early.

``load_scenario`` returns a :class:`Scenario` or raises :class:`ScenarioError`, never any
other exception, whatever the input.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.scenario.checks import canonical_path, check_scenario
from sim.scenario.dyads import Dyad
from sim.scenario.errors import (
    KeyNode,
    KeyPath,
    Problem,
    ScenarioError,
    lax_problems,
    plain_message,
    validation_problems,
)
from sim.scenario.event_checks import event_notes
from sim.scenario.keypaths import bounds_at, type_at, without_tag
from sim.scenario.partial import valid_part
from sim.scenario.paths import LEVER_RANGES
from sim.scenario.schema import Scenario
from sim.scenario.sourced_yaml import DEFAULT_MAX_BYTES, Via, parse_sourced, read_text, too_large

MAX_EXTENDS = 32  # length of an extends chain

# --- public API -----------------------------------------------------------------------------


def load_scenario(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Scenario:
    """Load, merge (``extends``), validate and check the scenario file at ``path``.

    Raises :class:`ScenarioError` listing every problem found, each with file, line, key
    path and what was expected; never any other exception. A file larger than
    ``max_bytes`` (None: :data:`DEFAULT_MAX_BYTES`, 5 MB), the file itself or any base it
    ``extends``, is refused before it is read.
    """
    return load_scenario_noted(path, max_bytes=max_bytes)[0]


def load_scenario_noted(
    path: str | os.PathLike[str], *, max_bytes: int | None = None
) -> tuple[Scenario, list[Problem]]:
    """Like :func:`load_scenario`, with the notes about what is kept but will not happen.

    A note is a :class:`Problem` that does not stop the scenario (an event dated after the
    run's end is kept and skipped: ``sim.scenario.event_checks.event_notes``); commands
    print them as ``note: FILE:LINE: key: ...``.
    """
    return _guard(path, lambda: _finish(*_resolve(Path(path), max_bytes=max_bytes, finish=True)))


def load_scenario_text(
    text: str,
    name: str = "<text>",
    base_dir: str | os.PathLike[str] | None = None,
    *,
    max_bytes: int | None = None,
) -> Scenario:
    """Like :func:`load_scenario` for YAML text (e.g. an upload); ``name`` is shown in errors.

    ``extends`` is resolved relative to ``base_dir`` (default: the working directory).
    Text longer than ``max_bytes`` in UTF-8 (None: :data:`DEFAULT_MAX_BYTES`) is refused
    before it is parsed, as are the files it extends.
    """
    here = Path(base_dir) if base_dir is not None else Path.cwd()
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if reason := too_large(size, limit):
        raise ScenarioError(Problem(name, None, "", reason))
    return _guard(
        name,
        lambda: _finish(*_resolve(here / name, text, name, max_bytes, finish=True)),
    )[0]


def resolve_scenario_dict(
    path: str | os.PathLike[str], *, max_bytes: int | None = None
) -> dict[str, Any]:
    """The scenario at ``path`` as one merged mapping, before validation (for manifests).

    ``extends`` is resolved, dotted keys expanded, nulls applied and dyad keys normalised;
    values are as YAML read them (dates are ``datetime.date``). Raises ScenarioError
    when the files cannot be read or merged (or one is larger than ``max_bytes``).
    """
    return _guard(path, lambda: _resolve(Path(path), max_bytes=max_bytes)[0])


# --- steps ----------------------------------------------------------------------------------


def _guard[T](path: Any, work: Callable[[], T]) -> T:
    """Run ``work``; turn anything but a ScenarioError into one (a last resort)."""
    try:
        return work()
    except ScenarioError:
        raise
    except RecursionError:
        raise ScenarioError(Problem(str(path), None, "", "nested too deeply to read")) from None
    except Exception as exc:
        msg = f"internal error while loading ({type(exc).__name__}: {exc}); please report it"
        raise ScenarioError(Problem(str(path), None, "", msg)) from exc


def _resolve(
    path: Path,
    text: str | None = None,
    display: str | None = None,
    max_bytes: int | None = None,
    finish: bool = False,
) -> tuple[dict[str, Any], KeyNode, _Found]:
    """The merged data of a file and its bases, and the problems found that leave it usable.

    Problems that stop the loading (a file that cannot be read or parsed, a broken
    ``extends``) are raised with every problem found before them. Unless ``finish``
    (validation goes on and reports them), so are the others.
    """
    found = _Found()
    try:
        data, root = _load_chain(path, [], None, found, text, display, max_bytes)
    except ScenarioError as exc:
        raise ScenarioError(found.sorted(exc.problems)) from None
    found.problems += _normalise_dyads(data, root)
    if found.problems and not finish:
        raise ScenarioError(found.sorted())
    return data, root, found


def _finish(data: dict[str, Any], root: KeyNode, found: _Found) -> tuple[Scenario, list[Problem]]:
    """Validate the merged data and run the cross-field checks; the scenario and notes.

    Every problem is collected in one pass: values pydantic would convert quietly,
    pydantic's errors, and the checks, which still run on the valid part of a scenario
    that does not validate (:func:`sim.scenario.partial.valid_part`).
    """
    lax = lax_problems(data, root)
    problems = [*found.problems, *(p for _, p in lax)]
    places = [path for path, _ in lax]
    try:
        scenario: Scenario | None = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += validation_problems(exc, root, skip=set(places))
        places += [without_tag(tuple(e["loc"])) for e in exc.errors()]
        scenario = None
    aside: set[KeyPath] = set()
    if places:
        scenario, aside = valid_part(data, places)
        actors = data.get("actors")
        if scenario is not None and isinstance(actors, dict) and len(actors) < 2:
            # pydantic counts the actors only when each is valid: count them here
            err = {"type": "too_short", "loc": ("actors",), "ctx": {"min_length": 2}}
            err["ctx"]["actual_length"] = len(actors)
            problems.append(root.problem(("actors",), plain_message(err)))
    if scenario is not None:
        problems += [root.problem(p, msg) for p, msg in check_scenario(scenario, aside)]
    if problems or scenario is None:
        raise ScenarioError(found.sorted(problems))
    return scenario, found.sorted([root.problem(p, msg) for p, msg in event_notes(scenario)])


@dataclass
class _Found:
    """What loading has found so far: problems, and the files in the order they were read."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def sorted(self, more: list[Problem] | None = None) -> list[Problem]:
        """``more`` (default: the problems found), each once, in file order and by line."""
        unique = list(dict.fromkeys(self.problems if more is None else more))
        rank = {name: i for i, name in enumerate(self.files)}
        return sorted(unique, key=lambda p: (rank.get(p.file, len(rank)), p.line or 0))


def display_name(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


# --- files and extends ----------------------------------------------------------------------


def _load_chain(
    path: Path,
    chain: list[tuple[Path, str]],
    via: Via | None,
    found: _Found,
    text: str | None = None,
    display: str | None = None,
    max_bytes: int | None = None,
) -> tuple[dict[str, Any], KeyNode]:
    """Load one file and, recursively, the bases it extends; return the merged result.

    Problems that leave the data usable go to ``found``; the others are raised.
    """
    shown = display or display_name(path)
    found.files.append(shown)
    if text is None:
        text = read_text(path, shown, via, max_bytes)
    data, root = parse_sourced(text, shown, found.problems)
    found.problems += _same_dyad_twice(data, root)
    written = _written_places(data)
    found.problems += lift_distributions(data, root)
    ext = data.get("extends")
    if ext is None:
        return data, root
    ext_node = root.kids["extends"]
    here = Problem(ext_node.file, ext_node.line, "extends", "")
    if not isinstance(ext, str) or not ext.strip():
        raise ScenarioError(_with(here, "expected the file name of a base scenario"))
    base = path.parent / ext
    me = (_identity(path), shown)
    names = [name for _, name in (*chain, me)]
    ids = [ident for ident, _ in (*chain, me)]
    if _identity(base) in ids:
        cycle = [*names[ids.index(_identity(base)) :], display_name(base)]
        raise ScenarioError(_with(here, "cycle: " + " -> ".join(cycle)))
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(_with(here, f"more than {MAX_EXTENDS} files extend each other"))
    via = (ext_node.file, ext_node.line)
    base_data, base_root = _load_chain(base, [*chain, me], via, found, max_bytes=max_bytes)
    _align_dyads(base_data, data, root)
    _override_uncertainties(base_data, base_root, data, root, written)
    _merge(base_data, base_root, data, root)
    return base_data, base_root


def _with(p: Problem, message: str) -> Problem:
    return Problem(p.file, p.line, p.path, message)


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


# --- merging --------------------------------------------------------------------------------


def _merge(base: dict, base_at: KeyNode, over: dict, over_at: KeyNode) -> None:
    """Merge ``over`` into ``base`` in place (and where each key was written).

    Mappings merge key by key, anything else replaces, ``None`` deletes. A merged
    mapping takes the location of the file that last touched it.
    """
    base_at.file, base_at.line, base_at.written = over_at.file, over_at.line, over_at.written
    if over_at.alias is not None:
        base_at.alias = over_at.alias
    for key, value in over.items():
        at = over_at.kids.get(key, over_at)
        if value is None:
            base.pop(key, None)
            base_at.kids.pop(key, None)
        elif isinstance(base.get(key), dict) and isinstance(value, dict):
            kid = base_at.kids.setdefault(key, KeyNode(at.file, at.line, key))
            _merge(base[key], kid, value, at)
        else:
            base[key] = _without_nulls(value)
            base_at.kids[key] = at


def _without_nulls(value: Any) -> Any:
    """An override's new mapping with its null keys left out (null means 'not there')."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


# --- dyad keys ------------------------------------------------------------------------------


def _same_dyad_twice(data: dict, root: KeyNode) -> list[Problem]:
    """Both 'A-B' and 'B-A' in one file is an error: they are the same pair."""
    dyads = data.get("dyads")
    if not isinstance(dyads, dict):
        return []
    seen: dict[frozenset[str], str] = {}
    problems, twice = [], []
    for key in dyads:
        pair = Dyad.split(key)
        if pair is None:
            continue
        first = seen.setdefault(frozenset((pair.a, pair.b)), key)
        if first != key:
            line = root.kids["dyads"].kids[first].line
            msg = f"the same pair as '{first}' (line {line}); give each pair once"
            problems.append(root.problem(("dyads", key), msg))
            twice.append(key)
    for key in twice:  # reported: the rest is read without the second
        del dyads[key]
        root.kids["dyads"].kids.pop(key, None)
    return problems


def _rename(mapping: dict, at: KeyNode, renames: dict[str, str | None]) -> dict:
    """``mapping`` with keys renamed, order kept; the KeyNodes move too (written stays).

    A key renamed to None is left out.
    """
    for old, new in renames.items():
        if old in at.kids:
            kid = at.kids.pop(old)
            if new is not None:
                at.kids[new] = kid
    return {renames.get(k, k): v for k, v in mapping.items() if renames.get(k, k) is not None}


def _align_dyads(base: dict, over: dict, over_at: KeyNode) -> None:
    """An override's 'B-A' updates the base's 'A-B': rename it before merging."""
    bd, od = base.get("dyads"), over.get("dyads")
    if not isinstance(bd, dict) or not isinstance(od, dict) or "dyads" not in over_at.kids:
        return
    renames = {}
    for key in od:
        pair = Dyad.split(key)
        if pair and key not in bd and str(pair.reversed()) in bd:
            renames[key] = str(pair.reversed())
    if renames:
        over["dyads"] = _rename(od, over_at.kids["dyads"], renames)


def _normalise_dyads(data: dict, root: KeyNode) -> list[Problem]:
    """Order dyad keys and outcome conditions' dyads as the actors are listed."""
    actors = data.get("actors")
    if not isinstance(actors, dict):
        return []
    rank = {a: i for i, a in enumerate(actors)}

    def canonical(key: Any) -> str | None:
        pair = Dyad.split(key)
        if pair and pair.a in rank and pair.b in rank and rank[pair.a] > rank[pair.b]:
            return str(pair.reversed())
        return None

    problems = []
    dyads = data.get("dyads")
    if isinstance(dyads, dict) and "dyads" in root.kids:
        renames: dict[str, str | None] = {}
        for key in dyads:
            new = canonical(key)
            if new is None:
                continue
            if new in dyads:
                problems.append(root.problem(("dyads", key), f"the same pair as '{new}'"))
                renames[key] = None  # reported: read without it
            else:
                renames[key] = new
        data["dyads"] = _rename(dyads, root.kids["dyads"], renames)
    outcomes = data.get("outcomes")
    for outcome in outcomes.values() if isinstance(outcomes, dict) else []:
        conditions = outcome.get("all") if isinstance(outcome, dict) else None
        for cond in conditions if isinstance(conditions, list) else []:
            if isinstance(cond, dict) and canonical(cond.get("dyad")):
                cond["dyad"] = canonical(cond["dyad"])
    ids = [a for a in actors if isinstance(a, str)]
    for table in (UNCERTAIN, "sweep"):
        paths = data.get(table)
        if not isinstance(paths, dict) or table not in root.kids:
            continue
        renames: dict[str, str | None] = {}
        for key in paths:
            new = canonical_path(ids, key) if isinstance(key, str) else key
            if new == key:
                continue
            if new in paths:
                msg = f"the same parameter as '{new}'; give each once"
                problems.append(root.problem((table, key), msg))
                renames[key] = None  # reported: read without it
            else:
                renames[key] = new
        data[table] = _rename(paths, root.kids[table], renames)
    return problems


# --- uncertain parameters -------------------------------------------------------------------

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
class _Written:
    """What one file writes at parameters' places (before its distributions are lifted)."""

    values: set[str] = field(default_factory=set)  # a number (or any non-mapping value)
    nulls: set[str] = field(default_factory=set)  # null: the key and all below it go
    cleared: bool = False  # `uncertainties: null`


def _written_places(data: dict[str, Any]) -> _Written:
    out = _Written(cleared=UNCERTAIN in data and data[UNCERTAIN] is None)

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


def _override_uncertainties(
    base: dict[str, Any], base_at: KeyNode, over: dict[str, Any], over_at: KeyNode, w: _Written
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
            over[table] = _rename(mine, over_at.kids[table], renames)
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
