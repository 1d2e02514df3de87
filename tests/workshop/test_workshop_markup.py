"""The live parts as HTML (sim.workshop.web.markup): what Dash would draw, escaped."""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import pytest
from dash import dcc, html
from workshop_support import make_game, to_phase

from sim.workshop import Phase
from sim.workshop.web import layouts
from sim.workshop.web.components import PHASE_COLOURS
from sim.workshop.web.markup import to_html
from sim.workshop.web.views import screen

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted"'


def test_components_become_the_tags_and_bootstrap_classes_dash_draws():
    shown, figures = to_html(
        html.Div(
            [
                dbc.Card([dbc.CardHeader("T"), dbc.CardBody(["b"])], id="c1"),
                dbc.Alert("a", color="dark", id="al", class_name="ws-msg"),
                dbc.Badge("x", color="light", text_color="dark", class_name="ms-2"),
                dbc.Badge("y", color="success"),
                dbc.Table(html.Tbody(html.Tr(html.Td("1", colSpan=2))), size="sm", striped=True),
                html.Details([html.Summary("s"), html.P("p")], className="why", open=True),
                html.Div(style={"gridTemplateColumns": "1fr 1fr"}),
            ],
            id="root",
        )
    )
    # the classes chromium showed for the same components drawn by Dash and dbc 2
    assert shown == (
        '<div id="root"><div class="card" id="c1"><div class="card-header">T</div>'
        '<div class="card-body">b</div></div>'
        '<div class="ws-msg alert alert-dark" id="al" role="alert">a</div>'
        '<span class="ms-2 badge text-dark bg-light">x</span>'
        '<span class="badge bg-success">y</span>'
        '<table class="table table-sm table-striped"><tbody><tr><td colspan="2">1</td></tr>'
        "</tbody></table>"
        '<details class="why" open><summary>s</summary><p>p</p></details>'
        '<div style="grid-template-columns: 1fr 1fr"></div></div>'
    )
    assert figures == {}


def test_words_and_attributes_are_escaped():
    shown, _ = to_html(
        html.Li([html.B(HOSTILE), html.Div(HOSTILE, title=HOSTILE, **{"data-order": HOSTILE})])
    )
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;" in shown and "&amp;" in shown
    assert 'title="&lt;script&gt;alert(&#34;x&#34;)' in shown  # quotes cannot end an attribute


def test_a_chart_is_a_place_and_a_figure():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    shown, figures = to_html(html.Div(dcc.Graph(id="g1", figure=fig)))
    assert shown == '<div><div id="g1" class="ws-graph"></div></div>'
    assert json.loads(figures["g1"])["data"][0]["y"] == [3, 4]


@pytest.mark.parametrize(
    "component",
    [
        html.Div(contentEditable="true"),  # not an attribute the parts use: refused, not dropped
        html.A("x", href="javascript:alert(1)"),
        dbc.Progress(value=3),
        dcc.Input(id="i"),
        dcc.Graph(figure=go.Figure()),  # a chart without an id has no place
        object(),
    ],
)
def test_what_it_does_not_know_is_refused(component):
    with pytest.raises(ValueError, match=r"cannot|needs"):
        to_html(component)


def test_every_role_s_parts_become_html_through_a_turn(tmp_path):
    game = make_game(tmp_path)
    for phase in (Phase.PLANNING, Phase.LOCKED, Phase.ADJUDICATION):
        to_phase(game, phase)
        if phase is Phase.PLANNING:
            game.submit_move("team:JPN", "JPN", "engage", "RUS", None, HOSTILE)
        for role in ("control", "team:JPN", "team:RUS", "observer", "projector"):
            shown = screen(game, role)
            assert (shown.turn, shown.phase) == (game.turn, phase.value)
            view = shown.parts
            assert set(view) == set(layouts.PARTS)
            sent = "".join(p.sent for p in view.values())
            assert "<script>" not in sent and "<img" not in sent
            header = json.loads(view["header"].sent)["html"]
            assert f'bg-{PHASE_COLOURS[phase.value]}">{phase.value}</span>' in header
    game.close()
