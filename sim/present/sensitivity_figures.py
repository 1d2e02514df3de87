"""Figures of a sensitivity analysis: the indices as a tornado chart and, for Morris,
mu* against sigma. Result in (:class:`sim.analysis.sensitivity.SensitivityResult`),
plotly Figures out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.sensitivity import SensitivityResult
from sim.present.labels import label_text

BAR_MAIN = "#1f3b73"
BAR_SECOND = "#9bb7d4"


def sensitivity_figures(result: SensitivityResult) -> dict[str, go.Figure]:
    """'tornado' (the indices as bars with their intervals) and, for Morris,
    'morris_scatter' (mu* against sigma). Labels from the scenario are escaped
    (:func:`sim.present.labels.label_text`: plotly renders label text as HTML)."""
    idx = result.indices.iloc[::-1]  # plotly draws the first bar at the bottom
    labels = [label_text(lbl) for lbl in idx["label"]]
    hover = [label_text(p) for p in idx["factor"]]
    what = label_text(result.outcome.label)
    height = max(300, 110 + 52 * len(idx))
    figures: dict[str, go.Figure] = {}
    if result.method == "morris":
        fig = go.Figure()
        _index_bar(
            fig, labels, idx, hover, "mu_star", "mu*", "mu* (mean |effect|)", BAR_MAIN, conf=True
        )
        _index_bar(
            fig,
            labels,
            idx,
            hover,
            "sigma",
            "sigma",
            "sigma (spread: interactions, non-linearity)",
            BAR_SECOND,
            conf=False,
        )
        fig.update_layout(
            title=f"Morris screening of {what}: mu* with its 95% interval, and sigma",
            xaxis_title=f"change in {what} across a factor's range",
        )
        scatter = go.Figure()
        reach = (idx["mu_star"] + idx["mu_star_conf"].fillna(0)).max()
        top = float(np.nanmax([reach, idx["sigma"].max(), 1e-9])) * 1.1
        for ratio, dash in ((0.1, "dot"), (0.5, "dash"), (1.0, "solid")):
            scatter.add_scatter(
                x=[0, top],
                y=[0, ratio * top],
                mode="lines",
                line={"color": "#bbbbbb", "dash": dash, "width": 1},
                name=f"sigma / mu* = {ratio:g}",
                hoverinfo="skip",
            )
        scatter.add_scatter(
            x=result.indices["mu_star"],
            y=result.indices["sigma"],
            mode="markers+text",
            cliponaxis=False,
            text=[label_text(lbl) for lbl in result.indices["label"]],
            textposition="top center",
            marker={"size": 11, "color": BAR_MAIN},
            error_x={
                "type": "data",
                "array": result.indices["mu_star_conf"].fillna(0),
                "visible": True,
            },
            customdata=[label_text(p) for p in result.indices["factor"]],
            hovertemplate="%{customdata}<br>mu* = %{x:.3f}<br>sigma = %{y:.3f}<extra></extra>",
            name="factors",
        )
        scatter.update_layout(
            title="mu* against sigma: far right matters; high above the lines, the effect "
            "depends on the other factors",
            xaxis={"title": "mu*", "range": [-0.04 * top, top]},
            yaxis={"title": "sigma", "range": [-0.04 * top, top]},
            height=460,
            margin={"l": 80, "r": 20, "t": 60, "b": 50},
        )
        figures["morris_scatter"] = scatter
    else:
        fig = go.Figure()
        _index_bar(
            fig,
            labels,
            idx,
            hover,
            "ST",
            "ST",
            "ST (total effect, with interactions)",
            BAR_MAIN,
            conf=True,
        )
        _index_bar(
            fig, labels, idx, hover, "S1", "S1", "S1 (first order, alone)", BAR_SECOND, conf=True
        )
        fig.update_layout(
            title=f"Sobol indices of {what}: share of its variance, with 95% intervals",
            xaxis_title="share of the outcome's variance",
        )
    fig.update_layout(
        barmode="group",
        height=height,
        yaxis={"automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 20, "r": 20, "t": 90, "b": 60},
    )
    figures = {"tornado": fig, **figures}
    return figures


def _index_bar(
    fig: go.Figure,
    labels: list[str],
    idx: pd.DataFrame,
    hover: list[str],
    column: str,
    symbol: str,
    name: str,
    color: str,
    conf: bool,
) -> None:
    """One horizontal bar series of a sensitivity index (with its interval if ``conf``)."""
    error = (
        {"type": "data", "array": idx[f"{column}_conf"].fillna(0), "visible": True}
        if conf
        else None
    )
    fig.add_bar(
        y=labels,
        x=idx[column],
        orientation="h",
        name=name,
        marker_color=color,
        error_x=error,
        customdata=hover,
        hovertemplate=f"%{{customdata}}<br>{symbol} = %{{x:.3f}}<extra></extra>",
    )
