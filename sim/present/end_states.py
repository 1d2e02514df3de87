"""How likely each named end-state is: a bar per end-state with its Wilson 95% interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.present.figure_data import figure_from
from sim.present.labels import label_text


def end_state_figure(outcome_table: pd.DataFrame) -> go.Figure:
    """Horizontal bars: the probability of each named end-state, Wilson 95% error bars.

    ``outcome_table`` is :func:`sim.results.frames.outcome_table`. One bar trace, first outcome
    at the top.
    """
    t = outcome_table
    p = t["probability"].to_numpy(dtype=float)
    lo = t["ci_low"].to_numpy(dtype=float)
    hi = t["ci_high"].to_numpy(dtype=float)
    labels = [label_text(o) for o in t["outcome"]]
    custom = [
        [label_text(d), float(a), float(b_), int(c), int(r)]
        for d, a, b_, c, r in zip(
            t["description"], lo, hi, t["count"], t["replicates"], strict=True
        )
    ]
    bars = {
        "type": "bar",
        "x": p,
        "y": labels,
        "orientation": "h",
        "marker": {"color": "#4a78b5"},
        "error_x": {
            "type": "data",
            "array": np.clip(hi - p, 0, None),
            "arrayminus": np.clip(p - lo, 0, None),
            "color": "#333",
            "thickness": 1.2,
        },
        "customdata": custom,
        "hovertemplate": "<b>%{y}</b><br>%{customdata[0]}<br>probability %{x:.1%}"
        " (95%: %{customdata[1]:.1%} to %{customdata[2]:.1%})"
        "<br>%{customdata[3]} of %{customdata[4]} replicates<extra></extra>",
        "name": "probability",
    }
    layout = {
        "xaxis": {
            "range": [0, 1.0],
            "tickformat": ".0%",
            "title": {"text": "probability at the end"},
        },
        "yaxis": {"autorange": "reversed"},
        "title": {"text": "End-states (with Wilson 95% intervals)"},
        "height": 140 + 44 * max(1, len(t)),
        "margin": {"t": 60, "l": 10, "r": 20, "b": 50},
    }
    return figure_from([bars], layout, "plotly_white")
