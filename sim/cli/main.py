"""The command line: ``python run.py [command] ...``.

Commands::

    python run.py                         run scenarios/baseline.yaml
    python run.py run FILE [--reps N] [--seed S] [--out DIR] [--workers N]
                  [--scheduler ADDRESS] [--record MODE] [--chunk-size N]
                  [--set KEY=V1,V2,...] [--resume]
    python run.py compare A.yaml B.yaml [...] [--reps N] [--seed S] [--workers N]
                  [--scheduler ADDRESS] [--out DIR]
                                          run scenarios on the same random numbers and
                                          write results/compare/<id>/comparison.html
    python run.py validate FILE...        check scenario files, list every problem
    python run.py schema                  print the scenario JSON Schema
    python run.py landscape FILE          stable bloc configurations (Axelrod-Bennett)
    python run.py explain FILE --actor ID why a state moved: its payoff term by term
    python run.py sensitivity FILE --outcome EXPR
                                          Morris or Sobol indices (SALib)
    python run.py discover FILE --outcome END-STATE
                                          PRIM boxes where an end-state is likely
    python run.py aar GAME.sqlite         after-action report of a workshop game
    python run.py workshop FILE [--teams JPN,RUS] [--game PATH] [--host H] [--port P]
                                          serve a workshop game to the room (web app)

A run is cut into chunks of replicates (and sweep points) that run on a local process
pool (``--workers``, default all cores) or a Dask cluster (``--scheduler``); each
finished chunk is written at once to ``results/<scenario>/.partial-<run-id>/``, so an
interrupted run continues with ``--resume``. The finished run is published as
``results/<scenario>/<run-id>/`` and the partial folder removed.

Exit codes: 0 success; 2 bad input (an invalid or missing scenario file, bad arguments,
an unreachable scheduler, a resume that does not match); 1 an unexpected internal error
(a one-line message; the traceback only with ALIGNSIM_DEBUG=1) or chunks that failed
(listed with their seeds; the rest is kept for ``--resume``); 130 interrupted. Errors go
to stderr and bad input never prints a traceback. Results go to ``results/`` beside
run.py unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import sys
import traceback
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from sim.cli import analysis as analysis_cli
from sim.cli import explain as explain_cli
from sim.cli import landscape as landscape_cli
from sim.cli import workshop as workshop_cli
from sim.cli.args import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    err,
    seconds,
    whole,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCENARIO = REPO_ROOT / "scenarios" / "baseline.yaml"
DEFAULT_RESULTS = REPO_ROOT / "results"

EXIT_INTERNAL = EXIT_FAILED  # an unexpected error, or chunks that failed

_written: list[Path] = []
"""Result folders this process has written (so an interrupt can say what is left)."""
_partial: list[Path] = []
"""The partial run folder of the run in progress (so an interrupt can say where it is)."""


class BadInput(Exception):
    """A problem with what the user gave us (reported without a traceback, exit 2)."""


def _record(text: str) -> str:
    if text in ("full", "outcomes") or re.fullmatch(r"steps:[1-9][0-9]*", text):
        return text
    raise argparse.ArgumentTypeError(
        f"expected full, steps:K (K a whole number >= 1) or outcomes, got {text!r}"
    )


def _set(text: str) -> tuple[str, list[float]]:
    from sim.experiment.sweep import parse_set_option

    try:
        return parse_set_option(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (no command: run the baseline scenario)."""
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Scenario simulator of regional alignments (Russia, Japan, China, the US "
        "...). Without a command, runs scenarios/baseline.yaml.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p_run = sub.add_parser("run", help="run a scenario and write its results and report")
    p_run.add_argument("file", type=Path, help="scenario YAML file")
    p_run.add_argument(
        "--reps", type=whole(1), default=None, help="replicates (default: the scenario's)"
    )
    p_run.add_argument(
        "--seed", type=whole(0), default=None, help="random seed (default: the scenario's)"
    )
    p_run.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"results root folder (default: {DEFAULT_RESULTS})",
    )
    p_run.add_argument(
        "--workers",
        type=whole(1),
        default=None,
        help="local worker processes (default: all cores; one chunk runs in this process)",
    )
    p_run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on the Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786 "
        "(docs/performance.md)",
    )
    p_run.add_argument(
        "--connect-timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="how long to wait for the Dask scheduler (default: 10)",
    )
    p_run.add_argument(
        "--record",
        type=_record,
        default=None,
        metavar="MODE",
        help="what is kept per replicate: full (every step, the default), steps:K (every "
        "K-th step and the last) or outcomes (start and end only)",
    )
    p_run.add_argument(
        "--chunk-size",
        type=whole(1),
        default=None,
        metavar="N",
        help="replicates per chunk of work (default: the scenario's run.chunk_size); "
        "results depend on it, not on the number of workers",
    )
    p_run.add_argument(
        "--set",
        dest="sets",
        type=_set,
        action="append",
        default=None,
        metavar="KEY=V1,V2,...",
        help="sweep a parameter over values (repeatable; every combination is a sweep "
        "point, each an ensemble), e.g. --set actors.CHN.assertiveness=0.4,0.6,0.8",
    )
    p_run.add_argument(
        "--resume",
        action="store_true",
        help="continue the interrupted run of this scenario (finished chunks are kept)",
    )
    p_cmp = sub.add_parser(
        "compare",
        help="run scenarios on the same random numbers and compare them with the first",
        description="Run two or more scenarios with the same seed and replicates (common "
        "random numbers) and write results/compare/<id>/ with comparison.html and CSV "
        "files. The first scenario is the reference every difference is taken against. "
        "Seed and replicates default to the first scenario's; steps, step_months, start "
        "and chunk_size must be the same in all.",
    )
    p_cmp.add_argument(
        "files", type=Path, nargs="+", metavar="FILE", help="scenario files, reference first"
    )
    p_cmp.add_argument(
        "--reps",
        type=whole(1),
        default=None,
        help="replicates of every scenario (default: the first scenario's)",
    )
    p_cmp.add_argument(
        "--seed",
        type=whole(0),
        default=None,
        help="random seed of every scenario (default: the first scenario's)",
    )
    p_cmp.add_argument(
        "--workers",
        type=whole(1),
        default=None,
        help="local worker processes (default: all cores)",
    )
    p_cmp.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on the Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786",
    )
    p_cmp.add_argument(
        "--connect-timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="how long to wait for the Dask scheduler (default: 10)",
    )
    p_cmp.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"results root folder; the comparison goes to OUT/compare/<id>/ (default: "
        f"{DEFAULT_RESULTS})",
    )
    p_val = sub.add_parser("validate", help="check scenario files and list every problem")
    p_val.add_argument("files", type=Path, nargs="+", metavar="FILE", help="scenario files")
    sub.add_parser("schema", help="print the JSON Schema of scenario files")
    landscape_cli.add_parser(sub)
    explain_cli.add_parser(sub)
    analysis_cli.add_parser(sub)
    workshop_cli.add_parser(sub)
    return parser


