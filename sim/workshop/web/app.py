"""The Dash app that puts a workshop game on the screens in the room.

One app serves one game, in-process. A browser joins with ``/play?code=...``; the page's
URL (with the code) goes along with every callback, and every callback maps the code to
its role again on the server (:mod:`sim.workshop.web.security`) and passes that role to
the engine, which decides what is allowed.

**Updates.** Every page keeps one question open to ``/api/state``
(:mod:`sim.workshop.web.state_route`, asked by ``assets/poll.js``): the server answers
when the game's log position (``seq``), the countdown or the console's background work
changes, or after a few seconds with nothing new, and the page asks again. Only a new
``seq`` (or a restarted server) makes the page ask ``/api/live`` for its live parts,
which are built once per change and role and served from memory
(:mod:`sim.workshop.web.views`); the page sends the fingerprints of the parts it shows
and gets back only the parts that changed, as HTML that it sets in place and figures it
draws with ``Plotly.react`` (:mod:`sim.workshop.web.markup`): Dash draws the page's
frame and forms once, and the live column never goes through Dash's renderer. The page
counts the countdown down by itself; the top bar says "live · updated n s ago", or
"reconnecting" while the server does not answer, and a click that did not reach the
server says so (``assets/not_sent.js``). A team's message is cleared when the phase
moves on. The join codes are kept beside the game file
(:mod:`sim.workshop.web.codes_file`), so after a restart on the same file every page
picks up where it was. Dash's and Plotly's scripts are served by the app itself
(``serve_locally``, and :data:`PLOTLY_PATH`): the game runs offline on one laptop.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
import plotly.offline
from dash import Dash, Input, Output, State, dcc, html
from flask import Response

from sim.workshop.game import Game
from sim.workshop.web import (
    actions,
    components,
    console_page,
    layouts,
    state_route,
    team_page,
)
from sim.workshop.web.codes_file import persistent_codes
from sim.workshop.web.security import (
    DEFAULT_BURST,
    DEFAULT_RATE,
    MAX_CONTENT_LENGTH,
    JoinCodes,
    RateLimiter,
    game_roles,
    install_guards,
)

log = logging.getLogger(__name__)
POLL_MS = 500
"""How soon a page asks ``/api/state`` again after it got no answer (the server is down)."""
PLOTLY_PATH = "/workshop/plotly-{}.min.js"
"""Where the app serves plotly.js (the plotly package's own copy; its version is in the
name, so a browser may keep it)."""


@cache
def plotly_js() -> tuple[str, bytes]:
    """The URL path and bytes of the plotly.js that draws the pages' charts."""
    body = plotly.offline.get_plotlyjs().encode()
    return PLOTLY_PATH.format(hashlib.blake2b(body, digest_size=6).hexdigest()), body


def create_app(
    game: Game,
    codes: JoinCodes | None = None,
    out_dir: str | Path | None = None,
    *,
    rate: float = DEFAULT_RATE,
    burst: float = DEFAULT_BURST,
    max_bytes: int = MAX_CONTENT_LENGTH,
    poll_ms: int = POLL_MS,
) -> tuple[Dash, actions.WebGame]:
    """The Dash app of ``game`` and its server-side state (codes, timer, report folder).

    ``codes`` defaults to fresh random codes for every role of the game; reports go to
    ``out_dir`` (default: an ``aar`` folder beside the game file). ``rate`` and ``burst``
    bound each code's requests per second; ``max_bytes`` a request's body.
    """
    if codes is None:
        codes = persistent_codes(game.path, game_roles(game.teams))
    web = actions.WebGame(
        game, codes, Path(out_dir) if out_dir else game.path.with_name(f"{game.path.stem}-aar")
    )
    plotly_path, plotly_bytes = plotly_js()
    app = Dash(
        __name__,
        title=game.title,
        serve_locally=True,
        # Drawn by assets/poll.js (Plotly.react), not by dcc.Graph: the live parts are HTML.
        external_scripts=[plotly_path],
        # Bootstrap's CSS and ours, served by the app (no CDN: the room may be offline).
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        update_title=None,
        compress=False,
    )
    install_guards(app.server, codes, RateLimiter(rate, burst), max_bytes)
    state_route.install(app.server, web)

    @app.server.get(plotly_path)
    def _plotly() -> Response:
        return Response(
            plotly_bytes,
            mimetype="text/javascript",
            headers={"Cache-Control": "public, max-age=31536000, immutable"},
        )

    app.layout = html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="seq"),
            html.Header(
                [
                    html.Div(id="role-label", className="role-label"),
                    html.Div(
                        [html.Div(id="timer", role="timer"), html.Div(id="link", role="status")],
                        className="top-bar-right",
                    ),
                ],
                className="top-bar",
            ),
            dbc.Alert(id="job", color="info", class_name="ws-msg"),
            html.Div(
                [
                    html.Div([html.Div(id=f"part-{name}") for name in layouts.PARTS], id="live"),
                    html.Div(id="shell"),
                ],
                style=TWO_COLUMNS,
                id="columns",
            ),
        ],
        id="page",
        className="workshop",
        # assets/poll.js reads it: how long to wait before asking again after a failure
        **{"data-retry": str(poll_ms)},
    )
    register_callbacks(app, web)
    return app, web


