"""The UN voting overlay: its figure (traces, labels, years) and the report's section."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import make_fake_model
from plotly.offline import get_plotlyjs

from sim.present.observed import (
    MODEL_NAME,
    UNGA_FIGURE,
    observed_change_figure,
    observed_label,
    observed_section,
    unga_overlay,
    years_text,
)
from sim.present.relations import relation_quantiles
from sim.present.report import write_report
from sim.present.run_figures import build_figures
from sim.results.frames import dyad_end_table, outcome_table, trajectories_frame

INJECTION = "<script>alert('x')</script>"
LABEL = "UN General Assembly voting agreement (change since 2013; a coarse proxy)"


def _asking(scenario):
    return scenario.model_copy(update={"observed": ["unga"]})


def _overlay(model):
    return unga_overlay(model.actor_ids, model.dates)


def test_the_figure_draws_model_and_observed_changes_per_dyad(fake_model) -> None:
    observed = _overlay(fake_model)
    quantiles = relation_quantiles(trajectories_frame(fake_model))
    fig = observed_change_figure(observed, quantiles, {"RUS": "Russia"})
    # the small run's three dyads are all in the data: four traces per panel
    assert len(fig.data) == 3 * 4
    names = [t.name for t in fig.data[:4]]
    assert names == ["90% of replicates", "50% of replicates", MODEL_NAME, LABEL]
    assert observed_label([2013]) == LABEL
    assert sum(bool(t.showlegend) for t in fig.data) == 4  # one legend entry each
    titles = [a.text for a in fig.layout.annotations]
    assert titles[:3] == ["USA – CHN", "USA – Russia", "CHN – Russia"]
    # the model's median change starts at 0 and is the median minus the start's median
    model_lines = [t for t in fig.data if t.name == MODEL_NAME]
    assert model_lines[0].y[0] == 0
    history = fake_model.history[:, :, 0]
    assert np.isclose(model_lines[0].y[-1], np.median(history[-1]) - np.median(history[0]))
    # the observed line: base year 2013, then the years inside the run (2014, 2015)
    seen = [t for t in fig.data if t.name == LABEL]
    years = [pd.Timestamp(x).year for x in seen[0].x]
    assert years == [2013, 2014, 2015]
    usa_chn = observed[(observed["actor_a"] == "USA") & (observed["actor_b"] == "CHN")]
    np.testing.assert_allclose(seen[0].y, usa_chn["change"])
    assert seen[0].y[0] == 0
    assert "change since 2013" in fig.layout.title.text


def test_the_figure_draws_the_median_alone_without_quantiles(fake_model) -> None:
    quantiles = relation_quantiles(trajectories_frame(fake_model))
    medians = quantiles[["actor_a", "actor_b", "step", "date", "p50"]]
    fig = observed_change_figure(_overlay(fake_model), medians)
    assert [t.name for t in fig.data[:2]] == [MODEL_NAME, LABEL]
    assert len(fig.data) == 3 * 2


def test_the_figure_escapes_names(fake_model) -> None:
    quantiles = relation_quantiles(trajectories_frame(fake_model))
    fig = observed_change_figure(_overlay(fake_model), quantiles, {"RUS": INJECTION})
    labels = [a.text for a in fig.layout.annotations]
    labels += [t.hovertemplate for t in fig.data if t.hovertemplate]
    assert not any("<script>" in text for text in labels)
    assert "USA – &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in labels


def test_build_figures_adds_the_overlay_only_when_asked(small_scenario, fake_model) -> None:
    traj = trajectories_frame(fake_model)
    outcomes = outcome_table(small_scenario, fake_model)
    plain = build_figures(small_scenario, fake_model, traj, outcomes)
    assert UNGA_FIGURE not in plain
    asked = _asking(small_scenario)
    figures = build_figures(asked, fake_model, traj, outcome_table(asked, fake_model))
    assert UNGA_FIGURE in figures
    assert set(figures) - set(plain) == {UNGA_FIGURE}


def _report(tmp_path, scenario, model) -> str:
    path = write_report(
        tmp_path / "report.html",
        scenario,
        model,
        trajectories_frame(model),
        outcome_table(scenario, model),
        dyad_end_table(model, scenario),
    )
    return path.read_text(encoding="utf-8").replace(get_plotlyjs(), "")


def test_the_report_section_only_when_asked(tmp_path, small_scenario, fake_model) -> None:
    plain = _report(tmp_path, small_scenario, fake_model)
    assert "Observed: UN voting" not in plain
    asked = _asking(small_scenario)
    html = _report(tmp_path, asked, fake_model)
    assert "<h2>Observed: UN voting</h2>" in html
    assert html.count("Plotly.newPlot(") == plain.count("Plotly.newPlot(") + 1
    assert 'id="figure-observed_unga"' in html
    assert "Years that overlap the run: 2014 and 2015" in html
    assert "since 2013" in html and "coarse proxy" in html
    assert "recur every year" in html  # how to read it: the README's caveat
    assert "United States – China, United States – Russia and China – Russia" in html
    assert "Voeten" in html
    # the section sits under the relations, before the network
    assert html.index("Relations over time") < html.index("Observed: UN voting")
    assert html.index("Observed: UN voting") < html.index("<h2>Alignment network")


def test_the_report_section_is_escaped(tmp_path, small_scenario, fake_model) -> None:
    s = _asking(small_scenario).model_copy(deep=True)
    s.actors["RUS"].name = f"Russia{INJECTION}"
    fake_model.actor_names = [a.name for a in s.actors.values()]
    html = _report(tmp_path, s, fake_model)
    assert "<script>alert" not in html
    assert "China – Russia&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_the_report_says_when_nothing_overlaps(tmp_path, small_scenario) -> None:
    later = _asking(small_scenario)
    later = later.model_copy(
        update={"run": later.run.model_copy(update={"start": dt.date(2030, 1, 1)})}
    )
    model = make_fake_model(later)
    html = _report(tmp_path, later, model)
    assert "<h2>Observed: UN voting</h2>" in html
    assert "have no year inside this run's dates (2030-01-01 to 2032-01-01)" in html
    assert 'id="figure-observed_unga"' not in html
    section = observed_section(later, model.actor_ids, model.dates, {})
    assert section is not None and section["years"] == "" and section["data_years"] == "1992–2019"


def test_the_section_names_dyads_outside_the_data(small_scenario) -> None:
    s = _asking(small_scenario)
    ids = ["USA", "FRA", "RUS"]
    dates = [dt.date(2014, 1, 1), dt.date(2016, 1, 1)]
    section = observed_section(s, ids, dates, {"FRA": "France"})
    assert section is not None
    assert section["dyads"] == "USA – RUS"
    assert section["left_out"] == "USA – France and France – RUS"
    assert observed_section(small_scenario, ids, dates, {}) is None


@pytest.mark.parametrize(
    ("years", "text"),
    [
        ([2014, 2015, 2016], "2014–2016"),
        ([2014, 2015], "2014 and 2015"),
        ([2014, 2016, 2017], "2014, 2016 and 2017"),
        ([], ""),
    ],
)
def test_years_text(years, text) -> None:
    assert years_text(years) == text
