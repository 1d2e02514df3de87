"""The index page of a results folder (``index.html``): every result folder, linked to its page.

Newest first; a reader picks two runs and gets the command that compares them.

- :func:`index_html`: the page, from ``templates/index.html.j2`` (autoescape: scenario
  names and descriptions are the users' text). Plain HTML and CSS with a little inline
  script for the picker, no plotly: it opens offline and loads at once.
- :func:`write_index`: rebuild the page from the folders and replace ``index.html``
  atomically (:func:`sim.results.publish.atomic_write_bytes`). Two commands finishing at
  once each rebuild from what is on disk, and whichever finds that a folder came or went
  while it wrote rebuilds again, so the page ends up listing every folder.

The rows come from :func:`sim.results.run_index.read_index`; what a folder that cannot be
listed was skipped for is shown at the end of the page.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from sim.present.pages import CSS, render_page
from sim.results.index_entry import IndexEntry
from sim.results.publish import atomic_write_bytes
from sim.results.run_index import ResultIndex, folder_listing, read_index

INDEX_NAME = "index.html"
"""The page's name in the results root."""

INDEX_CSS = """
pre.command{background:#f5f5f5;border:1px solid #ddd;padding:.6rem;white-space:pre-wrap;
word-break:break-all}table.index td{font-size:.85rem}details summary{cursor:pointer;color:#555}
"""

REBUILDS = 5
"""How often :func:`write_index` rebuilds at most while folders keep coming."""


def shell_path(file: str, checkout: Path | None) -> str:
    """A scenario file as a command line to paste takes it: relative to ``checkout`` (the
    folder of run.py) when it lies inside it, else as recorded; quoted for a POSIX shell."""
    path = Path(file)
    if checkout is not None and path.is_relative_to(checkout.resolve()):
        path = path.relative_to(checkout.resolve())
    return shlex.quote(str(path))


def _pick(entry: IndexEntry, checkout: Path | None) -> dict[str, str] | None:
    """What the picker needs of a run (None for a comparison or an analysis)."""
    if entry.kind != "run":
        return None
    file = entry.scenario_files[0]
    return {
        "id": entry.path,
        "name": entry.scenarios[0],
        "file": "" if file is None else shell_path(file, checkout),
        "seed": str(entry.seed),
        "reps": "" if entry.replicates is None else str(entry.replicates),
        "shape": entry.run_shape,
        "hash": entry.scenario_sha256[0],
        "file_sweeps": "1" if entry.file_sweeps else "",
        "sweep_points": str(entry.sweep_points),
    }


def _row(entry: IndexEntry, checkout: Path | None) -> dict[str, Any]:
    shares = sorted(entry.end_states, key=lambda e: -e.high)
    return {
        "kind": entry.kind,
        "path": entry.path,
        "scenario": entry.scenario,
        "description": entry.description,
        "started": entry.started_text,
        "seed": entry.seed,
        "replicates": "" if entry.replicates is None else f"{entry.replicates:,}",
        "sweep": entry.sweep_points,
        "hashes": [h[:12] for h in entry.scenario_sha256],
        "hash_title": " ".join(entry.scenario_sha256),
        "headline": [(e.outcome, e.text) for e in shares[:3]],
        "more": [(e.outcome, e.text) for e in shares[3:]],
        "detail": entry.detail,
        "report": None if entry.report is None else quote(entry.report),
        "notes": list(entry.notes),
        "pick": _pick(entry, checkout),
    }


def index_html(
    index: ResultIndex,
    *,
    program: str = "python run.py",
    checkout: Path | None = None,
    out: str | None = None,
) -> str:
    """The index page of ``index``.

    ``program``: how the compare command starts ('python run.py' or 'alignsim');
    ``checkout``: the folder that holds run.py, for scenario files given relative to it
    (None: as the manifests record them, absolute); ``out``: the ``--out`` to add to the
    command (None: the comparison goes to the default results folder).
    """
    rows = [_row(e, checkout) for e in index.entries]
    return render_page(
        "index.html.j2",
        title=f"alignsim results: {index.root.name or index.root}",
        css=Markup(CSS + INDEX_CSS),
        root=str(index.root),
        rows=rows,
        runs=sum(1 for r in rows if r["pick"] is not None),
        skipped=[(s.path, s.reason) for s in index.skipped],
        program=program,
        checkout=None if checkout is None else str(checkout),
        out=None if out is None else shlex.quote(out),
    )


def write_index(
    root: str | os.PathLike[str],
    *,
    program: str = "python run.py",
    checkout: Path | None = None,
    out: str | None = None,
) -> Path:
    """Rebuild ``<root>/index.html`` from the folders under ``root`` and replace it
    atomically; return its path. Rebuilt again (up to :data:`REBUILDS` times) when a
    folder came or went meanwhile, so that a command finishing at the same time cannot
    leave an index without its folder. The keywords are :func:`index_html`'s."""
    root = Path(root)
    path = root / INDEX_NAME
    for _ in range(REBUILDS):
        index = read_index(root)
        html = index_html(index, program=program, checkout=checkout, out=out)
        atomic_write_bytes(path, html.encode("utf-8"))
        if folder_listing(root) == index.folders:
            break
    return path
