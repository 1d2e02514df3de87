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
    period, share_fired). One stepped line per event, in the frame's order. Events
    apply at the start of their step, so the share of step k is drawn from the first
    day of step k (the date of step k-1) to the next step, and the line closes at the
    run's end: an event at 2016-07-01 rises at 2016-07-01, not at the model's date of
    its step (2016-10-01). The hover text gives the event's description
    (``descriptions``) and the period ('by 2016-Q3: fired in 100.0% of replicates').
    """
    fig = go.Figure()
    for name, d in cumulative.groupby("event", sort=False):
        desc = (descriptions or {}).get(str(name), "")
        # Rows are steps 0..T: the x of step k's share is the date of step k-1, its first
        # day, and the last share holds on to the run's end (the date of step T).
        d = d.sort_values("step")
        share = d["share_fired"].to_numpy(dtype=float)
        periods = list(d["period"])[1:]
        fig.add_trace(
            go.Scatter(
                x=d["date"].to_numpy(),
                y=[*share[1:], share[-1]],
                mode="lines",
                line={"shape": "hv", "width": 2},
                name=label_text(name),
                customdata=[[f"by {p}"] for p in [*periods, periods[-1]]],
                hovertemplate=f"<b>{label_text(name)}</b>"
                + (f"<br>{label_text(desc)}" if desc else "")
                + "<br>%{customdata[0]}: fired in %{y:.1%} of replicates<extra></extra>",
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
