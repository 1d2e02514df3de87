"""A what-if as the explorer writes it: the changed values over a base file, as YAML.

A what-if file ``extends`` its base (by a path relative to where the what-if is saved)
and holds exactly the values the analyst changed, one dotted key a line
(docs/scenarios.md, "extends and overrides"): ``actors.CHN.assertiveness: 0.8``; an event
turned off is removed the way the format removes a key, ``events.NAME: null``. A number
written over a value the base holds uncertain fixes it, as in any what-if.

The explorer runs exactly what it would save: :func:`what_if_scenario` loads the same
text through the scenario loader that ``run.py run`` and ``run.py compare`` use, so a
saved file gives the numbers the page showed (with the explorer's replicates and seed).
:func:`save_what_if` writes the file, atomically, and refuses to replace one unless told.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sim.results.publish import atomic_write_bytes
from sim.scenario import Scenario, ScenarioError, load_scenario_text

Changes = Mapping[str, float | None]
"""Dotted key -> its new value; None removes the key (an event turned off)."""


class SaveRefused(Exception):
    """A save that did not happen; the message says why and what to do."""


def what_if_name(path: Path) -> str:
    """The scenario name a what-if saved at ``path`` gets: its file name without the
    suffix, kept to the letters, digits, ``_``, ``-`` and ``.`` a name may hold."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip(".-")
    return name or "what-if"


def _extends(base: Path, folder: Path) -> str:
    """The base file as the what-if's ``extends`` writes it: relative to ``folder``."""
    return Path(os.path.relpath(base.resolve(), folder.resolve())).as_posix()


def _value(value: float | None) -> str:
    if value is None:
        return "null"
    return repr(float(value))


def what_if_text(base: Path, changes: Changes, path: Path, when: dt.date | None = None) -> str:
    """The YAML of a what-if saved at ``path`` that changes ``changes`` in ``base``."""
    stamp = (when or dt.date.today()).isoformat()
    lines = [
        f"# A what-if of {base.name}, saved by the explorer (alignsim explore) on {stamp}:",
        "# the values changed in the page, over the base file.",
        f"extends: {_quoted(_extends(base, path.parent))}",
        f"name: {what_if_name(path)}",
        f"description: {_quoted(describe_changes(changes) or 'the base unchanged')}",
    ]
    lines += [f"{key}: {_value(value)}" for key, value in changes.items()]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """Text as a double-quoted YAML scalar (a path or description may hold ': ' or '#')."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def describe_changes(changes: Changes) -> str:
    """The changes in words: 'actors.CHN.assertiveness 0.8; events.adiz off'."""
    parts = [
        f"{key} off" if value is None else f"{key} {float(value):g}"
        for key, value in changes.items()
    ]
    return "; ".join(parts)


def what_if_scenario(base: Path, changes: Changes, max_bytes: int | None = None) -> Scenario:
    """The scenario the what-if of ``changes`` is, loaded as a file beside ``base`` would
    be (raises ``sim.scenario.ScenarioError`` where the format refuses a value)."""
    path = base.with_name(f"{base.stem}-what-if.yaml")
    return load_scenario_text(
        what_if_text(base, changes, path), path.name, base.parent, max_bytes=max_bytes
    )


@dataclass(frozen=True)
class Saved:
    """A what-if written to disk: where, and its text."""

    path: Path
    text: str
    replaced: bool


def save_target(base: Path, typed: str) -> Path:
    """The file a typed name means: a relative path is taken from the base file's folder;
    ``.yaml`` is added when the name has no YAML suffix."""
    text = typed.strip()
    if not text:
        raise SaveRefused("Refused: type a file name to save the what-if as")
    path = Path(text).expanduser()
    if path.suffix.lower() not in (".yaml", ".yml"):
        path = path.with_name(path.name + ".yaml")
    return path if path.is_absolute() else base.parent / path


def save_what_if(
    base: Path,
    changes: Changes,
    target: Path,
    *,
    replace: bool = False,
    max_bytes: int | None = None,
) -> Saved:
    """Write the what-if of ``changes`` to ``target``, after checking that it loads from
    there; an existing file is replaced only with ``replace``. Raises :class:`SaveRefused`
    with the reason (the file exists, the folder is missing, the base itself, it would not
    validate, the disk refused)."""
    target = Path(target)
    if target.resolve() == base.resolve():
        raise SaveRefused(f"Refused: {target} is the base file; choose another name")
    if target.is_dir():
        raise SaveRefused(f"Refused: {target} is a folder; type a file name")
    if not target.parent.is_dir():
        raise SaveRefused(f"Refused: the folder {target.parent} does not exist")
    exists = target.exists()
    if exists and not replace:
        raise SaveRefused(
            f"Refused: {target} exists; tick 'replace an existing file' and save again to "
            "replace it"
        )
    text = what_if_text(base, changes, target)
    # The loader reads it as `run` would, from the folder it goes to (extends included):
    # what is written is a file that validates.
    try:
        load_scenario_text(text, target.name, target.parent, max_bytes=max_bytes)
    except ScenarioError as exc:
        raise SaveRefused(f"Refused: the what-if would not validate: {exc}") from None
    try:
        atomic_write_bytes(target, text.encode("utf-8"))
    except OSError as exc:
        raise SaveRefused(f"Refused: cannot write {target}: {exc.strerror or exc}") from None
    return Saved(target, text, exists)
