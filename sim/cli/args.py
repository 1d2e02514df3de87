"""What the command modules share: argument types, the common options, exit codes.

The commands of ``run.py`` (:mod:`sim.cli.analysis`, :mod:`sim.cli.landscape`,
:mod:`sim.cli.explain`) define the same options the same way and turn errors into the
same exit codes; this module holds the one copy. It imports nothing heavy, so that
``--help`` stays fast.

- :data:`EXIT_OK`, :data:`EXIT_FAILED`, :data:`EXIT_BAD_INPUT`,
  :data:`EXIT_INTERRUPTED`: 0, 1, 2, 130.
- :func:`err` / :func:`fail`: a message on stderr (and the exit code to return).
- :func:`whole` / :func:`seconds`: argparse types.
- :func:`add_reps`, :func:`add_seed`, :func:`add_cluster_options`, :func:`add_out`:
  the options ``--reps``, ``--seed``, ``--workers`` / ``--scheduler`` /
  ``--connect-timeout`` and ``--out``.
- :func:`run_command`: parse a command's arguments on their own and run it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def err(message: str) -> None:
    """Print ``message`` on stderr (flushed)."""
    print(message, file=sys.stderr, flush=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    """Print ``message`` on stderr and return ``code`` (default: bad input, 2)."""
    err(message)
    return code


def whole(minimum: int | None) -> Callable[[str], int]:
    """An argparse type: a whole number (>= ``minimum`` when one is given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return parse


def seconds(text: str) -> float:
    """An argparse type: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}")
    return value


def add_reps(p: argparse.ArgumentParser, help: str, default: int | None = None) -> None:
    """``--reps R``: replicates, a whole number >= 1."""
    p.add_argument("--reps", type=whole(1), default=default, metavar="R", help=help)


def add_seed(p: argparse.ArgumentParser, help: str) -> None:
    """``--seed S``: a whole number >= 0 (default None: the scenario's)."""
    p.add_argument("--seed", type=whole(0), default=None, metavar="S", help=help)


def add_cluster_options(p: argparse.ArgumentParser) -> None:
    """``--workers N``, ``--scheduler ADDRESS`` and ``--connect-timeout SECONDS``: where
    an ensemble runs."""
    p.add_argument(
        "--workers",
        type=whole(1),
        default=None,
        metavar="N",
        help="local worker processes (default: all cores)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on the Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786",
    )
    p.add_argument(
        "--connect-timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="how long to wait for the Dask scheduler (default: 10)",
    )


def add_out(p: argparse.ArgumentParser, default: Path) -> None:
    """``--out DIR``: the results root folder (default None: ``default``)."""
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"results root folder (default: {default})",
    )


def run_command(
    add_parser: Callable[[Any], Any],
    main: Callable[[argparse.Namespace], int],
    argv: Sequence[str] | None = None,
    command: str | None = None,
) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``) with the parser(s) that ``add_parser``
    adds to a ``run.py`` parser and run ``main``; ``command``: the command's name, put
    before ``argv`` (None: ``argv`` starts with it)."""
    parser = argparse.ArgumentParser(prog="run.py")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    words = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(words if command is None else [command, *words])
    return main(args)
