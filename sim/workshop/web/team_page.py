"""The team page's callbacks: the moves open to the team, its form, submit, ready and
withdraw. Every callback maps the page's code to its role first; the engine decides."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from sim.workshop.web import actions
from sim.workshop.web.actions import succeeded


def register(app: Dash, web: actions.WebGame) -> None:
    """Add the team page's callbacks to ``app`` (they read ``web.game`` at every call)."""

    # Every change of the game asks; the options are sent only when they changed.
    @app.callback(
        Output("team-move", "options"),
        Output("team-move", "placeholder"),
        Input("seq", "data"),
        State("url", "search"),
        State("team-move", "options"),
        State("team-move", "placeholder"),
    )
    def team_moves(_seen: Any, search: str | None, shown: Any, said: Any) -> Any:
        role = web.codes.role_for_search(search)
        if role is None or not role.startswith("team:"):
            return [], no_update
        now = open_moves(role)
        return (no_update, no_update) if now == (shown, said) else now

    def open_moves(role: str) -> tuple[list[dict[str, str]], str]:
        """The moves open to ``role`` now as options, and the placeholder that says so."""
        try:
            moves = web.game.legal_moves(role)
        except Exception:
            return [], "(moves cannot be listed now)"
        if not moves:
            return [], closed_moves(web.game)
        return [{"label": m.label, "value": m.move} for m in moves], "choose a move"

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
            legal = {m.move: m for m in web.game.legal_moves(role)}
        except Exception:
            legal = {}
        m = legal.get(move)
        if m is None:
            return [], [], None, "This move is not open now."
        need = "a rationale is required" if m.rationale_required else "rationale optional"
        help_text = f"{m.description} ({need}, at most {m.rationale_max_length} characters)"
        return m.targets, m.intensities, m.intensities[0] if m.intensities else None, help_text

    # A successful submit clears the form: move, target and rationale here; the move's
    # clearing resets the targets and intensities (team_move_details).
    @app.callback(
        Output("team-msg", "children"),
        Output("team-move", "value"),
        Output("team-target", "value"),
        Output("team-rationale", "value"),
        Input("team-submit", "n_clicks"),
        Input("team-ready", "n_clicks"),
        Input("team-unready", "n_clicks"),
        State("url", "search"),
        State("team-move", "value"),
        State("team-target", "value"),
        State("team-intensity", "value"),
        State("team-rationale", "value"),
        State("seq", "data"),
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
        seen: Any,
    ) -> Any:
        trigger = ctx.triggered_id
        keep = (no_update, no_update, no_update)
        if trigger == "team-submit":
            text = actions.submit(web, search, move, target, intensity, rationale, seen)
            return (text, None, None, "") if succeeded(text) else (text, *keep)
        if trigger == "team-ready":
            return actions.ready(web, search, True, seen), *keep
        if trigger == "team-unready":
            return actions.ready(web, search, False, seen), *keep
        return no_update, *keep

    # A Withdraw button of the live part (HTML set by assets/poll.js, which hands its
    # click over as {order, click}). In a callback of its own, writing the same message:
    # Dash drops the older of two pending requests of one callback, so a shared callback
    # could lose a click on Submit or Ready made at the same moment.
    @app.callback(
        Output("team-msg", "children", allow_duplicate=True),
        Input("team-withdraw", "data"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def team_withdraw(clicked: Any, search: str | None) -> Any:
        if not isinstance(clicked, dict) or not clicked.get("order"):
            return no_update
        return actions.withdraw(web, search, clicked.get("order"))


def closed_moves(game: Any) -> str:
    """Why a team has no moves to choose now, in words true at this moment."""
    if game.finished:
        return "(the game has ended)"
    if game.phase.value == "briefing":
        return "(moves open in planning)"
    if game.phase.value == "planning":
        return "(no move is open to your state now)"
    if game.phase.value == "results":
        return "(moves open in the next turn's planning)"
    return "(moves are locked until the next turn)"
