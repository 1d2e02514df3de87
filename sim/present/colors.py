"""The colours of a relation: red (hostile) through grey (hedging) to blue (allied).

Every figure that colours a relation uses this one scale, so that a colour means the
same value in the bands, the network and the comparison heatmap.
"""

from __future__ import annotations

from typing import Any

from plotly.colors import sample_colorscale

RELATION_COLORSCALE: list[list[Any]] = [
    [0.0, "#b2182b"],  # hostile: red
    [0.25, "#e58a6f"],
    [0.5, "#9e9e9e"],  # hedging: grey
    [0.75, "#6fa3d0"],
    [1.0, "#2166ac"],  # allied: blue
]
"""Diverging colours for a relation in [-1, 1] (position = (r + 1) / 2)."""

MEDIAN_COLOR = "#1f3b73"
"""The line of a median relation over time."""

BAND_FILL = {"90": "rgba(33, 102, 172, 0.15)", "50": "rgba(33, 102, 172, 0.32)"}
"""The fills of the bands holding 90% and 50% of the replicates."""

OBSERVED_COLOR = "#d95f02"
"""The line of an observed series drawn beside the model's (UN voting agreement)."""


def relation_color(value: float) -> str:
    """The colour of a relation on the red-grey-blue scale (an 'rgb(...)' string)."""
    v = min(1.0, max(-1.0, float(value)))
    return sample_colorscale(RELATION_COLORSCALE, [(v + 1.0) / 2.0])[0]
