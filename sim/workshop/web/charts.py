"""The charts of the workshop's screens: the network, relations over time, the fan and the
landscape of a proposal.

Text that goes into a Plotly figure (titles, hovers) is escaped with
:func:`sim.present.labels.label_text`, because plotly renders label text as HTML.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np
import plotly.graph_objects as go

from sim.model.world import capability_shares
from sim.present.labels import label_text
from sim.present.landscape_figure import landscape_figure
from sim.present.network import network_figure
from sim.scenario.dyads import dyad_indices
from sim.workshop.aar_figures import fan_figure, turn_axis
from sim.workshop.adjudication import Proposal
from sim.workshop.game import Game


def network(game: Game) -> go.Figure:
    """The alignment network now: as the current turn's period begins, or at its end
    once the turn is committed."""
    ids = list(game.scenario.actors)
    matrix = np.zeros((len(ids), len(ids)))
    for key, value in game.relations.items():
        i, j = dyad_indices(ids, key)
        matrix[i, j] = matrix[j, i] = value
    actors = game.scenario.actors
    sizes = capability_shares(actors)
    names = [actors[a].name for a in ids]
    period = game.period()
    ended = game.turn in game.committed
    title = f"Alignments at the end of {period}" if ended else f"Alignments as {period} begins"
    fig = network_figure(matrix, ids, names, list(sizes), title)
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
            fig.add_trace(go.Scatter(x=turns, y=ys, mode="lines+markers", name=label_text(dyad)))
    else:
        for dyad, value in game.relations.items():
            fig.add_trace(go.Scatter(x=[0], y=[value], mode="markers", name=label_text(dyad)))
    shown = [inject["turn"] for inject in view["injects"]]
    for inject in view["injects"]:
        fig.add_vline(
            x=inject["turn"],
            line={"dash": "dot", "color": "#888"},
            annotation_text=label_text(inject["title"][:40]),
            annotation_textangle=-90,
        )
    # From the start to the last turn shown (at least turn 1): no negative turns; each
    # turn named with its period.
    last = min(max([1, *committed, *shown]), game.total_turns)
    periods = {t: game.period(t) if t else "start" for t in range(last + 1)}
    fig.update_layout(
        title="Relations over time (dotted: injects)",
        xaxis={**turn_axis(periods), "range": [-0.3, last + 0.3]},
        yaxis={"range": [-1.05, 1.05], "title": "relation"},
        template="plotly_white",
        height=480,
    )
    return fig


def fan(game: Game, proposal: Proposal, committed: dict[str, float], title: str) -> go.Figure:
    """The look-ahead fan of a proposal (whole turns on every panel's axis). The same
    proposal, values and title give the same figure, drawn once: the console and the
    projectors show it at every change of the game until the next proposal."""
    return _fan(proposal.model_dump_json(), json.dumps(committed), title)


@functools.lru_cache(maxsize=16)
def _fan(proposal_json: str, committed_json: str, title: str) -> go.Figure:
    # Keyed by the JSON of what is drawn (a Proposal holds dicts: it cannot be a key); the
    # figure is shared by every view that shows it, and nothing changes it after.
    proposal = Proposal.model_validate_json(proposal_json)
    fig = fan_figure(proposal, json.loads(committed_json), title)
    fig.update_xaxes(tickmode="linear", tick0=0, dtick=1, tickformat="d")
    return fig


def landscape(proposal: Any) -> go.Figure | None:
    """The stable blocs of the landscape at the moment of a decision."""
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
