"""The ``workshop`` command: serve a workshop game to the room (web app).

Usage::

    python run.py workshop FILE [--host 127.0.0.1] [--port 8050] [--teams JPN,RUS]
                           [--game PATH] [--catalogue FILE] [--poll SECONDS]

Creates a game on the scenario FILE (or reopens ``--game``), prints one URL with a random
join code for each role (control, one per team, observer, projector) and serves the web
app until Ctrl-C or SIGTERM (both stop it the same way: the game is closed, its WAL
checkpointed into the game file and its lock released). It binds to 127.0.0.1 unless
``--host`` says otherwise (then it warns: anyone on that network with a URL can join).
``--port 0`` takes a free port (the URLs printed say which). Exit codes: 0 stopped, 2 bad
input (a bad scenario or catalogue, a corrupted or foreign game file, a game another
server has open, a port in use).

The workshop and its web app (dash) are imported when the command runs (start-up speed).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.exits import EXIT_OK, err, fail, sigterm_interrupts
from sim.cli.options import add_max_file_size, max_file_bytes
from sim.cli.paths import WORKSHOP_RESULTS
from sim.cli.scenario_file import with_size_hint

if TYPE_CHECKING:
    from sim.workshop.game import Game


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
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
        "--poll",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="how soon a page asks again when the server did not answer (default 0.5; 0.2 to 10)",
    )
    p.add_argument(
        "--teams", default="", metavar="JPN,RUS", help="the states played by teams (new game)"
    )
    p.add_argument("--game", type=Path, default=None, metavar="PATH", help="reopen this game file")
    p.add_argument(
        "--catalogue", type=Path, default=None, metavar="FILE", help="the move catalogue"
    )
    add_max_file_size(p)
    p.set_defaults(func=main)
    return p


def open_or_create(args: argparse.Namespace) -> Game:
    """The game to serve: ``--game`` reopened, or a new one in results/workshop/."""
    from sim.scenario import load_scenario  # deferred: heavy (pydantic)
    from sim.workshop.game import Game  # deferred: heavy (the model, pydantic)

    if args.game is not None and args.game.exists():
        return Game.open(args.game)
    teams = [t.strip().upper() for t in args.teams.split(",") if t.strip()]
    if args.game is not None:
        path = args.game
    else:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = WORKSHOP_RESULTS / f"{args.scenario.stem}-{stamp}.sqlite"
    # the scenario first: a bad one leaves no folder behind
    scenario = load_scenario(args.scenario, max_bytes=max_file_bytes(args))
    path.parent.mkdir(parents=True, exist_ok=True)
    return Game.create(path, scenario, args.catalogue, teams)


def main(args: argparse.Namespace) -> int:
    """Create or reopen the game, print the join URLs, serve until Ctrl-C or SIGTERM."""
    with sigterm_interrupts():
        return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    # deferred: heavy (dash, plotly, the model); the parser and --help do not need them
    from sim.scenario import ScenarioError
    from sim.workshop.errors import WorkshopError  # deferred: heavy
    from sim.workshop.web.app import create_app  # deferred: heavy
    from sim.workshop.web.serve import LOCALHOST, make, serve_forever  # deferred: heavy

    host = args.host or LOCALHOST
    if not 0.2 <= args.poll <= 10:
        return fail(f"--poll {args.poll:g}: expected 0.2 to 10 seconds")
    if not 0 <= args.port <= 65535:
        return fail(f"--port {args.port}: expected 0..65535")
    try:
        game = open_or_create(args)
    except (WorkshopError, ScenarioError) as exc:
        return fail(with_size_hint(f"cannot start the workshop: {exc}"))
    except OSError as exc:
        return fail(f"cannot start the workshop: {exc.strerror or exc}")
    try:
        app, web = create_app(game, poll_ms=round(args.poll * 1000))
        try:
            server = make(app, host, args.port)
        except OSError as exc:
            return fail(f"cannot listen on {host}:{args.port}: {exc.strerror or exc}")
        if args.host is not None and host not in (LOCALHOST, "localhost", "::1"):
            err(
                f"warning: serving on {host}: anyone on this network who has a URL below can "
                "join in that role; keep the codes to the room"
            )
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        base = f"http://{shown}:{server.port}/play?code="
        print(f"game: {game.path} ({game.title}, turn {game.turn}, {game.phase.value})")
        for role in web.codes.roles:
            print(f"  {role:<12} {base}{web.codes.code(role)}", flush=True)
        print("serving; Ctrl-C stops (the game is saved after every action)", flush=True)
        serve_forever(server)
    finally:
        game.close()  # after the request threads: checkpoint, then release the lock
    print(f"stopped; the game is saved in {game.path}", flush=True)
    return EXIT_OK
