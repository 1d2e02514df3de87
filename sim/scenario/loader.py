"""Load a scenario YAML file into a validated :class:`Scenario`, or say exactly what is wrong.

Steps, each of which reports problems with file, line and key path:

1. Read the file (UTF-8) and parse it with ``yaml.SafeLoader`` only, keeping the line of
   every key. Keys are taken as written (``NO:`` is the text 'NO', not false); dotted
   keys (``actors.CHN.assertiveness: 0.8``) expand to nested mappings, except inside an
   event's ``set``/``add``, whose keys are paths. A key given twice is an error.
2. ``extends: base.yaml`` (relative to the extending file) loads the base first and merges
   this file into it: mappings merge key by key, anything else replaces, and ``null``
   deletes the key from the base. A key's line is in the file that last set it.
3. Dyad keys 'B-A' become 'A-B' in the order the actors are listed (as do outcome
   conditions' ``dyad``); giving both orders in one file is an error.
4. Validate with the pydantic models (schema.py), then the cross-field checks (checks.py).

``load_scenario`` returns a :class:`Scenario` or raises :class:`ScenarioError`, never any
other exception, whatever the input.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.scenario.checks import check_scenario
from sim.scenario.errors import (
    KeyNode,
    KeyPath,
    Problem,
    ScenarioError,
    format_path,
    lax_problems,
    validation_problems,
)
from sim.scenario.schema import Scenario

MAX_NODES = 100_000  # values after aliases are expanded (stops "billion laughs")
MAX_DEPTH = 64  # nesting of mappings and lists
MAX_EXTENDS = 32  # length of an extends chain
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"

# --- public API -----------------------------------------------------------------------------


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load, merge (``extends``), validate and check the scenario file at ``path``.

    Raises :class:`ScenarioError` listing every problem found, each with file, line, key
    path and what was expected; never any other exception.
    """
    return _guard(path, lambda: _finish(*_resolve(Path(path))))


def load_scenario_text(
    text: str, name: str = "<text>", base_dir: str | os.PathLike[str] | None = None
) -> Scenario:
    """Like :func:`load_scenario` for YAML text (e.g. an upload); ``name`` is shown in errors.

    ``extends`` is resolved relative to ``base_dir`` (default: the working directory).
    """
    here = Path(base_dir) if base_dir is not None else Path.cwd()
    return _guard(name, lambda: _finish(*_resolve(here / name, text=text, display=name)))


def resolve_scenario_dict(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The scenario at ``path`` as one merged mapping, before validation (for manifests).

    ``extends`` is resolved, dotted keys expanded, nulls applied and dyad keys normalised;
    values are as YAML read them (dates are ``datetime.date``). Raises ScenarioError
    when the files cannot be read or merged.
    """
    return _guard(path, lambda: _resolve(Path(path))[0])


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
    path: Path, text: str | None = None, display: str | None = None
) -> tuple[dict[str, Any], KeyNode]:
    data, root = _load_chain(path, [], None, text=text, display=display)
    problems = _normalise_dyads(data, root)
    if problems:
        raise ScenarioError(problems)
    return data, root


def _finish(data: dict[str, Any], root: KeyNode) -> Scenario:
    """Validate the merged data, then run the cross-field checks."""
    lax = lax_problems(data, root)
    problems = [p for _, p in lax]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += validation_problems(exc, root, skip={path for path, _ in lax})
        raise ScenarioError(_sorted(problems)) from None
    problems += [root.problem(path, msg) for path, msg in check_scenario(scenario)]
    if problems:
        raise ScenarioError(_sorted(problems))
    return scenario


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {p.file: i for i, p in reversed(list(enumerate(problems)))}
    return sorted(problems, key=lambda p: (order[p.file], p.line or 0))


def display_name(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


# --- files and extends ----------------------------------------------------------------------

Via = tuple[str, int]  # the extending file and the line of its `extends`


def _load_chain(
    path: Path,
    chain: list[tuple[Path, str]],
    via: Via | None,
    text: str | None = None,
    display: str | None = None,
) -> tuple[dict[str, Any], KeyNode]:
    """Load one file and, recursively, the bases it extends; return the merged result."""
    shown = display or display_name(path)
    if text is None:
        text = _read(path, shown, via)
    data, root = _parse(text, shown)
    problems = _same_dyad_twice(data, root)
    if problems:
        raise ScenarioError(problems)
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
    base_data, base_root = _load_chain(base, [*chain, me], (ext_node.file, ext_node.line))
    _align_dyads(base_data, data, root)
    _merge(base_data, base_root, data, root)
    return base_data, base_root


def _with(p: Problem, message: str) -> Problem:
    return Problem(p.file, p.line, p.path, message)


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


def _read(path: Path, shown: str, via: Via | None) -> str:
    """The file's text, or a ScenarioError saying why it cannot be read."""
    reason, line = None, None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        reason = "file not found"
    except IsADirectoryError:
        reason = "is a directory, not a YAML file"
    except PermissionError:
        reason = "cannot read the file: permission denied"
    except OSError as exc:
        reason = f"cannot read the file: {exc.strerror or exc}"
    except ValueError:  # e.g. a NUL character in the name
        reason = "not a valid file name"
    else:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            reason = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line})"
    if via is None:
        raise ScenarioError(Problem(shown, line, "", reason))
    raise ScenarioError(Problem(via[0], via[1], "extends", f"base scenario {shown}: {reason}"))