# --------------------------------------------------------------------------- helpers


def _load(path: Path) -> Any:
    """Load a scenario or raise BadInput with the loader's file:line messages."""
    from sim.scenario import ScenarioError, load_scenario

    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a scenario file")
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise BadInput(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read: {exc}") from None


def _status(message: str) -> AbstractContextManager[Any]:
    """A transient spinner on a terminal; nothing when stderr is not a TTY."""
    if not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _summary(result: Any, report_path: Path, run_line: str | None = None) -> None:
    """Print the end-of-run summary tables, then ``report: <path>`` as the last line."""
    from rich.console import Console
    from rich.table import Table

    from sim.present.report import fmt_signed as sg

    console = Console(soft_wrap=False, highlight=False, width=max(100, _terminal_width()))
    names = dict(zip(result.model.actor_ids, result.model.actor_names, strict=True))
    ensemble = result.ensemble
    if ensemble.is_sweep:
        from sim.present.report import sweep_rows

        header, rows = sweep_rows(result.sweep, ensemble.sweep_keys, names)
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
                f"{names.get(rec.actor_a, rec.actor_a)} – {names.get(rec.actor_b, rec.actor_b)}",
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


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 100


# --------------------------------------------------------------------------- commands


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


def cmd_run(
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
) -> int:
    """Run one scenario as chunks streamed to a partial folder; publish, print a summary."""
    from sim.experiment.engine import (
        find_resumable,
        open_folder_run,
        resolve_settings,
        scenario_folder,
    )
    from sim.experiment.executors import (
        DEFAULT_CONNECT_TIMEOUT,
        SchedulerUnreachable,
        make_backend,
    )
    from sim.experiment.store import PartialRun, ResumeRefused

    scenario = _load(file)
    root = out if out is not None else DEFAULT_RESULTS
    sweep: dict[str, list[float]] | None = None
    if sets:
        sweep = {}
        for key, values in sets:
            if key in sweep:
                raise BadInput(f"--set {key}: given twice; give each parameter once")
            sweep[key] = values
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
            partial, settings = find_resumable(root, scenario, requested)
        except ResumeRefused as exc:
            raise BadInput(f"error: {exc}") from None
    else:
        try:
            settings = resolve_settings(scenario, reps, seed, chunk_size, record, sweep)
        except ValueError as exc:
            raise BadInput(f"{file}: {exc}") from None
        earlier = PartialRun.find(scenario_folder(root, scenario))
        if earlier:
            err(
                f"note: {len(earlier)} interrupted run(s) of this scenario are kept in "
                f"{earlier[0].folder.parent} (.partial-*); --resume continues the latest "
                "(starting a new run)"
            )
    points = len(settings.points)
    chunks = settings.chunks_per_point * points
    timeout = connect_timeout or DEFAULT_CONNECT_TIMEOUT
    if scheduler and workers:
        err("note: --workers is ignored with --scheduler (the cluster's workers run it)")
    try:
        backend = make_backend(workers, scheduler, chunks, timeout)
    except SchedulerUnreachable as exc:
        raise BadInput(f"error: {exc}") from None
    try:
        try:
            run = open_folder_run(
                root, scenario, settings, partial=partial, command=list(argv), source=file
            )
        except ResumeRefused as exc:
            raise BadInput(f"error: {exc}") from None
    except BaseException:
        backend.close(cancel=True)
        raise
    try:
        return _execute_and_publish(run, backend, settings, root, file, argv)
    finally:
        run.partial.unlock()  # the process may go on (tests, notebooks): let go of it


def _execute_and_publish(
    run: Any, backend: Any, settings: Any, root: Path, file: Path, argv: Sequence[str]
) -> int:
    """Run the chunks still to do; on success publish the result folder and summarise."""
    from sim import api
    from sim.cli.progress import EnsembleProgress, summary_line
    from sim.experiment.runner import Interrupted

    scenario = run.scenario
    cancel = True
    try:
        _partial.append(run.partial.folder)
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
            _partial.clear()
            return EXIT_INTERRUPTED
        cancel = False
    finally:
        backend.close(cancel=cancel)
    run_line = summary_line(stats, settings.replicates, len(settings.points), backend.description)
    if stats.failures:
        _partial.clear()
        err(run_line)
        err(f"error: {len(stats.failures)} of {stats.chunks} chunks failed:")
        for failure in stats.failures:
            err(f"  {failure.describe()}")
        err(
            f"the {stats.skipped + stats.done} finished chunks are kept in "
            f"{run.partial.folder} (failures.json has the tracebacks); fix the problem and "
            f"continue with: {_resume_command(argv)}"
        )
        return EXIT_INTERNAL
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
        with _status("writing results"):
            run_dir = api.save(result, root, command=run.command)
    except OSError as exc:
        err(f"error: cannot write results under {root}: {exc.strerror or exc}")
        err(f"the finished chunks are kept in {run.partial.folder}; retry with --resume")
        return EXIT_INTERNAL
    _written.append(run_dir)
    _partial.clear()
    run.partial.remove()
    _summary(result, (run_dir / "report.html").resolve(), run_line)
    return EXIT_OK


def _start_line(scenario: Any, settings: Any, run: Any, backend: Any) -> None:
    points = len(settings.points)
    total = settings.chunks_per_point * points
    what = f"{settings.replicates:,} replicates x {scenario.run.steps} steps"
    if points > 1:
        what += f" x {points} sweep points"
    err(
        f"running {scenario.name}: {what}, seed {settings.seed}, {total} chunk"
        f"{'s' if total != 1 else ''} of up to {settings.chunk_size:,}, record "
        f"{settings.record}, on {backend.description}"
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


def cmd_compare(
    files: Sequence[Path],
    reps: int | None,
    seed: int | None,
    out: Path | None,
    argv: Sequence[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
) -> int:
    """Run the scenarios on the same random numbers, write the comparison, summarise."""
    from sim.analysis.compare import ComparisonError, compare, save_comparison
    from sim.cli.progress import EnsembleProgress, fmt_duration
    from sim.experiment.engine import EnsembleFailed
    from sim.experiment.executors import SchedulerUnreachable

    if len(files) < 2:
        raise BadInput(
            f"compare needs at least two scenario files (the first is the reference), got "
            f"{len(files)}: python run.py compare BASE.yaml WHATIF.yaml [...]"
        )
    problems = []
    scenarios = []
    for file in files:
        try:
            scenarios.append(_load(file))
        except BadInput as exc:
            problems.append(str(exc))
    if problems:
        raise BadInput("\n".join(problems))
    if scheduler and workers:
        err("note: --workers is ignored with --scheduler (the cluster's workers run it)")
    root = out if out is not None else DEFAULT_RESULTS
    first = scenarios[0].run
    err(
        f"comparing {len(files)} scenarios: {reps or first.replicates:,} replicates x "
        f"{first.steps} steps each, seed {first.seed if seed is None else seed} "
        "(the same random numbers in every scenario)"
    )
    try:
        comparison = compare(
            list(zip(scenarios, files, strict=True)),
            reps,
            seed,
            workers=workers,
            scheduler=scheduler,
            connect_timeout=connect_timeout,
            sink=EnsembleProgress("compare"),
        )
    except ComparisonError as exc:
        raise BadInput(f"error: {exc}") from None
    except SchedulerUnreachable as exc:
        raise BadInput(f"error: {exc}") from None
    except EnsembleFailed as exc:
        err(f"error: {len(exc.failures)} chunk(s) failed; nothing was written:")
        names = [getattr(s, "name", "?") for s in scenarios]
        for f in exc.failures:
            where = names[f.key.point] if f.key.point < len(names) else f"scenario {f.key.point}"
            err(
                f"  {where}, chunk {f.key.chunk} (replicates {f.start}..{f.start + f.count - 1};"
                f" seed SeedSequence(entropy={f.entropy}, spawn_key={f.spawn_key})): {f.error}"
            )
        return EXIT_INTERNAL
    try:
        with _status("writing the comparison"):
            folder = save_comparison(comparison, root, command=list(argv))
    except OSError as exc:
        err(f"error: cannot write results under {root}: {exc.strerror or exc}")
        return EXIT_INTERNAL
    _written.append(folder)
    seconds = sum(s.seconds for s in comparison.stats)
    run_line = (
        f"run: {len(comparison.entries)} scenarios x {comparison.replicates:,} replicates, "
        f"seed {comparison.seed}, {fmt_duration(seconds)}, {comparison.backend}"
    )
    _compare_summary(comparison, (folder / "comparison.html").resolve(), run_line)
    return EXIT_OK


def _compare_summary(comparison: Any, report_path: Path, run_line: str) -> None:
    """The largest differences and the end-state probabilities per scenario, the notes,
    then ``report: <path>`` as the last line."""
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False, highlight=False, width=max(100, _terminal_width()))
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


def cmd_validate(files: Sequence[Path]) -> int:
    """Check each file; print 'FILE: ok (...)' or its problems. 2 if any is bad."""
    status = EXIT_OK
    for file in files:
        try:
            s = _load(file)
        except BadInput as exc:
            err(str(exc))
            status = EXIT_BAD_INPUT
            continue
        n = len(s.actors)
        counts = (
            _count(n, "actor"),
            _count(n * (n - 1) // 2, "dyad"),
            _count(len(s.events), "event"),
            _count(s.run.steps, "step"),
        )
        print(f"{file}: ok ({', '.join(counts)})", flush=True)
    return status


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cmd_schema() -> int:
    """Print the JSON Schema of scenario files."""
    from sim.scenario import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False), flush=True)
    return EXIT_OK


def _dispatch(args: argparse.Namespace, argv: Sequence[str]) -> int:
    if args.command is None:
        return cmd_run(DEFAULT_SCENARIO, None, None, None, argv)
    if args.command == "run":
        return cmd_run(
            args.file,
            args.reps,
            args.seed,
            args.out,
            argv,
            workers=args.workers,
            scheduler=args.scheduler,
            connect_timeout=args.connect_timeout,
            record=args.record,
            chunk_size=args.chunk_size,
            sets=args.sets,
            resume=args.resume,
        )
    if args.command == "compare":
        return cmd_compare(
            args.files,
            args.reps,
            args.seed,
            args.out,
            argv,
            workers=args.workers,
            scheduler=args.scheduler,
            connect_timeout=args.connect_timeout,
        )
    if args.command == "validate":
        return cmd_validate(args.files)
    if args.command == "schema":
        return cmd_schema()
    if args.command == "landscape":
        return landscape_cli.main(args)
    if args.command == "explain":
        return explain_cli.main(args)
    if args.command in analysis_cli.COMMANDS:
        return analysis_cli.main(args)
    if args.command in ("aar", "workshop"):
        return workshop_cli.main(args)
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (argparse exits 2 itself on bad arguments)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _written.clear()
    _partial.clear()
    args = build_parser().parse_args(argv)
    command_line = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "run.py", *argv]
    try:
        return _dispatch(args, command_line)
    except BadInput as exc:
        err(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        if _written:
            err(f"interrupted; results were written to {_written[-1]}")
        elif _partial:
            err(f"interrupted; the finished chunks are kept in {_partial[-1]}")
            err("continue with the same command and --resume")
        else:
            err("interrupted; no results written")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `run.py schema | head`): stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_INTERNAL
    except Exception as exc:
        if os.environ.get("ALIGNSIM_DEBUG") == "1":
            traceback.print_exc()
        message = str(exc).splitlines()[0] if str(exc) else ""
        err(
            f"internal error: {type(exc).__name__}: {message} -- please report "
            "(set ALIGNSIM_DEBUG=1 for the traceback)"
        )
        return EXIT_INTERNAL
