"""The workshop names the period each turn simulates: a turn is a step of the model, and
an event the scenario dates 2016-07-01 (quarterly from 2014-01-01) comes in turn 11,
2016-Q3, in the console, the views, the charts and the after-action report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from factories import baseline
from workshop_support import make_game, next_turn, play_turn

from sim.workshop.aar import write_aar
from sim.workshop.web import layouts
from sim.workshop.web.charts import network, relations_over_time

pytest.importorskip("dash")


@pytest.fixture(scope="module")
def game(tmp_path_factory):
    summit = {"description": "A July summit.", "at": dt.date(2016, 7, 1)}
    summit["add"] = {"actors.CHN.assertiveness": 0.05}
    scenario = baseline({"run.steps": 12, "events": {"summit": summit}})
    game = make_game(tmp_path_factory.mktemp("game"), scenario=scenario)
    for _ in range(10):
        play_turn(game)
        next_turn(game)
    yield game
    game.close()


def page_text(game, role: str) -> str:
    return json.dumps(layouts.live(game, role), default=lambda c: c.to_plotly_json())


def test_turn_eleven_is_2016_q3_and_briefs_the_july_event(game) -> None:
    assert game.turn == 11 and game.period() == "2016-Q3"
    assert game.period(1) == "2014-Q1" and game.period(12) == "2016-Q4"
    for role in ("control", "team:JPN", "observer", "projector"):
        assert game.view(role)["period"] == "2016-Q3"
        assert "Turn 11 of 12 \\u00b7 2016-Q3" in page_text(game, role)
    assert game.view("control")["scheduled_events"] == [
        {"event": "summit", "description": "A July summit.", "when": "at 2016-07-01"}
    ]
    assert network(game).layout.title.text == "Alignments as 2016-Q3 begins"
    control = page_text(game, "control")
    assert "Scheduled events this turn (2016-Q3)" in control
    assert "summit (at 2016-07-01): A July summit." in control


def test_the_committed_turn_and_the_report_name_2016_q3(game, tmp_path) -> None:
    game.inject("control", "Summit news", "Leaders meet in July.")
    assert game.view("projector")["injects"][-1]["period"] == "2016-Q3"
    play_turn(game)
    result = game.view("observer")["results"][-1]
    assert (result["turn"], result["period"], result["events"]) == (11, "2016-Q3", ["summit"])
    observer = page_text(game, "observer")
    assert "Turn 11 (2016-Q3) as committed" in observer
    assert "Turn 11 (2016-Q3): Summit news" in observer

    assert network(game).layout.title.text == "Alignments at the end of 2016-Q3"
    axis = relations_over_time(game, game.view("projector")).layout.xaxis
    named = dict(zip(axis.tickvals, axis.ticktext, strict=True))
    assert named[0] == "0<br>start" and named[11] == "11<br>2016-Q3"

    html = write_aar(game, tmp_path).read_text(encoding="utf-8")
    assert "Turn 11 (2016-Q3)" in html and "Scenario events this turn: summit." in html
    with zipfile.ZipFile(next(tmp_path.glob("*.zip"))) as z:
        relations = list(csv.DictReader(io.StringIO(z.read("relations.csv").decode())))
        moves = list(csv.DictReader(io.StringIO(z.read("moves.csv").decode())))
    periods = {(r["turn"], r["period"]) for r in relations}
    assert ("0", "start") in periods and ("11", "2016-Q3") in periods
    assert {m["period"] for m in moves if m["turn"] == "11"} == {"2016-Q3"}
