"""One colour per compared scenario, the reference first: :func:`scenario_colors`."""

from __future__ import annotations

from collections.abc import Sequence

from plotly.colors import hex_to_rgb

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


def scenario_colors(labels: Sequence[str]) -> dict[str, str]:
    """Label -> colour (hex), in order, from :data:`PALETTE`."""
    return {label: PALETTE[k % len(PALETTE)] for k, label in enumerate(labels)}


def rgba(color: str, alpha: float) -> str:
    """'#1f3b73' -> 'rgba(31, 59, 115, 0.2)'."""
    r, g, b = hex_to_rgb(color)
    return f"rgba({r}, {g}, {b}, {alpha})"
