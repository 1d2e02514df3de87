"""The ``run`` command (and ``python run.py`` without a command): run one scenario.

Usage::

    python run.py                       run scenarios/baseline.yaml
    python run.py run FILE [--reps R] [--seed S] [--out DIR] [--workers N]
                  [--scheduler ADDRESS] [--record MODE] [--chunk-size N]
                  [--set KEY=V1,V2,...] [--resume] [--yes] [--max-file-size MB]

Before a new run starts, ``--out`` is checked (:mod:`sim.cli.out_folder`) and its size
estimated (:mod:`sim.cli.limits`): above the limits it stops, unless ``--yes``. The run
is cut into chunks of replicates (and sweep points) that run on a local process pool or
a Dask cluster; each finished chunk is written at once to
``results/<scenario>/.partial-<run-id>/``, so an interrupted run continues with
``--resume``. The finished run is published as ``results/<scenario>/<run-id>/``, the
partial folder removed, ``results/index.html`` rewritten (:mod:`sim.cli.runs`), and a
summary printed whose last line is ``report: <path>``.

The engine, the API and the report are imported when the command runs, not when the
parser is built (start-up speed: ``--help`` stays fast).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli import exits
from sim.cli.console import status, table_console
from sim.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, BadInput, err
from sim.cli.limits import check_run
from sim.cli.options import (
    add_chunk_size,
    add_cluster_options,
    add_max_file_size,
    add_out,
    add_record,
    add_reps,
    add_resume,
    add_seed,
    add_sets,
    add_yes,
    max_file_bytes,
)
from sim.cli.out_folder import cannot_write, check_out
from sim.cli.paths import DEFAULT_RESULTS, DEFAULT_SCENARIO
from sim.cli.progress import EnsembleProgress, recording, summary_line, where
from sim.cli.runs import refresh_index
from sim.cli.scenario_file import load_scenario_file

if TYPE_CHECKING:
    from sim.api import RunResult
    from sim.experiment.engine import FolderRun, Settings
    from sim.experiment.executors import Backend
    from sim.scenario import Scenario


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``run`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser("run", help="run a scenario and write its results and report")
    p.add_argument("file", type=Path, help="scenario YAML file")
    add_reps(p, "replicates (default: the scenario's)")
    add_seed(p, "random seed (default: the scenario's)")
    add_out(p)
    add_cluster_options(p)
    add_record(p)
    add_chunk_size(p)
    add_sets(p)
    add_resume(p)
    add_yes(p)
    add_max_file_size(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run the ``run`` command from parsed arguments; return the exit code."""
    return run_scenario(
        args.file,
        args.reps,
        args.seed,
        args.out,
        args.command_line,
        workers=args.workers,
        scheduler=args.scheduler,
        connect_timeout=args.connect_timeout,
        record=args.record,
        chunk_size=args.chunk_size,
        sets=args.sets,
        resume=args.resume,
        yes=args.yes,
        max_bytes=max_file_bytes(args),
    )


def run_baseline(args: argparse.Namespace) -> int:
    """``python run.py`` without a command: run the baseline scenario as it is."""
    return run_scenario(DEFAULT_SCENARIO, None, None, None, args.command_line)


def _resume_command(argv: Sequence[str]) -> str:
    """The command line that continues this run: the same, with --resume."""
    words = [str(w) for w in argv]
    if words and words[0] == "run.py":
        words = ["python", "run.py", *words[1:]]
    if "--resume" not in words:
        words.append("--resume")
    return shlex.join(words)


def _run_argv(argv: Sequence[str], file: Path) -> list[str]:
    """The command as typed, or the explicit 'run FILE' form for the default run."""
    words = [str(w) for w in argv]
    if len(words) >= 2 and words[1] == "run":
        return words
    return [words[0] if words else "run.py", "run", str(file), *words[1:]]


def _sweep(sets: Sequence[tuple[str, list[float]]] | None) -> dict[str, list[float]] | None:
    """The ``--set`` options as one sweep (BadInput if a parameter is given twice)."""
    if not sets:
        return None
    sweep: dict[str, list[float]] = {}
    for key, values in sets:
        if key in sweep:
            raise BadInput(f"--set {key}: given twice; give each parameter once")
        sweep[key] = values
    return sweep