# --- YAML with lines ------------------------------------------------------------------------


def _parse(text: str, shown: str) -> tuple[dict[str, Any], KeyNode]:
    """Parse YAML text (SafeLoader) into data and a tree of where each key was written."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:  # the reader checks every character up front
        raise ScenarioError(_reader_problem(exc, text, shown)) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise ScenarioError(_yaml_problem(exc, shown)) from None
        except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
            raise ScenarioError(_reader_problem(exc, text, shown)) from None
        if node is None:
            msg = "the file is empty; expected a mapping with name, actors, ..."
            raise ScenarioError(Problem(shown, 1, "", msg))
        line = node.start_mark.line + 1
        if not isinstance(node, MappingNode):
            what = "a list" if isinstance(node, SequenceNode) else "a single value"
            msg = f"expected a mapping (key: value lines) at the top level, got {what}"
            raise ScenarioError(Problem(shown, line, "", msg))
        root = KeyNode(shown, line, "")
        builder = _Builder(loader, shown)
        try:
            data = builder.build(node, (), root)
        except yaml.MarkedYAMLError as exc:
            raise ScenarioError(_yaml_problem(exc, shown)) from None
        if builder.problems:
            raise ScenarioError(builder.problems)
        return data, root
    finally:
        loader.dispose()


def _tag(node: Node) -> str:
    return "'" + node.tag.replace("tag:yaml.org,2002:", "!!") + "'"


def _yaml_problem(exc: yaml.MarkedYAMLError, shown: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    what = exc.problem or exc.context or "invalid YAML"
    msg = f"invalid YAML: {what}"
    if exc.context and exc.problem and exc.context_mark is not None:
        msg += f" ({exc.context} at line {exc.context_mark.line + 1})"
    for clue, hint in _YAML_HINTS.items():
        if clue in msg:
            msg += f"; {hint}"
            break
    return Problem(shown, line, "", msg)


_YAML_HINTS = {
    "'\\t'": "YAML does not allow tabs for indentation, use spaces",
    "expected <block end>": "check the indentation (keys of one mapping line up)",
    "mapping values are not allowed": "check the indentation, or quote text containing ': '",
    "could not find expected ':'": "a line that is not 'key: value' (check indentation and ':')",
    "end of stream": "the file ends inside quotes or brackets that are never closed",
    "expected ',' or": "a bracket is not closed, or an item lacks a ','",
}


def _reader_problem(exc: yaml.YAMLError, text: str, shown: str) -> Problem:
    pos = getattr(exc, "position", None)
    line = text.count("\n", 0, pos) + 1 if isinstance(pos, int) else None
    char = getattr(exc, "character", None)
    what = f"the character #x{char:04x}" if isinstance(char, int) else "a character"
    return Problem(shown, line, "", f"invalid YAML: {what} is not allowed in a YAML file")


class _Fatal(Exception):
    """Stop building: the document cannot be read further."""


class _Builder:
    """Build plain data from a YAML node tree, recording the line of every key."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader, self.file = loader, file
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()

    def fail(self, line: int, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.file, line, format_path(path), message))

    def build(self, node: Node, path: KeyPath, where: KeyNode) -> Any:
        try:
            return self._build(node, path, where)
        except _Fatal:
            return None

    def _build(self, node: Node, path: KeyPath, where: KeyNode) -> Any:
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(line, path, f"too large: more than {MAX_NODES} values (after aliases)")
            raise _Fatal
        if len(path) > MAX_DEPTH:
            self.fail(line, path, f"nested more than {MAX_DEPTH} levels deep")
            raise _Fatal
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if id(node) in self.active:
            self.fail(line, path, "an alias refers to a mapping or list that contains it")
            raise _Fatal
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    self.fail(line, path, f"YAML tag {_tag(node)} is not supported here")
                out = []
                for i, item in enumerate(node.value):
                    kid = where.kids[i] = KeyNode(self.file, item.start_mark.line + 1, i)
                    out.append(self._build(item, (*path, i), kid))
                return out
            return self._mapping(node, path, where)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: ScalarNode) -> Any:
        try:
            return self.loader.construct_object(node)
        except yaml.YAMLError:
            raise
        except Exception:  # e.g. a date like 2014-13-45: keep the text, validation says why
            self.loader.recursive_objects.pop(node, None)
            return node.value

    def _mapping(self, node: MappingNode, path: KeyPath, where: KeyNode) -> dict[str, Any]:
        line = node.start_mark.line + 1
        if node.tag != _MAP:
            self.fail(line, path, f"YAML tag {_tag(node)} is not supported here")
        out: dict[str, Any] = {}
        merges = []
        for knode, vnode in node.value:
            kline = knode.start_mark.line + 1
            if knode.tag == _MERGE:
                merges.append(vnode)
            elif not isinstance(knode, ScalarNode):
                self.fail(kline, path, "a key must be plain text, not a list or mapping")
            else:
                self._put(out, where, path, knode.value, vnode, kline)
        for src in merges:  # YAML merge keys (<<): earlier sources and explicit keys win
            sources = src.value if isinstance(src, SequenceNode) else [src]
            for s in sources:
                if not isinstance(s, MappingNode):
                    self.fail(s.start_mark.line + 1, path, "'<<' merges only mappings")
                    continue
                tmp = KeyNode(self.file, line, "")
                for key, value in self._build(s, path, tmp).items():
                    if key not in out:
                        out[key] = value
                        where.kids[key] = tmp.kids[key]
        return out

    def _put(
        self, out: dict, where: KeyNode, path: KeyPath, key: str, vnode: Node, line: int
    ) -> None:
        """Store ``key: value``, expanding a dotted key into nested mappings."""
        parts = split_key(path, key)
        for part in parts[:-1]:
            if part in out and not isinstance(out[part], dict):
                self.fail(
                    line, (*path, part), f"given twice (also on line {where.kids[part].line})"
                )
                return
            if part not in out:
                out[part] = {}
                where.kids[part] = KeyNode(self.file, line, part)
            out, where, path = out[part], where.kids[part], (*path, part)
        leaf = parts[-1]
        fresh = KeyNode(self.file, line, leaf)
        value = self._build(vnode, (*path, leaf), fresh)
        if leaf not in out:
            out[leaf], where.kids[leaf] = value, fresh
        elif isinstance(out[leaf], dict) and isinstance(value, dict):
            self._combine(out[leaf], where.kids[leaf], value, fresh, (*path, leaf))
        else:
            self.fail(line, (*path, leaf), f"given twice (also on line {where.kids[leaf].line})")

    def _combine(
        self, old: dict, old_at: KeyNode, new: dict, new_at: KeyNode, path: KeyPath
    ) -> None:
        """Merge two mappings written in the same file; the same leaf twice is an error."""
        for key, value in new.items():
            if key not in old:
                old[key], old_at.kids[key] = value, new_at.kids[key]
            elif isinstance(old[key], dict) and isinstance(value, dict):
                self._combine(old[key], old_at.kids[key], value, new_at.kids[key], (*path, key))
            else:
                first = old_at.kids[key].line
                self.fail(
                    new_at.kids[key].line, (*path, key), f"given twice (also on line {first})"
                )


