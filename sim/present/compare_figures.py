"""Figures of a comparison of scenarios: tidy frames in, plotly Figures out.

- :func:`compare_bands_figure`: each shared dyad's relation over time, one colour per
  scenario: the median line and the bands holding 50% and 90% of the replicates.
- :func:`compare_end_states_figure`: end-state probabilities per scenario, grouped bars
  with Wilson 95% error bars.
- :func:`difference_heatmap`: dyad x scenario, the mean paired difference of the end
  relation from the reference scenario, the 90% interval of the per-replicate
  differences in the hover text.
- :func:`bloc_sankey_figure`: per scenario, replicates flowing from their bloc partition
  at the start to the one at the end.

The frames are those of :class:`sim.analysis.compare.Comparison`. Every text that comes from a
scenario (names, labels, partitions) is HTML-escaped (:func:`sim.present.html_page.esc`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from sim.present.figures import (
    RELATION_COLORSCALE,
    _default_bands,
    add_relation_bands,
    bands_caption,
    finish_relation_panels,
    relation_panels,
)
from sim.present.html_page import esc, fmt_signed

PALETTE = (
    "#1f3b73",  # the reference: the report's dark blue
    "#d95f02",
    "#1b9e77",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#17becf",
)
"""One colour per scenario, the reference first; repeats after ten scenarios."""

MAX_PANELS = 24
"""At most this many dyad panels in the relations figure."""


def scenario_colors(labels: Sequence[str]) -> dict[str, str]:
    """Label -> colour (hex), in order, from :data:`PALETTE`."""
    return {label: PALETTE[k % len(PALETTE)] for k, label in enumerate(labels)}


def rgba(color: str, alpha: float) -> str:
    """'#1f3b73' -> 'rgba(31, 59, 115, 0.2)'."""
    r, g, b = hex_to_rgb(color)
    return f"rgba({r}, {g}, {b}, {alpha})"


def _dyad_title(a: str, b: str, names: Mapping[str, str]) -> str:
    return f"{esc(names.get(a, a))} – {esc(names.get(b, b))}"


def compare_bands_figure(
    bands: pd.DataFrame,
    labels: Sequence[str],
    colors: Mapping[str, str],
    names: Mapping[str, str],
    bounds: Any = None,
    dyads: Sequence[str] | None = None,
    columns: int = 3,
) -> go.Figure:
    """Relations over time, scenarios overlaid: one panel per dyad.

    ``bands`` is :attr:`sim.analysis.compare.Comparison.bands`. Per scenario and panel, in order:
    the 90% band, the 50% band (filled in the scenario's colour) and the median line;
    one legend entry per scenario, which shows or hides all of its traces. ``dyads``
    ('A-B') chooses the panels (default: every dyad, at most :data:`MAX_PANELS`).
    """
    b = _default_bands(bounds)
    order = list(dict.fromkeys(bands["dyad"]))
    chosen = [d for d in order if d in set(dyads)] if dyads is not None else order
    chosen = chosen[:MAX_PANELS]
    pairs = [tuple(d.split("-", 1)) for d in chosen]
    fig, ncols, nrows = relation_panels(
        [_dyad_title(a, c, names) for a, c in pairs], columns, min_rows=1
    )
    for k, dyad in enumerate(chosen):
        a, c = pairs[k]
        title = _dyad_title(a, c, names)
        for label in labels:
            d = bands[(bands["dyad"] == dyad) & (bands["scenario"] == label)]
            if d.empty:
                continue
            color = colors[label]
            add_relation_bands(
                fig,
                d,
                k // ncols + 1,
                k % ncols + 1,
                median_column="median",
                fills={"90": rgba(color, 0.10), "50": rgba(color, 0.22)},
                color=color,
                name=esc(label),
                show_legend=k == 0,
                hover_title=f"{title}, {esc(label)}",
                group=esc(label),
            )
    more = len(order) - len(chosen)
    subtitle = f"bands: {esc(bands_caption(b))}" + (
        f"; {len(chosen)} of {len(order)} dyads (the largest differences)" if more else ""
    )
    return finish_relation_panels(
        fig,
        b,
        nrows,
        f"Relations over time (median; shaded: 50% and 90% of replicates)<br><sup>{subtitle}</sup>",
    )


def compare_end_states_figure(
    end_states: pd.DataFrame, labels: Sequence[str], colors: Mapping[str, str]
) -> go.Figure:
    """Grouped bars: each end-state's probability in each scenario, Wilson 95% error bars.

    ``end_states`` is :attr:`sim.analysis.compare.Comparison.end_states`. One bar trace per
    scenario (in order), end-states along x in the order they first appear.
    """
    outcomes = list(dict.fromkeys(end_states["outcome"]))
    fig = go.Figure()
    for label in labels:
        t = end_states[end_states["scenario"] == label].set_index("outcome").reindex(outcomes)
        p = t["probability"].to_numpy(dtype=float)
        lo = t["ci_low"].to_numpy(dtype=float)
        hi = t["ci_high"].to_numpy(dtype=float)
        diff = t["difference"].to_numpy(dtype=float)
        is_reference = label == labels[0]
        custom = [
            [
                float(a),
                float(b_),
                ""
                if is_reference or not np.isfinite(dd)
                else f"<br>{round(100 * dd):+d} points against {esc(labels[0])}",
            ]
            for a, b_, dd in zip(lo, hi, diff, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=[esc(o) for o in outcomes],
                y=p,
                name=esc(label),
                marker={"color": colors[label]},
                error_y={
                    "type": "data",
                    "array": np.clip(np.nan_to_num(hi - p), 0, None),
                    "arrayminus": np.clip(np.nan_to_num(p - lo), 0, None),
                    "color": "#333",
                    "thickness": 1.2,
                },
                customdata=custom,
                hovertemplate=f"<b>%{{x}}</b>, {esc(label)}<br>probability %{{y:.1%}} (95%: "
                "%{customdata[0]:.1%} to %{customdata[1]:.1%})%{customdata[2]}<extra></extra>",
            )
        )
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title_text="probability at the end")
    fig.update_layout(
        barmode="group",
        title={"text": "End-states per scenario (with Wilson 95% intervals)"},
        template="plotly_white",
        height=460,
        margin={"t": 60, "l": 60, "r": 20, "b": 120},
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom"},
    )
    return fig


def difference_heatmap(
    differences: pd.DataFrame, names: Mapping[str, str], reference: str
) -> go.Figure:
    """Dyad x scenario: the mean paired difference of the end relation from ``reference``.

    ``differences`` is :attr:`sim.analysis.compare.Comparison.differences`. Cells show the mean
    difference (blue: warmer than the reference, red: colder, on a scale symmetric about
    0); the hover text adds the 90% interval of the per-replicate differences, a 95%
    interval of the mean and the shares of replicates ending warmer and colder.
    """
    scenarios = list(dict.fromkeys(differences["scenario"]))
    dyads = list(dict.fromkeys(differences["dyad"]))
    table = differences.set_index(["dyad", "scenario"])
    z = np.full((len(dyads), len(scenarios)), np.nan)
    text = [["" for _ in scenarios] for _ in dyads]
    custom = [[[0.0] * 6 for _ in scenarios] for _ in dyads]
    for i, dyad in enumerate(dyads):
        for j, label in enumerate(scenarios):
            rec = table.loc[(dyad, label)]
            z[i, j] = rec["mean_difference"]
            text[i][j] = fmt_signed(rec["mean_difference"])
            custom[i][j] = [
                float(rec[c]) for c in ("p05", "p95", "mean_ci_low", "mean_ci_high", "share_warmer")
            ] + [float(rec["share_colder"])]
    ylabels = []
    for dyad in dyads:
        a, _, b = dyad.partition("-")
        ylabels.append(_dyad_title(a, b, names))
    top = float(np.nanmax(np.abs(z))) if z.size else 0.0
    top = max(top, 0.05)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[esc(s) for s in scenarios],
            y=ylabels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            customdata=custom,
            colorscale=RELATION_COLORSCALE,
            zmid=0,
            zmin=-top,
            zmax=top,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "difference"}},
            hovertemplate=(
                f"<b>%{{y}}</b><br>%{{x}} against {esc(reference)}: %{{z:+.3f}} (mean)"
                "<br>90% of replicates: %{customdata[0]:+.2f} to %{customdata[1]:+.2f}"
                "<br>95% interval of the mean: %{customdata[2]:+.3f} to %{customdata[3]:+.3f}"
                "<br>warmer in %{customdata[4]:.0%}, colder in %{customdata[5]:.0%} of "
                "replicates<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    fig.update_layout(
        title={
            "text": f"End relation: difference from {esc(reference)} (mean of paired "
            "replicates)<br><sup>blue: warmer, red: colder; hover for the intervals</sup>"
        },
        template="plotly_white",
        height=max(260, 150 + 30 * len(dyads)),
        margin={"t": 110, "l": 10, "r": 20, "b": 20},
    )
    return fig


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
        node_text = [f"start: {esc(p)}" for p in starts] + [f"end: {esc(p)}" for p in ends]
        y0 = 1 - (k + 1) / n + gap
        y1 = 1 - k / n - gap
        fig.add_trace(
            go.Sankey(
                domain={"x": [0.0, 1.0], "y": [max(0.0, y0), min(1.0, y1)]},
                arrangement="snap",
                node={
                    "label": [esc(p) for p in starts] + [esc(p) for p in ends],
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
                        [f"{esc(s)} → {esc(e)}", v / total if total else 0.0]
                        for s, e, v in zip(flows["s"], flows["e"], flows["replicates"], strict=True)
                    ],
                    "hovertemplate": "%{customdata[0]}<br>%{value} replicates "
                    "(%{customdata[1]:.0%})<extra></extra>",
                },
                name=esc(label),
            )
        )
        annotations.append(
            {
                "text": f"<b>{esc(label)}</b>: start → end",
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
            "text": "Blocs from start to end (groups joined by relations above the hedging "
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


__all__ = [
    "bloc_sankey_figure",
    "compare_bands_figure",
    "compare_end_states_figure",
    "difference_heatmap",
    "scenario_colors",
]
