"""The command line: ``python run.py [command] ...``.

Commands::

    python run.py                         run scenarios/baseline.yaml
    python run.py run FILE [--reps N] [--seed S] [--out DIR]
    python run.py validate FILE...        check scenario files, list every problem
    python run.py schema                  print the scenario JSON Schema

Exit codes: 0 success; 2 bad input (an invalid or missing scenario file, bad arguments);
1 an unexpected internal error (a one-line message; the traceback only with
ALIGNSIM_DEBUG=1); 130 interrupted. Errors go to stderr and bad input never prints a
traceback. Results go to ``results/`` beside run.py unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = REPO_ROOT / "scenarios" / "baseline.yaml"
DEFAULT_RESULTS = REPO_ROOT / "results"
PROGRESS_DELAY = 1.0
"""Seconds a run must take before a progress bar appears."""

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

_written: list[Path] = []
"""Result folders this process has written (so an interrupt can say what is left)."""


class BadInput(Exception):
    """A problem with what the user gave us (reported without a traceback, exit 2)."""


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


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
        "--reps", type=_positive_int, default=None, help="replicates (default: the scenario's)"
    )
    p_run.add_argument(
        "--seed", type=_seed, default=None, help="random seed (default: the scenario's)"
    )
    p_run.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"results root folder (default: {DEFAULT_RESULTS})",
    )
    p_val = sub.add_parser("validate", help="check scenario files and list every problem")
    p_val.add_argument("files", type=Path, nargs="+", metavar="FILE", help="scenario files")
    sub.add_parser("schema", help="print the JSON Schema of scenario files")
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


class _ProgressDisplay:
    """A progress callback that shows a bar only if the run lasts over a second.

    On a terminal (stderr is a TTY) it shows a transient rich progress bar; otherwise
    nothing, so that logs stay short (the start line says what is running).
    """

    def __init__(self, label: str, delay: float = PROGRESS_DELAY) -> None:
        self.label = label
        self.delay = delay
        self.enabled = sys.stderr.isatty()
        self.t0 = time.monotonic()
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if done >= total or time.monotonic() - self.t0 < self.delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("steps"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=total)
        self._progress.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _status(message: str) -> AbstractContextManager[Any]:
    """A transient spinner on a terminal; nothing when stderr is not a TTY."""
    if not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _summary(result: Any, report_path: Path) -> None:
    """Print the end-of-run summary tables, then ``report: <path>`` as the last line."""
    from rich.console import Console
    from rich.table import Table

    from sim.report import fmt_signed as sg

    console = Console(soft_wrap=False, highlight=False, width=max(100, _terminal_width()))
    names = dict(zip(result.model.actor_ids, result.model.actor_names, strict=True))
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
    print(f"report: {report_path}", flush=True)


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 100


# --------------------------------------------------------------------------- commands


def cmd_run(
    file: Path, reps: int | None, seed: int | None, out: Path | None, argv: Sequence[str]
) -> int:
    """Run one scenario, write its result folder, print a summary."""
    from sim import api

    scenario = _load(file)
    replicates = reps or scenario.run.replicates
    _err(
        f"running {scenario.name}: {replicates:,} replicates x {scenario.run.steps} steps, "
        f"seed {scenario.run.seed if seed is None else seed}"
    )
    progress = _ProgressDisplay(f"{scenario.name}")
    try:
        result = api.run(scenario, replicates=reps, seed=seed, progress=progress)
    finally:
        progress.close()
    result.source = file
    root = out if out is not None else DEFAULT_RESULTS
    try:
        with _status("writing results"):
            run_dir = api.save(result, root, command=list(argv))
    except OSError as exc:
        _err(f"error: cannot write results under {root}: {exc.strerror or exc}")
        return EXIT_INTERNAL
    _written.append(run_dir)
    _summary(result, (run_dir / "report.html").resolve())
    return EXIT_OK


def cmd_validate(files: Sequence[Path]) -> int:
    """Check each file; print 'FILE: ok (...)' or its problems. 2 if any is bad."""
    status = EXIT_OK
    for file in files:
        try:
            s = _load(file)
        except BadInput as exc:
            _err(str(exc))
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
        return cmd_run(args.file, args.reps, args.seed, args.out, argv)
    if args.command == "validate":
        return cmd_validate(args.files)
    if args.command == "schema":
        return cmd_schema()
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (argparse exits 2 itself on bad arguments)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _written.clear()
    args = build_parser().parse_args(argv)
    command_line = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "run.py", *argv]
    try:
        return _dispatch(args, command_line)
    except BadInput as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        if _written:
            _err(f"interrupted; results were written to {_written[-1]}")
        else:
            _err("interrupted; no results written")
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
        _err(
            f"internal error: {type(exc).__name__}: {message} -- please report "
            "(set ALIGNSIM_DEBUG=1 for the traceback)"
        )
        return EXIT_INTERNAL
