"""Text shown inside a plotly figure: :func:`label_text`.

Plotly draws a figure's titles, axis titles, legend names, tick labels, annotations and
hover text as HTML (it understands ``<b>``, ``<br>``, ``<sup>`` ...). A name or a
description from a scenario or from people is therefore made safe before it goes into a
figure. The HTML pages themselves never need this: their templates escape every value
(autoescape); only figure labels do.
"""

from __future__ import annotations

import html
from typing import Any


def label_text(text: Any) -> str:
    """``text`` as a plotly label shows it literally: ``<``, ``>``, ``&`` and quotes
    escaped, so that a name like ``<script>`` is drawn, never run or parsed as markup."""
    return html.escape(str(text), quote=True)
