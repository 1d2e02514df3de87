"""The ``discover`` command: scenario discovery, where an end-state is likely (PRIM).

Usage::

    python run.py discover FILE --outcome END-STATE [--reps R] [--seed S]
                  [--threshold D] [--vary KEY=LO:HI ...] [--sampling METHOD]
                  [--peel-alpha A] [--mass-min M] [--workers N]
                  [--scheduler ADDRESS] [--chunk-size N] [--out DIR]

Writes ``DIR/discover/<scenario>/<run-id>/`` (discovery.html, replicates.csv,
trajectory.csv, box.csv, feature_scores.csv, manifest.json; DIR defaults to ``results/``
beside run.py) and prints the box and the feature scores on stdout, ending with
``report: <path>``; the progress goes to stderr. Exit codes as for every analysis
(:mod:`sim.cli.ensemble_analysis`).

The analysis is imported when the command runs (start-up speed).
"""

from __future__ import annotations

import argparse
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
from sim.cli.exits import err
from sim.cli.options import share

if TYPE_CHECKING:
    from sim.scenario import Scenario

DEFAULT_REPS = 2000  # kept here (not imported) so that --help imports nothing heavy


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``discover`` to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "discover",
        help="scenario discovery: where the uncertain parameters make an end-state likely (PRIM)",
        description=(
            "Runs the scenario as one ensemble in which every replicate draws its own "
            "uncertain parameters (Latin hypercube by default), evaluates the end-state in "
            "each, and finds with PRIM (ema_workbench) the box of parameter values where it "
            "follows with at least the --threshold density, plus extra-trees feature scores. "
            "END-STATE: a named end-state or a condition on relations, e.g. "
            "russia_japan_rapprochement or 'RUS-CHN is allied' (optionally @T)."
        ),
    )
    add_common(p, DEFAULT_REPS)
    p.add_argument("--outcome", required=True, metavar="END-STATE", help="the end-state to explain")
    p.add_argument(
        "--threshold",
        type=share,
        default=0.8,
        metavar="D",
        help="density the box should reach (default 0.8)",
    )
    p.add_argument(
        "--sampling",
        choices=("latin_hypercube", "monte_carlo"),
        default="latin_hypercube",
        help="how the replicates draw their values (default: latin_hypercube)",
    )
    p.add_argument(
        "--peel-alpha",
        type=share,
        default=0.05,
        metavar="A",
        help="share of the box peeled off at each PRIM step (default 0.05)",
    )
    p.add_argument(
        "--mass-min",
        type=share,
        default=0.05,
        metavar="M",
        help="PRIM stops peeling below this share of the replicates (default 0.05)",
    )
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``discover`` from parsed arguments; return the exit code."""
    return run_analysis(args, _discover)


def _own_options(args: argparse.Namespace) -> list[str]:
    """This command's options as typed (for the manifest's command line)."""
    return [
        *("--threshold", f"{args.threshold:g}", "--sampling", args.sampling),
        *("--peel-alpha", f"{args.peel_alpha:g}", "--mass-min", f"{args.mass_min:g}"),
    ]


def _discover(args: argparse.Namespace, scenario: Scenario, root: Path) -> int:
    # deferred: heavy (ema_workbench, scikit-learn, pandas)
    from sim.analysis.common import number
    from sim.analysis.discovery import plan_discovery  # deferred: heavy
    from sim.present.discovery_page import save_discovery  # deferred: heavy

    plan = plan_discovery(
        scenario,
        args.outcome,
        replicates=args.reps,
        seed=args.seed,
        threshold=args.threshold,
        vary=vary_map(args),
        sampling=args.sampling,
        peel_alpha=args.peel_alpha,
        mass_min=args.mass_min,
        chunk_size=args.chunk_size,
    )
    result = run_plan(plan, args, f"{scenario.name} (discover)", 1)
    err(ran_line(result.stats, 1, result.replicates))
    folder = write_result(save_discovery, result, root, command_line(args, _own_options(args)))
    found_share = result.count / result.replicates
    print(
        f"{scenario.name}: {result.outcome.label} follows in {result.count:,} of "
        f"{result.replicates:,} runs ({found_share:.1%}); seed {result.seed}",
        flush=True,
    )
    print(result.description, flush=True)
    if len(result.box):
        print(f"{'box':<44} {'low':>8} {'high':>8} {'quasi-p':>9}", flush=True)
        for r in result.box.itertuples(index=False):
            qp = min(x for x in (r.qp_low, r.qp_high, 1.0) if x == x)
            print(
                f"{r.parameter:<44} {number(r.low, 3):>8} {number(r.high, 3):>8} {qp:9.2g}",
                flush=True,
            )
    if len(result.feature_scores):
        print("feature scores (extra trees):", flush=True)
        for r in result.feature_scores.itertuples(index=False):
            print(f"  {r.parameter:<42} {r.score:.3f}", flush=True)
    return notes_and_report(result, folder / "discovery.html")