def split_key(path: KeyPath, key: str) -> list[str]:
    """The parts of a (possibly dotted) key written in the mapping at ``path``.

    ``actors.CHN.assertiveness`` -> ['actors', 'CHN', 'assertiveness']. Below an event's
    ``set`` or ``add`` the rest of the key stays whole: it is a path, not nesting.
    """
    parts = key.split(".")
    if len(parts) == 1 or not all(parts):
        return [key]
    out: list[str] = []
    for i, part in enumerate(parts):
        if _is_event_op((*path, *out)):
            out.append(".".join(parts[i:]))
            break
        out.append(part)
    return out


def _is_event_op(path: KeyPath) -> bool:
    return len(path) == 3 and path[0] == "events" and path[2] in ("set", "add")


# --- merging --------------------------------------------------------------------------------


def _merge(base: dict, base_at: KeyNode, over: dict, over_at: KeyNode) -> None:
    """Merge ``over`` into ``base`` in place (and where each key was written).

    Mappings merge key by key, anything else replaces, ``None`` deletes. A merged
    mapping takes the location of the file that last touched it.
    """
    base_at.file, base_at.line, base_at.written = over_at.file, over_at.line, over_at.written
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


def _pair(key: Any) -> tuple[str, str] | None:
    if not isinstance(key, str):
        return None
    parts = key.split("-")
    if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
        return None
    return parts[0], parts[1]


