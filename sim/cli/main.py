"""The command line: ``python run.py [command] ...``; builds the parser and dispatches.

Commands (one module each in :mod:`sim.cli`)::

    python run.py                         run scenarios/baseline.yaml
    python run.py run FILE [--reps R] [--seed S] [--out DIR] [--workers N]
                  [--scheduler ADDRESS] [--record MODE] [--chunk-size N]
                  [--set KEY=V1,V2,...] [--resume]
    python run.py compare A.yaml B.yaml [...] [--reps R] [--seed S] [--workers N]
                  [--scheduler ADDRESS] [--out DIR]
                                          run scenarios on the same random numbers and
                                          write results/compare/<id>/comparison.html
    python run.py runs [--scenario NAME] [--out DIR] [--json] [--index]
                                          list earlier result folders, newest first
                                          (results/index.html: the same, with links)
    python run.py validate FILE...        check scenario files, list every problem
    python run.py schema                  print the scenario JSON Schema
    python run.py landscape FILE          stable bloc configurations (Axelrod-Bennett)
    python run.py explain FILE --actor ID why a state moved: its payoff term by term
    python run.py sensitivity FILE --outcome EXPR
                                          Morris or Sobol indices (SALib)
    python run.py discover FILE --outcome END-STATE
                                          PRIM boxes where an end-state is likely
    python run.py tipping FILE --outcome END-STATE|EXPR --vary KEY=LO:HI [--pair A B]
                                          where an outcome crosses a level (tipping points)
    python run.py calibrate FILE --observations OBS.csv --vary KEY=LO:HI [--budget N]
                                          fit parameters to observations (optuna TPE)
    python run.py explore FILE [--reps R] [--host H] [--port P]
                                          a live what-if explorer of a scenario (web page)
    python run.py aar GAME.sqlite         after-action report of a workshop game
    python run.py workshop FILE [--teams JPN,RUS] [--game PATH] [--host H] [--port P]
                                          serve a workshop game to the room (web app)

The installed ``alignsim`` script (``[project.scripts]`` in pyproject.toml) calls the same
:func:`main`; the usage lines and messages name the program as it was started
(:mod:`sim.cli.program`).

Each command module adds its subparser with ``set_defaults(func=...)``; :func:`main`
parses the arguments and calls ``args.func(args)``. The options the commands share are
defined once, in :mod:`sim.cli.options`.

A run is cut into chunks of replicates (and sweep points) that run on a local process
pool (``--workers``, default all cores) or a Dask cluster (``--scheduler``); each
finished chunk is written at once to ``results/<scenario>/.partial-<run-id>/``, so an
interrupted run continues with ``--resume``. The finished run is published as
``results/<scenario>/<run-id>/`` and the partial folder removed.

A mistyped command gets the closest one ("did you mean 'run'?"). Before an ensemble
starts, its rows, disk, memory and time are estimated (:mod:`sim.cli.limits`); above
the limits the command stops unless ``--yes``.

Exit codes: 0 success; 2 bad input (an invalid or missing scenario file, bad arguments
or an unknown command, an unreachable scheduler, a resume that does not match or that
another process is running, an ``--out`` that cannot be written or a full disk, a run
above the limits without ``--yes``); 1 an unexpected internal error
(a one-line message; the traceback only with ALIGNSIM_DEBUG=1) or chunks that failed
(listed with their seeds; the rest is kept for ``--resume``); 130 interrupted. Errors go
to stderr and bad input never prints a traceback. Results go to ``results/`` beside
run.py unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sim.cli import (
    aar,
    calibrate,
    compare,
    discover,
    exits,
    explain,
    explore,
    landscape,
    run,
    runs,
    schema,
    sensitivity,
    tipping,
    validate,
    workshop,
)
from sim.cli.exits import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    BadInput,
    end_process,
    err,
)
from sim.cli.program import invocation, prog

COMMANDS = (
    run,
    compare,
    runs,
    validate,
    schema,
    landscape,
    explain,
    sensitivity,
    discover,
    tipping,
    calibrate,
    explore,
)
"""The command modules, in the order ``--help`` lists them (then the workshop's)."""
WORKSHOP_COMMANDS = (workshop, aar)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (no command: run the baseline scenario)."""
    parser = argparse.ArgumentParser(
        prog=prog(),  # 'alignsim' or 'run.py', as it was started
        description="Scenario simulator of regional alignments (Russia, Japan, China, the US "
        "...). Without a command, runs scenarios/baseline.yaml.",
    )
    parser.set_defaults(func=run.run_baseline)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in (*COMMANDS, *WORKSHOP_COMMANDS):
        command.add_parser(sub)
    return parser


def command_names(parser: argparse.ArgumentParser) -> list[str]:
    """The commands of ``parser``, in the order ``--help`` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []  # pragma: no cover - the parser always has its commands


def unknown_command(word: str, names: Sequence[str]) -> str:
    """What to say of a first word that is no command: the closest command (difflib), or
    ``run FILE`` for a scenario file, and the list of commands."""
    lines = [f"{prog()}: error: {word!r} is not a command"]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if word.endswith((".yaml", ".yml")):
        lines[0] += f"; to run a scenario file: {invocation()} run {word}"
    elif close:
        lines[0] += f"; did you mean {close[0]!r}?"
    lines.append(f"commands: {', '.join(names)} ({invocation()} --help says what each does)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (argparse exits 2 itself on bad arguments)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    exits.written.clear()
    exits.partial.clear()
    parser = build_parser()
    names = command_names(parser)
    if argv and not argv[0].startswith("-") and argv[0] not in names:
        # argparse would list every choice without a hint (Python 3.13)
        err(parser.format_usage().rstrip())
        err(unknown_command(argv[0], names))
        return EXIT_BAD_INPUT
    args = parser.parse_args(argv)
    # the command as typed, for the manifest and the --resume hint
    args.command_line = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "run.py", *argv]
    try:
        return args.func(args)
    except BadInput as exc:
        err(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        if exits.written:
            err(f"interrupted; results were written to {exits.written[-1]}")
        elif exits.partial:
            err(f"interrupted; the finished chunks are kept in {exits.partial[-1]}")
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
        return EXIT_FAILED
    except Exception as exc:
        if os.environ.get("ALIGNSIM_DEBUG") == "1":
            traceback.print_exc()
        message = str(exc).splitlines()[0] if str(exc) else ""
        err(
            f"internal error: {type(exc).__name__}: {message} -- please report "
            "(set ALIGNSIM_DEBUG=1 for the traceback)"
        )
        return EXIT_FAILED


def program() -> NoReturn:
    """The program: :func:`main` on the command line's arguments, then the process ends with
    its exit code (:func:`sim.cli.exits.end_process`). run.py, ``alignsim`` and
    ``python -m sim.cli`` start here."""
    end_process(main())
