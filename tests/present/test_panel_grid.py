"""Panels made as plain data are the figures plotly's make_subplots makes."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from sim.present.panel_grid import Panels


def _plain(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


@pytest.mark.parametrize(
    ("rows", "cols", "titles", "shared", "hs", "vs"),
    [
        (2, 3, ["a", "b", "", "d"], True, 0.04, 0.12),
        (5, 3, [f"p{k}" for k in range(15)], True, 0.04, 0.1),
        (2, 1, ["energy", "share"], False, None, 0.08),
        (1, 2, ["start", "end"], False, 0.06, None),
        (3, 4, [], False, None, None),
    ],
)
def test_the_grid_is_make_subplots_layout(rows, cols, titles, shared, hs, vs) -> None:
    expected = make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes=True if rows == 2 and cols == 1 else shared,
        shared_yaxes=shared,
        subplot_titles=titles or None,
        horizontal_spacing=hs,
        vertical_spacing=vs,
    )
    panels = Panels.grid(
        rows,
        cols,
        titles,
        shared_xaxes=True if rows == 2 and cols == 1 else shared,
        shared_yaxes=shared,
        horizontal_spacing=hs,
        vertical_spacing=vs,
    )
    assert _plain(panels.figure(None)) == _plain(expected)


def test_traces_and_lines_land_where_add_trace_and_add_hline_put_them() -> None:
    rows, cols = 4, 3  # more than nine panels: axis ids sort differently from the grid
    expected = make_subplots(rows=rows, cols=cols)
    panels = Panels.grid(rows, cols)
    for k, (r, c) in enumerate([(1, 1), (1, 3), (3, 2), (4, 1), (4, 3)]):
        expected.add_trace(go.Scatter(x=[0, 1], y=[k, k], name=str(k)), row=r, col=c)
        panels.add_trace({"type": "scatter", "x": [0, 1], "y": [k, k], "name": str(k)}, r, c)
    for y in (-0.5, 0.5):
        expected.add_hline(y=y, row="all", col="all", line={"color": "#888", "dash": "dot"})
        panels.add_hline(y, {"color": "#888", "dash": "dot"})
    expected.update_yaxes(range=[-1, 1])
    panels.update_axes("y", {"range": [-1, 1]})
    for r in range(1, rows + 1):
        expected.update_yaxes(title_text="relation", row=r, col=1)
        panels.update_axes("y", {"title": {"text": "relation"}}, row=r)
    assert panels.axes(3, 2) == ("x8", "y8")
    assert _plain(panels.figure(None)) == _plain(expected)
