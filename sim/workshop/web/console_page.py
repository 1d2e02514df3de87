"""The white-cell console's callbacks: every console action with its form, the
confirmations and the after-action report. Every callback maps the page's code to its
role first; the engine refuses white-cell actions to any other role."""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, no_update

from sim.workshop.web import actions
from sim.workshop.web.actions import succeeded

log = logging.getLogger(__name__)


def register(app: Dash, web: actions.WebGame) -> None:
    """Add the console's callbacks to ``app`` (they read ``web.game`` at every call)."""
    app.clientside_callback(
        CONFIRM_JS,
        Output("ctl-end", "disabled"),
        Output("ctl-commit-confirm", "message"),
        Output("ctl-end-confirm", "message"),
        Output("ctl-rollback-confirm", "message"),
        Output("ctl-fork-confirm", "message"),
        Input("seq", "data"),
        Input("ctl-turn", "value"),
    )

    # What each console control sends; the confirmed ones listen to their confirmation.
    control_inputs = {
        "ctl-advance": ("n_clicks", "advance"),
        "ctl-set-phase": ("n_clicks", "set_phase"),
        "ctl-timer": ("n_clicks", "timer"),
        "ctl-propose": ("n_clicks", "propose"),
        "ctl-commit-confirm": ("submit_n_clicks", "commit"),
        "ctl-override": ("n_clicks", "override"),
        "ctl-inject": ("n_clicks", "inject"),
        "ctl-note": ("n_clicks", "note"),
        "ctl-rollback-confirm": ("submit_n_clicks", "rollback"),
        "ctl-fork-confirm": ("submit_n_clicks", "fork"),
        "ctl-open-fork-confirm": ("submit_n_clicks", "open_fork"),
        "ctl-end-confirm": ("submit_n_clicks", "end"),
    }
    # The fields each action clears once it succeeded.
    clears: dict[str, dict[str, Any]] = {
        "override": {"ctl-dyad": "", "ctl-value": None, "ctl-reason": ""},
        "inject": {"ctl-inject-title": "", "ctl-inject-text": "", "ctl-inject-teams": []},
        "note": {"ctl-note-text": ""},
        "rollback": {"ctl-turn": None},
        "fork": {"ctl-turn": None},
        "end": {"ctl-end-reason": ""},
    }
    cleared = list(dict.fromkeys(field for fields in clears.values() for field in fields))

    @app.callback(
        Output("ctl-msg", "children"),
        *(Output(field, "value") for field in cleared),
        *(Input(c, prop) for c, (prop, _) in control_inputs.items()),
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
        State("ctl-note-text", "value"),
        State("ctl-turn", "value"),
        State("ctl-end-reason", "value"),
        State("seq", "data"),
        prevent_initial_call=True,
    )
    def control_action(*args: Any) -> Any:
        n = len(control_inputs)
        (search, phase, minutes, dyad, value, reason, title, text, vis, teams, note, turn,
         end_reason, seen) = args[n:]  # fmt: skip
        keep = [no_update] * len(cleared)
        entry = control_inputs.get(str(ctx.triggered_id))
        if entry is None:
            return no_update, *keep
        action = entry[1]
        form = actions.ControlForm(
            phase=phase,
            minutes=minutes,
            dyad=dyad,
            value=value,
            override_reason=reason,
            inject_title=title,
            inject_text=text,
            visibility=vis,
            teams=teams,
            note=note,
            turn=turn,
            end_reason=end_reason,
        )
        message = actions.control(web, search, action, form, seen)
        if not succeeded(message):
            return message, *keep
        fields = clears.get(action, {})
        return message, *(fields.get(f, no_update) for f in cleared)

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


# The console's confirmations say what will happen with the turn the page shows (its
# seq store) and the turn typed for a rollback or fork; End game is open in results only.
CONFIRM_JS = """
function(seq, turn) {
    const t = seq && seq.turn !== undefined ? seq.turn : '?';
    const phase = seq ? seq.phase : '';
    const back = (turn === null || turn === undefined || turn === '') ? 'N' : turn;
    const next = back === 'N' ? 'N + 1' : Number(back) + 1;
    return [
        phase !== 'results',
        'Commit turn ' + t + ' as shown? Every screen shows it at once.',
        'End the game after turn ' + t + '? Nothing more is played; notes, rollback '
            + 'and fork remain.',
        'Roll back to turn ' + back + '? The turns after it are marked rolled back '
            + '(nothing is deleted) and the game resumes at the briefing of turn ' + next + '.',
        'Fork a new game from turn ' + back + '? It is written to a new file beside this '
            + 'game, which goes on unchanged; Open the fork plays it here.',
    ];
}
"""