def _same_dyad_twice(data: dict, root: KeyNode) -> list[Problem]:
    """Both 'A-B' and 'B-A' in one file is an error: they are the same pair."""
    dyads = data.get("dyads")
    if not isinstance(dyads, dict):
        return []
    seen: dict[frozenset[str], str] = {}
    problems = []
    for key in dyads:
        pair = _pair(key)
        if pair is None:
            continue
        first = seen.setdefault(frozenset(pair), key)
        if first != key:
            line = root.kids["dyads"].kids[first].line
            msg = f"the same pair as '{first}' (line {line}); give each pair once"
            problems.append(root.problem(("dyads", key), msg))
    return problems


def _rename(mapping: dict, at: KeyNode, renames: dict[str, str]) -> dict:
    """``mapping`` with keys renamed, order kept; the KeyNodes move too (written stays)."""
    for old, new in renames.items():
        if old in at.kids:
            at.kids[new] = at.kids.pop(old)
    return {renames.get(k, k): v for k, v in mapping.items()}


def _align_dyads(base: dict, over: dict, over_at: KeyNode) -> None:
    """An override's 'B-A' updates the base's 'A-B': rename it before merging."""
    bd, od = base.get("dyads"), over.get("dyads")
    if not isinstance(bd, dict) or not isinstance(od, dict) or "dyads" not in over_at.kids:
        return
    renames = {}
    for key in od:
        pair = _pair(key)
        if pair and key not in bd and f"{pair[1]}-{pair[0]}" in bd:
            renames[key] = f"{pair[1]}-{pair[0]}"
    if renames:
        over["dyads"] = _rename(od, over_at.kids["dyads"], renames)


def _normalise_dyads(data: dict, root: KeyNode) -> list[Problem]:
    """Order dyad keys and outcome conditions' dyads as the actors are listed."""
    actors = data.get("actors")
    if not isinstance(actors, dict):
        return []
    rank = {a: i for i, a in enumerate(actors)}

    def canonical(key: Any) -> str | None:
        pair = _pair(key)
        if pair and pair[0] in rank and pair[1] in rank and rank[pair[0]] > rank[pair[1]]:
            return f"{pair[1]}-{pair[0]}"
        return None

    problems = []
    dyads = data.get("dyads")
    if isinstance(dyads, dict) and "dyads" in root.kids:
        renames = {}
        for key in dyads:
            new = canonical(key)
            if new is None:
                continue
            if new in dyads:
                problems.append(root.problem(("dyads", key), f"the same pair as '{new}'"))
            else:
                renames[key] = new
        data["dyads"] = _rename(dyads, root.kids["dyads"], renames)
    outcomes = data.get("outcomes")
    for outcome in outcomes.values() if isinstance(outcomes, dict) else []:
        conditions = outcome.get("all") if isinstance(outcome, dict) else None
        for cond in conditions if isinstance(conditions, list) else []:
            if isinstance(cond, dict) and canonical(cond.get("dyad")):
                cond["dyad"] = canonical(cond["dyad"])
    return problems
