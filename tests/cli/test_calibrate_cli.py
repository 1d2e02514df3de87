"""The ``calibrate`` command as a user runs it: the words, the folder and its calibrated
scenario, one JSON object, and one clear message (exit 2, nothing written) for each kind
of bad input."""

from __future__ import annotations

import io
import json
import sys

import pytest
from conftest import REPO_ROOT, self_contained

from sim.cli.main import main as cli_run
from sim.scenario import load_scenario

HISTORY = REPO_ROOT / "scenarios" / "history" / "2014-2024.yaml"
OBSERVATIONS = REPO_ROOT / "scenarios" / "history" / "observations-2014-2024.csv"
RESPONSIVENESS = "model.responsiveness"
THREAT = "weights.threat"


def _args(tmp_path, *extra, observations=OBSERVATIONS):
    return [
        *("calibrate", str(HISTORY), "--observations", str(observations)),
        *("--reps", "20", "--workers", "1", "--out", str(tmp_path)),
        *extra,
    ]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """One small calibration through the command line: its exit code, output, folder."""
    out = tmp_path_factory.mktemp("calibrate")
    capture = pytest.MonkeyPatch()
    stdout, stderr = io.StringIO(), io.StringIO()
    capture.setattr(sys, "stdout", stdout)
    capture.setattr(sys, "stderr", stderr)
    try:
        code = cli_run(
            _args(
                out,
                *("--vary", f"{RESPONSIVENESS}=1:3", "--vary", f"{THREAT}=0.1:0.7"),
                *("--budget", "24", "--holdout-after", "2021-12-31", "--seed", "5"),
            )
        )
    finally:
        capture.undo()
    folders = list((out / "calibration" / "history-2014-2024").iterdir())
    return code, stdout.getvalue(), stderr.getvalue(), folders


def test_the_command_says_what_fits_in_words(run_folder):
    code, out, err, _ = run_folder
    assert code == 0, err
    assert "the model's responsiveness fits best at" in out
    assert "95% profile interval" in out
    assert "held out (11 observation(s) after 2021-12-31)" in out
    assert "calibrated: " in out and "report: " in out
    assert "calibrate: 24/24 evaluations" in err  # the progress ends with the whole budget


def test_the_folder_holds_a_calibrated_scenario_that_runs(run_folder):
    code, _, _, folders = run_folder
    assert code == 0 and len(folders) == 1
    folder = folders[0]
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "calibrated.yaml",
        "parameters.csv",
        "fit.csv",
        "evaluations.csv",
        "profile.csv",
        "calibration.html",
        "manifest.json",
    }
    text = (folder / "calibrated.yaml").read_text()
    assert text.startswith("# Calibrated by `run.py calibrate`") and "\nextends: " in text
    calibrated = load_scenario(folder / "calibrated.yaml")
    manifest = json.loads((folder / "manifest.json").read_text())
    best = manifest["calibration"]["parameters"]
    assert calibrated.model.responsiveness == pytest.approx(best[RESPONSIVENESS]["best"], 1e-5)
    assert calibrated.weights.threat == pytest.approx(best[THREAT]["best"], 1e-5)
    # the fitted value ends the base's uncertainty about it; the others stay drawn
    assert RESPONSIVENESS not in calibrated.uncertainties
    assert "actors.CHN.assertiveness" in calibrated.uncertainties
    assert manifest["kind"] == "calibration" and set(manifest["files"]) == names - {"manifest.json"}
    # the calibrated scenario is one a user can validate and run like any other
    assert cli_run(["validate", str(folder / "calibrated.yaml")]) == 0
    rest = self_contained((folder / "calibration.html").read_text())
    assert "Plotly.newPlot" in rest and "figure-profile" in rest


def test_the_command_prints_one_json_object(tmp_path, capsys):
    code = cli_run(_args(tmp_path, "--vary", f"{THREAT}=0.1:0.7", "--budget", "12", "--json"))
    assert code == 0
    found = json.loads(capsys.readouterr().out)
    assert set(found) >= {"parameters", "log_likelihood", "words", "calibrated", "report"}
    low, high = found["parameters"][THREAT]["interval"]
    assert 0.1 <= low <= found["parameters"][THREAT]["best"] <= high <= 0.7


def test_a_budget_too_small_is_answered_with_a_warning(tmp_path, capsys):
    code = cli_run(
        _args(
            tmp_path,
            *("--vary", f"{RESPONSIVENESS}=1:3", "--vary", f"{THREAT}=0.1:0.7", "--budget", "4"),
        )
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "warning: a budget of 4 evaluation(s) for 2 parameter(s) is too small" in err


def _bad_csv(tmp_path, row: str, header: str = "date,actor_a,actor_b,low,high"):
    path = tmp_path / "obs.csv"
    path.write_text(f"{header}\n2016-06-30,RUS,JPN,-0.2,0.2\n{row}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "header", "message"),
    [
        (
            "2016-06-30,RUS,KOR,-0.2,0.2",
            None,
            "obs.csv:3: actor_b: expected a known actor, got 'KOR'",
        ),
        ("2016-06-30,RUS,RUS,-0.2,0.2", None, "obs.csv:3"),
        ("2031-01-01,RUS,JPN,-0.2,0.2", None, "obs.csv:3: date:"),
        ("2016-06-30,RUS,JPN,0.4,0.2", None, "obs.csv:3"),
        ("2016-06-30,RUS,JPN,0.1,0", "date,actor_a,actor_b,relation,sd", "obs.csv:3: sd:"),
        ("2016-06-30,RUS,JPN,-0.2", None, "obs.csv:3"),
        ("30/06/2016,RUS,JPN,-0.2,0.2", None, "YYYY-MM-DD"),
    ],
)
def test_a_bad_observation_is_one_clear_message(row, header, message, tmp_path, capsys):
    obs = _bad_csv(tmp_path, row, *(() if header is None else (header,)))
    code = cli_run(_args(tmp_path, "--vary", f"{THREAT}=0.1:0.7", observations=obs))
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "calibration").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--vary", "actors.CHN.nonsense=0:1"], "unknown actor field"),
        (["--vary", "actors.CHN.name=0:1"], "not a number"),
        (["--vary", f"{THREAT}=0.7:0.1"], "must be below HI"),
        ([], "at least one --vary"),
        (["--vary", f"{THREAT}=0.1:0.7", "--holdout-after", "2013-06-30"], "none is left"),
        (["--vary", f"{THREAT}=0.1:0.7", "--holdout-after", "soon"], "expected a date"),
    ],
)
def test_bad_options_are_one_clear_message(options, message, tmp_path, capsys):
    try:
        code = cli_run(_args(tmp_path, *options))
    except SystemExit as exc:  # argparse refuses LO >= HI itself
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "calibration").exists()


def test_a_missing_observations_file_is_named(tmp_path, capsys):
    code = cli_run(
        _args(tmp_path, "--vary", f"{THREAT}=0.1:0.7", observations=tmp_path / "nope.csv")
    )
    err = capsys.readouterr().err
    assert code == 2 and "nope.csv: no such file" in err
