"""The after-action report: the HTML file, the zip and what it holds, and the command."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from plotly.offline import get_plotlyjs
from workshop_support import baseline, make_game, play_turn

from sim.cli.aar import run
from sim.scenario import Scenario
from sim.workshop.aar import write_aar

EVIL = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    game = make_game(
        tmp_path_factory.mktemp("game"), teams={"JPN": "<b>Tokyo</b>", "RUS": "Moscow"}
    )
    play_turn(game, [("team:JPN", "JPN", "confront", "CHN", f"Patrols {EVIL}")])
    game.advance("control")
    game.inject("control", "Leak", f"A leak {EVIL}", visibility="teams", teams=["RUS"])
    game.note("control", f"Watch Russia {EVIL}")
    play_turn(
        game,
        [("team:RUS", "RUS", "offer_investment", "JPN", "Gas")],
        overrides={"RUS-JPN": (0.3, f"Summit {EVIL}")},
    )
    game.advance("control")
    game.rollback("control", 2)  # nothing to undo but the phase change
    game.inject("control", "Open turn news")
    yield game
    game.close()


@pytest.fixture(scope="module")
def report(played, tmp_path_factory):
    return write_aar(played, tmp_path_factory.mktemp("aar"))


def test_the_report_escapes_everything_people_wrote(report):
    html = report.read_text(encoding="utf-8")
    assert EVIL not in html and "<b>Tokyo</b>" not in html
    assert "Patrols &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html  # autoescape
    assert "Summit &lt;script&gt;" in html and "A leak &lt;script&gt;" in html
    assert "&lt;b&gt;Tokyo&lt;/b&gt;" in html
    assert html.count(get_plotlyjs()[:300]) == 1  # plotly.js embedded once
    assert "Rolled back" in html and "Replay check" in html and "reproduced" in html
    assert "Turn 1 (2014-Q1)" in html and "Turn 2 (2014-Q2)" in html
    assert "Turn 3 (2014-Q3, not committed)" in html and "Open turn news" in html


def test_the_zip_holds_what_it_says(played, report):
    zip_path = report.with_suffix(".zip")
    assert zip_path.exists()
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
        expected = {
            "README.txt", "report.html", "events.jsonl", "game.json", "scenario.json",
            "catalogue.json", "relations.csv", "moves.csv", "texts.csv",
            "turns/turn-01-relations.csv", "turns/turn-01-moves.csv",
            "turns/turn-02-relations.csv", "turns/turn-02-moves.csv",
            "charts/plotly.min.js", "charts/relations.html", "charts/turn-01.html",
            "charts/turn-02.html",
        }  # fmt: skip
        assert names == expected
        lines = z.read("events.jsonl").decode().splitlines()
        records = [json.loads(line) for line in lines]
        assert [r["seq"] for r in records] == [r.seq for r in played.records()]
        assert any(r["rolled_back_by"] for r in records)
        Scenario.model_validate(json.loads(z.read("scenario.json")))
        assert json.loads(z.read("game.json"))["teams"]["JPN"] == "<b>Tokyo</b>"
        relations = list(csv.DictReader(io.StringIO(z.read("relations.csv").decode())))
        assert {r["turn"] for r in relations} == {"0", "1", "2"} and len(relations) == 18
        assert {(r["turn"], r["period"]) for r in relations} == {
            ("0", "start"), ("1", "2014-Q1"), ("2", "2014-Q2")
        }  # fmt: skip
        edited = [r for r in relations if r["overridden"] == "True"]
        assert [(r["turn"], r["dyad"], r["reason"]) for r in edited] == [
            ("2", "RUS-JPN", f"Summit {EVIL}")
        ]
        moves = list(csv.DictReader(io.StringIO(z.read("turns/turn-01-moves.csv").decode())))
        japan = [m for m in moves if m["actor"] == "JPN" and m["toward"] == "CHN"]
        assert japan[0]["source"] == "team" and japan[0]["move"] == "confront"
        assert japan[0]["rationale"] == f"Patrols {EVIL}"
        texts = z.read("texts.csv").decode()
        for text in (f"Patrols {EVIL}", f"Summit {EVIL}", f"A leak {EVIL}", "Gas"):
            assert text in texts
        chart = z.read("charts/turn-01.html").decode()
        assert 'src="plotly.min.js"' in chart and get_plotlyjs()[:300] not in chart


def test_the_command_never_overwrites_and_leaves_the_game_as_it_was(played, report, capsys):
    path = played.path
    before = path.read_bytes()
    assert run([str(path), "--out", str(report.parent)]) == 0
    out = capsys.readouterr().out
    assert "after-action report:" in out and "baseline-aar-2.html" in out
    assert report.exists() and (report.parent / "baseline-aar-2.zip").exists()
    assert path.read_bytes() == before
    assert played.seq == played.records()[-1].seq  # the game goes on, undisturbed


def test_the_command_refuses_a_file_that_is_not_a_game(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a game")
    assert run([str(bad), "--out", str(tmp_path / "out")]) == 2
    assert "not a workshop game" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_report_escapes_the_scenario_name_and_description(tmp_path):
    scenario = baseline().model_copy(
        update={"name": f"evil{EVIL}", "description": f"described {EVIL}"}
    )
    game = make_game(tmp_path, scenario=scenario)
    try:
        html = write_aar(game, tmp_path / "aar").read_text(encoding="utf-8")
    finally:
        game.close()
    page = html.replace(get_plotlyjs(), "")
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    assert EVIL not in page and "<script>alert" not in page
    assert f"<title>evil{escaped} – after-action report</title>" in page
    assert f"<h1>After-action report: evil{escaped}</h1>" in page
    assert f"<b>evil{escaped}</b>: described {escaped}</p>" in page
