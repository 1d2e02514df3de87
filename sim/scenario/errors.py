"""What can be wrong with a scenario file, said in plain words with file, line and key path.

A :class:`Problem` is one thing wrong: the file and line where the offending key was
written, the key path as the user wrote it (``actors.CHN.assertiveness``,
``outcomes.x.all[1].band``) and a message that says what was expected. A
:class:`ScenarioError` carries every problem found; its ``str()`` is one line per problem::

    scenarios/whatif.yaml:12: actors.CHN.assertivness: unknown key; did you mean 'assertiveness'?

:class:`KeyNode` trees remember where each key was written (the file that last set it),
so that any path, including one that pydantic reports, can be turned into a file and line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sim.scenario.keypaths import (
    DATE_WORDS,
    DISTRIBUTION_MODELS,
    DISTRIBUTION_WORDS,
    KeyPath,
    bounds_at,
    closest,
    expected_at,
    fields_at,
    is_distribution,
    is_event_op,
    unknown_distribution,
    without_tag,
)


def format_path(path: Sequence[str | int]) -> str:
    """A key path as users write it: keys joined by '.', list indices as ``[i]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario.

    file: the file as displayed (relative to the working directory when inside it);
    line: 1-based line of the offending key (None when the file could not be read);
    path: the key path as written ('' when the problem is not about one key);
    message: what is wrong and what was expected.
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` says every reason, with file and line."""

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        items = [problems] if isinstance(problems, Problem) else list(problems)
        self.problems: list[Problem] = items
        super().__init__("\n".join(str(p) for p in items))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        # Survive pickling (process pools): rebuild from the problems, not from the text.
        return (ScenarioError, (self.problems,))


@dataclass
class KeyNode:
    """Where one key was written: file, line, the key as written, and its children.

    ``kids`` is keyed like the data (mapping keys, list indices). ``written`` differs from
    the key only when the loader renamed it (a dyad 'JPN-RUS' stored as 'RUS-JPN').
    ``alias`` is the whole key path as written when the loader moved the key elsewhere: a
    distribution written in place of a number (``actors.CHN.assertiveness: {dist: ...}``)
    is stored under ``uncertainties`` but named in messages where the user wrote it.
    """

    file: str
    line: int
    written: str | int
    kids: dict[str | int, KeyNode] = field(default_factory=dict)
    alias: KeyPath | None = None

    def locate(self, path: Sequence[str | int]) -> tuple[str, int, KeyPath]:
        """File and line of ``path`` (or its nearest written ancestor), and the path as written."""
        node, shown = self, []
        for i, part in enumerate(path):
            kid = node.kids.get(part)
            if kid is None:
                shown.extend(path[i:])
                break
            node = kid
            if kid.alias is not None:
                shown = list(kid.alias)
            else:
                shown.append(kid.written)
        return node.file, node.line, tuple(shown)

    def problem(self, path: Sequence[str | int], message: str) -> Problem:
        """A problem about ``path``, placed at the line that wrote it."""
        file, line, shown = self.locate(path)
        return Problem(file, line, format_path(shown), message)


# --- pydantic errors in plain words -------------------------------------------------------

_EXPECTED = {
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing_size": "a whole number of a sensible size",
    "string_type": "text",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date without a time of day (YYYY-MM-DD)",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "list_type": "a list (lines starting with '- ')",
}
_RANGE = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
_BOOL_HINT = "YAML reads yes/no/on/off/true/false as booleans"


def describe(value: Any) -> str:
    """A short plain description of a value as it was read from YAML."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {number(value)}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    return f"a {type(value).__name__}"


def number(x: float) -> str:
    """A number without a spurious '.0' (1 rather than 1.0)."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


def range_text(path: KeyPath, ctx: dict[str, Any]) -> str:
    """The allowed range of the field at ``path``, e.g. 'between 0 and 1' or 'at least 0'."""
    bounds = bounds_at(path)
    if not bounds:  # fall back on the one bound pydantic names
        bounds = {k: v for k, v in ctx.items() if k in ("ge", "gt", "le", "lt")}
    lo = (
        ("ge", bounds["ge"]) if "ge" in bounds else ("gt", bounds["gt"]) if "gt" in bounds else None
    )
    hi = (
        ("le", bounds["le"]) if "le" in bounds else ("lt", bounds["lt"]) if "lt" in bounds else None
    )
    if lo and hi and lo[0] == "ge" and hi[0] == "le":
        return f"between {number(lo[1])} and {number(hi[1])}"
    words = {"ge": "at least", "gt": "greater than", "le": "at most", "lt": "less than"}
    return " and ".join(f"{words[b[0]]} {number(b[1])}" for b in (lo, hi) if b) or "in range"


def plain_message(err: dict[str, Any]) -> str:
    """Turn one pydantic error into a plain message that says what was expected."""
    kind, given, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    path = tuple(err["loc"])
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return unknown_key(path, err.get("fields"))
    if kind in _RANGE:
        shown = number(given) if isinstance(given, int | float) else describe(given)
        return f"must be {range_text(path, ctx)}, got {shown}"
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length" if kind == "too_short" else "max_length")
        bound = "at least" if kind == "too_short" else "at most"
        noun = "entry" if n == 1 else "entries"
        return f"needs {bound} {n} {noun}, got {ctx.get('actual_length', '?')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '?')}, got {describe(given)}"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    if kind == "union_tag_invalid":
        return unknown_distribution(ctx.get("tag", given))
    if kind == "union_tag_not_found" or (kind == "model_attributes_type" and is_distribution(path)):
        what = ("a number or " if err.get("inline") else "") + DISTRIBUTION_WORDS
        got = "a mapping without 'dist'" if isinstance(given, dict) else describe(given)
        return f"expected {what}, got {got}"
    if kind in _EXPECTED:
        msg = f"expected {_EXPECTED[kind]}, got {describe(given)}"
        if kind in ("date_parsing", "date_from_datetime_parsing") and "error" in ctx:
            msg += f" ({ctx['error']})"
        if isinstance(given, bool):
            msg += f" ({_BOOL_HINT}: quote it if you mean text)"
        if isinstance(given, dict) and is_event_op(path[:3]):  # at or below set/add
            msg += "; write event paths whole, e.g. actors.CHN.assertiveness: 0.8"
        return msg
    text = str(err.get("msg", "invalid value"))
    if text.startswith("Input should be "):
        return f"expected {text.removeprefix('Input should be ')}, got {describe(given)}"
    return text


def unknown_key(path: KeyPath, fields: Sequence[str] | None = None) -> str:
    """Message for a key the format does not know, with a suggestion when one is close.

    ``fields`` are the keys allowed beside it (default: the fields of the model at the
    parent path).
    """
    key = path[-1] if path else ""
    fields = list(fields) if fields is not None else fields_at(path[:-1])
    if not fields:
        return "unknown key"
    close = closest(str(key), fields)
    if close:
        return f"unknown key; did you mean '{close}'?"
    return f"unknown key; expected one of: {', '.join(fields)}"


def lax_problems(data: Any, root: KeyNode, path: KeyPath = ()) -> list[tuple[KeyPath, Problem]]:
    """Values pydantic would quietly convert but the format does not accept.

    Booleans: no field is a boolean, yet pydantic reads ``treaty: yes`` as 1.0 (YAML 1.1
    turns yes/no/on/off into booleans, which surprises people). Numbers where a date is
    expected: pydantic reads them as Unix timestamps (``start: 0`` is 1970-01-01). Text
    where a date is expected (``start: "2014-01-01"``, quoted): pydantic would parse it,
    but a date must be written as a date; text that is no date is left to pydantic,
    which says why.
    """
    found: list[tuple[KeyPath, Problem]] = []
    if isinstance(data, bool):
        kind = expected_at(path)
        if kind is not None:
            hint = _BOOL_HINT
            if kind == "text" or kind.startswith("one of"):
                hint += "; quote it if you mean text, e.g. 'no'"
            found.append(
                (path, root.problem(path, f"expected {kind}, got {describe(data)} ({hint})"))
            )
    elif isinstance(data, int | float) and expected_at(path) == DATE_WORDS:
        found.append((path, root.problem(path, f"expected {DATE_WORDS}, got {describe(data)}")))
    elif isinstance(data, str) and expected_at(path) == DATE_WORDS:
        date = _as_date(data)
        if date is not None:
            msg = (
                f"expected {DATE_WORDS}, got {describe(data)}: a date must be written as a "
                f"date, without quotes ({date.isoformat()}, not {data!r})"
            )
            found.append((path, root.problem(path, msg)))
    elif isinstance(data, dict):
        for key, value in data.items():
            found.extend(lax_problems(value, root, (*path, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(lax_problems(value, root, (*path, i)))
    return found


_DATE = TypeAdapter(dt.date)


def _as_date(text: str) -> dt.date | None:
    """The date pydantic would read ``text`` as (it parses text into dates), or None."""
    try:
        return _DATE.validate_python(text)
    except ValidationError:
        return None


def validation_problems(
    exc: ValidationError, root: KeyNode, skip: set[KeyPath] | None = None
) -> list[Problem]:
    """Every error of a pydantic ValidationError as a located :class:`Problem`.

    Errors at paths in ``skip`` (already reported in better words) are left out, except
    unknown keys, and so are the cross-field errors of the mappings holding them.
    """
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = without_tag(loc)
        # A distribution written in place of a number: say that a number would do too.
        inline = is_distribution(path[:2]) and _moved(root, path[:2])
        err = {**err, "loc": path, "inline": inline}
        if path != loc:  # below a distribution: its own fields are the ones allowed
            err["fields"] = list(DISTRIBUTION_MODELS[str(loc[2])].model_fields)
        if skip and path in skip and err["type"] != "extra_forbidden":
            continue
        if skip and err["type"] == "value_error" and any(s[: len(path)] == path for s in skip):
            continue  # a check across fields that read a value already reported
        if err["type"] == "union_tag_invalid":
            path = (*path, "dist")  # the line that names the distribution
        out.append(root.problem(path, plain_message(err)))
    return out


def _moved(root: KeyNode, path: KeyPath) -> bool:
    """Whether the key at ``path`` was moved there by the loader (it has an alias)."""
    node: KeyNode | None = root
    for part in path:
        node = node.kids.get(part) if node is not None else None
    return node is not None and node.alias is not None
