"""The page pieces: number formats, plotly label text, and a page's escaping."""

from __future__ import annotations

import math

from sim.analysis.common import signed
from sim.present.labels import label_text
from sim.present.pages import percent, render


def test_signed_and_percent_as_the_tables_show_them() -> None:
    assert signed(0.25) == "+0.25" and signed(-0.4) == "-0.40"
    assert signed(-0.0001) == "+0.00"  # never '-0.00'
    assert signed(-0.0004, 3) == "+0.000" and signed(0.1234, 3) == "+0.123"
    assert signed(math.nan) == "" and signed(None) == ""
    assert percent(0.125) == "12.5%" and percent(1) == "100.0%"
    assert percent(math.nan) == "" and percent(None) == ""


def test_label_text_makes_user_text_literal_in_plotly_labels() -> None:
    assert label_text("<b>Tokyo</b> & 'co'") == "&lt;b&gt;Tokyo&lt;/b&gt; &amp; &#x27;co&#x27;"
    assert label_text(3) == "3"


def test_a_template_escapes_every_value() -> None:
    page = render("chart.html.j2", title="<script>x</script>", figure="<div>")
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;div&gt;" in page  # only Markup (a figure's HTML from pages.figure) is raw
