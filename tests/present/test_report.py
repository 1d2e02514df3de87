"""Figures have the expected traces; the HTML report is self-contained and escaped."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import plotly.graph_objects as go
from factories import baseline
from plotly.offline import get_plotlyjs

from sim.api import RunResult
from sim.model.model import HISTOGRAM_EDGES, AlignmentModel
from sim.present.colors import relation_color
from sim.present.end_states import end_state_figure
from sim.present.network import network_figure, network_pair_figure
from sim.present.relations import histogram_relation_quantiles, relation_bands_figure
from sim.present.report import write_report
from sim.present.run_figures import build_figures
from sim.results.frames import dyad_end_table, outcome_table, trajectories_frame

INJECTION = "<script>alert('x')</script>"


def test_relation_bands_figure(fake_model) -> None:
    traj = trajectories_frame(fake_model)
    fig = relation_bands_figure(traj, fake_model.spec.bands, {"RUS": "Russia"})
    d = len(fake_model.dyads)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 3 * d  # 90% band, 50% band, median per dyad
    names = [t.name for t in fig.data[:3]]
    assert names == ["90% of replicates", "50% of replicates", "median"]
    assert sum(bool(t.showlegend) for t in fig.data) == 3  # one legend entry each
    medians = [t for t in fig.data if t.name == "median"]
    assert all(len(t.x) == fake_model.history.shape[0] for t in medians)
    # the median of the first dyad at the last step is the median over replicates
    assert np.isclose(medians[0].y[-1], np.median(fake_model.history[-1, :, 0]))
    # 4 faint band lines on every panel, y axis -1..1
    assert len(fig.layout.shapes) == 4 * d
    assert tuple(fig.layout.yaxis.range) == (-1.02, 1.02)
    titles = [a.text for a in fig.layout.annotations]
    assert "United States – China" not in titles  # names only where given
    assert "CHN – Russia" in titles


def test_network_figure_edges_nodes_and_colours() -> None:
    rel = np.array([[np.nan, 0.9, -0.9], [0.9, np.nan, 0.0], [-0.9, 0.0, np.nan]])
    fig = network_figure(rel, ["A", "B", "C"], ["Alpha", "Beta", "Gamma"], [0.5, 0.3, 0.2], "t")
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == 3  # one per pair
    assert len(fig.data) == 3 + 2  # + edge midpoints + nodes
    assert lines[0].line.color == relation_color(0.9)  # A-B allied: blue
    assert lines[1].line.color == relation_color(-0.9)  # A-C hostile: red
    assert lines[0].line.width > lines[2].line.width  # stronger relation, thicker line
    red, blue = relation_color(-1), relation_color(1)
    assert red == "rgb(178, 24, 43)" and blue == "rgb(33, 102, 172)"
    nodes = fig.data[-1]
    assert nodes.marker.size[0] > nodes.marker.size[2]  # bigger capability, bigger node
    assert any("relation +0.90 (allied)" in t for t in fig.data[-2].text)


def test_network_pair_figure_two_panels() -> None:
    rel = np.zeros((3, 3))
    fig = network_pair_figure(rel, rel, ["A", "B", "C"], ["a", "b", "c"], [1, 1, 1])
    assert {t.xaxis for t in fig.data} == {"x", "x2"}
    assert sum(1 for t in fig.data if getattr(t.marker, "showscale", None)) == 1


def test_end_state_figure(small_scenario, fake_model) -> None:
    table = outcome_table(small_scenario, fake_model)
    fig = end_state_figure(table)
    assert len(fig.data) == 1 and fig.data[0].type == "bar"
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == list(table["outcome"])
    assert np.allclose(bar.x, table["probability"])
    assert np.allclose(np.asarray(bar.x) + bar.error_x.array, table["ci_high"])
    assert np.allclose(np.asarray(bar.x) - bar.error_x.arrayminus, table["ci_low"])


def _report(tmp_path, scenario, model, **kw) -> str:
    traj = trajectories_frame(model)
    path = write_report(
        tmp_path / "report.html",
        scenario,
        model,
        traj,
        outcome_table(scenario, model),
        dyad_end_table(model, scenario),
        **kw,
    )
    return path.read_text(encoding="utf-8")


def test_report_self_contained(tmp_path, small_scenario, fake_model) -> None:
    html = _report(tmp_path, small_scenario, fake_model)
    js = get_plotlyjs()
    assert html.count(js) == 1  # plotly.js embedded exactly once
    assert html.count("Plotly.newPlot(") == 4  # relations, network, end-states, events
    assert "<script src=" not in html.lower()
    # plotly.js itself carries default URLs in its config (topojsonURL ...); outside the
    # bundle, nothing may point at a CDN or load anything external
    rest = html.replace(js, "")
    assert "cdn." not in rest
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", rest, re.I)
    assert "<!doctype html>" in html.lower()
    assert "Dyads at the end" in html and "End-states" in html


def test_report_escapes_user_text(tmp_path, small_scenario, fake_model) -> None:
    s = small_scenario.model_copy(deep=True)
    s.name = f"evil{INJECTION}"
    s.description = f"desc {INJECTION}"
    s.actors["RUS"].name = f"Russia{INJECTION}"
    s.outcomes["entente"].description = f"outcome {INJECTION}"
    fake_model.actor_names = [a.name for a in s.actors.values()]
    html = _report(tmp_path, s, fake_model)
    rest = html.replace(get_plotlyjs(), "")
    assert "alert('x')</script>" not in rest
    assert "<script>alert" not in rest
    # the page escapes by autoescape (markupsafe writes ' as &#39;) ...
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    assert f"<h1>Scenario: evil{escaped}</h1>" in rest
    assert f"<title>evil{escaped} – alignment scenario report</title>" in rest
    assert f"desc {escaped}" in rest and f"outcome {escaped}" in rest
    assert f"<td>China – Russia{escaped}</td>" in rest
    # ... and the figures' labels, which plotly renders as HTML, by label_text
    assert "Russia&lt;script&gt;alert(&#x27;x&#x27;)" in rest


def test_report_without_outcomes(tmp_path, small_scenario, fake_model) -> None:
    s = small_scenario.model_copy(update={"outcomes": {}})
    html = _report(tmp_path, s, fake_model)
    assert "defines no named end-states" in html
    assert html.count("Plotly.newPlot(") == 3


def test_run_result_figures(small_scenario, fake_model) -> None:
    result = RunResult(small_scenario, fake_model, None, dt.datetime.now(), dt.datetime.now())
    figs = result.figures()
    built = {"relations", "network", "end_states", "events"}
    insights = {"why", "landscape_start", "landscape_end"}
    assert set(figs) == built | insights
    # a RunResult draws from its ensemble (histograms, start and end relations)
    point = result.ensemble.point(0)
    expected = build_figures(small_scenario, point, None, result.outcomes)
    assert {k: figs[k] for k in built} == expected
    why = figs["why"]
    assert len(why.data) == 2 * 3 * 2  # 3 actors, 2 partners each, first and last step
    assert sum(bool(t.visible) for t in why.data) == 1


def test_relation_bands_from_histograms_match_the_trajectories(small_scenario) -> None:
    """On the 0.05 lattice the histogram quantiles are numpy's inverted-CDF quantiles."""
    model = AlignmentModel(small_scenario, replicates=40, seed=2).run()
    from_hist = build_figures(small_scenario, model, None, outcome_table(small_scenario, model))
    q = histogram_relation_quantiles(
        model.histograms, HISTOGRAM_EDGES, model.dates, model.actor_ids, model.dyads
    )
    assert len(q) == 9 * 3
    medians = [t for t in from_hist["relations"].data if t.name == "median"]
    hist = model.history
    for k, trace in enumerate(medians):
        expected = np.quantile(hist[:, :, k], 0.5, axis=1, method="inverted_cdf")
        np.testing.assert_allclose(trace.y, expected, atol=1e-9)
    assert len(from_hist["relations"].data) == 3 * 3


