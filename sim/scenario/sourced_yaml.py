"""Sourced YAML: the values of a YAML file plus, for every key, the file and line that set it.

:func:`parse_sourced` reads YAML text with ``yaml.SafeLoader`` only and returns the plain
data together with a :class:`~sim.scenario.errors.KeyNode` tree that records where each
key (and list item) was written, so that any problem found later, by the loader, by
pydantic or by the cross-field checks, can name the file and line to fix. Reading is
safe: keys are taken as written (``NO:`` is the text 'NO', not false), a key given twice
is an error, only the standard tags are accepted, and neither the text nor its aliases
can make the document larger than :data:`MAX_NODES` values or nest deeper than
:data:`MAX_DEPTH` levels (the text is refused at the line where it passes the limit,
before it is all read into nodes).

Dotted keys (``actors.CHN.assertiveness: 0.8``) expand to nested mappings, except inside
an event's ``set``/``add`` and the top-level ``uncertainties`` and ``sweep``, whose keys are
paths (:func:`split_key`). :func:`read_text` reads a file as UTF-8, or says why it
cannot; a file larger than :data:`DEFAULT_MAX_BYTES` (or the limit its caller gives) is
refused from its size on disk, before any of it is read or parsed. Every problem is
raised as a :class:`~sim.scenario.errors.ScenarioError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.scenario.errors import KeyNode, KeyPath, Problem, ScenarioError, format_path
from sim.scenario.keypaths import is_path_keyed

MAX_NODES = 100_000  # values after aliases are expanded (stops "billion laughs")
MAX_DEPTH = 64  # nesting of mappings and lists
#: The largest scenario file read, in bytes (5 MB; the baseline is about 10 kB). Parsing
#: is slow and memory-hungry (a 50 MB file took minutes and gigabytes before the limit on
#: values refused it), so a larger file is refused from its size alone.
DEFAULT_MAX_BYTES = 5_000_000
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
#: Scalar tags the safe loader knows but a scenario cannot mean: !!binary is bytes, which
#: validation would read as the text or number they spell (a relation of -0.1 hidden in
#: base64).
_REFUSED_SCALARS = frozenset({"tag:yaml.org,2002:binary"})

Via = tuple[str, int]  # the extending file and the line of its `extends`

# --- files ----------------------------------------------------------------------------------


def read_text(path: Path, shown: str, via: Via | None, max_bytes: int | None = None) -> str:
    """The file's text, or a ScenarioError saying why it cannot be read.

    A file larger than ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES`) is refused from
    its size on disk (``os.stat``) before it is opened; what is read is bounded by the
    limit too, for files whose size the disk does not say (a pipe, a device).
    """
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    reason, line = None, None
    try:
        reason = too_large(os.stat(path).st_size, limit)
        if reason is None:
            with open(path, "rb") as f:
                raw = f.read(limit + 1)
            if len(raw) > limit:
                reason = too_large(len(raw), limit, at_least=True)
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
    if reason is None:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            reason = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line})"
    if via is None:
        raise ScenarioError(Problem(shown, line, "", reason))
    raise ScenarioError(Problem(via[0], via[1], "extends", f"base scenario {shown}: {reason}"))


def too_large(size: int, limit: int, at_least: bool = False) -> str | None:
    """Why ``size`` bytes are too many for a scenario file, or None when within ``limit``.

    ``at_least``: the size is not known, only that there were more than ``limit`` bytes.
    """
    if size <= limit:
        return None
    most = megabytes(limit)
    if at_least:
        return f"larger than the limit of {most} for a scenario file"
    shown = megabytes(size)
    if shown == most:  # just over the limit: the bytes show the difference
        shown, most = f"{size:,} bytes", f"{most} ({limit:,} bytes)"
    return f"{shown}, larger than the limit of {most} for a scenario file"


def megabytes(n: int) -> str:
    """A number of bytes as people write it: '5 MB', '50.2 MB', '0.25 MB', '800 bytes'."""
    if n < 10_000:
        return f"{n:,} bytes"
    mb = n / 1_000_000
    text = f"{mb:.1f}".removesuffix(".0") if mb >= 1 else f"{mb:.2f}".rstrip("0")
    return f"{text} MB"


# --- YAML with lines ------------------------------------------------------------------------


def parse_sourced(
    text: str, shown: str, problems: list[Problem] | None = None
) -> tuple[dict[str, Any], KeyNode]:
    """Parse YAML text (SafeLoader) into data and a tree of where each key was written.

    Problems that leave the rest of the data usable (a key given twice: the first is
    kept) are raised, or appended to ``problems`` when a list is given, so that a caller
    can go on and find more; any other problem is raised at once.
    """
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader checks every character up front
        raise ScenarioError(_reader_problem(exc, text, shown)) from None
    try:
        try:
            node = loader.get_single_node()
        except _TextLimit as exc:
            raise ScenarioError(Problem(shown, exc.line, "", exc.message)) from None
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
        if builder.problems and (problems is None or builder.fatal):
            raise ScenarioError(builder.problems)
        if problems is not None:
            problems.extend(builder.problems)
        return data, root
    finally:
        loader.dispose()


class _TextLimit(Exception):
    """The text nests too deeply or holds too many values: where, and what."""

    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.line, self.message = mark.line + 1, message


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that stops composing where the text passes a limit.

    The composer builds the node tree by recursion and holds every node in memory, so
    limits checked after it (:class:`_Builder`) come too late for text that nests
    thousands of levels deep (Python's recursion limit, with no line to show) or holds
    millions of values. Stopping here names the line. Keys are nodes too, so more than
    twice :data:`MAX_NODES` nodes hold more than :data:`MAX_NODES` values.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = self.nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        self.nodes += 1
        try:
            if self.depth > MAX_DEPTH + 1:  # the top-level mapping is at depth 1
                msg = f"nested too deeply to read: more than {MAX_DEPTH} levels of mappings"
                msg += " and lists"
                raise _TextLimit(self.peek_event().start_mark, msg)
            if self.nodes > 2 * MAX_NODES:
                msg = f"too large: more than {MAX_NODES} values"
                raise _TextLimit(self.peek_event().start_mark, msg)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


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
        self.fatal = False  # the data is incomplete: the problems stop the loading

    def fail(self, line: int, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.file, line, format_path(path), message))

    def refuse_tag(self, node: Node, line: int, path: KeyPath) -> None:
        """A tag the format does not take (one that would build Python objects, ...): the
        file asks for something it cannot have, so nothing more of it is read."""
        self.fail(line, path, f"YAML tag {_tag(node)} is not supported here")
        self.fatal = True

    def build(self, node: Node, path: KeyPath, where: KeyNode) -> Any:
        try:
            return self._build(node, path, where)
        except _Fatal:
            self.fatal = True
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
            if node.tag in _REFUSED_SCALARS:
                self.refuse_tag(node, line, path)
                return None
            return self._scalar(node)
        if id(node) in self.active:
            self.fail(line, path, "an alias refers to a mapping or list that contains it")
            raise _Fatal
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    self.refuse_tag(node, line, path)
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
            self.refuse_tag(node, line, path)
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
    ``set`` or ``add``, and below the top-level ``uncertainties`` and ``sweep``, the rest of
    the key stays whole: it is a path, not nesting
    (``uncertainties.actors.CHN.assertiveness`` -> ['uncertainties', 'actors.CHN.assertiveness']).
    """
    parts = key.split(".")
    if len(parts) == 1 or not all(parts):
        return [key]
    out: list[str] = []
    for i, part in enumerate(parts):
        if is_path_keyed((*path, *out)):
            out.append(".".join(parts[i:]))
            break
        out.append(part)
    return out
