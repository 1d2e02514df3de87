"""The pages: what each role's screen shows, built from ``Game.view(role)``.

People's words (rationales, inject titles and texts, override reasons, notes) are put in
Dash components as text children, which the browser shows as text: no raw HTML, no
markdown. Text that goes into a Plotly figure (titles, hovers) is escaped with
:func:`sim.present.figures.esc`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import dcc, html

from sim.model.world import capability_shares
from sim.present.figures import esc, network_figure
from sim.workshop.game import Game

CARD = {
    "border": "1px solid #ddd",
    "borderRadius": "6px",
    "padding": "0.6em 1em",
    "margin": "0.5em 0",
    "background": "#fff",
}
PHASES = ["briefing", "planning", "locked", "adjudication", "results"]


def card(title: str, *children: Any, **kwargs: Any) -> html.Div:
    """A titled box."""
    return html.Div([html.H3(title, style={"marginTop": "0.2em"}), *children], style=CARD, **kwargs)


def error_page(message: str) -> html.Div:
    """The page for a missing or wrong join code: what happened and what to do."""
    return html.Div(
        [
            html.H1("Cannot join this game"),
            html.P(message, id="join-error"),
            html.P(
                "Open the URL the white cell printed for your role, "
                "for instance http://127.0.0.1:8050/play?code=..."
            ),
        ],
        style={"maxWidth": "40em", "margin": "3em auto", "fontFamily": "sans-serif"},
    )


def header(view: dict[str, Any]) -> html.Div:
    """Title, turn, period and phase: the line every page starts with."""
    return html.Div(
        [
            html.H1(view["title"], style={"margin": "0.2em 0"}),
            html.Div(
                f"Turn {view['turn']} of {view['turns']} · {view['period']} · {view['phase']}",
                id="turn-label",
                style={"fontSize": "1.4em", "fontWeight": "bold"},
            ),
        ]
    )


def readiness(view: dict[str, Any]) -> html.Div:
    """Who plays each state, and which teams are ready."""
    rows = []
    for a in view["actors"]:
        who = a["team"] if a["played_by"] == "team" else "the model"
        mark = "ready" if a["ready"] else ("planning" if a["played_by"] == "team" else "")
        rows.append(html.Tr([html.Td(a["name"]), html.Td(who), html.Td(mark)]))
    return card("Teams", html.Table(html.Tbody(rows), id="readiness"))


def relations_table(view: dict[str, Any]) -> html.Div:
    """The current relations, dyad by dyad."""
    rows = [html.Tr([html.Td(k), html.Td(f"{v:+.2f}")]) for k, v in view["relations"].items()]
    return card("Relations now", html.Table(html.Tbody(rows)))


def injects_list(view: dict[str, Any], show_visibility: bool = False) -> html.Div:
    """The injects the role may read, newest first."""
    items = []
    for i in reversed(view["injects"]):
        head = f"Turn {i['turn']}: {i['title']}"
        if show_visibility:
            head += f" [{i['visibility']}{' ' + ','.join(i['teams']) if i['teams'] else ''}]"
        items.append(html.Li([html.B(head), html.Div(i["text"], className="inject-text")]))
    return card("Injects", html.Ul(items) if items else html.P("None yet."))


def orders_list(orders: list[dict[str, Any]], title: str, withdraw: bool = False) -> html.Div:
    """This turn's orders as the role may see them, with rationales as text."""
    items = []
    for o in orders:
        line = [html.B(f"{o['actor']}: {o['label']} toward {o['target']} ({o['intensity']})")]
        if o.get("rationale"):
            line.append(html.Div(o["rationale"], className="rationale"))
        if withdraw:
            line.append(
                html.Button("Withdraw", id={"type": "withdraw", "order": o["id"]}, n_clicks=0)
            )
        items.append(html.Li(line))
    return card(title, html.Ul(items) if items else html.P("No moves yet."))


