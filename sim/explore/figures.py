"""What the explorer draws of a what-if against its base: relations, end-states, differences.

The figures are the comparison's own (:mod:`sim.present.compare_figures`), built from the
frames of a two-scenario :class:`~sim.analysis.comparison.Comparison`: the relation bands
of both overlaid, the end-state probabilities with their Wilson 95% intervals, and the
paired difference of every dyad's end relation from the base. The bloc Sankey of the
comparison page is left out: it is the slowest of them, and the page redraws on every
change.
"""

from __future__ import annotations

import plotly.graph_objects as go

from sim.analysis.comparison import Comparison
from sim.present.compare_figures import (
    compare_bands_figure,
    compare_end_states_figure,
    difference_heatmap,
    panel_dyads,
)
from sim.present.scenario_colors import scenario_colors
from sim.results.views import step_labels_of

FIGURES = ("relations", "end_states", "differences")
"""The explorer's figures, in the order the page shows them."""


def _nothing(title: str) -> go.Figure:
    """A figure that says there is nothing to draw (a scenario without end-states)."""
    fig = go.Figure()
    fig.update_layout(title={"text": title}, template="plotly_white", height=200)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def what_if_figures(comparison: Comparison) -> dict[str, go.Figure]:
    """The figures of ``comparison`` (the base first, then the what-if), by name."""
    c = comparison
    colors = scenario_colors(c.labels)
    periods = step_labels_of(c.view(0))
    bands = c.bands.assign(period=[periods[k] for k in c.bands["step"]])
    figures = {
        "relations": compare_bands_figure(
            bands, c.labels, colors, c.names, c.entries[0].scenario.bands, panel_dyads(c)
        )
    }
    if len(c.end_states):
        figures["end_states"] = compare_end_states_figure(c.end_states, c.labels, colors)
    else:
        figures["end_states"] = _nothing("This scenario names no end-states (outcomes)")
    figures["differences"] = difference_heatmap(c.differences, c.names, c.reference)
    return figures
