"""The ``validate`` command: check scenario files and list every problem.

Usage::

    python run.py validate FILE... [--max-file-size MB]

Prints ``FILE: ok (N actors, N dyads, N events, N steps)`` on stdout for each good file
and the loader's ``file:line: ...`` problems on stderr for each bad one; exit 2 if any
file is bad. A good file whose run (its replicates and sweep) would be above the limits
of the estimate (:mod:`sim.cli.limits`) gets a ``warning:`` line on stderr; it is still
good (exit 0), but ``run`` will stop before it starts unless given ``--yes``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.exits import EXIT_BAD_INPUT, EXIT_OK, BadInput, err
from sim.cli.limits import validate_warning
from sim.cli.options import add_max_file_size, max_file_bytes
from sim.cli.scenario_file import load_scenario_file


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``validate`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser("validate", help="check scenario files and list every problem")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="scenario files")
    add_max_file_size(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Check each file; print 'FILE: ok (...)' or its problems. 2 if any is bad."""
    status = EXIT_OK
    for file in args.files:
        try:
            s = load_scenario_file(file, max_file_bytes(args))
        except BadInput as exc:
            err(str(exc))
            status = EXIT_BAD_INPUT
            continue
        n = len(s.actors)
        counts = (
            _count(n, "actor"),
            _count(n * (n - 1) // 2, "dyad"),
            _count(len(s.events), "event"),
            _count(s.run.steps, "step"),
        )
        print(f"{file}: ok ({', '.join(counts)})", flush=True)
        warning = validate_warning(s)
        if warning:
            err(f"warning: {file}: {warning}")
    return status


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
