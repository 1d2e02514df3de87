"""The pages: what each role's screen shows, built from ``Game.view(role)``.

People's words (rationales, inject titles and texts, override reasons, notes) are put in
Dash components as text children, which the browser shows as text: no raw HTML, no
markdown. Text that goes into a Plotly figure (titles, hovers) is escaped with
:func:`sim.present.labels.label_text`.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from sim.workshop.game import Game
from sim.workshop.web.charts import fan, landscape, network, relations_over_time
from sim.workshop.web.components import (
    PHASES,
    card,
    empty,
    graph,
    header,
    injects_list,
    last_result,
    notes_list,
    proposal_rows,
    readiness,
    relations_table,
    this_turns_orders,
)

TWO_CHARTS = {"display": "grid", "gridTemplateColumns": "1fr 1fr", "gap": "1em"}


PARTS = (
    "header",
    "readiness",
    "charts",
    "lookahead",
    "relations",
    "injects",
    "orders",
    "events",
    "notes",
    "proposal",
    "result",
    "history",
)
"""The parts of a screen's live column, top to bottom: each role shows some of them.
The browser redraws a part only when its content changed (:mod:`sim.workshop.web.views`),
so a team's submission does not redraw the projector's charts."""


def parts(game: Game, role: str) -> dict[str, Any]:
    """What ``role`` sees now, part by part (:data:`PARTS`; None: not on this screen)."""
    view = game.view(role)
    shown: dict[str, Any] = dict.fromkeys(PARTS)
    shown["header"] = header(view)
    shown["readiness"] = readiness(view)
    if role == "projector":
        last = game.committed[max(game.committed)].proposal if game.committed else None
        shown["charts"] = html.Div(
            [
                graph(network(game), "projector-network"),
                graph(relations_over_time(game, view), "projector-relations"),
            ],
            style=TWO_CHARTS,
        )
        shown["lookahead"] = html.Div(
            [
                graph(
                    fan(game, last, last.relations, f"Look-ahead after turn {last.turn}")
                    if last and last.fan
                    else None,
                    "projector-fan",
                ),
                graph(landscape(last), "projector-landscape"),
            ],
            style=TWO_CHARTS,
        )
        shown["injects"] = injects_list(view)
        return shown
    shown["relations"] = relations_table(view)
    shown["injects"] = injects_list(view, role == "control")
    # In results the committed turn's card (below) lists the moves played.
    if role.startswith("team:") and view["phase"] != "results":
        shown["orders"] = this_turns_orders(view, "Your moves this turn", withdraw=True)
    if role == "control":
        shown.update(control_live(game, view))
    shown["result"] = last_result(view)
    if role == "observer":
        shown["history"] = graph(relations_over_time(game, view), "observer-relations")
    return shown


def live(game: Game, role: str) -> list[Any]:
    """What ``role`` sees now, the parts it shows in order (see :func:`parts`)."""
    return [part for part in parts(game, role).values() if part is not None]


def control_live(game: Game, view: dict[str, Any]) -> dict[str, Any]:
    """The white cell's own parts: every order, scheduled events, the turn's notes, the
    proposal."""
    shown: dict[str, Any] = {"orders": this_turns_orders(view, "Orders this turn (all teams)")}
    events = view.get("scheduled_events") or []
    if events:
        shown["events"] = card(
            "Scheduled events this turn",
            html.Ul([html.Li(f"{e['event']}: {e['description']}") for e in events]),
        )
    shown["notes"] = notes_list(game.notes("control"), game.turn)
    proposal = game.proposal("control")
    if proposal is None:
        waiting = (
            "No proposal yet: press Propose."
            if view["phase"] == "adjudication"
            else "No proposal yet: the model proposes in adjudication."
        )
        shown["proposal"] = card("Proposal", empty(waiting))
        return shown
    overrides = game.overrides("control")
    committed = {
        k: (overrides[k].value if k in overrides else v) for k, v in proposal.relations.items()
    }
    stale = " (out of date: propose again)" if view.get("proposal_stale") else ""
    table = dbc.Table(
        [
            html.Thead(
                html.Tr([html.Th("Dyad"), html.Th("Proposed"), html.Th("Set"), html.Th("Why")])
            ),
            html.Tbody(proposal_rows(proposal.dyads, proposal.relations, overrides)),
        ],
        id="proposal-table",
        size="sm",
        hover=True,
    )
    shown["proposal"] = card(
        f"Proposal for turn {proposal.turn}{stale}",
        table,
        html.P("Events: " + (", ".join(proposal.events) or "none"), className="form-hint"),
        graph(fan(game, proposal, committed, "Look-ahead fan"), "control-fan"),
    )
    return shown


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


def role_label(game: Game, role: str) -> str:
    """The page's role in words, shown at the top of its page."""
    if role.startswith("team:"):
        actor = role.partition(":")[2]
        name = game.teams.get(actor) or actor
        team = name if name.lower().startswith("team") else f"Team {name}"
        return f"{team} ({game.scenario.actors[actor].name})"
    return {"control": "White cell console", "observer": "Observer", "projector": "Projector"}.get(
        role, role
    )


def shell(game: Game, role: str) -> list[Any]:
    """The static part of ``role``'s page (forms are kept while the live part updates)."""
    parts: list[Any] = []
    if role == "control":
        parts.append(control_forms(game))
    elif role.startswith("team:"):
        parts.append(team_forms(game, role.partition(":")[2]))
    return parts
