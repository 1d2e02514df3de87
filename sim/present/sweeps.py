"""A sweep's figures: end-state probabilities and dyad end medians against the first
swept parameter, one line per measure (and per combination of the other swept values).

The frame is :func:`sim.results.frames.sweep_table`: one row per point, the swept values,
``p_<end-state>`` and ``median_<A-B>`` columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from sim.present.labels import label_text
from sim.scenario.dyads import Dyad


def _sweep_lines(
    sweep: pd.DataFrame, keys: Sequence[str], columns: Sequence[str], labels: Sequence[str]
) -> list[go.Scatter]:
    """One line per column (and per combination of the other swept values)."""
    x_key = keys[0]
    others = list(keys[1:])
    groups = [((), sweep)] if not others else list(sweep.groupby(others, sort=True, dropna=False))
    traces = []
    for values, frame in groups:
        frame = frame.sort_values(x_key)
        vals = values if isinstance(values, tuple) else (values,)
        suffix = (
            " ("
            + ", ".join(f"{label_text(k)}={v:g}" for k, v in zip(others, vals, strict=True))
            + ")"
            if others
            else ""
        )
        for col, label in zip(columns, labels, strict=True):
            traces.append(
                go.Scatter(
                    x=frame[x_key].to_numpy(dtype=float),
                    y=frame[col].to_numpy(dtype=float),
                    mode="lines+markers",
                    name=f"{label_text(label)}{suffix}",
                    hovertemplate=f"{label_text(label)}{suffix}<br>{label_text(x_key)} = "
                    "%{x:g}: %{y:.3f}<extra></extra>",
                )
            )
    return traces


def sweep_end_state_figure(sweep: pd.DataFrame, keys: Sequence[str]) -> go.Figure:
    """Each end-state's probability against the first swept parameter (one line each;
    with several swept parameters, one line per combination of the others)."""
    cols = [c for c in sweep.columns if c.startswith("p_")]
    fig = go.Figure(_sweep_lines(sweep, keys, cols, [c[2:] for c in cols]))
    fig.update_yaxes(range=[0, 1.0], tickformat=".0%", title_text="probability at the end")
    fig.update_xaxes(title_text=label_text(keys[0]))
    fig.update_layout(
        title={"text": f"End-states across the sweep of {label_text(keys[0])}"},
        template="plotly_white",
        height=460,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
    )
    return fig


def dyad_column_label(column: str, names: Mapping[str, str] | None) -> str:
    """'Name A – Name B' for a ``median_A-B`` column (display names where given)."""
    names = names or {}
    dyad = Dyad.split(column.removeprefix("median_"))
    if dyad is None:
        return column.removeprefix("median_")
    return dyad.named(names)


def sweep_dyad_figure(
    sweep: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str] | None = None
) -> go.Figure:
    """Each dyad's end median against the first swept parameter."""
    cols = [c for c in sweep.columns if c.startswith("median_")]
    labels = [dyad_column_label(c, names) for c in cols]
    fig = go.Figure(_sweep_lines(sweep, keys, cols, labels))
    fig.update_yaxes(range=[-1.02, 1.02], title_text="relation at the end (median)")
    fig.update_xaxes(title_text=label_text(keys[0]))
    fig.update_layout(
        title={"text": f"Dyads at the end across the sweep of {label_text(keys[0])}"},
        template="plotly_white",
        height=460,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
    )
    return fig


def sweep_figures(
    sweep: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str] | None = None
) -> dict[str, go.Figure]:
    """'sweep_end_states' (if the scenario names end-states) and 'sweep_dyads'."""
    figures = {}
    if any(c.startswith("p_") for c in sweep.columns):
        figures["sweep_end_states"] = sweep_end_state_figure(sweep, keys)
    figures["sweep_dyads"] = sweep_dyad_figure(sweep, keys, names)
    return figures
