"""What the ``sensitivity`` and ``discover`` commands share (docs/analysis.md).

Both run an analysis plan (:mod:`sim.analysis`) as ensembles on a process pool or a Dask
cluster and write a result folder under ``DIR/<command>/<scenario>/<run-id>/``. This
module holds their common options (:func:`add_common`), the command line they record in
the manifest (:func:`command_line`), and the steps around the analysis:
:func:`run_analysis` loads the scenario and turns errors into exit codes,
:func:`run_plan` runs a plan with a progress bar, :func:`write_result` writes the result
folder (and rewrites the results index) and :func:`notes_and_report` prints the closing lines.

Exit codes: 0 done; 2 bad input (a missing or invalid scenario file, a bad outcome or
--vary, no uncertain parameters, an unreachable scheduler, an ``--out`` that cannot be
written or a full disk, an analysis above the limits of its estimate without ``--yes``),
with a message on stderr and no traceback; 1 chunks that failed; 130 interrupted.

The analyses and the engine are imported when a command runs, not when the parser is
built (start-up speed).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, BadInput, err, fail
from sim.cli.limits import check_estimate, estimate_ensemble
from sim.cli.options import (
    add_chunk_size,
    add_cluster_options,
    add_max_file_size,
    add_out,
    add_reps,
    add_seed,
    add_vary,
    add_yes,
    max_file_bytes,
)
from sim.cli.out_folder import cannot_write, check_out
from sim.cli.paths import DEFAULT_RESULTS
from sim.cli.program import prog
from sim.cli.progress import EnsembleProgress, fmt_duration
from sim.cli.runs import refresh_index
from sim.cli.scenario_file import load_scenario_file

if TYPE_CHECKING:
    from sim.experiment.runner import RunStats
    from sim.scenario import Scenario

Body = Callable[[argparse.Namespace, "Scenario", Path], int]
"""A command's own part: run the analysis on the loaded scenario, write under the root."""


def add_common(p: argparse.ArgumentParser, reps_default: int) -> None:
    """The options both commands take."""
    p.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    add_reps(p, f"replicates (default {reps_default})", reps_default)
    add_seed(p, "seed (default: the scenario's)")
    add_vary(p)
    add_cluster_options(p)
    add_chunk_size(p)
    add_out(p)
    add_yes(p)
    add_max_file_size(p)


def command_line(args: argparse.Namespace, own: Sequence[str]) -> list[str]:
    """The command as it would be typed, from the parsed arguments (for the manifest);
    ``own``: the command's own options, after ``--outcome`` (if it has one)."""
    parts = [prog(), args.command, str(args.file)]  # 'alignsim' or 'run.py' first
    if getattr(args, "outcome", None) is not None:
        parts += ["--outcome", args.outcome]
    parts += own
    parts += ["--reps", str(args.reps)]
    if args.chunk_size is not None:
        parts += ["--chunk-size", str(args.chunk_size)]
    if args.seed is not None:
        parts += ["--seed", str(args.seed)]
    for key, lo, hi in args.vary or []:
        parts += ["--vary", f"{key}={lo:g}:{hi:g}"]
    if args.workers is not None:
        parts += ["--workers", str(args.workers)]
    if args.scheduler:
        parts += ["--scheduler", args.scheduler]
    if args.out is not None:
        parts += ["--out", str(args.out)]
    return parts


def vary_map(args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    """The ``--vary`` options by parameter (AnalysisError if one is given twice)."""
    from sim.analysis.common import AnalysisError  # deferred: heavy (pandas)

    found: dict[str, tuple[float, float]] = {}
    for key, lo, hi in args.vary or []:
        if key in found:
            raise AnalysisError(f"--vary {key}: given twice; give each parameter once")
        found[key] = (lo, hi)
    return found


def ran_line(stats: RunStats, points: int, replicates: int) -> str:
    """'ran 12 points x 50 replicates (600 replicate runs) in 3.2s on ... (2 workers)'."""
    runs = points * replicates
    what = f"{points:,} points x {replicates:,} replicates" if points > 1 else "the ensemble"
    return (
        f"ran {what} ({runs:,} replicate runs) in {fmt_duration(stats.seconds)} on "
        f"{stats.backend} ({stats.workers} worker{'s' if stats.workers != 1 else ''})"
    )


def run_plan(plan: Any, args: argparse.Namespace, label: str, points: int | None = None) -> Any:
    """Say what will run; estimate it when its size is known (``points`` ensembles of
    ``plan.replicates``; BadInput above the limits without --yes); then run the plan
    where the options say, with a progress bar named ``label``; return the result."""
    plan.source = args.file
    err(plan.describe())
    if points is not None:
        est = estimate_ensemble(
            plan.scenario,
            plan.replicates,
            points,
            plan.chunk_size,
            plan.outcome.record,
            args.workers,
            in_memory=True,
            writes_rows=False,
        )
        check_estimate(est, args.yes, f"this {args.command} analysis")
    return plan.run(args.workers, args.scheduler, args.connect_timeout, EnsembleProgress(label))


def write_result(
    writer: Callable[..., Path], result: Any, root: Path, command: Sequence[str]
) -> Path:
    """Write the result folder under ``root`` with ``writer`` (the page's save function);
    BadInput naming the path and what to do if that fails (a full disk, a read-only
    folder); then rewrite ``root/index.html`` (:func:`sim.cli.runs.refresh_index`)."""
    try:
        folder = writer(result, root, command=list(command))
    except OSError as exc:
        raise cannot_write(root, exc) from None
    refresh_index(root)
    return folder


def notes_and_report(result: Any, report: Path) -> int:
    """Print the result's notes and the report's path; return the exit code (done)."""
    for note in result.notes:
        print(f"note: {note}", flush=True)
    print(f"report: {report.resolve()}", flush=True)
    return EXIT_OK


def run_analysis(args: argparse.Namespace, body: Body) -> int:
    """Load the scenario, run ``body`` on it and turn its errors into exit codes."""
    # deferred: heavy (pandas, SALib, the engine); the parser and --help do not need them
    from sim.analysis.common import AnalysisError
    from sim.experiment import engine, executors  # deferred: heavy

    try:
        scenario = load_scenario_file(args.file, max_file_bytes(args))
    except BadInput as exc:
        return fail(str(exc))
    if args.scheduler and args.workers:
        err("note: --workers is ignored with --scheduler (the cluster's workers run it)")
    root = args.out if args.out is not None else DEFAULT_RESULTS
    try:
        check_out(root)
    except BadInput as exc:
        return fail(str(exc))
    try:
        return body(args, scenario, root)
    except (AnalysisError, executors.SchedulerUnreachable) as exc:
        return fail(f"error: {exc}")
    except engine.EnsembleFailed as exc:
        return fail(f"error: {exc}", EXIT_FAILED)
    except KeyboardInterrupt:
        return fail("interrupted; no results written", EXIT_INTERRUPTED)
