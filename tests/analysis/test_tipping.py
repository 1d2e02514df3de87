"""Tipping points (sim.analysis.tipping): a parameter known to cross, an inert one, a
mean, the words, the JSON, the folder, workers 1 vs 2, bad inputs; and the one bisection
(sim.analysis.bisection) they share with the robustness of the stylised facts."""

from __future__ import annotations

import json

import pytest
from conftest import REPO_ROOT

from sim.analysis import AnalysisError
from sim.analysis.bisection import Bracket, bisect_together
from sim.analysis.tipping import plan_tipping, tipping
from sim.cli.main import main as cli_run
from sim.present.tipping_page import save_tipping, tipping_html
from sim.scenario import load_scenario

BASELINE = REPO_ROOT / "scenarios" / "baseline-point.yaml"
CHINA = "actors.CHN.assertiveness"
INERT = "weights.attention"
REPS = 150
SEED = 3


@pytest.fixture(scope="module")
def result():
    return tipping(
        BASELINE,
        "russia_japan_rapprochement",
        {CHINA: (0.2, 1.0), INERT: (0.0, 2.0), "model.temperature": (0.005, 0.05)},
        replicates=REPS,
        seed=SEED,
        tolerance=0.02,
        pair=("model.temperature", CHINA),
        pair_points=3,
        workers=1,
    )


# --------------------------------------------------------------------------- bisection


def test_bisect_together_asks_one_batch_per_round():
    calls = []

    def judge(middles):
        calls.append(dict(middles))
        return {k: (x >= 0.56 if k == "a" else x <= 1.13) for k, x in middles.items()}

    done = bisect_together({"a": Bracket(0.6, 0.48, 0.001), "b": Bracket(1.0, 1.2, 0.01)}, judge)
    assert done["a"].bad < 0.56 <= done["a"].good and done["a"].done
    assert done["b"].good <= 1.13 < done["b"].bad
    assert len(calls) == 7  # the longer of the two bisections; "b" drops out after 5
    assert set(calls[-1]) == {"a"}
    with pytest.raises(ValueError, match="tolerance"):
        Bracket(0.0, 1.0, 0.0)


# --------------------------------------------------------------------------- crossings


def test_china_s_assertiveness_tips_the_rapprochement(result):
    c = result.crossings[0]
    assert c.path == CHINA and c.found and c.rises
    assert 0.2 < c.crossing < 1.0
    assert c.interval_low <= c.crossing <= c.interval_high
    assert c.before < c.crossing < c.after and c.after - c.before <= 0.02 * 0.8
    # on either side of the crossing the probability is on its side of the level
    assert c.estimate_before < result.level <= c.estimate_after
    assert c.at_low < result.level <= c.at_high


def test_an_inert_parameter_has_no_crossing(result):
    c = result.crossings[1]
    assert c.path == INERT and not c.found
    assert c.at_low == c.at_high  # common random numbers: exactly the same replicates
    words = result.words()[1]
    assert "stays below 0.5" in words and "no crossing in 0..2" in words


def test_the_words_say_what_would_have_to_be_true(result):
    words = result.words()[0]
    assert words.startswith("russia japan rapprochement (probability 0.5 or more) needs ")
    assert "China's assertiveness at or above" in words and "95% interval" in words


def test_the_pair_curve_has_one_crossing_of_b_per_value_of_a(result):
    frame = result.pair_table()
    assert list(frame["a_value"]) == pytest.approx([0.005, 0.0275, 0.05])
    assert set(frame["parameter"]) == {CHINA}
    assert (frame["status"] == "crossing").all()
    html = tipping_html(result)
    assert "Tipping curve" in html and "figure-pair" in html and "figure-crossings" in html


