"""The ``calibrate`` command: the values of chosen parameters that best fit observations.

Usage::

    python run.py calibrate FILE --observations OBS.csv --vary KEY=LO:HI [...]
                  [--budget 200] [--reps 200] [--holdout-after YYYY-MM-DD] [--seed S]
                  [--workers N] [--scheduler ADDRESS] [--chunk-size N] [--json]
                  [--out DIR]

Writes ``DIR/calibration/<scenario>/<run-id>/`` (calibration.html, calibrated.yaml,
parameters.csv, fit.csv, evaluations.csv, profile.csv, manifest.json; DIR defaults to
``results/`` beside run.py), prints the fitted values and the fit in words on stdout,
ending with ``calibrated: <path>`` and ``report: <path>`` (with --json: one JSON object
instead); progress and warnings go to stderr. Exit codes as for every analysis
(:mod:`sim.cli.ensemble_analysis`); a bad observations file is bad input (2), with every
problem as ``FILE:LINE: column: ...``.

The analysis is imported when the command runs (start-up speed).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.ensemble_analysis import (
    add_common,
    command_line,
    ran_line,
    run_analysis,
    vary_map,
    write_result,
)
from sim.cli.exits import EXIT_OK, err, fail
from sim.cli.options import add_json, whole
from sim.cli.progress import fmt_duration

if TYPE_CHECKING:
    from sim.scenario import Scenario

# Kept here (not imported) so that --help imports nothing heavy.
DEFAULT_REPS = 200
DEFAULT_BUDGET = 200
PROGRESS_EVERY = 2.0
"""Seconds between progress lines (the first and the last are always printed)."""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``calibrate`` to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit parameters to observations (dated relations or bands)",
        description=(
            "Fit the --vary parameters to the observations by simulation: every evaluation "
            "is an ensemble on the same seed (common random numbers), scored by the "
            "log-likelihood of the observations; optuna's TPE sampler chooses the points. "
            "Prints the best values with 95%% profile intervals, the fit before and after "
            "(and on held-out dates), and writes a calibrated scenario that extends FILE."
        ),
    )
    add_common(p, DEFAULT_REPS)
    p.add_argument(
        "--observations",
        type=Path,
        required=True,
        metavar="OBS.csv",
        help="observations: date,actor_a,actor_b,relation,sd or low,high (docs/scenarios.md)",
    )
    p.add_argument(
        "--budget",
        type=whole(1),
        default=DEFAULT_BUDGET,
        metavar="N",
        help=f"evaluations (ensembles) to spend (default {DEFAULT_BUDGET})",
    )
    p.add_argument(
        "--holdout-after",
        default=None,
        metavar="YYYY-MM-DD",
        help="hold out the observations dated after this day (reported, not fitted)",
    )
    add_json(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``calibrate`` from parsed arguments; return the exit code."""
    return run_analysis(args, _calibrate)


def _own_options(args: argparse.Namespace) -> list[str]:
    """This command's options as typed (for the manifest's command line)."""
    parts = ["--observations", str(args.observations), "--budget", str(args.budget)]
    if args.holdout_after:
        parts += ["--holdout-after", args.holdout_after]
    if args.json:
        parts.append("--json")
    return parts


class _Progress:
    """Progress lines on stderr: evaluations done and the best score, every few seconds."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last = -PROGRESS_EVERY

    def __call__(self, done: int, budget: int, best: float) -> None:
        now = time.monotonic() - self.started
        if done < budget and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        err(
            f"calibrate: {done:,}/{budget:,} evaluations, best log-likelihood {best:.2f} "
            f"({fmt_duration(now)})"
        )


def _calibrate(args: argparse.Namespace, scenario: Scenario, root: Path) -> int:
    from sim.analysis.calibration import plan_calibration  # deferred: heavy (optuna, pandas)
    from sim.present.calibration_page import save_calibration  # deferred: heavy (plotly)
    from sim.scenario import ScenarioError  # deferred: heavy (pydantic)

    if not args.observations.exists():
        return fail(f"{args.observations}: no such file (--observations)")
    try:
        plan = plan_calibration(
            scenario,
            args.observations,
            vary_map(args),
            budget=args.budget,
            replicates=args.reps,
            seed=args.seed,
            holdout_after=args.holdout_after,
            chunk_size=args.chunk_size,
        )
    except ScenarioError as exc:
        return fail(str(exc))
    plan.source = args.file
    err(plan.describe())
    for warning in plan.warnings:
        err(f"warning: {warning}")
    result = plan.run(args.workers, args.scheduler, args.connect_timeout, _Progress())
    if result.stats is not None:
        err(ran_line(result.stats, result.points, result.replicates))
    for warning in result.warnings[len(plan.warnings) :]:
        err(f"warning: {warning}")
    folder = write_result(save_calibration, result, root, command_line(args, _own_options(args)))
    calibrated = (folder / "calibrated.yaml").resolve()
    report = (folder / "calibration.html").resolve()
    if args.json:
        found = result.to_json()
        found["calibrated"] = str(calibrated)
        found["report"] = str(report)
        print(json.dumps(found, allow_nan=False), flush=True)
        return EXIT_OK
    print(f"{scenario.name}: calibration to {args.observations.name}", flush=True)
    for sentence in result.words():
        print(f"- {sentence}", flush=True)
    for note in result.notes:
        print(f"note: {note}", flush=True)
    print(f"calibrated: {calibrated}", flush=True)
    print(f"report: {report}", flush=True)
    return EXIT_OK
