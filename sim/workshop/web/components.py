"""The pieces every role's screen is made of: cards, the header, lists and tables
(dash-bootstrap-components on the vendored Bootstrap of ``assets/``).

People's words (rationales, inject titles and texts, override reasons, notes) are put in
Dash components as text children, which the browser shows as text: no raw HTML, no
markdown.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from sim.workshop.explanation import DyadChange, dyad_summary
from sim.workshop.replay import Note

PHASES = ["briefing", "planning", "locked", "adjudication", "results"]
PHASE_COLOURS = {
    "briefing": "info",
    "planning": "primary",
    "locked": "warning",
    "adjudication": "danger",
    "results": "success",
}
"""One Bootstrap colour per phase, the same on every screen."""


def card(title: str, *children: Any, **kwargs: Any) -> dbc.Card:
    """A titled box."""
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(list(children))], **kwargs)


def empty(text: str) -> html.P:
    """What a list says when it has nothing in it (in words true at that moment)."""
    return html.P(text, className="empty")


def error_page(message: str) -> html.Div:
    """The page for a missing or wrong join code: what happened and what to do."""
    return html.Div(
        dbc.Alert(
            [
                html.H1("Cannot join this game", className="h3"),
                html.P(message, id="join-error"),
                html.P(
                    "Open the URL the white cell printed for your role, "
                    "for instance http://127.0.0.1:8050/play?code=...",
                    className="mb-0",
                ),
            ],
            color="danger",
        ),
        style={"maxWidth": "40em", "margin": "3em auto"},
    )


def header(view: dict[str, Any]) -> html.Div:
    """Title, turn, period and phase: the line every page starts with; and, once the
    game is over, a banner that says so."""
    phase = view["phase"]
    parts: list[Any] = [
        html.H1(view["title"], className="game-title"),
        html.Div(
            [
                f"Turn {view['turn']} of {view['turns']} · {view['period']} · ",
                dbc.Badge(
                    phase, color=PHASE_COLOURS.get(phase, "secondary"), class_name="phase-badge"
                ),
            ],
            id="turn-label",
        ),
    ]
    banner = ended_banner(view)
    if banner is not None:
        parts.append(banner)
    return html.Div(parts)


def ended_banner(view: dict[str, Any]) -> dbc.Alert | None:
    """'The game has ended' (with the white cell's reason), or None while it goes on."""
    ended = view.get("ended")
    if ended:
        reason = ended.get("reason") or ""
        text = f"The game has ended: the white cell ended it after turn {ended['turn']}"
        return dbc.Alert(text + (f": {reason}" if reason else "."), id="ended-banner", color="dark")
    if view["turn"] == view["turns"] and view["phase"] == "results":
        text = f"The game has ended: turn {view['turn']}, the scenario's last, is committed."
        return dbc.Alert(text, id="ended-banner", color="dark")
    return None


def readiness(view: dict[str, Any]) -> dbc.Card:
    """Who plays each state, and which teams are ready."""
    rows = []
    for a in view["actors"]:
        if a["played_by"] == "team":
            who: Any = a["team"]
            # "not ready" means something only while moves are open.
            mark: Any = (
                dbc.Badge("ready", color="success")
                if a["ready"]
                else dbc.Badge("not ready", color="secondary")
                if view["phase"] == "planning"
                else ""
            )
        else:
            who, mark = html.Span("the model", className="text-muted"), ""
        rows.append(html.Tr([html.Td(a["name"]), html.Td(who), html.Td(mark)]))
    return card("Teams", dbc.Table(html.Tbody(rows), id="readiness", size="sm"))


def relations_table(view: dict[str, Any]) -> dbc.Card:
    """The current relations, dyad by dyad."""
    rows = [
        html.Tr([html.Td(k), html.Td(f"{v:+.2f}", className="num")])
        for k, v in view["relations"].items()
    ]
    return card("Relations now", dbc.Table(html.Tbody(rows), size="sm", striped=True))


def injects_list(view: dict[str, Any], show_visibility: bool = False) -> dbc.Card:
    """The injects the role may read, newest first."""
    items = []
    for i in reversed(view["injects"]):
        head: list[Any] = [html.B(f"Turn {i['turn']} ({i['period']}): {i['title']}")]
        if show_visibility:
            seen_by = i["visibility"] + (" " + ", ".join(i["teams"]) if i["teams"] else "")
            head.append(dbc.Badge(seen_by, color="light", text_color="dark", class_name="ms-2"))
        items.append(html.Li([*head, html.Div(i["text"], className="inject-text")]))
    body = html.Ul(items, className="inject-list") if items else empty("No injects yet.")
    return card("Injects", body)


def order_items(orders: list[dict[str, Any]], none: str, withdraw: bool = False) -> Any:
    """Orders as the role may see them, with rationales as text; ``none``: what the list
    says when there are none (in words true for that list: a committed turn is not 'no
    moves yet')."""
    items = []
    for o in orders:
        line: list[Any] = [
            html.B(f"{o['actor']}: {o['label']} toward {o['target']} ({o['intensity']})")
        ]
        if o.get("rationale"):
            line.append(html.Div(o["rationale"], className="rationale"))
        if withdraw:
            # assets/poll.js hands a click to the team page's withdraw callback
            line.append(
                html.Button(
                    "Withdraw",
                    type="button",
                    className="btn btn-outline-secondary btn-sm ws-withdraw",
                    **{"data-order": str(o["id"])},
                )
            )
        items.append(html.Li(line))
    return html.Ul(items, className="order-list") if items else empty(none)


def orders_list(
    orders: list[dict[str, Any]], title: str, none: str, withdraw: bool = False
) -> dbc.Card:
    """:func:`order_items` in a card of its own."""
    return card(title, order_items(orders, none, withdraw))


def this_turns_orders(view: dict[str, Any], title: str, withdraw: bool = False) -> dbc.Card:
    """The current turn's orders, with the words for none that fit its phase; withdraw
    buttons only while moves may still change (planning)."""
    phase = view["phase"]
    none = {
        "briefing": "No moves yet: moves open in planning.",
        "planning": "No moves yet.",
    }.get(phase, f"No team submitted a move in turn {view['turn']}.")
    return orders_list(view["orders"], title, none, withdraw=withdraw and phase == "planning")


def last_result(view: dict[str, Any]) -> dbc.Card | None:
    """The latest committed turn: relations, explanations, moves (with the rationales and
    reasons the role may read)."""
    if not view["results"]:
        return None
    r = view["results"][-1]
    summaries = r.get("summaries") or {}
    parts: list[Any] = [
        html.Ul(
            [
                html.Li(
                    [
                        html.Div(
                            [html.B(dyad), " ", summaries.get(dyad, "")], className="dyad-summary"
                        ),
                        why(words),
                    ]
                )
                for dyad, words in r["explanations"].items()
            ],
            className="result-list",
        ),
        html.H6("Moves played"),
        order_items(
            r["orders"],
            f"No team submitted a move in turn {r['turn']}: the model played every state.",
        ),
    ]
    if r["overrides"]:
        parts.append(html.H6("Set by the white cell", className="mt-2"))
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
    return card(f"Turn {r['turn']} ({r['period']}) as committed", *parts)


def why(words: str) -> html.Details:
    """A dyad's full explanation, behind a click."""
    return html.Details(
        [html.Summary("the full explanation"), html.P(words, className="why-words")],
        className="why",
    )


def proposal_rows(
    dyads: list[DyadChange], after: dict[str, float], overrides: dict[str, Any]
) -> list[html.Tr]:
    """The proposal table's rows: dyad, before -> proposed, the white cell's setting, and
    the one-line summary with the full explanation behind a click."""
    rows = []
    for d in dyads:
        change = after[d.dyad] - d.before
        o = overrides.get(d.dyad)
        rows.append(
            html.Tr(
                [
                    html.Td(html.B(d.dyad)),
                    html.Td(
                        f"{d.before:+.2f} → {after[d.dyad]:+.2f}",
                        className="num " + ("change-up" if change > 0 else "change-down")
                        if abs(change) >= 0.005
                        else "num",
                    ),
                    html.Td(f"set {o.value:+.2f}: {o.reason}" if o is not None else ""),
                    html.Td(
                        [
                            html.Div(dyad_summary(d), className="dyad-summary"),
                            why(d.words),
                        ]
                    ),
                ]
            )
        )
    return rows


def notes_list(notes: list[Note], turn: int) -> dbc.Card:
    """The white cell's notes of this turn, newest first (earlier ones are counted; the
    report has them all)."""
    now = [n for n in notes if n.turn == turn]
    earlier = len(notes) - len(now)
    items = [
        html.Li(
            [
                dbc.Badge(n.phase, color="light", text_color="dark"),
                html.Div(n.text, className="note-text"),
            ]
        )
        for n in reversed(now)
    ]
    parts: list[Any] = [
        html.Ul(items, className="note-list")
        if items
        else empty(f"No notes in turn {turn} yet: write one in the console's Notes card.")
    ]
    if earlier:
        parts.append(
            html.P(f"{earlier} earlier note(s) are kept for the report.", className="form-hint")
        )
    return card(f"White-cell notes, turn {turn}", *parts, id="notes")


def graph(fig: go.Figure | None, graph_id: str) -> Any:
    """A figure on the page (or nothing)."""
    if fig is None:
        return html.Div()
    # drawn by assets/poll.js, which sets the chart's config
    return dcc.Graph(id=graph_id, figure=fig)
