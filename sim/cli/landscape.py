"""The ``landscape`` command: Axelrod-Bennett minima, basins and frustration of a file.

Usage::

    python run.py landscape FILE [--step T] [--reps R] [--seed S] [--neutral [IDS]]
                                 [--heuristic] [--starts K] [--all] [--json]

FILE is a scenario (sizes and propensities from its drivers at step T, default 0) or a
landscape case file (a top-level ``propensities`` key; docs/analysis.md, "Landscape").
``--neutral`` opens a neutral position to every actor, ``--neutral RUS,CHN`` to those
actors only (comma-separated ids). The text output is a summary; ``--all`` adds every
configuration's energy; ``--json`` prints one JSON object instead (docs/analysis.md
shows its keys). Exit codes: 0 done,
2 bad input (a located message on stderr, no traceback).

:func:`add_parser` adds the command to a ``run.py`` subparsers object (its ``func`` is
:func:`main`, which runs it from the parsed arguments); :func:`run` does both, for use on
its own (``python -m sim.cli.landscape FILE ...``). The analysis is imported when the
command runs (start-up speed).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli.exits import EXIT_OK, fail
from sim.cli.options import (
    add_json,
    add_max_file_size,
    add_reps,
    add_seed,
    max_file_bytes,
    run_command,
    whole,
)
from sim.cli.scenario_file import with_size_hint

DEFAULT_STARTS = 1000  # sim.analysis.landscape.DEFAULT_STARTS, kept here so --help imports nothing
ACTOR_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


def actor_ids(text: str) -> tuple[str, ...]:
    """An argparse type: actor ids separated by commas (``RUS,CHN``), at least one."""
    ids = tuple(part.strip() for part in text.split(","))
    if not all(ACTOR_ID.match(i) for i in ids):
        raise argparse.ArgumentTypeError(
            f"expected actor ids separated by commas (e.g. RUS,CHN), got {text!r}; to open "
            "the neutral position to every actor, write --neutral after FILE"
        )
    return ids


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``landscape`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "landscape",
        help="Axelrod-Bennett landscape: stable alignments, basins and frustration",
        description=(
            "Energy landscape of two-bloc alignments (Axelrod & Bennett 1993): every "
            "configuration's energy E = sum over i != j of s_i s_j P_ij [i, j in opposite "
            "blocs], its local minima under single-actor switches (the predicted "
            "alignments), their basins and each actor's frustration. FILE is a scenario "
            "(propensities from its drivers at --step) or a landscape case file (with a "
            "'propensities' key)."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE", help="scenario or landscape case file")
    p.add_argument(
        "--step",
        type=whole(0),
        default=None,
        metavar="T",
        help="scenario step whose drivers to use (default 0: the initial relations; T > 0 "
        "runs the model to T and uses the median relations over replicates)",
    )
    add_reps(p, "replicates for --step T > 0 (default: the scenario's)")
    add_seed(
        p,
        "seed of the model run (default: the scenario's) and of --heuristic starts (default 0)",
    )
    p.add_argument(
        "--neutral",
        nargs="?",
        type=actor_ids,
        const=True,
        default=False,
        metavar="IDS",
        help="add a neutral position outside both blocs (Florian & Galam); with IDS "
        "(comma-separated, e.g. RUS,CHN) open it to those actors only",
    )
    p.add_argument(
        "--heuristic",
        action="store_true",
        help="multi-start local search instead of the exhaustive search (needed above "
        "22 actors, 13 with --neutral)",
    )
    p.add_argument(
        "--starts",
        type=whole(1),
        default=DEFAULT_STARTS,
        metavar="K",
        help=f"random starts of --heuristic (default {DEFAULT_STARTS})",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="list every configuration's energy (JSON lists them anyway up to 1024)",
    )
    add_json(p)
    add_max_file_size(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run the command from parsed arguments; return the exit code (2 on bad input)."""
    # deferred: heavy (numpy, pydantic); the parser and --help do not need them
    from sim.analysis.landscape import analyse, load_input, summary_text, to_dict
    from sim.scenario import ScenarioError  # deferred: heavy

    try:
        data = load_input(
            args.file,
            step=args.step,
            replicates=args.reps,
            seed=args.seed,
            max_bytes=max_file_bytes(args),
        )
        result = analyse(
            data,
            neutral=args.neutral,
            heuristic=args.heuristic,
            starts=args.starts,
            seed=0 if args.seed is None else args.seed,
        )
    except ScenarioError as exc:  # LandscapeError is one too
        return fail(with_size_hint(str(exc)))
    if args.json:
        payload = to_dict(result, include_all=True if args.all else None)
        print(json.dumps(payload, indent=2, ensure_ascii=False), flush=True)
    else:
        print(summary_text(result, include_all=args.all), flush=True)
    return EXIT_OK


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``landscape`` arguments (without the command name) and run the command."""
    return run_command(add_parser, argv, "landscape")


if __name__ == "__main__":
    raise SystemExit(run())
