"""The ``aar`` command: the after-action report of a workshop game.

Usage::

    python run.py aar GAME.sqlite [--out DIR]

Opens the game read-only (the file is not changed), replays it (checking every turn's
hash) and writes ``<title>-aar.html`` and ``<title>-aar.zip`` into DIR (default
``results/workshop/<game file name>/``). Exit codes: 0 written, 2 bad input (a missing,
foreign or damaged game file, a replay that does not match: a one-line message on
stderr).

:func:`add_parser` adds the command to a ``run.py`` subparsers object and :func:`main`
runs it from the parsed arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_BAD_INPUT = 0, 2
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "workshop"


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
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for the report (default: results/workshop/<game file name>/)",
    )
    return p


def main(args: argparse.Namespace) -> int:
    """Write the report; print where; return the exit code (2 on bad input)."""
    from sim.workshop.aar import write_aar
    from sim.workshop.errors import WorkshopError
    from sim.workshop.game import Game

    out = args.out if args.out is not None else DEFAULT_OUT / args.game.stem
    try:
        with Game.open(args.game, read_only=True) as game:
            html = write_aar(game, out)
    except WorkshopError as exc:
        print(str(exc), file=sys.stderr, flush=True)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"cannot write the report to {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"after-action report: {html}", flush=True)
    print(f"everything, zipped:  {html.with_suffix('.zip')}", flush=True)
    return EXIT_OK


def run(argv: list[str] | None = None) -> int:
    """Parse ``aar`` arguments (without the command name) and run the command."""
    parser = argparse.ArgumentParser(prog="run.py")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    return main(parser.parse_args(["aar", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    raise SystemExit(run())
