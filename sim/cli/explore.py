"""The ``explore`` command: a live what-if explorer of a scenario file (web page).

Usage::

    python run.py explore FILE [--reps 1000] [--seed S] [--chunk-size N]
                          [--host 127.0.0.1] [--port 8060]

Loads FILE (a file that does not validate: its ``FILE:LINE: key: message`` lines, exit
2), binds the port (taken: a message, exit 2), runs the base ensemble, prints the page's
URL and serves it until Ctrl-C or SIGTERM. Every change in the page re-runs the what-if
on the base's random numbers and redraws it; "Save as what-if" writes the changes as a
file that extends FILE (docs/explore.md). It binds to 127.0.0.1 unless ``--host`` says
otherwise; ``--port 0`` takes a free port.

The explorer and dash are imported when the command runs (start-up speed).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from sim.cli.exits import EXIT_OK, err, fail, sigterm_interrupts
from sim.cli.options import (
    add_chunk_size,
    add_max_file_size,
    add_reps,
    add_seed,
    max_file_bytes,
)
from sim.cli.program import invocation
from sim.cli.scenario_file import load_scenario_file

DEFAULT_PORT = 8060
"""The explorer's port unless ``--port`` (the workshop's is 8050: both can run at once)."""
SLOW_BASE_SECONDS = 2.0
"""A base ensemble slower than this gets a note: the page would not redraw promptly."""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``explore`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "explore",
        help="a live what-if explorer of a scenario (web page)",
        description=(
            "Serve a page with a control for each actor's assertiveness and autonomy, each "
            "dispute's salience, the weights and the events of FILE; every change re-runs "
            "the what-if on the base's random numbers and redraws it; 'Save as what-if' "
            "writes the changes as a file that extends FILE. Binds to 127.0.0.1 unless --host."
        ),
    )
    p.add_argument("scenario", type=Path, metavar="FILE", help="the base scenario file")
    add_reps(p, "replicates of the base and of every what-if (default: 1000)", default=None)
    add_seed(p, "random seed of every ensemble (default: the scenario's run.seed)")
    add_chunk_size(p)
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: a free one)",
    )
    add_max_file_size(p)
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Load the scenario, bind, run the base, print the URL, serve until Ctrl-C/SIGTERM."""
    with sigterm_interrupts():
        return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    # deferred: heavy (dash, plotly, the model); the parser and --help do not need them
    from sim.explore.app import LOOPBACK_NAMES, create_app
    from sim.explore.exploration import DEFAULT_REPLICATES, Explorer  # deferred: heavy
    from sim.explore.serve import LOCALHOST, make  # deferred: heavy

    if not 0 <= args.port <= 65535:
        return fail(f"--port {args.port}: expected 0..65535")
    host = args.host or LOCALHOST
    max_bytes = max_file_bytes(args)
    scenario = load_scenario_file(args.scenario, max_bytes)
    try:
        explorer = Explorer(
            args.scenario,
            scenario,
            replicates=args.reps or DEFAULT_REPLICATES,
            seed=args.seed,
            chunk_size=args.chunk_size,
            max_bytes=max_bytes,
            program=invocation(),
        )
    except ValueError as exc:
        return fail(f"cannot explore {args.scenario}: {exc}")
    loopback = host in (LOCALHOST, "localhost", "::1")
    app = create_app(explorer, LOOPBACK_NAMES if loopback else None)
    try:
        server = make(app, host, args.port)
    except OSError as exc:
        return fail(
            f"cannot listen on {host}:{args.port}: {exc.strerror or exc} (is another "
            "explorer or workshop running there? choose another --port)"
        )
    if not loopback:
        err(
            f"warning: serving on {host}: anyone on this network can open the page and save "
            f"what-if files beside {args.scenario}"
        )
    print(f"running the base ensemble ({explorer.replicates:,} replicates) ...", flush=True)
    started = time.perf_counter()
    try:
        explorer.base_ensemble()
    except BaseException:
        server.close()
        raise
    # a hint of what each change will take: an ensemble like this one, then the figures
    took = time.perf_counter() - started
    print(f"base ensemble: {took:.2f} s", flush=True)
    if took > SLOW_BASE_SECONDS:
        err(
            f"note: every change runs an ensemble like this one, so the page will take about "
            f"{took:.0f} s to redraw; fewer --reps (now {explorer.replicates:,}) redraw sooner"
        )
    print(f"explorer of {args.scenario}: {server.url}", flush=True)
    print("serving; Ctrl-C stops (nothing is written except by 'Save as what-if')", flush=True)
    server.serve_forever()
    print("stopped", flush=True)
    return EXIT_OK
