"""Figures of a comparison of scenarios: tidy frames in, plotly Figures out.

- :func:`compare_bands_figure`: each shared dyad's relation over time, one colour per
  scenario: the median line and the bands holding 50% and 90% of the replicates.
- :func:`compare_end_states_figure`: end-state probabilities per scenario, grouped bars
  with Wilson 95% error bars.
- :func:`difference_heatmap`: dyad x scenario, the mean paired difference of the end
  relation from the reference scenario, the 90% interval of the per-replicate
  differences in the hover text.
- :func:`sim.present.bloc_sankey.bloc_sankey_figure`: per scenario, replicates flowing
  from their bloc partition at the start to the one at the end.
- :func:`comparison_figures`: all of them for a comparison, by name, as its page shows
  them (:func:`panel_dyads` chooses the dyads of the relations figure).

The frames are those of :class:`sim.analysis.compare.Comparison`. Every text that comes from a
scenario (names, labels, partitions) is HTML-escaped (:func:`sim.present.labels.label_text`:
plotly renders label text as HTML).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.common import signed
from sim.analysis.comparison import Comparison
from sim.present.bloc_sankey import TOP_PARTITIONS, bloc_sankey_figure
from sim.present.colors import RELATION_COLORSCALE
from sim.present.labels import label_text
from sim.present.relations import (
    add_relation_bands,
    bands_caption,
    finish_relation_panels,
    pair_title,
    relation_panels,
)
from sim.present.relations import default_bands as _default_bands
from sim.present.scenario_colors import rgba, scenario_colors
from sim.results.views import step_labels_of
from sim.scenario.dyads import Dyad

MAX_PANELS = 24
"""At most this many dyad panels in the relations figure."""


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
    pairs = [(p.a, p.b) for p in (Dyad.split(d) for d in chosen) if p is not None]
    panels = relation_panels([pair_title(a, c, names) for a, c in pairs], columns, min_rows=1)
    ncols = panels.columns
    for k, dyad in enumerate(chosen):
        a, c = pairs[k]
        title = pair_title(a, c, names)
        for label in labels:
            d = bands[(bands["dyad"] == dyad) & (bands["scenario"] == label)]
            if d.empty:
                continue
            color = colors[label]
            add_relation_bands(
                panels,
                d,
                k // ncols + 1,
                k % ncols + 1,
                median_column="median",
                fills={"90": rgba(color, 0.10), "50": rgba(color, 0.22)},
                color=color,
                name=label_text(label),
                show_legend=k == 0,
                hover_title=f"{title}, {label_text(label)}",
                group=label_text(label),
            )
    more = len(order) - len(chosen)
    subtitle = f"bands: {label_text(bands_caption(b))}" + (
        f"; {len(chosen)} of {len(order)} dyads (the largest differences)" if more else ""
    )
    return finish_relation_panels(
        panels,
        b,
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
                else f"<br>{round(100 * dd):+d} points against {label_text(labels[0])}",
            ]
            for a, b_, dd in zip(lo, hi, diff, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=[label_text(o) for o in outcomes],
                y=p,
                name=label_text(label),
                marker={"color": colors[label]},
                error_y={
                    "type": "data",
                    "array": np.clip(np.nan_to_num(hi - p), 0, None),
                    "arrayminus": np.clip(np.nan_to_num(p - lo), 0, None),
                    "color": "#333",
                    "thickness": 1.2,
                },
                customdata=custom,
                hovertemplate=f"<b>%{{x}}</b>, {label_text(label)}<br>probability %{{y:.1%}} (95%: "
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
            text[i][j] = signed(rec["mean_difference"])
            custom[i][j] = [
                float(rec[c]) for c in ("p05", "p95", "mean_ci_low", "mean_ci_high", "share_warmer")
            ] + [float(rec["share_colder"])]
    ylabels = []
    for dyad in dyads:
        a, _, b = dyad.partition("-")
        ylabels.append(pair_title(a, b, names))
    top = float(np.nanmax(np.abs(z))) if z.size else 0.0
    top = max(top, 0.05)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[label_text(s) for s in scenarios],
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
                f"<b>%{{y}}</b><br>%{{x}} against {label_text(reference)}: %{{z:+.3f}} (mean)"
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
            "text": f"End relation: difference from {label_text(reference)} (mean of paired "
            "replicates)<br><sup>blue: warmer, red: colder; hover for the intervals</sup>"
        },
        template="plotly_white",
        height=max(260, 150 + 30 * len(dyads)),
        margin={"t": 110, "l": 10, "r": 20, "b": 20},
    )
    return fig


def panel_dyads(comparison: Comparison, limit: int = MAX_PANELS) -> list[str]:
    """The dyads ('A-B', in scenario order) the relations figure shows: all of them, or
    when there are more than ``limit`` those with the largest absolute mean difference
    from the reference."""
    order = [str(Dyad(a, b)) for a, b in comparison.shared]
    differences = comparison.differences
    if len(order) <= limit or not len(differences):
        return order[:limit]
    size = differences.assign(size=differences["mean_difference"].abs())
    biggest = size.groupby("dyad")["size"].max().sort_values(ascending=False, kind="stable")
    keep = set(biggest.index[:limit])
    return [d for d in order if d in keep]


def comparison_figures(comparison: Comparison) -> dict[str, go.Figure]:
    """A comparison's figures by name: 'relations' (bands overlaid), 'end_states'
    (grouped bars; if any end-state), 'differences' (heatmap; if any shared dyad) and
    'blocs' (Sankey of bloc partitions, start to end)."""
    c = comparison
    colors = scenario_colors(c.labels)
    figs: dict[str, go.Figure] = {}
    if len(c.bands):
        bounds = c.entries[0].scenario.bands
        # The scenarios share their dates (compare refuses others): one period per step.
        labels = step_labels_of(c.view(0))
        bands = c.bands.assign(period=[labels[k] for k in c.bands["step"]])
        figs["relations"] = compare_bands_figure(
            bands, c.labels, colors, c.names, bounds, panel_dyads(c)
        )
    if len(c.end_states):
        figs["end_states"] = compare_end_states_figure(c.end_states, c.labels, colors)
    if len(c.differences):
        figs["differences"] = difference_heatmap(c.differences, c.names, c.reference)
    figs["blocs"] = bloc_sankey_figure(c.transitions, c.labels, TOP_PARTITIONS)
    return figs


__all__ = [
    "bloc_sankey_figure",
    "compare_bands_figure",
    "compare_end_states_figure",
    "comparison_figures",
    "difference_heatmap",
    "panel_dyads",
    "scenario_colors",
]
