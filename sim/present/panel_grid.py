"""A grid of panels as plain plotly data (:class:`Panels`): what ``make_subplots`` and
``add_trace(row=, col=)`` make, without plotly's validation at every step.

Panels are numbered as plotly numbers them, row by row from the top left: the panel in
row r and column c (from 1) draws on axes ``x{k}`` / ``y{k}``, k = (r - 1) * columns + c
(the first is plain ``x`` / ``y``). The layout holds each panel's axes (their domain,
anchor and, when shared, the axis they match) and the subplot titles as annotations,
with the numbers ``make_subplots`` gives them; :func:`sim.present.figure_data.figure_from`
makes the figure once, at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from sim.present.figure_data import HOUSE_TEMPLATE, figure_from

SUBPLOT_TITLE_FONT = {"size": 16}
"""The font of plotly's subplot titles."""


def _suffix(k: int) -> str:
    return "" if k == 1 else str(k)


def _domains(count: int, spacing: float) -> list[list[float]]:
    """Start and end of ``count`` equal cells from 0 to 1 with ``spacing`` between them,
    summed as plotly sums them (so the numbers are its own to the last bit)."""
    size = (1.0 - spacing * (count - 1)) / count
    sizes = [size] * count
    starts = [sum(sizes[:k]) + k * spacing for k in range(count)]
    return [[start, start + size] for start in starts]


def _clamped(v: float) -> float:
    # make_subplots rounds a domain bound a rounding error outside [0, 1] to the edge.
    return 0.0 if -0.01 < v < 0.0 else 1.0 if 1.0 < v < 1.01 else v


@dataclass
class Panels:
    """A ``rows`` x ``columns`` grid of panels: the traces (dicts with their ``type``)
    and the layout made so far; :meth:`figure` makes the plotly figure."""

    rows: int
    columns: int
    data: list[dict[str, Any]] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def grid(
        cls,
        rows: int,
        columns: int,
        titles: Sequence[str] = (),
        *,
        shared_xaxes: bool = False,
        shared_yaxes: bool = False,
        horizontal_spacing: float | None = None,
        vertical_spacing: float | None = None,
    ) -> Panels:
        """The empty grid ``make_subplots(rows, cols, ...)`` makes with these arguments:
        shared x axes match the bottom panel of their column and hide their tick labels,
        shared y axes the first panel of their row; each non-empty title is written
        above its panel (row by row from the top left)."""
        hs = 0.2 / columns if horizontal_spacing is None else horizontal_spacing
        vs = 0.3 / rows if vertical_spacing is None else vertical_spacing
        xs = _domains(columns, hs)
        # Rows are laid from the bottom up: the top row has the highest domain.
        ys = _domains(rows, vs)[::-1]
        layout: dict[str, Any] = {}
        annotations = []
        for r in range(rows):
            for c in range(columns):
                k = r * columns + c + 1
                x_domain = [_clamped(v) for v in xs[c]]
                y_domain = [_clamped(v) for v in ys[r]]
                layout[f"xaxis{_suffix(k)}"] = {"anchor": f"y{_suffix(k)}", "domain": x_domain}
                layout[f"yaxis{_suffix(k)}"] = {"anchor": f"x{_suffix(k)}", "domain": y_domain}
                if shared_xaxes and r < rows - 1:
                    below = (rows - 1) * columns + c + 1
                    layout[f"xaxis{_suffix(k)}"] |= {
                        "matches": f"x{_suffix(below)}",
                        "showticklabels": False,
                    }
                if shared_yaxes and c > 0:
                    layout[f"yaxis{_suffix(k)}"] |= {
                        "matches": f"y{_suffix(r * columns + 1)}",
                        "showticklabels": False,
                    }
                if k <= len(titles) and titles[k - 1]:
                    annotations.append(
                        {
                            "font": dict(SUBPLOT_TITLE_FONT),
                            "showarrow": False,
                            "text": titles[k - 1],
                            "x": sum(x_domain) / 2.0,
                            "xanchor": "center",
                            "xref": "paper",
                            "y": y_domain[1],
                            "yanchor": "bottom",
                            "yref": "paper",
                        }
                    )
        if annotations:
            layout["annotations"] = annotations
        return cls(rows, columns, [], layout)

    def axes(self, row: int, col: int) -> tuple[str, str]:
        """The x and y axis ids of the panel in ``row`` and ``col`` (from 1): 'x2', 'y2'."""
        k = (row - 1) * self.columns + col
        return f"x{_suffix(k)}", f"y{_suffix(k)}"

    def add_trace(self, trace: dict[str, Any], row: int, col: int) -> None:
        """Draw ``trace`` (a dict with its ``type``) in the panel in ``row`` and ``col``."""
        x, y = self.axes(row, col)
        self.data.append({**trace, "xaxis": x, "yaxis": y})

    def update_axes(self, letter: str, props: dict[str, Any], row: int | None = None) -> None:
        """Set ``props`` on every ``letter`` ('x' or 'y') axis, or on the first column's
        axis of ``row`` alone."""
        for r in range(1, self.rows + 1) if row is None else (row,):
            for c in range(1, self.columns + 1) if row is None else (1,):
                k = (r - 1) * self.columns + c
                self.layout[f"{letter}axis{_suffix(k)}"] |= props

    def add_hline(self, y: float, line: dict[str, Any]) -> None:
        """A horizontal line at ``y`` across every panel that has a trace, as
        ``add_hline(y, row="all", col="all")`` draws it."""
        drawn = {(t["xaxis"], t["yaxis"]) for t in self.data}
        panels = [
            self.axes(r, c)
            for r in range(1, self.rows + 1)
            for c in range(1, self.columns + 1)
            if self.axes(r, c) in drawn
        ]
        shapes = self.layout.setdefault("shapes", [])
        for x_axis, y_axis in panels:
            shapes.append(
                {
                    "type": "line",
                    "xref": f"{x_axis} domain",
                    "x0": 0,
                    "x1": 1,
                    "yref": y_axis,
                    "y0": y,
                    "y1": y,
                    "line": dict(line),
                }
            )

    def figure(self, template_name: str | None = HOUSE_TEMPLATE) -> go.Figure:
        """The plotly figure of these panels (see
        :func:`sim.present.figure_data.figure_from`)."""
        return figure_from(self.data, self.layout, template_name)
