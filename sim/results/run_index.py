"""The index of a results folder: every published result folder, read from its manifest.

:func:`read_index` walks a results root (``results/``, or a command's ``--out DIR``) and
makes one :class:`IndexEntry` per result folder in it, newest first:

- a run, ``<root>/<scenario>/<run-id>/`` (manifest format ``alignsim-run``), with its
  end-state probabilities read from its ``outcomes.csv``;
- a comparison, ``<root>/compare/<id>/`` (``alignsim-comparison``), with its largest
  difference in words (the first line of ``largest_differences.csv``);
- an analysis, ``<root>/<kind>/<scenario>/<run-id>/`` (sensitivity, discover, tipping,
  calibration: a manifest that names its ``kind``), with the outcome it studied.

A folder is known by its manifest, not by where it sits (a scenario may be called
``compare``). What cannot be listed is kept as a :class:`Skipped` with its reason: a
partial run (``.partial-*``), a folder being published (``.<id>.tmp-<pid>``), a folder
named like a result that has no manifest, a manifest that cannot be read or is damaged.
Other files and folders (``README.md``, the workshop's games) are not result folders and
are passed over in silence. One folder is read by :mod:`sim.results.index_entry`. Nothing
here writes; the page is :mod:`sim.present.run_index_page`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sim.results.index_entry import DamagedManifest, IndexEntry, read_entry
from sim.results.publish import safe_folder_name

RESULT_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}(-\d+)?")
"""The name the publisher gives a result folder: ``YYYYmmdd-HHMMSS-<6 hex>`` (``-2`` ...)."""


@dataclass(frozen=True)
class Skipped:
    """A folder the index does not list, and why."""

    path: str
    """Relative to the results root, with '/'."""
    reason: str

    @property
    def line(self) -> str:
        """The one-line note: 'skipped baseline/.partial-...: an unfinished run ...'."""
        return f"skipped {self.path}: {self.reason}"


@dataclass(frozen=True)
class ResultIndex:
    """The result folders of a results root, newest first, and those skipped."""

    root: Path
    entries: tuple[IndexEntry, ...]
    skipped: tuple[Skipped, ...]
    folders: frozenset[str]
    """Every folder considered (listed or skipped): a later listing that differs says
    that a folder came or went since (:func:`folder_listing`)."""

    def of_scenario(self, name: str) -> tuple[IndexEntry, ...]:
        """The entries that ran scenario ``name`` (a comparison: if it is one of them)."""
        wanted = safe_folder_name(name)
        return tuple(
            e for e in self.entries if any(safe_folder_name(s) == wanted for s in e.scenarios)
        )

    @property
    def scenario_names(self) -> list[str]:
        """Every scenario some entry ran, sorted."""
        return sorted({s for e in self.entries for s in e.scenarios})


def read_index(root: str | Path) -> ResultIndex:
    """Every result folder under ``root``, newest first (a root that does not exist has
    none); what cannot be listed is in ``skipped``."""
    root = Path(root)
    entries: list[IndexEntry] = []
    skipped: list[Skipped] = []
    folders: set[str] = set()
    for folder, reason in _candidates(root):
        rel = folder.relative_to(root).as_posix()
        folders.add(rel)
        if reason is None:
            try:
                entries.append(read_entry(root, folder))
                continue
            except DamagedManifest as exc:
                reason = str(exc)
        skipped.append(Skipped(rel, reason))
    entries.sort(key=lambda e: (e.sort_key, e.path), reverse=True)
    return ResultIndex(root, tuple(entries), tuple(skipped), frozenset(folders))


def folder_listing(root: str | Path) -> frozenset[str]:
    """The folders :func:`read_index` would consider now, without reading a manifest."""
    root = Path(root)
    return frozenset(folder.relative_to(root).as_posix() for folder, _ in _candidates(root))


def _candidates(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Result folders at depth 2 (runs, comparisons) or 3 (analyses) under ``root``, each
    with the reason it cannot be listed (None: read its manifest)."""
    try:
        tops = sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir())
    except FileNotFoundError:
        return
    except OSError as exc:
        yield root, f"cannot be read ({exc.strerror or exc})"
        return
    for top in tops:
        yield from _level(top, descend=True)


def _level(folder: Path, descend: bool) -> Iterator[tuple[Path, str | None]]:
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        yield folder, f"cannot be read ({exc.strerror or exc})"
        return
    for child in children:
        name = child.name
        if name.startswith(".partial-"):
            yield child, "an unfinished run (the same command with --resume continues it)"
        elif name.startswith(".") and ".tmp-" in name:
            yield child, "being written now, or left by a process that was killed"
        elif name.startswith(".") or not child.is_dir():
            continue
        elif (child / "manifest.json").exists() or RESULT_ID.fullmatch(name):
            yield child, None
        elif descend:  # <kind>/<scenario>/: the analyses' folders are one level down
            yield from _level(child, descend=False)
