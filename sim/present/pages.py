"""Self-contained HTML pages from Jinja2 templates (``sim/present/templates/``).

Every page extends ``base.html.j2`` and is rendered with autoescape on, so every value
from a scenario or from people is escaped where it is shown; a figure's HTML (plotly's
own output) is the one thing passed as :class:`markupsafe.Markup`, by :func:`figure`.
plotly.js is embedded once in the head when the page holds a figure, so pages open
offline.

- :func:`render_page`: a template and its values -> the whole page.
- :func:`render`: a template that is not a page of base.html.j2 (e.g. a bare chart page).
- :func:`figure`: a figure as a fragment that expects plotly.js on the page.
- the `signed` filter: a relation with its sign (:func:`sim.analysis.common.signed`).
- :func:`percent`: a share as a percentage, as the tables show it (also a filter).
- :func:`steps_text`: a run's steps and the periods they cover, for the pages' run tables.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from sim.analysis.common import signed
from sim.scenario.calendar import period_label

if TYPE_CHECKING:
    import plotly.graph_objects as go

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#222;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.description{font-size:1.05rem;color:#333;max-width:60rem;white-space:pre-line}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.summary td:first-child{color:#555}.muted{color:#777;font-size:.85rem}
"""


def percent(v: Any) -> str:
    """A share as a percentage with one decimal, '12.5%'; '' for None or NaN."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(x) else f"{x:.1%}"


def steps_text(start: dt.date, steps: int, step_months: int) -> str:
    """A run's steps and the periods they cover: '40 of 3 months, 2014-Q1 to 2023-Q4'
    (:func:`sim.scenario.calendar.period_label` of the first and the last step)."""
    unit = "month" if step_months == 1 else "months"
    first, last = period_label(start, 1, step_months), period_label(start, steps, step_months)
    span = first if steps == 1 else f"{first} to {last}"
    return f"{steps} of {step_months} {unit}, {span}"


def figure(fig: go.Figure, key: str) -> Markup:
    """A figure as an HTML fragment that expects plotly.js on the page.

    Plotly writes the figure's data as JSON inside a script; the labels in it are made
    safe where the figure is built (plotly renders label text as HTML).
    """
    return Markup(
        fig.to_html(
            full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id=f"figure-{key}"
        )
    )


def now_text() -> str:
    """The local time to the second, as the pages say when they were generated."""
    return dt.datetime.now().astimezone().isoformat("T", "seconds")


ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("sim.present", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a misspelt value is an error, not an empty cell
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters["signed"] = signed
ENVIRONMENT.filters["percent"] = percent


def render_page(template: str, *, title: str, plotly: bool = False, **values: Any) -> str:
    """The whole page ``template`` (a file in templates/) makes of ``values``.

    ``title`` is the page's title (escaped); ``plotly``: embed plotly.js (a page with a
    figure needs it); ``css`` may be given to replace the shared style sheet.
    """
    plotly_js = ""
    if plotly:
        from plotly.offline import get_plotlyjs

        plotly_js = Markup(get_plotlyjs())
    values.setdefault("css", Markup(CSS))
    return ENVIRONMENT.get_template(template).render(
        title=title, plotly_js=plotly_js, generated=now_text(), **values
    )


def render(template: str, **values: Any) -> str:
    """What ``template`` (a file in templates/) makes of ``values``, escaped like a page
    but without the page frame's values (title, style sheet, plotly.js, time)."""
    return ENVIRONMENT.get_template(template).render(**values)
