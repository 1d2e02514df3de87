"""The bloc Sankey diagram of a comparison: per scenario, its replicates flowing from
their bloc partition at the start to the one at the end
(:attr:`sim.analysis.comparison.Comparison.transitions`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from sim.present.labels import label_text
from sim.present.scenario_colors import PALETTE, rgba

TOP_PARTITIONS = 6
"""Bloc partitions shown by name in the Sankey diagram (per side); the rest are 'other'."""


def _lump(totals: pd.Series, top: int) -> dict[str, str]:
    """Partition -> shown name: the ``top`` most common keep theirs, the rest 'other'."""
    ranked = totals.sort_values(ascending=False, kind="stable")
    keep = set(ranked.index[:top]) if len(ranked) > top else set(ranked.index)
    return {p: (p if p in keep else "other") for p in ranked.index}


def bloc_sankey_figure(transitions: pd.DataFrame, labels: Sequence[str], top: int = 6) -> go.Figure:
    """Per scenario, one Sankey diagram: bloc partitions at the start (left) flowing to
    those at the end (right), widths in replicates.

    ``transitions`` is :attr:`sim.analysis.compare.Comparison.transitions`. On each side the
    ``top`` most common partitions are shown by name and the rest lumped as 'other'.
    The diagrams are stacked, the reference first, each titled with its scenario.
    """
    fig = go.Figure()
    n = max(1, len(labels))
    gap = 0.06 / n
    annotations = []
    for k, label in enumerate(labels):
        t = transitions[transitions["scenario"] == label]
        if t.empty:
            continue
        total = int(t["replicates"].sum())
        start_name = _lump(t.groupby("start")["replicates"].sum(), top)
        end_name = _lump(t.groupby("end")["replicates"].sum(), top)
        flows = (
            t.assign(s=t["start"].map(start_name), e=t["end"].map(end_name))
            .groupby(["s", "e"], sort=False)["replicates"]
            .sum()
            .reset_index()
        )
        starts = list(dict.fromkeys(flows.sort_values("replicates", ascending=False)["s"]))
        ends = list(dict.fromkeys(flows.sort_values("replicates", ascending=False)["e"]))
        index_s = {p: i for i, p in enumerate(starts)}
        index_e = {p: len(starts) + i for i, p in enumerate(ends)}
        node_totals = [int(flows.loc[flows["s"] == p, "replicates"].sum()) for p in starts] + [
            int(flows.loc[flows["e"] == p, "replicates"].sum()) for p in ends
        ]
        node_text = [f"start: {label_text(p)}" for p in starts] + [
            f"end: {label_text(p)}" for p in ends
        ]
        y0 = 1 - (k + 1) / n + gap
        y1 = 1 - k / n - gap
        fig.add_trace(
            go.Sankey(
                domain={"x": [0.0, 1.0], "y": [max(0.0, y0), min(1.0, y1)]},
                arrangement="snap",
                node={
                    "label": [label_text(p) for p in starts] + [label_text(p) for p in ends],
                    "pad": 12,
                    "thickness": 14,
                    "color": "#d9d4c7",
                    "line": {"color": "#555", "width": 0.5},
                    "customdata": [
                        [txt, v / total if total else 0.0]
                        for txt, v in zip(node_text, node_totals, strict=True)
                    ],
                    "hovertemplate": "%{customdata[0]}<br>%{value} replicates "
                    "(%{customdata[1]:.0%})<extra></extra>",
                },
                link={
                    "source": [index_s[s] for s in flows["s"]],
                    "target": [index_e[e] for e in flows["e"]],
                    "value": flows["replicates"].to_numpy(dtype=float),
                    "color": rgba(PALETTE[k % len(PALETTE)], 0.35),
                    "customdata": [
                        [f"{label_text(s)} → {label_text(e)}", v / total if total else 0.0]
                        for s, e, v in zip(flows["s"], flows["e"], flows["replicates"], strict=True)
                    ],
                    "hovertemplate": "%{customdata[0]}<br>%{value} replicates "
                    "(%{customdata[1]:.0%})<extra></extra>",
                },
                name=label_text(label),
            )
        )
        annotations.append(
            {
                "text": f"<b>{label_text(label)}</b>: start → end",
                "x": 0.0,
                "xanchor": "left",
                "y": min(1.0, y1) + gap * 0.9,
                "yanchor": "bottom",
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
            }
        )
    fig.update_layout(
        title={
            "text": "Blocs from start to end (groups in which every pair is above the hedging "
            "band)<br><sup>widths: replicates; the less common partitions are lumped as "
            "'other'</sup>"
        },
        annotations=annotations,
        template="plotly_white",
        height=140 + 300 * n,
        margin={"t": 110, "l": 20, "r": 20, "b": 20},
        font={"size": 11},
    )
    return fig
