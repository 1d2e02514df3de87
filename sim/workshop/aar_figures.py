"""The after-action report's figures: pure functions, game data in, a plotly Figure out.

Every text in a figure that comes from people or files is escaped for plotly, which
renders label text as HTML (:func:`sim.present.labels.label_text`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.present.labels import label_text
from sim.workshop.adjudication import Proposal

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def turn_axis(periods: Mapping[int, str]) -> dict[str, Any]:
    """An axis of turns that names each turn's period under its number ('3' over
    '2014-Q3'; turn 0, the start, 'start'): ``periods`` maps each turn shown to it. A
    relation drawn at turn t is the one turn t ended with. Past a dozen turns, every k-th
    is named, so that the labels do not run into each other."""
    turns = sorted(periods)
    turns = turns[:: math.ceil(len(turns) / 12)] if turns else turns
    return {
        "title": "turn (the relations it ended with)",
        "tickmode": "array",
        "tickvals": turns,
        "ticktext": [f"{t}<br>{label_text(periods[t])}" for t in turns],
    }


def relations_figure(relations: pd.DataFrame, title: str) -> go.Figure:
    """Every dyad's committed relation turn by turn; hollow markers where the white cell
    set a relation other than the model's proposal (at the proposed value). The turn
    axis names each turn's period (``relations``' ``period`` column, :func:`turn_axis`)."""
    fig = go.Figure()
    for k, (dyad, rows) in enumerate(relations.groupby("dyad", sort=False)):
        color = COLORS[k % len(COLORS)]
        fig.add_trace(
            go.Scatter(
                x=rows["turn"],
                y=rows["committed"],
                mode="lines+markers",
                name=label_text(dyad),
                line={"color": color},
                legendgroup=label_text(dyad),
            )
        )
        edited = rows[rows["overridden"]]
        if not edited.empty:
            fig.add_trace(
                go.Scatter(
                    x=edited["turn"],
                    y=edited["proposed"],
                    mode="markers",
                    name=label_text(f"{dyad} as proposed"),
                    marker={"symbol": "circle-open", "size": 11, "color": color},
                    legendgroup=label_text(dyad),
                    hovertext=[label_text(r) for r in edited["reason"]],
                )
            )
    periods = dict(zip(relations["turn"], relations["period"], strict=True))
    fig.update_layout(
        title=label_text(title),
        xaxis=turn_axis(periods) if periods else {"title": "turn"},
        yaxis={"title": "relation (-1 hostile .. +1 allied)", "range": [-1.05, 1.05]},
        template="plotly_white",
        height=460,
    )
    return fig


def fan_figure(proposal: Proposal, committed: dict[str, float], title: str) -> go.Figure:
    """A turn and its look-ahead: per dyad the proposed change (red), the committed value
    when the white cell set another (black diamond), and the fan of the model's replicates
    from the proposed state (median dotted, 25-75% and 5-95% bands)."""
    dyads = list(committed)
    cols = 3
    rows = max(1, math.ceil(len(dyads) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[label_text(d) for d in dyads])
    fan = proposal.fan
    # Gathered, then added at once: plotly validates the figure at each add_trace.
    traces: list[go.Scatter] = []
    rows_of: list[int] = []
    cols_of: list[int] = []
    for k, dyad in enumerate(dyads):
        r, c = k // cols + 1, k % cols + 1
        x0, y0 = proposal.turn, proposal.relations[dyad]
        if fan is not None and fan.turns:
            q = fan.dyads[dyad]
            x = [x0, *fan.turns]
            for lo, hi, alpha in ((0, 4, 0.15), (1, 3, 0.3)):
                upper = [y0, *(v[hi] for v in q)]
                lower = [y0, *(v[lo] for v in q)]
                traces.append(
                    go.Scatter(
                        x=x + x[::-1],
                        y=upper + lower[::-1],
                        fill="toself",
                        fillcolor=f"rgba(33, 102, 172, {alpha})",
                        line={"width": 0},
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )
                rows_of.append(r)
                cols_of.append(c)
            traces.append(
                go.Scatter(
                    x=x,
                    y=[y0, *(v[2] for v in q)],
                    mode="lines",
                    line={"color": "#1f3b73", "dash": "dot"},
                    showlegend=False,
                    name="median ahead",
                )
            )
            rows_of.append(r)
            cols_of.append(c)
        traces.append(
            go.Scatter(
                x=[proposal.turn - 1, proposal.turn],
                y=[proposal.relations_before[dyad], y0],
                mode="lines+markers",
                line={"color": "#b2182b"},
                showlegend=False,
                name="this turn",
            )
        )
        rows_of.append(r)
        cols_of.append(c)
        if abs(committed[dyad] - y0) > 1e-12:
            traces.append(
                go.Scatter(
                    x=[x0],
                    y=[committed[dyad]],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 10, "color": "black"},
                    showlegend=False,
                    name="set by the white cell",
                )
            )
            rows_of.append(r)
            cols_of.append(c)
    fig.add_traces(traces, rows=rows_of, cols=cols_of)
    # One call for every panel: each per-panel call re-validates the whole layout.
    fig.update_yaxes(range=[-1.05, 1.05])
    fig.update_layout(
        title=label_text(title), template="plotly_white", height=280 * rows, margin={"t": 80}
    )
    return fig
