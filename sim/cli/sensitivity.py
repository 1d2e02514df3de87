"""The ``sensitivity`` command: Morris or Sobol indices of an outcome (SALib).

Usage::

    python run.py sensitivity FILE --outcome EXPR [--method morris|sobol] [--n N]
                  [--levels L] [--reps R] [--seed S] [--vary KEY=LO:HI ...]
                  [--workers N] [--scheduler ADDRESS] [--chunk-size N] [--out DIR]

Writes ``DIR/sensitivity/<scenario>/<run-id>/`` (sensitivity.html, indices.csv,
samples.csv, manifest.json; DIR defaults to ``results/`` beside run.py) and prints the
indices on stdout, ending with ``report: <path>``; the progress goes to stderr. Exit
codes as for every analysis (:mod:`sim.cli.ensemble_analysis`).

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
from sim.cli.options import whole

if TYPE_CHECKING:
    from sim.scenario import Scenario

# Kept here (not imported) so that --help imports nothing heavy.
DEFAULT_REPS = 50
DEFAULT_N_TEXT = "20 trajectories for morris, 128 for sobol"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``sensitivity`` to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "sensitivity",
        help="global sensitivity of an outcome to the uncertain parameters (SALib)",
        description=(
            "Morris or Sobol sensitivity analysis (SALib). The factors are the scenario's "
            "uncertain parameters and any --vary ranges; each SALib sample is a point, run "
            "as an ensemble of R replicates on the same seeds (common random numbers), and "
            "the outcome is averaged over them. OUTCOME: A-B (a dyad's relation), A-B@T (at "
            "step T), P(END_STATE) or P(CONDITION) (a probability), e.g. RUS-JPN, "
            "P(russia_japan_rapprochement), 'P(RUS-CHN is allied)@20'."
        ),
    )
    add_common(p, DEFAULT_REPS)
    p.add_argument(
        "--outcome", required=True, metavar="EXPR", help="the outcome to explain (above)"
    )
    p.add_argument(
        "--method", choices=("morris", "sobol"), default="morris", help="default: morris"
    )
    p.add_argument(
        "--n",
        type=whole(1),
        default=None,
        metavar="N",
        help=f"Morris trajectories or Sobol base sample, a power of 2 (default: "
        f"{DEFAULT_N_TEXT}); points: N (k + 1) for Morris, N (k + 2) for Sobol, k factors",
    )
    p.add_argument(
        "--levels",
        type=whole(2),
        default=4,
        metavar="L",
        help="Morris grid levels, even (default 4)",
    )
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``sensitivity`` from parsed arguments; return the exit code."""
    return run_analysis(args, _sensitivity)


def _own_options(args: argparse.Namespace) -> list[str]:
    """This command's options as typed (for the manifest's command line)."""
    parts = ["--method", args.method]
    if args.n is not None:
        parts += ["--n", str(args.n)]
    if args.method == "morris":
        parts += ["--levels", str(args.levels)]
    return parts


def _sensitivity(args: argparse.Namespace, scenario: Scenario, root: Path) -> int:
    # deferred: heavy (SALib, pandas, plotly)
    from sim.analysis.sensitivity import plan_sensitivity
    from sim.present.sensitivity_page import save_sensitivity  # deferred: heavy

    plan = plan_sensitivity(
        scenario,
        args.outcome,
        method=args.method,
        n=args.n,
        replicates=args.reps,
        seed=args.seed,
        vary=vary_map(args),
        levels=args.levels,
        chunk_size=args.chunk_size,
    )
    result = run_plan(plan, args, f"{scenario.name} ({args.method})", plan.points)
    err(ran_line(result.stats, result.points, result.replicates))
    folder = write_result(save_sensitivity, result, root, command_line(args, _own_options(args)))
    factors = ", ".join(f.path for f in result.factors)
    print(
        f"{scenario.name}: {result.method} sensitivity of {result.outcome.label} "
        f"({result.outcome.meaning})",
        flush=True,
    )
    print(
        f"{len(result.factors)} factors ({factors}); {result.points:,} points x "
        f"{result.replicates:,} replicates; seed {result.seed}",
        flush=True,
    )
    print("\n".join(result.summary_lines()), flush=True)
    return notes_and_report(result, folder / "sensitivity.html")