ASSETS = Path(__file__).with_name("assets")
"""The vendored Bootstrap 5 CSS (with its licence) and the workshop's own stylesheet."""
TWO_COLUMNS = {
    "display": "grid",
    "gridTemplateColumns": "minmax(0, 3fr) minmax(0, 2fr)",
    "gap": "1em",
}
ONE_COLUMN = {"display": "grid", "gridTemplateColumns": "minmax(0, 1fr)", "gap": "1em"}


def register_callbacks(app: Dash, web: actions.WebGame) -> None:
    """The pages' callbacks; each one maps the page's code to its role first. They read
    ``web.game`` at every call: the white cell may open a fork in its place."""

    @app.callback(
        Output("shell", "children"),
        Output("columns", "style"),
        Output("role-label", "children"),
        Output("page", "className"),
        Input("url", "search"),
    )
    def render_shell(search: str | None) -> Any:
        role = web.codes.role_for_search(search)
        if role is None:
            page = components.error_page("This join code is missing or not valid for this game.")
            return page, TWO_COLUMNS, "", "workshop"
        # Pages that only show (projector, observer) give their charts the whole width.
        wide = role in ("projector", "observer")
        game = web.game
        label = f"{layouts.role_label(game, role)} · {game.title}"
        kind = role.partition(":")[0]
        return (
            layouts.shell(game, role),
            ONE_COLUMN if wide else TWO_COLUMNS,
            label,
            f"workshop role-{kind}",
        )

    # A team's message ("Submitted ...") is about the phase it was written in: it goes
    # when the page sees the game move on to another phase or turn.
    app.clientside_callback(
        CLEAR_JS,
        Output("team-msg", "children", allow_duplicate=True),
        Output("team-msg-at", "data"),
        Input("seq", "data"),
        State("team-msg-at", "data"),
        prevent_initial_call=True,
    )

    for message in ("team-msg", "ctl-msg", "ctl-aar-msg"):
        app.clientside_callback(MESSAGE_JS, Output(message, "color"), Input(message, "children"))
    team_page.register(app, web)
    console_page.register(app, web)


# A message's colour: red for a refusal or a failure, green for what was done.
MESSAGE_JS = """
function(text) {
    if (!text) { return 'secondary'; }
    const s = String(text);
    return (s.startsWith('Refused') || s.startsWith('Something went wrong')
            || s.startsWith('The report could not')) ? 'danger' : 'success';
}
"""

# The turn and phase a team page last saw; a change of either clears its message.
CLEAR_JS = """
function(seq, at) {
    const keep = window.dash_clientside.no_update;
    if (!seq) { return [keep, keep]; }
    const now = seq.turn + ' ' + seq.phase;
    if (!at) { return [keep, now]; }
    return at === now ? [keep, keep] : ['', now];
}
"""
