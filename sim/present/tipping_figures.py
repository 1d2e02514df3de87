"""Figures of a tipping-point analysis: the crossings as a dot chart with their 95%
intervals, and the tipping curve of a pair. Result in
(:class:`sim.analysis.tipping_result.TippingResult`), plotly Figures out."""

from __future__ import annotations

import plotly.graph_objects as go

from sim.analysis.common import number, parameter_label
from sim.analysis.tipping_result import TippingResult
from sim.present.labels import label_text

DOT = "#1f3b73"
NONE = "#b0b0b0"
BAND = "rgba(31,59,115,0.18)"


def crossings_figure(result: TippingResult) -> go.Figure:
    """One row per varied parameter, on the unit scale of its range (LO = 0, HI = 1):
    the crossing as a dot with its 95% interval; a grey range where there is none. The
    hover gives the values in the parameter's own units."""
    table = result.table().iloc[::-1]  # plotly draws the first row at the bottom
    fig = go.Figure()
    labels = [label_text(lbl) for lbl in table["label"]]
    for found, colour, name in ((True, DOT, "crossing"), (False, NONE, "no crossing")):
        rows = table[(table["status"] == "crossing") == found]
        if rows.empty:
            continue
        span = rows["high"] - rows["low"]
        if found:
            x = (rows["crossing"] - rows["low"]) / span
            minus = x - (rows["interval_low"] - rows["low"]) / span
            plus = (rows["interval_high"] - rows["low"]) / span - x
            error = {"type": "data", "array": plus, "arrayminus": minus, "visible": True}
        else:
            x = [0.5] * len(rows)
            error = {"type": "data", "array": [0.5] * len(rows), "visible": True}
        fig.add_scatter(
            x=list(x),
            y=[label_text(lbl) for lbl in rows["label"]],
            mode="markers",
            marker={"size": 11 if found else 1, "color": colour},
            error_x={**error, "color": colour, "thickness": 2 if found else 6, "width": 6},
            customdata=[label_text(w) for w in rows["words"]],
            hovertemplate="%{customdata}<extra></extra>",
            name=name,
        )
    fig.update_layout(
        title=f"Where {label_text(result.outcome.label)} crosses {number(result.level, 3)}: "
        "the crossing in each parameter's range, with its 95% interval",
        xaxis={"title": "position in the range (0 = LO, 1 = HI)", "range": [-0.05, 1.05]},
        yaxis={"categoryorder": "array", "categoryarray": labels},
        height=max(280, 120 + 48 * len(table)),
        margin={"l": 220},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def pair_figure(result: TippingResult) -> go.Figure | None:
    """The tipping curve: B's crossing (with its 95% interval as a band) against A;
    values of A without a crossing are marked on the axis. None without a pair."""
    if result.pair is None:
        return None
    a, b = result.pair
    frame = result.pair_table()
    found = frame[frame["status"] == "crossing"]
    missing = frame[frame["status"] != "crossing"]
    fig = go.Figure()
    fig.add_scatter(
        x=list(found["a_value"]) + list(found["a_value"])[::-1],
        y=list(found["interval_high"]) + list(found["interval_low"])[::-1],
        fill="toself",
        fillcolor=BAND,
        line={"width": 0},
        hoverinfo="skip",
        name="95% interval",
    )
    fig.add_scatter(
        x=found["a_value"],
        y=found["crossing"],
        mode="lines+markers",
        line={"color": DOT},
        customdata=[label_text(w) for w in found["words"]],
        hovertemplate="%{customdata}<extra></extra>",
        name="crossing of B",
    )
    if len(missing):
        lo, hi = result.ranges[b]
        fig.add_scatter(
            x=missing["a_value"],
            y=[lo if v >= result.level else hi for v in missing["at_low"]],
            mode="markers",
            marker={"symbol": "x", "size": 10, "color": NONE},
            customdata=[label_text(w) for w in missing["words"]],
            hovertemplate="%{customdata}<extra></extra>",
            name="no crossing in B's range",
        )
    a_label = label_text(parameter_label(result.scenario, a))
    b_label = label_text(parameter_label(result.scenario, b))
    fig.update_layout(
        title=f"Tipping curve: the {b_label} at which {label_text(result.outcome.label)} "
        f"crosses {number(result.level, 3)}, for each {a_label}",
        xaxis={"title": a_label, "range": list(result.ranges[a])},
        yaxis={"title": b_label, "range": list(result.ranges[b])},
        height=460,
    )
    return fig


def tipping_figures(result: TippingResult) -> dict[str, go.Figure]:
    """'crossings' and, with a pair, 'pair'."""
    figures = {"crossings": crossings_figure(result)}
    pair = pair_figure(result)
    if pair is not None:
        figures["pair"] = pair
    return figures
