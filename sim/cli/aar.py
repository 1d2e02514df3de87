"""The ``aar`` command: the after-action report of a workshop game.

Usage::

    python run.py aar GAME.sqlite [--out DIR]

Opens the game read-only (the file is not changed), replays it (checking every turn's
hash) and writes ``<title>-aar.html`` and ``<title>-aar.zip`` into DIR (default
``results/workshop/<game file name>/``). Exit codes: 0 written, 2 bad input (a missing,
foreign or damaged game file, a replay that does not match: a one-line message on
stderr).

:func:`add_parser` adds the command to a ``run.py`` subparsers object (its ``func`` is
:func:`main`); :func:`run` does both, for use on its own (``python -m sim.cli.aar
GAME.sqlite``). The workshop is imported when the command runs (start-up speed).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli.exits import EXIT_BAD_INPUT, EXIT_OK, fail
from sim.cli.options import add_out, run_command
from sim.cli.paths import WORKSHOP_RESULTS


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``aar`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "aar",
        help="write the after-action report of a workshop game",
        description=(
            "After-action report of a workshop game: one self-contained HTML file and a zip "
            "with the event log, the scenario, per-turn relations and moves, every rationale "
            "and override reason, and the charts. The game file is opened read-only."
        ),
    )
    p.add_argument("game", type=Path, metavar="GAME.sqlite", help="the game's database file")
    add_out(p, "folder for the report (default: results/workshop/<game file name>/)")
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Write the report; print where; return the exit code (2 on bad input)."""
    # deferred: heavy (plotly, pandas, the model); the parser and --help do not need them
    from sim.workshop.aar import write_aar
    from sim.workshop.errors import WorkshopError  # deferred: heavy
    from sim.workshop.game import Game  # deferred: heavy

    out = args.out if args.out is not None else WORKSHOP_RESULTS / args.game.stem
    try:
        with Game.open(args.game, read_only=True) as game:
            html = write_aar(game, out)
    except WorkshopError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write the report to {out}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    print(f"after-action report: {html}", flush=True)
    print(f"everything, zipped:  {html.with_suffix('.zip')}", flush=True)
    return EXIT_OK


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``aar`` arguments (without the command name) and run the command."""
    return run_command(add_parser, argv, "aar")


if __name__ == "__main__":
    raise SystemExit(run())