def test_an_expression_mean_crosses_its_level():
    r = tipping(BASELINE, "RUS-JPN", {CHINA: (0.2, 1.0)}, level=0.2, replicates=100, seed=SEED)
    c = r.crossings[0]
    assert r.outcome.kind == "relation" and c.found
    assert c.interval_low <= c.crossing <= c.interval_high
    assert c.estimate_before < 0.2 <= c.estimate_after
    assert r.words()[0].startswith("a mean RUS-JPN of 0.2 or more needs China's assertiveness")


def test_workers_do_not_change_the_numbers():
    def run(workers):
        r = tipping(
            BASELINE,
            "russia_japan_rapprochement",
            {CHINA: (0.2, 1.0)},
            replicates=100,
            seed=SEED,
            tolerance=0.1,
            chunk_size=50,  # two chunks per point, so two workers share them
            workers=workers,
        )
        return r.table().drop(columns=["words"]), r.evaluations

    (t1, e1), (t2, e2) = run(1), run(2)
    assert t1.equals(t2) and e1.equals(e2)


# --------------------------------------------------------------------------- outputs


def test_the_folder_and_its_manifest(result, tmp_path):
    folder = save_tipping(result, tmp_path, command=["run.py", "tipping"])
    names = {p.name for p in folder.iterdir()}
    assert {"tipping.csv", "evaluations.csv", "pair.csv", "tipping.html", "manifest.json"} <= names
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == "tipping" and manifest["level"] == 0.5
    assert manifest["vary"][CHINA] == [0.2, 1.0] and manifest["pair"] == [
        "model.temperature",
        CHINA,
    ]
    assert not any(p.name.startswith(".") for p in folder.parent.iterdir())


def test_the_command_prints_one_json_object(tmp_path, capsys):
    code = cli_run(
        [
            "tipping",
            str(BASELINE),
            "--outcome",
            "russia_japan_rapprochement",
            "--vary",
            f"{CHINA}=0.2:1.0",
            "--reps",
            "100",
            "--tolerance",
            "0.05",
            "--workers",
            "1",
            "--json",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    found = json.loads(capsys.readouterr().out)
    assert set(found) >= {"scenario", "outcome", "level", "crossings", "pair", "report"}
    crossing = found["crossings"][0]
    assert crossing["found"] and crossing["parameter"] == CHINA
    assert crossing["interval"][0] <= crossing["crossing"] <= crossing["interval"][1]
    assert (tmp_path / "tipping" / "baseline-point").is_dir()


def test_the_command_says_it_in_words(tmp_path, capsys):
    code = cli_run(
        [
            *("tipping", str(BASELINE), "--outcome", "P(russia_japan_rapprochement)"),
            *("--vary", f"{INERT}=0:2", "--reps", "50", "--workers", "1", "--out", str(tmp_path)),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "no crossing in 0..2" in out and "report: " in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--vary", "actors.CHN.nonsense=0:1"], "unknown actor field"),
        (["--vary", "actors.CHN.name=0:1"], "not a number"),
        (["--vary", f"{CHINA}=0.8:0.2"], "must be below HI"),
        (["--vary", f"{CHINA}=0.2:1", "--outcome", "P(nothing_like_it)"], "unknown end-state"),
        (["--vary", f"{CHINA}=0.2:1", "--level", "1.5"], "between 0 and 1"),
        (["--vary", f"{CHINA}=0.2:1", "--pair", INERT, CHINA], "not varied"),
    ],
)
def test_bad_input_is_one_clear_message(options, message, tmp_path, capsys):
    args = ["tipping", str(BASELINE), "--reps", "10", "--out", str(tmp_path)]
    if "--outcome" not in options:
        args += ["--outcome", "russia_japan_rapprochement"]
    try:
        code = cli_run(args + options)
    except SystemExit as exc:  # argparse refuses LO >= HI itself
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "tipping").exists()


def test_a_tipping_analysis_needs_a_range():
    with pytest.raises(AnalysisError, match="at least one --vary"):
        plan_tipping(load_scenario(BASELINE), "russia_japan_rapprochement", {})
