"""The ``sensitivity`` and ``discover`` commands (docs/analysis.md).

Usage::

    python run.py sensitivity FILE --outcome EXPR [--method morris|sobol] [--n N]
                  [--levels L] [--reps R] [--seed S] [--vary KEY=LO:HI ...]
                  [--workers N] [--scheduler ADDRESS] [--out DIR]
    python run.py discover FILE --outcome END-STATE [--reps R] [--seed S]
                  [--threshold D] [--vary KEY=LO:HI ...] [--sampling METHOD]
                  [--workers N] [--scheduler ADDRESS] [--out DIR]

``sensitivity`` writes ``DIR/sensitivity/<scenario>/<run-id>/`` (sensitivity.html,
indices.csv, samples.csv, manifest.json); ``discover`` writes
``DIR/discover/<scenario>/<run-id>/`` (discovery.html, replicates.csv, trajectory.csv,
box.csv, feature_scores.csv, manifest.json). DIR defaults to ``results/`` beside
run.py. Both print a summary on stdout ending with ``report: <path>``; the progress of
the ensemble goes to stderr.

Exit codes: 0 done; 2 bad input (a missing or invalid scenario file, a bad outcome or
--vary, no uncertain parameters, an unreachable scheduler), with a message on stderr and
no traceback; 1 chunks that failed or results that could not be written; 130
interrupted.

:func:`add_parser` adds both commands to a ``run.py`` subparsers object and
:func:`main` runs the parsed command; :func:`run` does both, for use on its own
(``python -m sim.cli.analysis sensitivity FILE ...``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli.args import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    add_cluster_options,
    add_out,
    add_reps,
    add_seed,
    err,
    fail,
    run_command,
    whole,
)

COMMANDS = ("sensitivity", "discover")
DEFAULT_RESULTS = Path(__file__).resolve().parents[2] / "results"
"""results/ beside run.py (as for ``run``)."""

# Kept here (not imported) so that --help imports nothing heavy.
DEFAULT_SENSITIVITY_REPS = 50
DEFAULT_DISCOVER_REPS = 2000
DEFAULT_N_TEXT = "20 trajectories for morris, 128 for sobol"


def _share(text: str) -> float:
    """An argparse type: a number in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number above 0 and at most 1, got {text}")
    return value


