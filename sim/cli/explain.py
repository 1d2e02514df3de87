"""The ``explain`` command: why a state moved as it did, term by term.

Usage::

    python run.py explain FILE --actor ID [--step T] [--toward ID] [--reps R]
                               [--seed S] [--json]

Runs the scenario FILE to step T (default 1, the first step) and splits the actor's
decision toward each other actor (or only ``--toward``) into its driver terms, averaged
over R replicates (default: the scenario's ``run.replicates``, at most 500) with their
5%-95% range: the propensity, the desired level, each move's value and probability, the
moves both sides chose and how the relation moved (docs/analysis.md, "Explain"). The text
output is a table per target and a sentence; ``--json`` prints one JSON object instead.
Exit codes: 0 done, 2 bad input (a located message on stderr, no traceback).

:func:`add_parser` adds the command to a ``run.py`` subparsers object (its ``func`` is
:func:`main`, which runs it from the parsed arguments); :func:`run` does both, for use on
its own (``python -m sim.cli.explain FILE --actor RUS``). The analysis is imported when
the command runs (start-up speed).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli.exits import EXIT_OK, fail
from sim.cli.options import (
    add_json,
    add_max_file_size,
    add_reps,
    add_seed,
    max_file_bytes,
    run_command,
    whole,
)
from sim.cli.scenario_file import with_size_hint

DEFAULT_MAX_REPLICATES = (
    500  # sim.analysis.explain.DEFAULT_MAX_REPLICATES, kept here so --help imports nothing
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``explain`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "explain",
        help="why a state moved as it did: its payoff split into driver terms",
        description=(
            "Run the scenario to step T and split ACTOR's decision toward each other actor "
            "into its driver terms (threat, shared threat, disputes, interdependence, "
            "institutions, treaty, irritants, balance, wedge, attention): each term's "
            "contribution to the propensity p (they sum to the p the model used), the "
            "desired level tanh(beta p), each move's value and logit probability, the moves "
            "both sides chose and the change of the relation; means and 5%-95% ranges "
            "over replicates."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE", help="scenario file")
    p.add_argument(
        "--actor",
        required=True,
        metavar="ID",
        help="the actor whose decisions to explain (id, e.g. RUS, or name)",
    )
    p.add_argument(
        "--step",
        type=whole(None),
        default=1,
        metavar="T",
        help="the step whose decisions to explain, 1 (the first, default) to the "
        "scenario's run.steps",
    )
    p.add_argument(
        "--toward",
        default=None,
        metavar="ID",
        help="explain the decision toward this actor only (default: toward every other)",
    )
    add_reps(
        p,
        f"replicates (default: the scenario's run.replicates, at most {DEFAULT_MAX_REPLICATES})",
    )
    add_seed(p, "seed of the model run (default: the scenario's run.seed)")
    add_json(p)
    add_max_file_size(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run the command from parsed arguments; return the exit code (2 on bad input)."""
    # deferred: heavy (the model, numpy, pydantic); the parser and --help do not need them
    from sim.analysis.explain import explain
    from sim.scenario import ScenarioError  # deferred: heavy

    try:
        result = explain(
            args.file,
            args.actor,
            step=args.step,
            toward=args.toward,
            replicates=args.reps,
            seed=args.seed,
            max_bytes=max_file_bytes(args),
        )
    except ScenarioError as exc:  # ExplainError is one too
        return fail(with_size_hint(str(exc)))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), flush=True)
    else:
        print(result.text(), flush=True)
    return EXIT_OK


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``explain`` arguments (without the command name) and run the command."""
    return run_command(add_parser, argv, "explain")


if __name__ == "__main__":
    raise SystemExit(run())
