"""The pages: what each role's screen shows, built from ``Game.view(role)``.

People's words (rationales, inject titles and texts, override reasons, notes) are put in
Dash components as text children, which the browser shows as text: no raw HTML, no
markdown. Text that goes into a Plotly figure (titles, hovers) is escaped with
:func:`sim.present.labels.label_text`.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from sim.workshop.game import Game
from sim.workshop.web.charts import fan, landscape, network, relations_over_time
from sim.workshop.web.components import (
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
from sim.workshop.web.forms import control_forms, team_forms

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


def parts(game: Game, role: str, view: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``role`` sees now, part by part (:data:`PARTS`; None: not on this screen);
    ``view``: ``game.view(role)`` when the caller has it already."""
    view = game.view(role) if view is None else view
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
                    fan(
                        game,
                        last,
                        last.relations,
                        f"Look-ahead after turn {last.turn} ({game.period(last.turn)})",
                    )
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
            f"Scheduled events this turn ({view['period']})",
            html.Ul([html.Li(f"{e['event']} ({e['when']}): {e['description']}") for e in events]),
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
        # The projectors' title for the same fan once committed: without overrides the
        # figure is the one drawn here, and a commit need not draw it again.
        graph(
            fan(
                game,
                proposal,
                committed,
                f"Look-ahead after turn {proposal.turn} ({game.period(proposal.turn)})",
            ),
            "control-fan",
        ),
    )
    return shown


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
