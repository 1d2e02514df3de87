"""The pieces every role's screen is made of: cards, the header, lists and tables.

People's words (rationales, inject titles and texts, override reasons, notes) are put in
Dash components as text children, which the browser shows as text: no raw HTML, no
markdown.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

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


def graph(fig: go.Figure | None, graph_id: str) -> Any:
    """A figure on the page (or nothing)."""
    if fig is None:
        return html.Div()
    return dcc.Graph(id=graph_id, figure=fig, config={"displaylogo": False})
