"""Plotly figures made from plain data: :func:`figure_from`, with the house template.

Plotly's graph objects validate and deep-copy a figure at every step (each trace made,
each ``update_layout``, ``add_hline`` ..., and the template again each time it is
named); built so, the run report's figures took seconds. The figures here are written
as the data plotly makes of them (what ``Figure.to_dict`` gives: nested dicts, ``title``
as ``{"text": ...}``, the template in full) and wrapped once, unvalidated (plotly's
``_validate=False``, the path it takes itself for its templates). Tests validate every
report figure in full (``go.Figure(fig.to_dict())``), so a misspelt key still fails.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

HOUSE_TEMPLATE = "plotly_white"
"""The template of the figures of the pages."""


@cache
def _template_json(name: str) -> str:
    # plotly's own file of the template is what pio.templates[name] holds, without the
    # Template object pio builds of it; a template registered at run time has no file.
    path = files("plotly") / "package_data" / "templates" / f"{name}.json"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    return json.dumps(pio.templates[name].to_plotly_json())


def template(name: str | None = HOUSE_TEMPLATE) -> dict[str, Any]:
    """A fresh copy of a plotly template as data (what ``layout.template`` holds); None:
    plotly's default template, the one a figure that names none gets."""
    return json.loads(_template_json(name or str(pio.templates.default)))


def figure_from(
    data: list[dict[str, Any]], layout: dict[str, Any], template_name: str | None = HOUSE_TEMPLATE
) -> go.Figure:
    """A figure of traces ``data`` (dicts with their ``type``) and ``layout``, unvalidated,
    with the template ``template_name`` (None: plotly's default)."""
    layout = {**layout, "template": template(template_name)}
    return go.Figure({"data": data, "layout": layout}, _validate=False)
