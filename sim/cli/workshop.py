"""The workshop commands: ``aar`` (the after-action report) and ``workshop`` (serve a game).

Usage::

    python run.py aar GAME.sqlite [--out DIR]
    python run.py workshop FILE [--host 127.0.0.1] [--port 8050] [--teams JPN,RUS]
                           [--game PATH] [--catalogue FILE]

``workshop`` creates a game on the scenario FILE (or reopens ``--game``), prints one URL
with a random join code for each role (control, one per team, observer, projector) and
serves the web app until Ctrl-C. It binds to 127.0.0.1 unless ``--host`` says otherwise
(then it warns: anyone on that network with a URL can join). Exit codes: 0 stopped, 2 bad
input (a bad scenario or catalogue, a corrupted or foreign game file, a port in use).

Opens the game read-only (the file is not changed), replays it (checking every turn's
hash) and writes ``<title>-aar.html`` and ``<title>-aar.zip`` into DIR (default
``results/workshop/<game file name>/``). Exit codes: 0 written, 2 bad input (a missing,
foreign or damaged game file, a replay that does not match: a one-line message on
stderr).

:func:`add_parser` adds the command to a ``run.py`` subparsers object and :func:`main`
runs it from the parsed arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_BAD_INPUT = 0, 2
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "workshop"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``aar`` and ``workshop`` commands to an argparse subparsers object; return
    the ``aar`` parser."""
    add_workshop_parser(subparsers)
    p = subparsers.add_parser(
        "aar",
        help="write the after-action report of a workshop game",
        description=(
            "After-action report of a workshop game: one self-contained HTML file and a zip "
            "with the event log, the scenario, per-turn relations and moves, every rationale "
            "and override reason, and the charts. The game file is opened read-only."
        ),
    )
    p.add_argument("game", type=Path, metavar="GAME.sqlite", help="the game's database file")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for the report (default: results/workshop/<game file name>/)",
    )
    return p


def add_workshop_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``workshop`` command to an argparse subparsers object; return its parser."""
    p = subparsers.add_parser(
        "workshop",
        help="serve a workshop game to the room (web app)",
        description=(
            "Create a workshop game on a scenario (or reopen one with --game), print a join "
            "URL for each role and serve the web app. Binds to 127.0.0.1 unless --host."
        ),
    )
    p.add_argument("scenario", type=Path, metavar="FILE", help="the scenario file")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    p.add_argument(
        "--teams", default="", metavar="JPN,RUS", help="the states played by teams (new game)"
    )
    p.add_argument("--game", type=Path, default=None, metavar="PATH", help="reopen this game file")
    p.add_argument(
        "--catalogue", type=Path, default=None, metavar="FILE", help="the move catalogue"
    )
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``aar`` or ``workshop``; return the exit code (2 on bad input)."""
    if getattr(args, "command", "aar") == "workshop":
        return main_workshop(args)
    return main_aar(args)


def open_or_create(args: argparse.Namespace) -> Any:
    """The game to serve: ``--game`` reopened, or a new one in results/workshop/."""
    import datetime as dt

    from sim.workshop.game import Game

    if args.game is not None and args.game.exists():
        return Game.open(args.game)
    teams = [t.strip().upper() for t in args.teams.split(",") if t.strip()]
    if args.game is not None:
        path = args.game
    else:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = DEFAULT_OUT / f"{args.scenario.stem}-{stamp}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return Game.create(path, args.scenario, args.catalogue, teams)


def main_workshop(args: argparse.Namespace) -> int:
    """Create or reopen the game, print the join URLs, serve until Ctrl-C."""
    from sim.scenario import ScenarioError
    from sim.workshop.errors import WorkshopError
    from sim.workshop.web.app import create_app
    from sim.workshop.web.serve import LOCALHOST, make, serve_forever

    host = args.host or LOCALHOST
    if not 0 <= args.port <= 65535:
        print(f"--port {args.port}: expected 0..65535", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        game = open_or_create(args)
    except (WorkshopError, ScenarioError) as exc:
        print(f"cannot start the workshop: {exc}", file=sys.stderr, flush=True)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"cannot start the workshop: {exc.strerror or exc}", file=sys.stderr, flush=True)
        return EXIT_BAD_INPUT
    with game:
        app, web = create_app(game)
        try:
            server = make(app, host, args.port)
        except OSError as exc:
            print(f"cannot listen on {host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.host is not None and host not in (LOCALHOST, "localhost", "::1"):
            print(
                f"warning: serving on {host}: anyone on this network who has a URL below can "
                "join in that role; keep the codes to the room",
                file=sys.stderr,
                flush=True,
            )
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        base = f"http://{shown}:{server.port}/play?code="
        print(f"game: {game.path} ({game.title}, turn {game.turn}, {game.phase.value})")
        for role in web.codes.roles:
            print(f"  {role:<12} {base}{web.codes.code(role)}", flush=True)
        print("serving; Ctrl-C stops (the game is saved after every action)", flush=True)
        serve_forever(server)
    return EXIT_OK


def main_aar(args: argparse.Namespace) -> int:
    """Write the report; print where; return the exit code (2 on bad input)."""
    from sim.workshop.aar import write_aar
    from sim.workshop.errors import WorkshopError
    from sim.workshop.game import Game

    out = args.out if args.out is not None else DEFAULT_OUT / args.game.stem
    try:
        with Game.open(args.game, read_only=True) as game:
            html = write_aar(game, out)
    except WorkshopError as exc:
        print(str(exc), file=sys.stderr, flush=True)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"cannot write the report to {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"after-action report: {html}", flush=True)
    print(f"everything, zipped:  {html.with_suffix('.zip')}", flush=True)
    return EXIT_OK


def run(argv: list[str] | None = None) -> int:
    """Parse ``aar`` arguments (without the command name) and run the command."""
    parser = argparse.ArgumentParser(prog="run.py")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    return main(parser.parse_args(["aar", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    raise SystemExit(run())
