"""The ``tipping`` command: where an outcome crosses a level as one parameter moves.

Usage::

    python run.py tipping FILE --outcome END-STATE|EXPR --vary KEY=LO:HI [...]
                  [--level 0.5] [--pair A B] [--pair-points K] [--tolerance T]
                  [--reps R] [--seed S] [--workers N] [--scheduler ADDRESS]
                  [--chunk-size N] [--json] [--out DIR]

Writes ``DIR/tipping/<scenario>/<run-id>/`` (tipping.html, tipping.csv, evaluations.csv,
pair.csv with --pair, manifest.json; DIR defaults to ``results/`` beside run.py) and
prints every crossing in words on stdout, ending with ``report: <path>`` (with --json:
one JSON object instead); the progress goes to stderr. Exit codes as for every analysis
(:mod:`sim.cli.ensemble_analysis`).

The analysis is imported when the command runs (start-up speed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.ensemble_analysis import (
    add_common,
    command_line,
    notes_and_report,
    ran_line,
    run_analysis,
    run_plan,
    vary_map,
    write_result,
)
from sim.cli.exits import EXIT_OK, err
from sim.cli.options import add_json, whole

if TYPE_CHECKING:
    from sim.scenario import Scenario

# Kept here (not imported) so that --help imports nothing heavy.
DEFAULT_REPS = 200
DEFAULT_LEVEL = 0.5
DEFAULT_PAIR_POINTS = 5
DEFAULT_TOLERANCE = 0.01


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``tipping`` to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "tipping",
        help="tipping points: the value of a parameter at which an outcome crosses a level",
        description=(
            "For each --vary parameter, one at a time, the value at which the outcome "
            "crosses --level, found by bisection on common random numbers (the same seed "
            "for every evaluation), with a 95%% interval from the Monte Carlo error; or "
            "'no crossing' when it stays on one side. OUTCOME: an end-state of the "
            "scenario (its probability), P(CONDITION), or A-B (a dyad's mean relation), "
            "optionally @T, e.g. russia_japan_rapprochement, 'P(RUS-CHN is allied)', RUS-JPN."
        ),
    )
    add_common(p, DEFAULT_REPS)
    p.add_argument("--outcome", required=True, metavar="END-STATE|EXPR", help="the outcome (above)")
    p.add_argument(
        "--level",
        type=_number,
        default=DEFAULT_LEVEL,
        metavar="L",
        help=f"the level to cross (default {DEFAULT_LEVEL}; a probability's is in 0..1)",
    )
    p.add_argument(
        "--pair",
        nargs=2,
        default=None,
        metavar=("A", "B"),
        help="a tipping curve: the crossing of B at each of K values of A (both varied)",
    )
    p.add_argument(
        "--pair-points",
        type=whole(2),
        default=DEFAULT_PAIR_POINTS,
        metavar="K",
        help=f"values of A on the tipping curve (default {DEFAULT_PAIR_POINTS})",
    )
    p.add_argument(
        "--tolerance",
        type=_number,
        default=DEFAULT_TOLERANCE,
        metavar="T",
        help=f"bisection tolerance, a share of each range (default {DEFAULT_TOLERANCE})",
    )
    add_json(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``tipping`` from parsed arguments; return the exit code."""
    return run_analysis(args, _tipping)


def _own_options(args: argparse.Namespace) -> list[str]:
    """This command's options as typed (for the manifest's command line)."""
    parts = ["--level", f"{args.level:g}", "--tolerance", f"{args.tolerance:g}"]
    if args.pair:
        parts += ["--pair", *args.pair, "--pair-points", str(args.pair_points)]
    if args.json:
        parts.append("--json")
    return parts


def _tipping(args: argparse.Namespace, scenario: Scenario, root: Path) -> int:
    from sim.analysis.tipping import plan_tipping  # deferred: heavy (pandas, the engine)
    from sim.present.tipping_page import save_tipping  # deferred: heavy (plotly)

    plan = plan_tipping(
        scenario,
        args.outcome,
        vary_map(args),
        level=args.level,
        replicates=args.reps,
        seed=args.seed,
        tolerance=args.tolerance,
        pair=args.pair,
        pair_points=args.pair_points,
        chunk_size=args.chunk_size,
    )
    result = run_plan(plan, args, f"{scenario.name} (tipping)")
    if result.stats is not None:
        err(ran_line(result.stats, result.points, result.replicates))
    folder = write_result(save_tipping, result, root, command_line(args, _own_options(args)))
    if args.json:
        found = result.to_json()
        found["report"] = str((folder / "tipping.html").resolve())
        print(json.dumps(found, allow_nan=False), flush=True)
        return EXIT_OK
    print(
        f"{scenario.name}: tipping points of {result.outcome.label} "
        f"({result.outcome.meaning}) at {result.level:g}",
        flush=True,
    )
    print(
        f"{len(result.crossings)} parameter(s); {result.points:,} points x "
        f"{result.replicates:,} replicates; seed {result.seed}",
        flush=True,
    )
    for sentence in result.words():
        print(f"- {sentence}", flush=True)
    return notes_and_report(result, folder / "tipping.html")
