"""The command-line options, each defined once: name, type, default, metavar and help.

Every command that takes ``--reps``, ``--seed``, ``--workers`` / ``--scheduler`` /
``--connect-timeout``, ``--chunk-size``, ``--out``, ``--record``, ``--set``,
``--resume``, ``--vary``, ``--yes``, ``--max-file-size`` or ``--json`` adds it with the
function here, so the option is spelt, typed and checked the same way everywhere. Where
the default differs by command (the replicates of an analysis, the folder of a report)
the command passes the help text that says so.

The argparse types (:func:`whole`, :func:`seconds`, :func:`share`, :func:`megabytes`,
:func:`record_mode`, :func:`sweep_values`, :func:`vary_range`) turn bad values into
argparse errors (exit 2, no traceback). The last three check the text with the parser of
the layer that owns the concept; those are imported when the option is given, not for
``--help`` (start-up speed: they pull in numpy, pandas and pydantic).

:func:`run_command` parses one command's arguments on their own (for ``python -m
sim.cli.explain ...`` and for tests).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sim.cli.paths import DEFAULT_RESULTS, shown
from sim.cli.program import prog

# --------------------------------------------------------------------------- types


def whole(minimum: int | None) -> Callable[[str], int]:
    """An argparse type: a whole number (>= ``minimum`` when one is given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return parse


def seconds(text: str) -> float:
    """An argparse type: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}")
    return value


def share(text: str) -> float:
    """An argparse type: a number in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number above 0 and at most 1, got {text}")
    return value


def megabytes(text: str) -> float:
    """An argparse type: a number of megabytes > 0 (``0.5``, ``20``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of megabytes, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of megabytes > 0, got {text!r}")
    return value


def record_mode(text: str) -> str:
    """An argparse type: a record mode (full, steps:K or outcomes), checked by the model's
    one parser of record modes, :func:`sim.model.model.check_record`."""
    from sim.model.model import check_record  # deferred: heavy (numpy, mesa)

    try:
        return check_record(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected full, steps:K (K a whole number >= 1) or outcomes, got {text!r}"
        ) from None


def sweep_values(text: str) -> tuple[str, list[float]]:
    """An argparse type: ``KEY=V1,V2,...`` (the sweep's parser)."""
    from sim.experiment.sweep import parse_set_option  # deferred: heavy (numpy, pydantic)

    try:
        return parse_set_option(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def vary_range(text: str) -> tuple[str, float, float]:
    """An argparse type: ``KEY=LO:HI`` (the analyses' parser)."""
    from sim.analysis.common import parse_range_option  # deferred: heavy (pandas, SALib)

    try:
        return parse_range_option(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# --------------------------------------------------------------------------- options


def add_reps(p: argparse.ArgumentParser, help: str, default: int | None = None) -> None:
    """``--reps R``: replicates, a whole number >= 1 (default None: the scenario's)."""
    p.add_argument("--reps", type=whole(1), default=default, metavar="R", help=help)


def add_seed(p: argparse.ArgumentParser, help: str) -> None:
    """``--seed S``: a whole number >= 0 (default None: the scenario's)."""
    p.add_argument("--seed", type=whole(0), default=None, metavar="S", help=help)


def add_out(p: argparse.ArgumentParser, help: str | None = None) -> None:
    """``--out DIR``: the folder results go to (default None: the results root)."""
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help=help or f"results root folder (default: {shown(DEFAULT_RESULTS)})",
    )


def add_yes(p: argparse.ArgumentParser) -> None:
    """``--yes``: go ahead with an ensemble above the limits of its estimate."""
    p.add_argument(
        "--yes",
        action="store_true",
        help="go ahead even if the estimate of rows, disk, memory or time is above the "
        'limits (docs/performance.md, "Before a big run")',
    )


def add_cluster_options(p: argparse.ArgumentParser) -> None:
    """``--workers N``, ``--scheduler ADDRESS`` and ``--connect-timeout SECONDS``: where
    an ensemble runs."""
    p.add_argument(
        "--workers",
        type=whole(1),
        default=None,
        metavar="N",
        help="local worker processes (default: all cores; one chunk runs in this process)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on the Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786 "
        "(docs/performance.md)",
    )
    p.add_argument(
        "--connect-timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="how long to wait for the Dask scheduler (default: 10)",
    )


def add_chunk_size(p: argparse.ArgumentParser) -> None:
    """``--chunk-size N``: replicates per chunk (default None: the scenario's)."""
    p.add_argument(
        "--chunk-size",
        type=whole(1),
        default=None,
        metavar="N",
        help="replicates per chunk of work (default: the scenario's run.chunk_size); "
        "results depend on it, not on the number of workers",
    )


def add_record(p: argparse.ArgumentParser) -> None:
    """``--record MODE``: what is kept per replicate (default None: full)."""
    p.add_argument(
        "--record",
        type=record_mode,
        default=None,
        metavar="MODE",
        help="what is kept per replicate: full (every step, the default), steps:K (every "
        "K-th step and the last) or outcomes (start and end only)",
    )


def add_sets(p: argparse.ArgumentParser) -> None:
    """``--set KEY=V1,V2,...`` (repeatable, into ``args.sets``): a sweep."""
    p.add_argument(
        "--set",
        dest="sets",
        type=sweep_values,
        action="append",
        default=None,
        metavar="KEY=V1,V2,...",
        help="sweep a parameter over values (repeatable; every combination is a sweep "
        "point, each an ensemble), e.g. --set actors.CHN.assertiveness=0.4,0.6,0.8",
    )


def add_resume(p: argparse.ArgumentParser) -> None:
    """``--resume``: continue the interrupted run of the scenario."""
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the interrupted run of this scenario (finished chunks are kept)",
    )


def add_vary(p: argparse.ArgumentParser) -> None:
    """``--vary KEY=LO:HI`` (repeatable): an uncertain parameter of an analysis."""
    p.add_argument(
        "--vary",
        type=vary_range,
        action="append",
        default=None,
        metavar="KEY=LO:HI",
        help="an uncertain parameter, uniform between LO and HI (repeatable; replaces the "
        "scenario's distribution of KEY), e.g. --vary actors.CHN.assertiveness=0.4:0.8",
    )


DEFAULT_MAX_FILE_MB = 5
"""The scenario loader's limit, ``sim.scenario.sourced_yaml.DEFAULT_MAX_BYTES`` (5 MB), in
megabytes (written here so that --help imports nothing heavy; a test holds them equal)."""


def add_max_file_size(p: argparse.ArgumentParser) -> None:
    """``--max-file-size MB``: the largest scenario file (and base it extends) to read."""
    p.add_argument(
        "--max-file-size",
        type=megabytes,
        default=DEFAULT_MAX_FILE_MB,
        metavar="MB",
        help="refuse a scenario file, or a file it extends, larger than MB megabytes "
        f"(default: {DEFAULT_MAX_FILE_MB})",
    )


def max_file_bytes(args: argparse.Namespace) -> int | None:
    """``--max-file-size`` in bytes (None when the command has no such option: the
    loader's default)."""
    mb = getattr(args, "max_file_size", None)
    return None if mb is None else round(mb * 1_000_000)


def add_json(p: argparse.ArgumentParser) -> None:
    """``--json``: print one JSON object instead of text."""
    p.add_argument("--json", action="store_true", help="print one JSON object")


# --------------------------------------------------------------------------- one command


def run_command(
    add_parser: Callable[[Any], Any],
    argv: Sequence[str] | None = None,
    command: str | None = None,
) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``) with the parser(s) that ``add_parser``
    adds to a ``run.py`` (or ``alignsim``) parser and run the command it chose (``args.func``);
    ``command``: the command's name, put before ``argv`` (None: ``argv`` starts with it)."""
    parser = argparse.ArgumentParser(prog=prog())
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    words = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(words if command is None else [command, *words])
    return args.func(args)
