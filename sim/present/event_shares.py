"""The events of a run over time: the share of replicates in which each has fired."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from sim.present.labels import label_text


def event_share_figure(
    cumulative: pd.DataFrame, descriptions: Mapping[str, str] | None = None
) -> go.Figure:
    """Share of replicates in which each event has fired at least once, over time.

    ``cumulative`` is :func:`sim.results.frames.event_cumulative` (event, step, date,
    share_fired). One stepped line per event, in the frame's order; the hover text gives
    the event's description (``descriptions``).
    """
    fig = go.Figure()
    for name, d in cumulative.groupby("event", sort=False):
        desc = (descriptions or {}).get(str(name), "")
        fig.add_trace(
            go.Scatter(
                x=d["date"].to_numpy(),
                y=d["share_fired"].to_numpy(dtype=float),
                mode="lines",
                line={"shape": "hv", "width": 2},
                name=label_text(name),
                hovertemplate=f"<b>{label_text(name)}</b>"
                + (f"<br>{label_text(desc)}" if desc else "")
                + "<br>%{x|%Y-%m}: fired in %{y:.1%} of replicates<extra></extra>",
            )
        )
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title_text="replicates where it fired")
    fig.update_layout(
        title={"text": "Events: share of replicates in which each has fired, over time"},
        template="plotly_white",
        height=380,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom"},
    )
    return fig
