"""The pieces of the self-contained HTML pages: escaping, tables, CSS, figures, the page.

Every report (a run's, a comparison's, an analysis's, a workshop's after-action report)
is one HTML file that opens offline: plotly.js is embedded once, in the head, so that
every figure finds it whatever the order; nothing is loaded from the network; every
text that comes from a scenario or from people is escaped with :func:`esc`.

- :func:`esc`: text made safe for HTML and plotly labels.
- :func:`table_html` / :func:`summary_table`: a table whose every cell is escaped.
- :func:`figure_div`: a figure as a fragment that expects plotly.js on the page.
- :func:`html_page`: the whole page around fragments (already escaped).
- :func:`fmt_signed`: a relation with its sign, as the tables show it.

This module imports nothing of the simulator, so that any module may use it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

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


def esc(text: Any) -> str:
    """``text`` as a string safe to show in HTML and plotly labels (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def fmt_signed(v: Any, digits: int = 2) -> str:
    """A relation with its sign, '+0.25' / '-0.40'; never '-0.00'; '' for NaN."""
    import pandas as pd

    if pd.isna(v):
        return ""
    x = round(float(v), digits)
    return f"{x + 0.0 if x != 0 else 0.0:+.{digits}f}"


def table_html(
    header: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Collection[int] = ()
) -> str:
    """A table; every cell is escaped, the ``numeric`` columns are right-aligned. No
    head row when every header is empty."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    thead = f"<thead><tr>{head}</tr></thead>" if any(header) else ""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{esc(c)}</td>' if k in numeric else f"<td>{esc(c)}</td>"
            for k, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def summary_table(rows: Sequence[Sequence[Any]]) -> str:
    """A two-column key/value table without a head row (escaped)."""
    return table_html(["", ""], [[k, v] for k, v in rows]).replace(
        "<table>", '<table class="summary">', 1
    )


def figure_div(fig: go.Figure, key: str) -> str:
    """A figure as an HTML fragment that expects plotly.js on the page."""
    return fig.to_html(
        full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id=f"figure-{key}"
    )


def now_text() -> str:
    """The local time to the second, as the pages say when they were generated."""
    return dt.datetime.now().astimezone().isoformat("T", "seconds")


def generated_note(more: str = "") -> str:
    """The closing 'Generated <time> by alignsim.' line; ``more`` (HTML) follows it."""
    return f'<p class="muted">Generated {esc(now_text())} by alignsim.{more}</p>'


def html_page(
    title: str,
    body: Sequence[str],
    *,
    css: str = CSS,
    plotly: bool | None = None,
    footer: str | None = None,
) -> str:
    """A whole HTML page: the head (``title`` escaped, ``css``, plotly.js embedded once
    when ``plotly`` is true; None: only when a ``body`` fragment holds a figure), the
    ``body`` fragments (already escaped), then ``footer`` (default: :func:`generated_note`;
    '' for none)."""
    if plotly is None:
        plotly = any("Plotly.newPlot(" in part for part in body)
    if plotly:
        from plotly.offline import get_plotlyjs

        script = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    else:
        script = ""
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title>",
            f"<style>{css}</style>",
            script,
            "</head><body>",
            *body,
            *([generated_note()] if footer is None else [footer] if footer else []),
            "</body></html>",
        ]
    )
