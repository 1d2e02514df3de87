"""Figures of a scenario discovery: every replicate in parallel coordinates with the
chosen box marked, the peeling trajectory and the feature scores. Result in
(:class:`sim.analysis.discovery.DiscoveryResult`), plotly Figures out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.common import parameter_label
from sim.analysis.discovery import DiscoveryResult
from sim.analysis.prim import support
from sim.present.labels import label_text

YES_COLOR = "#1f3b73"
NO_COLOR = "#d9d9d9"


def discovery_figures(result: DiscoveryResult) -> dict[str, go.Figure]:
    """'parallel' (parallel coordinates of the replicates, the box marked), 'trajectory'
    (density against coverage) and 'features' (feature scores); the last two only when
    PRIM ran. Labels from the scenario are escaped (plotly renders them as HTML)."""
    data = result.data
    box = result.box.set_index("parameter") if len(result.box) else result.box
    dims = []
    for p in result.parameters:
        values = data[p].to_numpy()
        low, high = support(result.uncertainties[p], values)
        dim: dict[str, Any] = {
            "label": label_text(parameter_label(result.scenario, p)),
            "values": values,
            "range": [low, high],
        }
        if len(box) and p in box.index:
            lo, hi = box.loc[p, "low"], box.loc[p, "high"]
            dim["constraintrange"] = [
                low if pd.isna(lo) else float(lo),
                high if pd.isna(hi) else float(hi),
            ]
        dims.append(dim)
    dims.append(
        {
            "label": label_text(
                result.outcome.label if len(result.outcome.label) <= 40 else "end-state"
            ),
            "values": data["end_state"].to_numpy(),
            "range": [-0.1, 1.1],
            "tickvals": [0, 1],
            "ticktext": ["no", "yes"],
        }
    )
    parallel = go.Figure(
        go.Parcoords(
            dimensions=dims,
            line={
                "color": data["end_state"].to_numpy(),
                "colorscale": [[0, NO_COLOR], [1, YES_COLOR]],
                "cmin": 0,
                "cmax": 1,
            },
        )
    )
    parallel.update_layout(
        title="Every replicate's parameter values, dark where the end-state follows"
        + ("; the chosen box is highlighted (drag an axis to explore)" if len(box) else ""),
        height=500,
        margin={"l": 90, "r": 90, "t": 110, "b": 40},
    )
    figures: dict[str, go.Figure] = {"parallel": parallel}
    if len(result.trajectory):
        t = result.trajectory
        traj = go.Figure()
        traj.add_scatter(
            x=t["coverage"],
            y=t["density"],
            mode="lines+markers",
            marker={
                "color": t["res_dim"],
                "colorscale": "Viridis",
                "size": 8,
                "colorbar": {"title": "restricted<br>parameters"},
            },
            line={"color": "#bbbbbb", "width": 1},
            customdata=np.stack([t["box"], t["mass"], t["res_dim"]], axis=1),
            hovertemplate="box %{customdata[0]}<br>coverage %{x:.2f}<br>density %{y:.2f}"
            "<br>mass %{customdata[1]:.2f}<br>%{customdata[2]} restricted<extra></extra>",
            name="peeling trajectory",
            showlegend=False,
        )
        chosen = t[t["box"] == result.box_stats.get("box")]
        traj.add_scatter(
            x=chosen["coverage"],
            y=chosen["density"],
            mode="markers",
            marker={"symbol": "star", "size": 18, "color": "#c0392b"},
            name="chosen box",
            hoverinfo="skip",
        )
        traj.add_hline(
            y=result.threshold,
            line={"dash": "dash", "color": "#c0392b", "width": 1},
            annotation_text=f"threshold {result.threshold:.0%}",
            annotation_position="bottom left",
        )
        traj.update_layout(
            title="Peeling trajectory: each box's coverage and density",
            xaxis={"title": "coverage (share of the end-state's runs inside the box)"},
            yaxis={"title": "density (share of the box's runs with the end-state)"},
            height=440,
            legend={"orientation": "h", "y": -0.2},
        )
        figures["trajectory"] = traj
    if len(result.feature_scores):
        fs = result.feature_scores.iloc[::-1]
        features = go.Figure(
            go.Bar(
                x=fs["score"],
                y=[label_text(lbl) for lbl in fs["label"]],
                orientation="h",
                marker_color=YES_COLOR,
                customdata=[label_text(p) for p in fs["parameter"]],
                hovertemplate="%{customdata}<br>score %{x:.3f}<extra></extra>",
            )
        )
        features.update_layout(
            title="Feature scores (extra trees): how much each parameter tells whether the "
            "end-state follows",
            xaxis_title="score (sums to 1)",
            yaxis={"automargin": True},
            height=max(240, 80 + 40 * len(fs)),
            margin={"l": 20, "r": 20, "t": 60, "b": 50},
        )
        figures["features"] = features
    return figures
