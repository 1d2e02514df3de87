"""A Plotly figure of a landscape's minima (pure: result in, figure out)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from sim.analysis.landscape.output import to_dict
from sim.present.labels import label_text
from sim.present.panel_grid import Panels

if TYPE_CHECKING:
    from sim.analysis.landscape.search import LandscapeResult


#: Characters per line of the words under the title.
WRAP = 120


def _label(m: Mapping[str, Any]) -> str:
    a, b = m["blocs"]
    text = f"{' '.join(a) or '-'} | {' '.join(b) or '-'}"
    neutral = m.get("neutral") or []
    return f"{text} / neutral: {' '.join(neutral)}" if neutral else text


def landscape_figure(
    result: LandscapeResult | Mapping[str, Any], top: int = 20, words: Sequence[str] = ()
) -> go.Figure:
    """The local minima as bars: energy (top panel) and basin share (bottom panel).

    ``result`` is a :class:`~sim.analysis.landscape.LandscapeResult` or its JSON mapping
    (:func:`~sim.analysis.landscape.to_dict`). Minima are in order of energy, lowest (the global
    minimum) first; at most ``top`` are drawn. Every bar is labelled with its value, an
    energy of 0 too (it has no bar to write on). Hovering shows the blocs and each actor's
    frustration. ``words`` (sentences, e.g. from
    :func:`sim.analysis.landscape.reading.reading`) are written under the title.
    """
    data = result if isinstance(result, Mapping) else to_dict(result, include_all=False)
    minima = list(data["minima"])[:top]
    labels = [_label(m) for m in minima]
    # The blocs name each bar on the axis: a minimum at energy 0 has no bar to write on.
    names = [f"#{k}: {label}" for k, label in enumerate(labels, start=1)]
    hover = []
    for m, label in zip(minima, labels, strict=True):
        frus = "<br>".join(f"{i}: {v:+.4g}" for i, v in m["frustration"].items())
        hover.append(f"{label}<br>energy {m['energy']:+.4g}<br>frustration<br>{frus}")
    share_of = data.get("basin_share_of", "configurations")
    panels = Panels.grid(
        2,
        1,
        ("energy (lower is more stable)", f"basin share (of {share_of})"),
        shared_xaxes=True,
        vertical_spacing=0.08,
    )
    bar = {"type": "bar", "x": names, "textposition": "outside", "cliponaxis": False}
    panels.add_trace(
        bar
        | {
            "y": [m["energy"] for m in minima],
            "text": [f"{m['energy']:+.3g}" for m in minima],
            "hovertext": hover,
            "hoverinfo": "text",
            "marker": {"color": "#4c78a8"},
            "name": "energy",
        },
        1,
        1,
    )
    panels.add_trace(
        bar
        | {
            "y": [m["basin_share"] for m in minima],
            "text": [f"{m['basin_share']:.1%}" for m in minima],
            "hovertext": labels,
            "hoverinfo": "text",
            "marker": {"color": "#f58518"},
            "name": "basin share",
        },
        2,
        1,
    )
    panels.layout["yaxis2"]["tickformat"] = ".0%"
    positions = data.get("positions", "two blocs")
    open_to = data.get("neutral_actors") or []
    if open_to and len(open_to) < len(data.get("actors", open_to)):  # neutral for some only
        positions += f", open to {' '.join(open_to)} only"
    title: dict[str, Any] = {
        "text": (
            f"Landscape: {len(data['minima'])} local minima over {data['configurations']:,} "
            f"configurations ({positions}; {data['method']})"
        )
    }
    panels.layout |= {"title": title, "showlegend": False, "bargap": 0.3}
    if words:
        # plotly does not wrap a subtitle: wrap it here, each sentence on lines of its own.
        lines = [label_text(line) for w in words for line in textwrap.wrap(w, WRAP)]
        title["subtitle"] = {"text": "<br>".join(lines)}
        panels.layout["margin"] = {"t": 110 + 18 * len(lines)}
    # No template named: plotly's default, as the figure always had.
    return panels.figure(None)