def test_report_without_trajectories(tmp_path, small_scenario) -> None:
    """The report of an ensemble point needs no trajectories frame (any record mode)."""
    model = AlignmentModel(small_scenario, replicates=30, seed=2, record="outcomes").run()
    path = write_report(
        tmp_path / "r.html",
        small_scenario,
        model,
        None,
        outcome_table(small_scenario, model),
        dyad_end_table(model, small_scenario),
        run_info={"record": "outcomes", "chunk_size": 1000},
    )
    html = path.read_text()
    assert html.count("Plotly.newPlot(") == 4
    assert "start and end (outcomes)" in html and "1,000 replicates" in html


def test_every_report_figure_passes_plotly_validation(small_scenario, fake_model) -> None:
    # Figures built from plain data skip plotly's validation (sim.present.figure_data);
    # validating each in full here is what still catches a misspelt key or a bad value.
    result = RunResult(small_scenario, fake_model, None, dt.datetime.now(), dt.datetime.now())
    for name, figure in result.figures().items():
        validated = go.Figure(figure.to_dict())  # raises on a key or value plotly rejects
        assert len(validated.data) == len(figure.data), name


def test_the_report_names_the_quarter_an_event_falls_in(tmp_path) -> None:
    """An event at 2016-07-01 of quarterly steps from 2014-01-01 fires at step 11, the
    step of 2016-Q3; the model's date of that step is 2016-10-01, the day after it, which
    the report must not show as when the event fired."""
    summit = {"description": "A July summit.", "at": dt.date(2016, 7, 1)}
    summit["add"] = {"actors.CHN.assertiveness": 0.05}
    scenario = baseline({"run.steps": 12, "events": {"summit": summit}})
    model = AlignmentModel(scenario, replicates=8, seed=3).run()
    html = _report(tmp_path, scenario, model).replace(get_plotlyjs(), "")
    assert '<td class="num">2016-Q3 (step 11)</td>' in html
    assert "first fired in (median)" in html and "2016-10-01 (step" not in html
    assert "12 of 3 months, 2014-Q1 to 2016-Q4" in html  # the run table

    figures = build_figures(scenario, model, None, outcome_table(scenario, model))
    (line,) = figures["events"].data
    x = [np.datetime64(v, "D") for v in line.x]
    # the share rises where the event applies, at the start of its step: 2016-07-01
    rise = next(k for k, share in enumerate(line.y) if share > 0)
    assert x[rise] == np.datetime64("2016-07-01") and line.y[rise] == 1.0
    assert line.customdata[rise][0] == "by 2016-Q3"
    assert line.customdata[rise - 1][0] == "by 2016-Q2" and line.y[rise - 1] == 0.0
    # relations are read at the end of their step, and the hover says which
    median = next(t for t in figures["relations"].data if t.name == "median")
    assert median["customdata"][11][2] == "end of 2016-Q3"
    assert median["customdata"][0][2] == "start"
    assert "(%{x|%Y-%m-%d})" in median["hovertemplate"]
    assert figures["network"].layout.annotations[1].text.startswith("End of 2016-Q4 (2017-01-01")
