"""The ``runs`` command: the result folders of a results root, newest first.

Usage::

    python run.py runs [--scenario NAME] [--out DIR] [--json] [--index]

Lists every run, comparison and analysis folder under DIR (default ``results/`` beside
run.py) from its manifest (:mod:`sim.results.run_index`): when it started, its kind,
scenario, replicates, seed, scenario hash and its most likely end-states (a comparison:
its largest difference; an analysis: its outcome), as a table, or with ``--json`` as
one JSON object. ``--scenario`` keeps the folders of one scenario. A folder that cannot
be listed (a partial run, one being written, an unreadable or damaged manifest) is
skipped with a one-line note on stderr.

:func:`refresh_index` rewrites ``DIR/index.html`` (:mod:`sim.present.run_index_page`);
the commands that publish a folder (``run``, ``compare`` and the analyses) call it when
they have published, and ``runs --index`` does it on demand (after folders were deleted,
or saved from Python).
"""

from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path
from typing import Any

from sim.cli.console import status, table_console
from sim.cli.exits import EXIT_OK, BadInput, err
from sim.cli.options import add_json, add_out
from sim.cli.paths import DEFAULT_RESULTS, REPO_ROOT, shown
from sim.cli.program import SCRIPT, invocation
from sim.results.index_entry import IndexEntry
from sim.results.run_index import ResultIndex, read_index


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``runs`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "runs",
        help="list earlier runs, comparisons and analyses, newest first",
        description="List the result folders under the results root from their manifests, "
        "newest first: runs, comparisons (compare/) and analyses. Partial, unreadable or "
        "damaged folders are skipped with a note on stderr. The same list, with links and a "
        "picker for the compare command, is DIR/index.html.",
    )
    p.add_argument(
        "--scenario",
        default=None,
        metavar="NAME",
        help="only the folders of this scenario (its name; a comparison that includes it)",
    )
    add_out(p, f"results root folder to list (default: {shown(DEFAULT_RESULTS)})")
    add_json(p)
    p.add_argument(
        "--index", action="store_true", help="also rewrite DIR/index.html from the folders"
    )
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """List the result folders; return the exit code."""
    root: Path = args.out if args.out is not None else DEFAULT_RESULTS
    if root.exists() and not root.is_dir():
        raise BadInput(f"error: --out {root}: is a file, not a results folder")
    index = read_index(root)
    for skipped in index.skipped:
        err(f"note: {skipped.line}")
    entries = index.entries
    if args.scenario is not None:
        entries = index.of_scenario(args.scenario)
        if not entries and index.entries:
            err(_no_such_scenario(args.scenario, index))
    if args.index:
        refresh_index(root)
    if args.json:
        print(json.dumps(_json(root, entries, index), indent=2, ensure_ascii=False), flush=True)
    elif entries:
        _table(root, entries)
    else:
        what = "" if args.scenario is None else f" of scenario {args.scenario!r}"
        print(f"no result folders{what} in {shown(root)}", flush=True)
    page = root / "index.html"
    if not args.json and page.is_file():
        print(f"index: {page.resolve()}", flush=True)
    return EXIT_OK


def _no_such_scenario(name: str, index: ResultIndex) -> str:
    names = index.scenario_names
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"note: no result folders of scenario {name!r}{hint} (there: {', '.join(names)})"


def _json(root: Path, entries: tuple[IndexEntry, ...], index: ResultIndex) -> dict[str, Any]:
    return {
        "root": str(root.resolve()),
        "entries": [e.to_json() for e in entries],
        "skipped": [{"path": s.path, "reason": s.reason} for s in index.skipped],
    }


def _table(root: Path, entries: tuple[IndexEntry, ...]) -> None:
    """One row per folder; every cell is Text, so a '[' in a name is not rich markup."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"{shown(root)}: {len(entries)} result folder{'s' if len(entries) != 1 else ''}, "
        "newest first",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
    )
    table.add_column("started", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("scenario / folder", overflow="fold")
    table.add_column("reps", justify="right", no_wrap=True)
    table.add_column("seed", justify="right", no_wrap=True)
    table.add_column("hash", no_wrap=True)
    table.add_column("most likely end-states / result", min_width=24)
    for e in entries:
        lines = [f"{s.text:>6} {s.outcome}" for s in e.headline()]
        if len(e.end_states) > len(lines):
            lines.append(f"(+{len(e.end_states) - len(lines)} more)")
        if e.detail:
            lines.append(e.detail)
        lines += [f"note: {n}" for n in e.notes]
        kind = e.kind if not e.sweep_points else f"{e.kind}\nsweep x{e.sweep_points}"
        cells = [
            e.started_text.replace(" ", "\n"),
            kind,
            f"{e.scenario}\n{e.path.removesuffix(e.id)}\n  {e.id}",
            "" if e.replicates is None else f"{e.replicates:,}",
            str(e.seed),
            "\n".join(h[:8] for h in e.scenario_sha256),
            "\n".join(lines),
        ]
        table.add_row(*(Text(c) for c in cells), end_section=True)
    table_console().print(table)


def refresh_index(root: Path) -> None:
    """Rewrite ``root/index.html`` after a folder was published there; a failure is a
    note on stderr, not the command's (its folder is published and complete)."""
    from sim.present.run_index_page import write_index  # deferred: heavy (jinja2, pandas)

    program = invocation()
    # run.py is typed in its own folder, so files there are given relative to it
    checkout = None if program == SCRIPT else REPO_ROOT
    out = None  # the compare command's --out: the same root, or the default
    here = root.resolve()
    if here != DEFAULT_RESULTS.resolve():
        inside = checkout is not None and here.is_relative_to(checkout)
        out = str(here.relative_to(checkout) if inside else here)
    try:
        with status("rewriting the results index"):
            write_index(root, program=program, checkout=checkout, out=out)
    except OSError as exc:
        err(f"note: {root / 'index.html'} was not rewritten: {exc.strerror or exc}")
    except Exception as exc:  # the published folder stands; the index heals next time
        err(
            f"note: {root / 'index.html'} was not rewritten (internal error: "
            f"{type(exc).__name__}: {exc}; please report)"
        )
