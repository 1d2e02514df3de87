"""The Dash app that puts a workshop game on the screens in the room.

One app serves one game, in-process. A browser joins with ``/play?code=...``; the page's
URL (with the code) goes along with every callback, and every callback maps the code to
its role again on the server (:mod:`sim.workshop.web.security`) and passes that role to
the engine, which decides what is allowed. Pages poll the game's ``seq`` every second
(``dcc.Interval``) and re-render their live part only when it changed, so every screen
shows a commit within about a second. Dash's and Plotly's scripts are served by the app
itself (``serve_locally``): the game runs offline on one laptop.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from sim.workshop.game import Game
from sim.workshop.web import actions, components, layouts
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
POLL_MS = 1000


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
    codes = codes or JoinCodes(game_roles(game.teams))
    web = actions.WebGame(
        game, codes, Path(out_dir) if out_dir else game.path.with_name(f"{game.path.stem}-aar")
    )
    app = Dash(
        __name__,
        title=game.title,
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title=None,
        compress=False,
    )
    install_guards(app.server, codes, RateLimiter(rate, burst), max_bytes)
    app.layout = html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Interval(id="tick", interval=poll_ms, n_intervals=0),
            dcc.Store(id="seen"),
            html.Div(id="timer", style={"fontSize": "1.3em", "color": "#b2182b"}),
            html.Div(
                [html.Div(id="live"), html.Div(id="shell")],
                style=TWO_COLUMNS,
                id="columns",
            ),
        ],
        style={"fontFamily": "sans-serif", "margin": "0.5em 1em", "background": "#fafafa"},
    )
    register_callbacks(app, web)
    return app, web


TWO_COLUMNS = {
    "display": "grid",
    "gridTemplateColumns": "minmax(0, 3fr) minmax(0, 2fr)",
    "gap": "1em",
}
ONE_COLUMN = {"display": "grid", "gridTemplateColumns": "minmax(0, 1fr)", "gap": "1em"}


def register_callbacks(app: Dash, web: actions.WebGame) -> None:
    """The pages' callbacks; each one maps the page's code to its role first."""
    game = web.game

    @app.callback(Output("shell", "children"), Output("columns", "style"), Input("url", "search"))
    def render_shell(search: str | None) -> Any:
        role = web.codes.role_for_search(search)
        if role is None:
            page = components.error_page("This join code is missing or not valid for this game.")
            return page, TWO_COLUMNS
        # Pages that only show (projector, observer) give their charts the whole width.
        wide = role in ("projector", "observer")
        return layouts.shell(game, role), ONE_COLUMN if wide else TWO_COLUMNS

    @app.callback(
        Output("live", "children"),
        Output("seen", "data"),
        Output("timer", "children"),
        Input("tick", "n_intervals"),
        Input("url", "search"),
        State("seen", "data"),
    )
    def poll(_n: int, search: str | None, seen: Any) -> tuple[Any, Any, Any]:
        role = web.codes.role_for_search(search)
        if role is None:
            return [], None, ""
        timer = web.timer_text()
        seq = game.seq
        key = {"seq": seq, "search": search}
        if seen == key:
            return no_update, no_update, timer
        try:
            return layouts.live(game, role), key, timer
        except Exception:  # never a traceback on a screen
            log.exception("rendering the %s page failed", role)
            return html.P("This page could not be drawn; it will try again."), None, timer

    @app.callback(
        Output("team-move", "options"),
        Input("seen", "data"),
        State("url", "search"),
    )
    def team_moves(_seen: Any, search: str | None) -> Any:
        role = web.codes.role_for_search(search)
        if role is None or not role.startswith("team:"):
            return []
        try:
            moves = game.legal_moves(role)
        except Exception:
            return []
        return [{"label": m.label, "value": m.move} for m in moves]

    @app.callback(
        Output("team-target", "options"),
        Output("team-intensity", "options"),
        Output("team-intensity", "value"),
        Output("team-move-help", "children"),
        Input("team-move", "value"),
        State("url", "search"),
    )
    def team_move_details(move: str | None, search: str | None) -> tuple[Any, Any, Any, Any]:
        role = web.codes.role_for_search(search)
        if role is None or not role.startswith("team:") or not move:
            return [], [], None, ""
        try:
            legal = {m.move: m for m in game.legal_moves(role)}
        except Exception:
            legal = {}
        m = legal.get(move)
        if m is None:
            return [], [], None, "This move is not open now."
        need = "a rationale is required" if m.rationale_required else "rationale optional"
        help_text = f"{m.description} ({need}, at most {m.rationale_max_length} characters)"
        return m.targets, m.intensities, m.intensities[0] if m.intensities else None, help_text

    @app.callback(
        Output("team-msg", "children"),
        Input("team-submit", "n_clicks"),
        Input("team-ready", "n_clicks"),
        Input("team-unready", "n_clicks"),
        State("url", "search"),
        State("team-move", "value"),
        State("team-target", "value"),
        State("team-intensity", "value"),
        State("team-rationale", "value"),
        prevent_initial_call=True,
    )
    def team_action(
        _submit: Any,
        _ready: Any,
        _unready: Any,
        search: str | None,
        move: Any,
        target: Any,
        intensity: Any,
        rationale: Any,
    ) -> Any:
        trigger = ctx.triggered_id
        if trigger == "team-submit":
            return actions.submit(web, search, move, target, intensity, rationale)
        if trigger == "team-ready":
            return actions.ready(web, search, True)
        if trigger == "team-unready":
            return actions.ready(web, search, False)
        return no_update

    # Withdraw buttons come and go with every refresh of the live view, and each new one
    # fires its callback once. In a callback of its own (writing the same message), that
    # firing cannot supersede a click on Submit or Ready made at the same moment: Dash
    # drops the older of two pending requests of one callback, so a shared callback lost
    # such clicks.
    @app.callback(
        Output("team-msg", "children", allow_duplicate=True),
        Input({"type": "withdraw", "order": ALL}, "n_clicks"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def team_withdraw(_withdraws: Any, search: str | None) -> Any:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
            return no_update  # a button that just appeared
        return actions.withdraw(web, search, trigger.get("order"))

    control_buttons = {
        "ctl-advance": "advance",
        "ctl-set-phase": "set_phase",
        "ctl-timer": "timer",
        "ctl-propose": "propose",
        "ctl-commit": "commit",
        "ctl-override": "override",
        "ctl-inject": "inject",
        "ctl-rollback": "rollback",
        "ctl-fork": "fork",
    }

    @app.callback(
        Output("ctl-msg", "children"),
        *(Input(b, "n_clicks") for b in control_buttons),
        State("url", "search"),
        State("ctl-phase", "value"),
        State("ctl-minutes", "value"),
        State("ctl-dyad", "value"),
        State("ctl-value", "value"),
        State("ctl-reason", "value"),
        State("ctl-inject-title", "value"),
        State("ctl-inject-text", "value"),
        State("ctl-inject-vis", "value"),
        State("ctl-inject-teams", "value"),
        State("ctl-turn", "value"),
        prevent_initial_call=True,
    )
    def control_action(*args: Any) -> Any:
        n = len(control_buttons)
        search, phase, minutes, dyad, value, reason, title, text, vis, teams, turn = args[n:]
        action = control_buttons.get(str(ctx.triggered_id))
        if action is None:
            return no_update
        values = {
            "phase": phase,
            "minutes": minutes,
            "dyad": dyad,
            "value": value,
            "reason": reason,
            "title": title,
            "text": text,
            "visibility": vis,
            "teams": teams,
            "turn": turn,
        }
        return actions.control(web, search, action, values)

    @app.callback(
        Output("ctl-download", "data"),
        Output("ctl-aar-msg", "children"),
        Input("ctl-aar", "n_clicks"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def report(_n: Any, search: str | None) -> tuple[Any, Any]:
        try:
            path = actions.write_report(web, search)
        except actions.WorkshopError as exc:
            return no_update, f"Refused: {exc}"
        except Exception:
            log.exception("writing the report failed")
            return no_update, "The report could not be written; the game was not changed."
        return dcc.send_file(str(path)), f"Report written: {path}"