def last_result(view: dict[str, Any]) -> html.Div | None:
    """The latest committed turn: relations, explanations, moves (with the rationales and
    reasons the role may read)."""
    if not view["results"]:
        return None
    r = view["results"][-1]
    parts: list[Any] = [
        html.Ul([html.Li(words) for words in r["explanations"].values()]),
        orders_list(r["orders"], "Moves played"),
    ]
    if r["overrides"]:
        parts.append(
            html.Ul(
                [
                    html.Li(
                        f"{k} set to {o['value']:+.2f} by the white cell"
                        + (f": {o['reason']}" if o.get("reason") else "")
                    )
                    for k, o in r["overrides"].items()
                ]
            )
        )
    return card(f"Turn {r['turn']} as committed", *parts)


# --- figures -----------------------------------------------------------------------------


def network(game: Game) -> go.Figure:
    """The alignment network now."""
    ids = list(game.scenario.actors)
    index = {a: k for k, a in enumerate(ids)}
    matrix = np.zeros((len(ids), len(ids)))
    for key, value in game.relations.items():
        a, b = key.split("-")
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = value
    actors = game.scenario.actors
    sizes = capability_shares(actors)
    names = [actors[a].name for a in ids]
    fig = network_figure(matrix, ids, names, list(sizes), f"Alignments, {game.period()}")
    fig.update_layout(height=520)
    return fig


def relations_over_time(game: Game, view: dict[str, Any]) -> go.Figure:
    """Every relation turn by turn (turn 0: the start), with the public injects marked."""
    committed = game.committed
    fig = go.Figure()
    if committed:
        first = committed[min(committed)]
        start = first.proposal.relations_before if first.proposal else first.relations
        turns = [0, *sorted(committed)]
        for dyad in start:
            ys = [start[dyad], *(committed[t].relations[dyad] for t in sorted(committed))]
            fig.add_trace(go.Scatter(x=turns, y=ys, mode="lines+markers", name=esc(dyad)))
    else:
        for dyad, value in game.relations.items():
            fig.add_trace(go.Scatter(x=[0], y=[value], mode="markers", name=esc(dyad)))
    for inject in view["injects"]:
        fig.add_vline(
            x=inject["turn"],
            line={"dash": "dot", "color": "#888"},
            annotation_text=esc(inject["title"][:40]),
            annotation_textangle=-90,
        )
    fig.update_layout(
        title="Relations over time (dotted: injects)",
        xaxis_title="turn",
        yaxis={"range": [-1.05, 1.05], "title": "relation"},
        template="plotly_white",
        height=480,
    )
    return fig


def fan(game: Game, proposal: Any, committed: dict[str, float], title: str) -> go.Figure:
    """The look-ahead fan of a proposal."""
    from sim.workshop.aar_figures import fan_figure

    return fan_figure(proposal, committed, title)


def landscape(proposal: Any) -> go.Figure | None:
    """The stable blocs of the landscape at the moment of a decision."""
    from sim.present.landscape_figure import landscape_figure

    if proposal is None or not proposal.alignments:
        return None
    data = {
        "minima": [
            {
                "blocs": a.blocs,
                "energy": a.energy,
                "basin_share": a.basin_share,
                "frustration": {},
            }
            for a in proposal.alignments
        ],
        "configurations": 2
        ** len(proposal.alignments[0].blocs[0] + proposal.alignments[0].blocs[1]),
        "method": "at the last decision",
    }
    fig = landscape_figure(data, top=8)
    fig.update_layout(title="Stable blocs (lower energy: more stable)", height=480)
    return fig


def graph(fig: go.Figure | None, graph_id: str) -> Any:
    """A figure on the page (or nothing)."""
    if fig is None:
        return html.Div()
    return dcc.Graph(id=graph_id, figure=fig, config={"displaylogo": False})


# --- the live part of each page ----------------------------------------------------------


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


# --- the static part (forms) of each page ------------------------------------------------


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
