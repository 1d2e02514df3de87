"""The forms: what a team and the white cell fill in and click on their pages.

The forms are drawn once per page and kept while the live parts update, so what a person
is typing is never overwritten; the callbacks that read them are in
:mod:`sim.workshop.web.team_page` and :mod:`sim.workshop.web.console_page`.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from sim.workshop.game import Game
from sim.workshop.web.components import PHASES, card


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target)


def team_forms(game: Game, actor: str) -> dbc.Card:
    """A team's form: move, target, intensity, rationale; submit; ready. The move's
    placeholder says whether moves are open (a callback sets it with the options)."""
    return card(
        f"Your move ({game.scenario.actors[actor].name})",
        _label("Move", "team-move"),
        dcc.Dropdown(id="team-move", options=[], placeholder="(moves open in planning)"),
        _label("Target", "team-target"),
        dcc.Dropdown(id="team-target", options=[], placeholder="choose a move first"),
        _label("Intensity", "team-intensity"),
        dcc.Dropdown(id="team-intensity", options=[], placeholder="choose a move first"),
        html.Div(id="team-move-help", className="form-hint"),
        _label("Rationale", "team-rationale"),
        dbc.Textarea(
            id="team-rationale",
            rows=5,
            placeholder="why this move: the room reads it after the turn",
        ),
        html.Div(
            [
                dbc.Button("Submit move", id="team-submit", n_clicks=0, color="primary"),
                dbc.Button("Ready", id="team-ready", n_clicks=0, color="success"),
                dbc.Button(
                    "Not ready", id="team-unready", n_clicks=0, color="secondary", outline=True
                ),
            ],
            className="button-row",
        ),
        dbc.Alert(id="team-msg", color="secondary", class_name="ws-msg"),
        dcc.Store(id="team-msg-at"),
        # {order, click}: set by assets/poll.js when a Withdraw button of the live part is
        # clicked (the live parts are HTML, outside Dash's callbacks)
        dcc.Store(id="team-withdraw"),
    )


def confirmed(button: dbc.Button, message: str) -> dcc.ConfirmDialogProvider:
    """``button`` behind a confirmation (the provider's id is the button's + '-confirm';
    its ``submit_n_clicks`` is what the callback listens to)."""
    return dcc.ConfirmDialogProvider(button, id=f"{button.id}-confirm", message=message)


def control_forms(game: Game) -> html.Div:
    """The white cell's console: phase, timer, adjudication, injects, notes, rollback,
    fork, the end of the game, report. The confirmations' words are kept up to date
    with the turn by a clientside callback (app.CONFIRM_JS)."""
    dyads = [{"label": d, "value": d} for d in game.relations]
    teams = [{"label": t, "value": t} for t in game.teams]
    phases = [{"label": p, "value": p} for p in PHASES]
    return html.Div(
        [
            dbc.Alert(id="ctl-msg", color="secondary", class_name="ws-msg"),
            card(
                "Phase and timer",
                html.Div(
                    [
                        dbc.Button("Next phase", id="ctl-advance", n_clicks=0, color="primary"),
                        dbc.Select(
                            id="ctl-phase",
                            options=phases,
                            placeholder="phase",
                            style={"width": "10em"},
                        ),
                        dbc.Button("Set phase", id="ctl-set-phase", n_clicks=0, color="secondary"),
                    ],
                    className="button-row mt-0",
                ),
                html.Div(
                    [
                        # No min, max or step on the number fields: the browser sends
                        # nothing for a value outside them, and the refusal would not say
                        # the range; the server checks it and says so.
                        dbc.Input(
                            id="ctl-minutes",
                            type="number",
                            value=10,
                            style={"width": "6em"},
                        ),
                        dbc.Button(
                            "Start timer (minutes)", id="ctl-timer", n_clicks=0, color="secondary"
                        ),
                    ],
                    className="button-row",
                ),
            ),
            card(
                "Adjudication",
                html.Div(
                    [
                        dbc.Button("Propose", id="ctl-propose", n_clicks=0, color="primary"),
                        confirmed(
                            dbc.Button(
                                "Accept and commit", id="ctl-commit", n_clicks=0, color="success"
                            ),
                            "Commit this turn as shown? Every screen shows it at once.",
                        ),
                    ],
                    className="button-row mt-0",
                ),
                _label("Override a relation", "ctl-dyad"),
                html.Div(
                    [
                        dbc.Select(
                            id="ctl-dyad", options=dyads, placeholder="dyad", style={"width": "9em"}
                        ),
                        dbc.Input(
                            id="ctl-value",
                            type="number",
                            placeholder="-1..1",
                            style={"width": "7em"},
                        ),
                        dbc.Input(
                            id="ctl-reason",
                            type="text",
                            placeholder="reason (required, kept in the record)",
                            maxlength=2000,
                            style={"flex": "1 1 14em"},
                        ),
                        dbc.Button("Override", id="ctl-override", n_clicks=0, color="warning"),
                    ],
                    className="button-row mt-0",
                ),
            ),
            card(
                "Inject",
                dbc.Input(id="ctl-inject-title", type="text", placeholder="title", maxlength=200),
                dbc.Textarea(id="ctl-inject-text", placeholder="text", rows=3, class_name="mt-2"),
                html.Div(
                    [
                        dbc.Select(
                            id="ctl-inject-vis",
                            options=[
                                {"label": "everyone", "value": "all"},
                                {"label": "these teams", "value": "teams"},
                                {"label": "white cell only", "value": "control"},
                            ],
                            value="all",
                            style={"width": "10em"},
                        ),
                        dbc.Checklist(id="ctl-inject-teams", options=teams, value=[], inline=True),
                        dbc.Button("Send inject", id="ctl-inject", n_clicks=0, color="primary"),
                    ],
                    className="button-row",
                ),
            ),
            card(
                "Notes",
                dbc.Textarea(
                    id="ctl-note-text",
                    rows=3,
                    placeholder="a note for the record (the white cell's only; in the report)",
                ),
                html.Div(
                    dbc.Button("Keep note", id="ctl-note", n_clicks=0, color="secondary"),
                    className="button-row",
                ),
            ),
            card(
                "Rollback and fork",
                html.Div(
                    [
                        dbc.Input(
                            id="ctl-turn",
                            type="number",
                            placeholder="turn",
                            style={"width": "6em"},
                        ),
                        confirmed(
                            dbc.Button(
                                "Roll back to turn",
                                id="ctl-rollback",
                                n_clicks=0,
                                color="danger",
                                outline=True,
                            ),
                            "Roll back? Later turns are marked rolled back.",
                        ),
                        confirmed(
                            dbc.Button(
                                "Fork from turn", id="ctl-fork", n_clicks=0, color="secondary"
                            ),
                            "Fork a new game?",
                        ),
                        confirmed(
                            dbc.Button(
                                "Open the fork", id="ctl-open-fork", n_clicks=0, color="secondary"
                            ),
                            "Open the last fork made from this console in place of this game? "
                            "Every screen switches to it at once; this game stays saved in "
                            "its file.",
                        ),
                    ],
                    className="button-row mt-0",
                ),
                html.P(
                    "Open the fork plays the last fork made here, on every screen.",
                    className="form-hint",
                ),
            ),
            card(
                "End the game",
                dbc.Input(
                    id="ctl-end-reason",
                    type="text",
                    placeholder="reason (kept in the record)",
                    maxlength=2000,
                ),
                html.Div(
                    [
                        confirmed(
                            dbc.Button(
                                "End game",
                                id="ctl-end",
                                n_clicks=0,
                                color="danger",
                                disabled=True,
                            ),
                            "End the game?",
                        ),
                        html.Span(
                            "A game ends after a committed turn (in results).",
                            className="form-hint",
                        ),
                    ],
                    className="button-row",
                ),
            ),
            card(
                "Report",
                html.Div(
                    [
                        dbc.Button(
                            "After-action report", id="ctl-aar", n_clicks=0, color="secondary"
                        ),
                        dcc.Download(id="ctl-download"),
                    ],
                    className="button-row mt-0",
                ),
                dbc.Alert(id="ctl-aar-msg", color="secondary", class_name="ws-msg"),
            ),
        ]
    )