def _vary(text: str) -> tuple[str, float, float]:
    from sim.analysis.common import parse_range_option

    try:
        return parse_range_option(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _common(p: argparse.ArgumentParser, reps_default: int) -> None:
    """Options both commands take."""
    p.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    add_reps(p, f"replicates (default {reps_default})", reps_default)
    add_seed(p, "seed (default: the scenario's)")
    p.add_argument(
        "--vary",
        type=_vary,
        action="append",
        default=None,
        metavar="KEY=LO:HI",
        help="an uncertain parameter, uniform between LO and HI (repeatable; replaces the "
        "scenario's distribution of KEY), e.g. --vary actors.CHN.assertiveness=0.4:0.8",
    )
    add_cluster_options(p)
    p.add_argument(
        "--chunk-size",
        type=whole(1),
        default=None,
        metavar="N",
        help="replicates per chunk of work (default: the scenario's run.chunk_size); "
        "results depend on it, not on the number of workers",
    )
    add_out(p, DEFAULT_RESULTS)


def add_parser(subparsers: Any) -> dict[str, argparse.ArgumentParser]:
    """Add ``sensitivity`` and ``discover`` to an argparse subparsers object; return
    their parsers by command name."""
    sens = subparsers.add_parser(
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
    _common(sens, DEFAULT_SENSITIVITY_REPS)
    sens.add_argument(
        "--outcome", required=True, metavar="EXPR", help="the outcome to explain (above)"
    )
    sens.add_argument(
        "--method", choices=("morris", "sobol"), default="morris", help="default: morris"
    )
    sens.add_argument(
        "--n",
        type=whole(1),
        default=None,
        metavar="N",
        help=f"Morris trajectories or Sobol base sample, a power of 2 (default: "
        f"{DEFAULT_N_TEXT}); points: N (k + 1) for Morris, N (k + 2) for Sobol, k factors",
    )
    sens.add_argument(
        "--levels",
        type=whole(2),
        default=4,
        metavar="L",
        help="Morris grid levels, even (default 4)",
    )
    disc = subparsers.add_parser(
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
    _common(disc, DEFAULT_DISCOVER_REPS)
    disc.add_argument(
        "--outcome", required=True, metavar="END-STATE", help="the end-state to explain"
    )
    disc.add_argument(
        "--threshold",
        type=_share,
        default=0.8,
        metavar="D",
        help="density the box should reach (default 0.8)",
    )
    disc.add_argument(
        "--sampling",
        choices=("latin_hypercube", "monte_carlo"),
        default="latin_hypercube",
        help="how the replicates draw their values (default: latin_hypercube)",
    )
    disc.add_argument(
        "--peel-alpha",
        type=_share,
        default=0.05,
        metavar="A",
        help="share of the box peeled off at each PRIM step (default 0.05)",
    )
    disc.add_argument(
        "--mass-min",
        type=_share,
        default=0.05,
        metavar="M",
        help="PRIM stops peeling below this share of the replicates (default 0.05)",
    )
    return {"sensitivity": sens, "discover": disc}


# --------------------------------------------------------------------------- running


def _command_line(args: argparse.Namespace) -> list[str]:
    """The command as it would be typed, from the parsed arguments (for the manifest)."""
    parts = ["run.py", args.command, str(args.file), "--outcome", args.outcome]
    if args.command == "sensitivity":
        parts += ["--method", args.method]
        if args.n is not None:
            parts += ["--n", str(args.n)]
        if args.method == "morris":
            parts += ["--levels", str(args.levels)]
    else:
        parts += ["--threshold", f"{args.threshold:g}", "--sampling", args.sampling]
        parts += ["--peel-alpha", f"{args.peel_alpha:g}", "--mass-min", f"{args.mass_min:g}"]
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


def _vary_map(args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    from sim.analysis.common import AnalysisError

    found: dict[str, tuple[float, float]] = {}
    for key, lo, hi in args.vary or []:
        if key in found:
            raise AnalysisError(f"--vary {key}: given twice; give each parameter once")
        found[key] = (lo, hi)
    return found


def _ran_line(stats: Any, points: int, replicates: int) -> str:
    from sim.cli.progress import fmt_duration

    runs = points * replicates
    what = f"{points:,} points x {replicates:,} replicates" if points > 1 else "the ensemble"
    return (
        f"ran {what} ({runs:,} replicate runs) in {fmt_duration(stats.seconds)} on "
        f"{stats.backend} ({stats.workers} worker{'s' if stats.workers != 1 else ''})"
    )


def _run_plan(plan: Any, args: argparse.Namespace, label: str) -> Any:
    """Say what will run, then run the plan where the options say, with a progress bar
    named ``label``; return the result."""
    from sim.cli.progress import EnsembleProgress

    plan.source = args.file
    err(plan.describe())
    return plan.run(args.workers, args.scheduler, args.connect_timeout, EnsembleProgress(label))


def _notes_and_report(result: Any, report: Path) -> int:
    """Print the result's notes and the report's path; return the exit code (done)."""
    for note in result.notes:
        print(f"note: {note}", flush=True)
    print(f"report: {report.resolve()}", flush=True)
    return EXIT_OK


def _sensitivity(args: argparse.Namespace, scenario: Any, root: Path) -> int:
    from sim.analysis.sensitivity import plan_sensitivity

    plan = plan_sensitivity(
        scenario,
        args.outcome,
        method=args.method,
        n=args.n,
        replicates=args.reps,
        seed=args.seed,
        vary=_vary_map(args),
        levels=args.levels,
        chunk_size=args.chunk_size,
    )
    result = _run_plan(plan, args, f"{scenario.name} ({args.method})")
    err(_ran_line(result.stats, result.points, result.replicates))
    folder = _save(result, root, _command_line(args))
    if folder is None:
        return EXIT_FAILED
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
    return _notes_and_report(result, folder / "sensitivity.html")


def _discover(args: argparse.Namespace, scenario: Any, root: Path) -> int:
    from sim.analysis.common import number
    from sim.analysis.discovery import plan_discovery

    plan = plan_discovery(
        scenario,
        args.outcome,
        replicates=args.reps,
        seed=args.seed,
        threshold=args.threshold,
        vary=_vary_map(args),
        sampling=args.sampling,
        peel_alpha=args.peel_alpha,
        mass_min=args.mass_min,
        chunk_size=args.chunk_size,
    )
    result = _run_plan(plan, args, f"{scenario.name} (discover)")
    err(_ran_line(result.stats, 1, result.replicates))
    folder = _save(result, root, _command_line(args))
    if folder is None:
        return EXIT_FAILED
    share = result.count / result.replicates
    print(
        f"{scenario.name}: {result.outcome.label} follows in {result.count:,} of "
        f"{result.replicates:,} runs ({share:.1%}); seed {result.seed}",
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
    return _notes_and_report(result, folder / "discovery.html")


def _save(result: Any, root: Path, command: Sequence[str]) -> Path | None:
    try:
        return result.save(root, command=list(command))
    except OSError as exc:
        err(f"error: cannot write results under {root}: {exc.strerror or exc}")
        return None


def main(args: argparse.Namespace) -> int:
    """Run ``sensitivity`` or ``discover`` from parsed arguments; return the exit code."""
    from sim.analysis.common import AnalysisError
    from sim.experiment.engine import EnsembleFailed
    from sim.experiment.executors import SchedulerUnreachable
    from sim.scenario import ScenarioError, load_scenario

    file: Path = args.file
    if not file.exists():
        return fail(f"{file}: no such file")
    if file.is_dir():
        return fail(f"{file}: is a folder, not a scenario file")
    if args.scheduler and args.workers:
        err("note: --workers is ignored with --scheduler (the cluster's workers run it)")
    root = args.out if args.out is not None else DEFAULT_RESULTS
    try:
        scenario = load_scenario(file)
    except ScenarioError as exc:
        return fail(str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"{file}: cannot read: {exc}")
    try:
        if args.command == "sensitivity":
            return _sensitivity(args, scenario, root)
        if args.command == "discover":
            return _discover(args, scenario, root)
        raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover
    except (AnalysisError, SchedulerUnreachable) as exc:
        return fail(f"error: {exc}")
    except EnsembleFailed as exc:
        return fail(f"error: {exc}", EXIT_FAILED)
    except KeyboardInterrupt:
        return fail("interrupted; no results written", EXIT_INTERRUPTED)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``sensitivity ...`` or ``discover ...`` (with the command name) and run it."""
    return run_command(add_parser, main, argv)


if __name__ == "__main__":
    raise SystemExit(run())
