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
   its ``uncertainties`` (``sim.scenario.uncertain_places``), and an override's value or null at
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

import os
from collections.abc import Callable
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
from sim.scenario.keypaths import without_tag
from sim.scenario.partial import valid_part
from sim.scenario.schema import Scenario
from sim.scenario.sourced_yaml import DEFAULT_MAX_BYTES, Via, parse_sourced, read_text, too_large
from sim.scenario.uncertain_places import (
    UNCERTAIN,
    lift_distributions,
    override_uncertainties,
    rename_keys,
    written_places,
)

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
    """The merged data of a file and its bases, and the problems that leave it usable
    (raised unless ``finish``; those that stop the loading are raised with them)."""
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
    """Validate the merged data and run the cross-field checks (on the valid part of data
    that does not validate: ``sim.scenario.partial``); the scenario and its notes."""
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

    Problems that leave the data usable go to ``found``; the others are raised."""
    shown = display or display_name(path)
    found.files.append(shown)
    if text is None:
        text = read_text(path, shown, via, max_bytes)
    data, root = parse_sourced(text, shown, found.problems)
    found.problems += _same_dyad_twice(data, root)
    written = written_places(data)
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
    override_uncertainties(base_data, base_root, data, root, written)
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
        over["dyads"] = rename_keys(od, over_at.kids["dyads"], renames)


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
        data["dyads"] = rename_keys(dyads, root.kids["dyads"], renames)
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
        data[table] = rename_keys(paths, root.kids[table], renames)
    return problems