def run_scenario(
    file: Path,
    reps: int | None,
    seed: int | None,
    out: Path | None,
    argv: Sequence[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
    record: str | None = None,
    chunk_size: int | None = None,
    sets: Sequence[tuple[str, list[float]]] | None = None,
    resume: bool = False,
    yes: bool = False,
    max_bytes: int | None = None,
) -> int:
    """Run one scenario as chunks streamed to a partial folder; publish, print a summary.

    A new run is estimated first and refused above the limits unless ``yes``; a resume
    is not (it was estimated when it started)."""
    # deferred: heavy (numpy, pandas); looked up at call time, so tests can replace them
    from sim.experiment import engine, executors, store

    scenario = load_scenario_file(file, max_bytes)
    root = out if out is not None else DEFAULT_RESULTS
    check_out(root)
    sweep = _sweep(sets)
    argv = _run_argv(argv, file)
    partial = None
    if resume:
        requested = {
            "replicates": reps,
            "seed": seed,
            "chunk_size": chunk_size,
            "record": record,
            "sweep": sweep,
        }
        try:
            partial, settings = engine.find_resumable(root, scenario, requested)
        except store.ResumeRefused as exc:
            raise BadInput(f"error: {exc}") from None
    else:
        try:
            check_run(scenario, reps, chunk_size, record, sweep, workers, yes)
            settings = engine.resolve_settings(scenario, reps, seed, chunk_size, record, sweep)
        except ValueError as exc:
            raise BadInput(f"{file}: {exc}") from None
        earlier = store.PartialRun.find(engine.scenario_folder(root, scenario))
        if earlier:
            err(
                f"note: {len(earlier)} interrupted run(s) of this scenario are kept in "
                f"{earlier[0].folder.parent} (.partial-*); --resume continues the latest "
                "(starting a new run)"
            )
    points = len(settings.points)
    chunks = settings.chunks_per_point * points
    timeout = connect_timeout or executors.DEFAULT_CONNECT_TIMEOUT
    if scheduler and workers:
        err("note: --workers is ignored with --scheduler (the cluster's workers run it)")
    try:
        backend = executors.make_backend(workers, scheduler, chunks, timeout)
    except executors.SchedulerUnreachable as exc:
        raise BadInput(f"error: {exc}") from None
    try:
        try:
            run = engine.open_folder_run(
                root, scenario, settings, partial=partial, command=list(argv), source=file
            )
        except store.ResumeRefused as exc:
            raise BadInput(f"error: {exc}") from None
        except OSError as exc:
            raise cannot_write(root, exc) from None
    except BaseException:
        backend.close(cancel=True)
        raise
    try:
        return _execute_and_publish(run, backend, settings, root, file, argv)
    finally:
        run.partial.unlock()  # the process may go on (tests, notebooks): let go of it


def _execute_and_publish(
    run: FolderRun,
    backend: Backend,
    settings: Settings,
    root: Path,
    file: Path,
    argv: Sequence[str],
) -> int:
    """Run the chunks still to do; on success publish the result folder and summarise."""
    # deferred: heavy (the API pulls in pandas and plotly); looked up at call time
    from sim import api
    from sim.experiment.runner import Interrupted  # deferred: heavy (numpy)

    scenario = run.scenario
    cancel = True
    try:
        exits.partial.append(run.partial.folder)
        _start_line(scenario, settings, run, backend)
        progress = EnsembleProgress(scenario.name)
        try:
            stats = run.execute(backend, progress)
        except Interrupted as exc:
            done = exc.stats.skipped + exc.stats.done
            err(
                f"interrupted after {done} of {exc.stats.chunks} chunks; the finished chunks "
                f"are kept in {run.partial.folder}"
            )
            err(f"continue with: {_resume_command(argv)}")
            exits.partial.clear()
            return EXIT_INTERRUPTED
        except OSError as exc:  # a chunk file could not be written (a full disk ...)
            exits.partial.clear()
            raise cannot_write(root, exc, kept=run.partial.folder) from None
        cancel = False
    finally:
        backend.close(cancel=cancel)
    run_line = summary_line(stats, settings.replicates, len(settings.points), backend.description)
    if stats.failures:
        exits.partial.clear()
        err(run_line)
        err(f"error: {len(stats.failures)} of {stats.chunks} chunks failed:")
        for failure in stats.failures:
            err(f"  {failure.describe()}")
        err(
            f"the {stats.skipped + stats.done} finished chunks are kept in "
            f"{run.partial.folder} (failures.json has the tracebacks); fix the problem and "
            f"continue with: {_resume_command(argv)}"
        )
        return EXIT_FAILED
    result = api.RunResult(
        scenario,
        None,
        file,
        run.started_at,
        dt.datetime.now().astimezone(),
        ensemble=run.ensemble,
        stats=stats,
        sweep_sets=settings.sweep_sets,
        run_id=run.partial.state.get("run_id"),
        resumed=list(run.partial.state.get("resumed", [])),
    )
    try:
        with status("writing results"):
            run_dir = api.save(result, root, command=run.command)
    except OSError as exc:
        exits.partial.clear()
        raise cannot_write(root, exc, kept=run.partial.folder) from None
    exits.written.append(run_dir)
    exits.partial.clear()
    run.partial.remove()
    refresh_index(root)
    _summary(result, (run_dir / "report.html").resolve(), run_line)
    return EXIT_OK


def _start_line(scenario: Scenario, settings: Settings, run: FolderRun, backend: Backend) -> None:
    """Say what runs where, and what a resumed run found."""
    points = len(settings.points)
    total = settings.chunks_per_point * points
    what = f"{settings.replicates:,} replicates x {scenario.run.steps} steps"
    if points > 1:
        what += f" x {points} sweep points"
    err(
        f"running {scenario.name}: {what}, seed {settings.seed}, {total} chunk"
        f"{'s' if total != 1 else ''} of up to {settings.chunk_size:,}, "
        f"{recording(settings.record)}, {where(backend.description)}"
    )
    if run.resumed:
        done = total - len(run.todo)
        err(f"resuming {run.partial.folder}: {done} chunks done, {len(run.todo)} to run")
        for key, reason in run.unreadable:
            err(f"  {key} is incomplete or unreadable ({reason}): running it again")
        if run.removed_temporary:
            err(f"  removed {run.removed_temporary} half-written chunk file(s)")
    else:
        err(f"chunks go to {run.partial.folder} as they finish (resumable with --resume)")


def _summary(result: RunResult, report_path: Path, run_line: str | None = None) -> None:
    """Print the end-of-run summary tables, then ``report: <path>`` as the last line."""
    from rich.table import Table

    from sim.analysis.common import signed as sg  # deferred: heavy (pandas)
    from sim.present import report_tables  # deferred: heavy (pandas, plotly)
    from sim.scenario.dyads import Dyad  # deferred with the rest of the summary

    console = table_console()
    names = dict(zip(result.model.actor_ids, result.model.actor_names, strict=True))
    ensemble = result.ensemble
    if ensemble.is_sweep:
        header, rows = report_tables.sweep_rows(result.sweep, ensemble.sweep_keys, names)
        table = Table(
            title=f"{result.scenario.name}: {len(result.sweep)} sweep points",
            title_justify="left",
        )
        table.add_column("", justify="left")
        for col in header[1:]:
            table.add_column(col, justify="right")
        for row in rows:
            table.add_row(*row)
        console.print(table, markup=False)
    else:
        dyads = Table(title=f"{result.scenario.name}: relations at the end", title_justify="left")
        for col, justify in (
            ("dyad", "left"),
            ("start", "right"),
            ("end median", "right"),
            ("90% interval", "right"),
            ("modal band", "left"),
        ):
            dyads.add_column(col, justify=justify)  # type: ignore[arg-type]
        for rec in result.dyad_stats.itertuples(index=False):
            dyads.add_row(
                Dyad(rec.actor_a, rec.actor_b).named(names),
                sg(rec.start),
                sg(rec.end_median),
                f"{sg(rec.p05)} to {sg(rec.p95)}",
                f"{rec.modal_band} ({getattr(rec, f'share_{rec.modal_band}'):.0%})",
            )
        console.print(dyads, markup=False)
        if len(result.outcomes):
            ends = Table(title="end-states", title_justify="left")
            ends.add_column("end-state")
            ends.add_column("probability", justify="right")
            ends.add_column("95% interval", justify="right")
            for rec in result.outcomes.itertuples(index=False):
                ends.add_row(
                    str(rec.outcome),
                    f"{rec.probability:.1%}",
                    f"{rec.ci_low:.1%} – {rec.ci_high:.1%}",
                )
            console.print(ends, markup=False)
    sys.stdout.flush()
    if run_line:
        print(run_line, flush=True)
    print(f"report: {report_path}", flush=True)
