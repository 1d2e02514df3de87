"""The ``compare`` command: scenarios on the same random numbers, against the first.

Usage::

    python run.py compare A.yaml B.yaml [...] [--reps R] [--seed S] [--workers N]
                  [--scheduler ADDRESS] [--out DIR] [--yes] [--max-file-size MB]

Runs every scenario with the same seed and replicates (common random numbers), writes
``DIR/compare/<id>/`` (comparison.html and CSV files), rewrites ``DIR/index.html``
(:mod:`sim.cli.runs`) and prints the largest differences
from the reference and the end-state probabilities, ending with ``report: <path>``.

The size of the comparison is estimated first (:mod:`sim.cli.limits`): above the limits
it stops unless ``--yes``. The comparison and the engine are imported when the command
runs, not when the parser is built (start-up speed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli import exits
from sim.cli.console import status, table_console
from sim.cli.exits import EXIT_FAILED, EXIT_OK, BadInput, err
from sim.cli.limits import check_estimate, estimate_ensemble
from sim.cli.options import (
    add_cluster_options,
    add_max_file_size,
    add_out,
    add_reps,
    add_seed,
    add_yes,
    max_file_bytes,
)
from sim.cli.out_folder import cannot_write, check_out
from sim.cli.paths import DEFAULT_RESULTS, shown
from sim.cli.program import invocation
from sim.cli.progress import EnsembleProgress, fmt_duration
from sim.cli.runs import refresh_index
from sim.cli.scenario_file import load_scenario_file

if TYPE_CHECKING:
    from sim.analysis.comparison import Comparison


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``compare`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "compare",
        help="run scenarios on the same random numbers and compare them with the first",
        description="Run two or more scenarios with the same seed and replicates (common "
        "random numbers) and write results/compare/<id>/ with comparison.html and CSV "
        "files. The first scenario is the reference every difference is taken against. "
        "Seed and replicates default to the first scenario's; steps, step_months, start "
        "and chunk_size must be the same in all.",
    )
    p.add_argument(
        "files", type=Path, nargs="+", metavar="FILE", help="scenario files, reference first"
    )
    add_reps(p, "replicates of every scenario (default: the first scenario's)")
    add_seed(p, "random seed of every scenario (default: the first scenario's)")
    add_cluster_options(p)
    add_out(
        p,
        f"results root folder; the comparison goes to DIR/compare/<id>/ (default: "
        f"{shown(DEFAULT_RESULTS)})",
    )
    add_yes(p)
    add_max_file_size(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run the scenarios on the same random numbers, write the comparison, summarise."""
    # deferred: heavy (the comparison pulls in pandas, plotly and the engine)
    from sim.analysis import compare
    from sim.experiment import engine, executors  # deferred: heavy (numpy, pandas)
    from sim.present.comparison_page import save_comparison  # deferred: heavy (plotly)

    files: list[Path] = args.files
    if len(files) < 2:
        raise BadInput(
            f"compare needs at least two scenario files (the first is the reference), got "
            f"{len(files)}: {invocation()} compare BASE.yaml WHATIF.yaml [...]"
        )
    problems = []
    scenarios = []
    for file in files:
        try:
            scenarios.append(load_scenario_file(file, max_file_bytes(args)))
        except BadInput as exc:
            problems.append(str(exc))
    if problems:
        raise BadInput("\n".join(problems))
    if args.scheduler and args.workers:
        err("note: --workers is ignored with --scheduler (the cluster's workers run it)")
    root = args.out if args.out is not None else DEFAULT_RESULTS
    check_out(root)
    first = scenarios[0].run
    seed = first.seed if args.seed is None else args.seed
    # every scenario is one point of one in-memory ensemble, keeping start and end; the
    # one with the most actors stands for all (a what-if may add states)
    est = estimate_ensemble(
        max(scenarios, key=lambda s: len(s.actors)),
        args.reps,
        len(scenarios),
        None,
        "outcomes",
        args.workers,
        in_memory=True,
        writes_rows=False,
    )
    check_estimate(est, args.yes, "this comparison")
    err(
        f"comparing {len(files)} scenarios: {args.reps or first.replicates:,} replicates x "
        f"{first.steps} steps each, seed {seed} (the same random numbers in every scenario)"
    )
    try:
        comparison = compare.compare(
            list(zip(scenarios, files, strict=True)),
            args.reps,
            args.seed,
            workers=args.workers,
            scheduler=args.scheduler,
            connect_timeout=args.connect_timeout,
            sink=EnsembleProgress("compare"),
        )
    except (compare.ComparisonError, executors.SchedulerUnreachable) as exc:
        raise BadInput(f"error: {exc}") from None
    except engine.EnsembleFailed as exc:
        err(f"error: {len(exc.failures)} chunk(s) failed; nothing was written:")
        names = [getattr(s, "name", "?") for s in scenarios]
        for f in exc.failures:
            where = names[f.key.point] if f.key.point < len(names) else f"scenario {f.key.point}"
            err(
                f"  {where}, chunk {f.key.chunk} (replicates {f.start}..{f.start + f.count - 1};"
                f" seed SeedSequence(entropy={f.entropy}, spawn_key={f.spawn_key})): {f.error}"
            )
        return EXIT_FAILED
    try:
        with status("writing the comparison"):
            folder = save_comparison(comparison, root, command=list(args.command_line))
    except OSError as exc:
        raise cannot_write(root, exc) from None
    exits.written.append(folder)
    refresh_index(root)
    seconds = sum(s.seconds for s in comparison.stats)
    run_line = (
        f"run: {len(comparison.entries)} scenarios x {comparison.replicates:,} replicates, "
        f"seed {comparison.seed}, {fmt_duration(seconds)}, {comparison.backend}"
    )
    _summary(comparison, (folder / "comparison.html").resolve(), run_line)
    return EXIT_OK


def _summary(comparison: Comparison, report_path: Path, run_line: str) -> None:
    """The largest differences and the end-state probabilities per scenario, the notes,
    then ``report: <path>`` as the last line."""
    from rich.table import Table

    console = table_console()
    largest = comparison.largest
    ref = comparison.reference
    print(f"largest differences from {ref}:", flush=True)
    if len(largest):
        for kind in ("dyad", "end_state"):
            for text in largest[largest["kind"] == kind]["text"].head(8):
                print(f"  {text}", flush=True)
    else:
        print("  none: every dyad and end-state ends as in the reference", flush=True)
    es = comparison.end_states
    if len(es):
        ends = Table(title="end-states (probability at the end)", title_justify="left")
        ends.add_column("end-state")
        for label in comparison.labels:
            ends.add_column(label, justify="right")
        for outcome in dict.fromkeys(es["outcome"]):
            t = es[es["outcome"] == outcome].set_index("scenario")
            cells = [
                f"{t.loc[label, 'probability']:.1%}" if label in t.index else "–"
                for label in comparison.labels
            ]
            ends.add_row(str(outcome), *cells)
        console.print(ends, markup=False)
    sys.stdout.flush()
    for note in comparison.notes:
        print(f"note: {note}", flush=True)
    print(run_line, flush=True)
    print(f"report: {report_path}", flush=True)
