"""The alignment network: actors on a circle, sized by capability share, joined by edges
coloured from red (hostile) through grey (hedging) to blue (allied) and as thick as the
relation is strong.

- :func:`network_figure`: the network at one moment;
- :func:`network_pair_figure`: start and end side by side;
- :func:`median_matrix` / :func:`median_relations`: the (N, N) median relations a
  network shows, from per-replicate relations or from the trajectories frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.model.bands import BandBounds, band_of
from sim.present.colors import RELATION_COLORSCALE, relation_color
from sim.present.figure_data import figure_from
from sim.present.labels import label_text
from sim.present.panel_grid import Panels
from sim.present.relations import default_bands
from sim.scenario.dyads import dyad_label


def circle_layout(n: int) -> np.ndarray:
    """(n, 2) positions on the unit circle, first actor at the top, clockwise."""
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / max(n, 1)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _network_traces(
    rel: np.ndarray,
    ids: Sequence[str],
    names: Sequence[str],
    sizes: Sequence[float],
    bands: BandBounds,
    showscale: bool,
) -> list[dict[str, Any]]:
    """The scatter traces (dicts) of a network: one line per edge, then the edges'
    midpoints (hover text, colour bar), then the actors."""
    rel = np.asarray(rel, dtype=np.float64)
    n = len(ids)
    if rel.shape != (n, n):
        raise ValueError(f"relations should be ({n}, {n}), got {rel.shape}")
    pos = circle_layout(n)
    traces: list[dict[str, Any]] = []
    mid_x, mid_y, mid_v, mid_text = [], [], [], []
    for i in range(n):
        for j in range(i + 1, n):
            v = rel[i, j]
            if not np.isfinite(v):
                continue
            traces.append(
                {
                    "type": "scatter",
                    "x": [pos[i, 0], pos[j, 0]],
                    "y": [pos[i, 1], pos[j, 1]],
                    "mode": "lines",
                    "line": {"color": relation_color(v), "width": 1 + 9 * abs(v)},
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "name": dyad_label(ids, i, j),
                }
            )
            mid_x.append((pos[i, 0] + pos[j, 0]) / 2)
            mid_y.append((pos[i, 1] + pos[j, 1]) / 2)
            mid_v.append(v)
            band = band_of(v, bands).item()
            mid_text.append(
                f"{label_text(names[i])} – {label_text(names[j])}<br>relation {v:+.2f} ({band})"
            )
    traces.append(
        {
            "type": "scatter",
            "x": mid_x,
            "y": mid_y,
            "mode": "markers",
            "marker": {
                "size": 9,
                "color": mid_v,
                "colorscale": RELATION_COLORSCALE,
                "cmin": -1,
                "cmax": 1,
                "line": {"color": "white", "width": 1},
                "showscale": showscale,
                "colorbar": {
                    "title": {"text": "relation"},
                    "tickvals": [-1, -0.5, 0, 0.5, 1],
                    "ticktext": ["-1 hostile", "-0.5", "0 hedging", "+0.5", "+1 allied"],
                    "len": 0.8,
                },
            },
            "text": mid_text,
            "hovertemplate": "%{text}<extra></extra>",
            "showlegend": False,
            "name": "relations",
        }
    )
    s = np.asarray(sizes, dtype=np.float64)
    smax = s.max() if s.size and s.max() > 0 else 1.0
    traces.append(
        {
            "type": "scatter",
            "x": pos[:, 0],
            "y": pos[:, 1],
            "mode": "markers+text",
            "marker": {
                "size": 26 + 44 * np.sqrt(s / smax),
                "color": "#f4f1ea",
                "line": {"color": "#333", "width": 1.5},
            },
            "text": [label_text(i) for i in ids],
            "textfont": {"size": 12, "color": "#111"},
            "customdata": [[label_text(nm), float(sh)] for nm, sh in zip(names, s, strict=True)],
            "hovertemplate": "%{customdata[0]}<br>capability share %{customdata[1]:.1%}"
            "<extra></extra>",
            "showlegend": False,
            "name": "actors",
        }
    )
    return traces


def _style_network_axes(layout: dict[str, Any], count: int) -> None:
    """Hide the axes of the ``count`` panels of ``layout`` and keep each circle round."""
    for k in range(1, count + 1):
        suffix = "" if k == 1 else str(k)
        layout[f"xaxis{suffix}"] = layout.get(f"xaxis{suffix}", {}) | {
            "visible": False,
            "range": [-1.4, 1.4],
        }
        layout[f"yaxis{suffix}"] = layout.get(f"yaxis{suffix}", {}) | {
            "visible": False,
            "range": [-1.4, 1.4],
            "scaleanchor": f"x{suffix}",
            "scaleratio": 1,
        }


def network_figure(
    relations_median: Any,
    ids: Sequence[str],
    names: Sequence[str],
    sizes: Sequence[float],
    title: str,
    bands: BandBounds | None = None,
) -> go.Figure:
    """The alignment network at one moment.

    ``relations_median`` is an (N, N) symmetric matrix (e.g. the median across replicates),
    ``sizes`` the capability shares (node size). Edges: colour from red (hostile) via grey
    (hedging) to blue (allied), width by |relation|; hovering an edge's midpoint shows
    the value and its band. Traces: one line per edge, then the midpoints, then the nodes.
    """
    b = default_bands(bands)
    traces = _network_traces(relations_median, ids, names, sizes, b, showscale=True)
    layout: dict[str, Any] = {
        "title": {"text": label_text(title)},
        "height": 480,
        "margin": {"t": 60, "l": 10, "r": 10, "b": 10},
        "hovermode": "closest",
    }
    _style_network_axes(layout, 1)
    return figure_from(traces, layout, "plotly_white")


def network_pair_figure(
    start: Any,
    end: Any,
    ids: Sequence[str],
    names: Sequence[str],
    sizes: Sequence[float],
    titles: tuple[str, str] = ("Start", "End (median of replicates)"),
    bands: BandBounds | None = None,
) -> go.Figure:
    """Two alignment networks side by side, start and end (see :func:`network_figure`)."""
    b = default_bands(bands)
    panels = Panels.grid(1, 2, [label_text(t) for t in titles], horizontal_spacing=0.06)
    for col, rel in ((1, start), (2, end)):
        for trace in _network_traces(rel, ids, names, sizes, b, showscale=col == 2):
            panels.add_trace(trace, 1, col)
    _style_network_axes(panels.layout, 2)
    panels.layout |= {
        "title": {"text": "Alignment network"},
        "height": 500,
        "margin": {"t": 80, "l": 10, "r": 10, "b": 10},
        "hovermode": "closest",
    }
    return panels.figure("plotly_white")


def median_matrix(values: np.ndarray, n: int, dyads: Sequence[tuple[int, int]]) -> np.ndarray:
    """(N, N) median across replicates of (R, D) relations (diagonal NaN)."""
    med = np.median(np.asarray(values, dtype=np.float64), axis=0)
    out = np.full((n, n), np.nan)
    for k, (i, j) in enumerate(dyads):
        out[i, j] = out[j, i] = med[k]
    return out


def median_relations(traj: pd.DataFrame, ids: Sequence[str], step: int) -> np.ndarray:
    """(N, N) median relation across replicates at ``step`` (diagonal NaN)."""
    at = traj[traj["step"] == step]
    med = at.groupby(["actor_a", "actor_b"], observed=True)["relation"].median()
    index = {a: k for k, a in enumerate(ids)}
    out = np.full((len(ids), len(ids)), np.nan)
    for (a, b), v in med.items():
        i, j = index[str(a)], index[str(b)]
        out[i, j] = out[j, i] = v
    return out
