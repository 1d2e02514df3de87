"""The pages: what each role's screen shows, built from ``Game.view(role)``.

People's words (rationales, inject titles and texts, override reasons, notes) are put in
Dash components as text children, which the browser shows as text: no raw HTML, no
markdown. Text that goes into a Plotly figure (titles, hovers) is escaped with
:func:`sim.present.labels.label_text`.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from sim.workshop.game import Game
from sim.workshop.web.charts import fan, landscape, network, relations_over_time
from sim.workshop.web.components import (
    PHASES,
    card,
    graph,
    header,
    injects_list,
    last_result,
    orders_list,
    readiness,
    relations_table,
)


def live(game: Game, role: str) -> list[Any]:
    """What ``role`` sees now (re-rendered whenever the game's seq changes)."""
    view = game.view(role)
    parts: list[Any] = [header(view)]
    if role == "projector":
        last = game.committed[max(game.committed)].proposal if game.committed else None
        parts += [
            readiness(view),
            html.Div(
                [
                    graph(network(game), "projector-network"),
                    graph(relations_over_time(game, view), "projector-relations"),
                ],
                style={"display": "grid", "gridTemplateColumns": "1fr 1fr", "gap": "1em"},
            ),
            html.Div(
                [
                    graph(
                        fan(game, last, last.relations, f"Look-ahead after turn {last.turn}")
                        if last and last.fan
                        else None,
                        "projector-fan",
                    ),
                    graph(landscape(last), "projector-landscape"),
                ],
                style={"display": "grid", "gridTemplateColumns": "1fr 1fr", "gap": "1em"},
            ),
            injects_list(view),
        ]
        return parts
    parts += [readiness(view), relations_table(view), injects_list(view, role == "control")]
    if role.startswith("team:"):
        parts.append(orders_list(view["orders"], "Your moves this turn", withdraw=True))
    if role == "control":
        parts += control_live(game, view)
    result = last_result(view)
    if result is not None:
        parts.append(result)
    if role == "observer":
        parts.append(graph(relations_over_time(game, view), "observer-relations"))
    return parts


def control_live(game: Game, view: dict[str, Any]) -> list[Any]:
    """The white cell's live part: every order, scheduled events, the proposal."""
    parts: list[Any] = [orders_list(view["orders"], "Orders this turn (all teams)")]
    events = view.get("scheduled_events") or []
    if events:
        parts.append(
            card(
                "Scheduled events this turn",
                html.Ul([html.Li(f"{e['event']}: {e['description']}") for e in events]),
            )
        )
    proposal = game.proposal("control")
    if proposal is None:
        parts.append(card("Proposal", html.P("No proposal yet (adjudication: Propose).")))
        return parts
    overrides = game.overrides("control")
    committed = {
        k: (overrides[k].value if k in overrides else v) for k, v in proposal.relations.items()
    }
    rows = [
        html.Tr(
            [
                html.Td(d.dyad),
                html.Td(
                    f"{proposal.relations_before[d.dyad]:+.2f} → {proposal.relations[d.dyad]:+.2f}"
                ),
                html.Td(
                    f"set {overrides[d.dyad].value:+.2f}: {overrides[d.dyad].reason}"
                    if d.dyad in overrides
                    else ""
                ),
                html.Td(d.words),
            ]
        )
        for d in proposal.dyads
    ]
    stale = " (out of date: propose again)" if view.get("proposal_stale") else ""
    parts.append(
        card(
            f"Proposal for turn {proposal.turn}{stale}",
            html.Table(html.Tbody(rows), id="proposal-table"),
            html.P("Events: " + (", ".join(proposal.events) or "none")),
            graph(fan(game, proposal, committed, "Look-ahead fan"), "control-fan"),
        )
    )
    return parts


def team_forms(game: Game, actor: str) -> html.Div:
    """A team's form: move, target, intensity, rationale; submit; ready."""
    return card(
        f"Your move ({game.scenario.actors[actor].name})",
        html.Label("Move"),
        dcc.Dropdown(id="team-move", options=[], placeholder="(moves open in planning)"),
        html.Label("Target"),
        dcc.Dropdown(id="team-target", options=[]),
        html.Label("Intensity"),
        dcc.Dropdown(id="team-intensity", options=[]),
        html.Div(id="team-move-help", style={"color": "#555", "margin": "0.3em 0"}),
        html.Label("Rationale"),
        dcc.Textarea(id="team-rationale", style={"width": "100%", "height": "6em"}),
        html.Div(
            [
                html.Button("Submit move", id="team-submit", n_clicks=0),
                html.Button("Ready", id="team-ready", n_clicks=0),
                html.Button("Not ready", id="team-unready", n_clicks=0),
            ],
            style={"display": "flex", "gap": "0.5em"},
        ),
        html.Div(id="team-msg", role="status", style={"marginTop": "0.5em", "fontWeight": "bold"}),
    )


def control_forms(game: Game) -> html.Div:
    """The white cell's console: phase, timer, adjudication, injects, rollback, fork,
    report."""
    dyads = list(game.relations)
    teams = list(game.teams)
    row = {"display": "flex", "gap": "0.5em", "flexWrap": "wrap", "alignItems": "center"}
    return html.Div(
        [
            html.Div(
                id="ctl-msg", role="status", style={"fontWeight": "bold", "minHeight": "1.4em"}
            ),
            card(
                "Phase and timer",
                html.Div(
                    [
                        html.Button("Next phase", id="ctl-advance", n_clicks=0),
                        dcc.Dropdown(id="ctl-phase", options=PHASES, style={"width": "12em"}),
                        html.Button("Set phase", id="ctl-set-phase", n_clicks=0),
                        dcc.Input(
                            id="ctl-minutes",
                            type="number",
                            min=0,
                            max=240,
                            value=10,
                            style={"width": "5em"},
                        ),
                        html.Button("Start timer (minutes)", id="ctl-timer", n_clicks=0),
                    ],
                    style=row,
                ),
            ),
            card(
                "Adjudication",
                html.Div(
                    [
                        html.Button("Propose", id="ctl-propose", n_clicks=0),
                        html.Button("Accept and commit", id="ctl-commit", n_clicks=0),
                    ],
                    style=row,
                ),
                html.Div(
                    [
                        dcc.Dropdown(
                            id="ctl-dyad",
                            options=dyads,
                            placeholder="dyad",
                            style={"width": "10em"},
                        ),
                        dcc.Input(
                            id="ctl-value",
                            type="number",
                            min=-1,
                            max=1,
                            step=0.01,
                            placeholder="-1..1",
                        ),
                        dcc.Input(
                            id="ctl-reason",
                            type="text",
                            placeholder="reason (required)",
                            maxLength=2000,
                            style={"width": "24em"},
                        ),
                        html.Button("Override", id="ctl-override", n_clicks=0),
                    ],
                    style={**row, "marginTop": "0.5em"},
                ),
            ),
            card(
                "Inject",
                dcc.Input(
                    id="ctl-inject-title",
                    type="text",
                    placeholder="title",
                    maxLength=200,
                    style={"width": "100%"},
                ),
                dcc.Textarea(
                    id="ctl-inject-text",
                    placeholder="text",
                    style={"width": "100%", "height": "5em"},
                ),
                html.Div(
                    [
                        dcc.Dropdown(
                            id="ctl-inject-vis",
                            options=["all", "teams", "control"],
                            value="all",
                            clearable=False,
                            style={"width": "10em"},
                        ),
                        dcc.Checklist(id="ctl-inject-teams", options=teams, value=[], inline=True),
                        html.Button("Send inject", id="ctl-inject", n_clicks=0),
                    ],
                    style=row,
                ),
            ),
            card(
                "Rollback, fork, report",
                html.Div(
                    [
                        dcc.Input(id="ctl-turn", type="number", min=0, step=1, placeholder="turn"),
                        html.Button("Roll back to turn", id="ctl-rollback", n_clicks=0),
                        html.Button("Fork from turn", id="ctl-fork", n_clicks=0),
                        html.Button("After-action report", id="ctl-aar", n_clicks=0),
                        dcc.Download(id="ctl-download"),
                    ],
                    style=row,
                ),
                html.Div(id="ctl-aar-msg"),
            ),
        ]
    )


def shell(game: Game, role: str) -> list[Any]:
    """The static part of ``role``'s page (forms are kept while the live part updates)."""
    label = {
        "control": "White cell console",
        "observer": "Observer",
        "projector": "Projector",
    }.get(role, f"Team page: {role.partition(':')[2]}")
    parts: list[Any] = [html.Div(label, id="role-label", style={"color": "#666"})]
    if role == "control":
        parts.append(control_forms(game))
    elif role.startswith("team:"):
        parts.append(team_forms(game, role.partition(":")[2]))
    return parts
