"""Scenario discovery (PRIM, ema_workbench): the box of a threshold effect, the choice of
box, its words, the no-uncertainty and no-case errors, the command and its files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO_ROOT, self_contained

from sim.analysis import AnalysisError, discover, plan_discovery
from sim.analysis.discovery import choose_box, describe_box
from sim.cli.main import main as cli_run
from sim.present.discovery_figures import discovery_figures
from sim.present.discovery_page import discovery_html, save_discovery
from sim.scenario import load_scenario

# The point-estimate baseline: its only uncertain parameters are the ones a test adds.
BASELINE = REPO_ROOT / "scenarios" / "baseline-point.yaml"
KURILS = "dyads.RUS-JPN.disputes.kurils"  # the baseline lists RUS before JPN
INJECTION = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def kurils_file(tmp_path_factory) -> Path:
    """The baseline with the Kurils' salience uncertain over 0..1 (rapprochement needs it
    low: the dispute cools Russia-Japan) and the attention weight, which multiplies
    levers the baseline leaves at 0 and so cannot matter."""
    path = tmp_path_factory.mktemp("scenarios") / "kurils-uncertain.yaml"
    path.write_text(
        f"extends: {BASELINE}\n"
        "name: kurils-uncertain\n"
        "description: The Kurils' salience uncertain.\n"
        "uncertainties:\n"
        "  dyads.RUS-JPN.disputes.kurils: {dist: uniform, low: 0.0, high: 1.0}\n"
        "  weights.attention: {dist: uniform, low: 0.0, high: 2.0}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def found(kurils_file):
    return discover(kurils_file, "russia_japan_rapprochement", replicates=1000, seed=11, workers=1)


@pytest.mark.slow
def test_box_restricts_kurils_from_above(found) -> None:
    assert 0.2 < found.count / found.replicates < 0.8  # both outcomes occur
    box = found.box.set_index("parameter")
    assert list(box.index) == [KURILS]
    assert np.isnan(box.loc[KURILS, "low"])  # low salience is where it happens
    assert 0.3 < box.loc[KURILS, "high"] < 0.8
    assert box.loc[KURILS, "qp_high"] < 0.05
    stats = found.box_stats
    assert stats["meets_threshold"] and stats["density"] >= 0.8 and stats["coverage"] > 0.9
    assert "kurils dispute's salience (Russia-Japan) is below" in found.description
    assert "follows in" in found.description and "(coverage)" in found.description
    # the feature scores agree: the Kurils first
    assert found.feature_scores.iloc[0]["parameter"] == KURILS
    assert found.feature_scores["score"].sum() == pytest.approx(1.0)


@pytest.mark.slow
def test_frames(found) -> None:
    assert list(found.data.columns) == ["replicate", KURILS, "weights.attention", "end_state"]
    assert len(found.data) == 1000 and set(found.data["end_state"]) == {0, 1}
    t = found.trajectory
    assert t["coverage"].iloc[0] == 1.0 and t["mass"].iloc[0] == 1.0
    assert t["density"].iloc[-1] >= t["density"].iloc[0]
    assert {f"{KURILS}_min", f"{KURILS}_max"} <= set(t.columns)
    assert found.box_stats["box"] in set(t["box"])
    assert set(discovery_figures(found)) == {"parallel", "trajectory", "features"}
    dims = discovery_figures(found)["parallel"].data[0].dimensions
    assert dims[0].constraintrange is not None and dims[0].range == (0.0, 1.0)


def test_choose_box() -> None:
    t = pd.DataFrame(
        {
            "box": [0, 1, 2, 3, 4],
            "coverage": [1.0, 0.95, 0.9, 0.7, 0.5],
            "density": [0.5, 0.7, 0.82, 0.9, 0.99],
            "res_dim": [0, 1, 1, 2, 2],
        }
    )
    assert choose_box(t, 0.8) == 2  # the most coverage at density >= 0.8
    assert choose_box(t, 0.95) == 4
    assert choose_box(t, 0.999) == 4  # none reaches it: the densest
    assert choose_box(t, 0.5) == 0


def test_describe_box(kurils_file) -> None:
    s = load_scenario(kurils_file)
    expr = plan_discovery(s, "RUS-CHN is allied").outcome
    box = pd.DataFrame(
        {
            "parameter": ["actors.CHN.assertiveness", "weights.balance", KURILS],
            "label": ["China's assertiveness", "the balance weight", "the Kurils"],
            "low": [0.62, np.nan, 0.2],
            "high": [0.8, 0.4, np.nan],
            "qp_low": [0.001, np.nan, 0.3],
            "qp_high": [0.01, 0.02, np.nan],
        }
    )
    stats = {"density": 0.85, "coverage": 0.7, "mass": 0.2, "meets_threshold": True}
    text = describe_box(expr, s, box, stats, 0.8)
    assert text.startswith(
        "When China's assertiveness is between 0.62 and 0.8, the balance weight is below "
        "0.4 and the Kurils is above 0.2, 'RUS-CHN is allied' follows in 85% of runs "
        "(density); these runs hold 70% of all runs in which it follows (coverage)"
    )
    assert "The restriction on the Kurils is not significant" in text
    text = describe_box(expr, s, box.iloc[:0], {**stats, "meets_threshold": False}, 0.9)
    assert text.startswith("No box on the peeling trajectory reaches a density of 90%")
    assert "Over the whole sampled range" in text


def test_no_uncertainty_and_bad_end_state(kurils_file) -> None:
    with pytest.raises(AnalysisError, match="no uncertain parameters"):
        plan_discovery(BASELINE, "russia_japan_rapprochement")
    with pytest.raises(AnalysisError, match="did you mean 'russia_japan_rapprochement'"):
        plan_discovery(kurils_file, "russia_japan_rapprochment")
    with pytest.raises(AnalysisError, match="is a relation"):
        plan_discovery(kurils_file, "RUS-JPN")
    with pytest.raises(AnalysisError, match="threshold"):
        plan_discovery(kurils_file, "RUS-JPN > 0", threshold=1.5)
    plan = plan_discovery(
        BASELINE, "RUS-JPN > 0.2", vary={"dyads.RUS-JPN.disputes.kurils": (0.0, 1.0)}
    )
    assert list(plan.uncertainties) == [KURILS]


def test_end_state_that_never_follows(kurils_file, tmp_path: Path) -> None:
    r = discover(kurils_file, "RUS-JPN is hostile and RUS-CHN is hostile", replicates=50, workers=1)
    assert r.count == 0 and r.box.empty and r.trajectory.empty and r.feature_scores.empty
    assert "never follows" in r.description
    folder = save_discovery(r, tmp_path)
    assert (folder / "discovery.html").exists()
    assert set(discovery_figures(r)) == {"parallel"}


def test_cli_writes_folder(kurils_file, tmp_path: Path, capsys) -> None:
    args = [
        "discover",
        str(kurils_file),
        "--outcome",
        "P(russia_japan_rapprochement)",
        "--reps",
        "400",
        "--seed",
        "4",
        "--chunk-size",
        "200",
        "--workers",
        "2",
        "--out",
        str(tmp_path),
    ]
    assert cli_run(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("report: ") and out[-1].endswith("discovery.html")
    assert any(line.startswith("When ") for line in out)
    folders = list((tmp_path / "discover" / "kurils-uncertain").iterdir())
    assert len(folders) == 1
    names = {p.name for p in folders[0].iterdir()}
    assert names == {
        "replicates.csv",
        "trajectory.csv",
        "box.csv",
        "feature_scores.csv",
        "discovery.html",
        "manifest.json",
    }
    m = json.loads((folders[0] / "manifest.json").read_text())
    assert m["kind"] == "discover" and m["seed"] == 4 and m["replicates"] == 400
    assert m["sampling"] == "latin_hypercube" and m["prim"]["threshold"] == 0.8
    assert m["prim"]["limits"][0]["parameter"] == KURILS and m["prim"]["box"]["density"] >= 0.8
    assert m["execution"]["workers"] == 2
    rest = self_contained((folders[0] / "discovery.html").read_text())
    assert rest.count("Plotly.newPlot(") == 3  # parallel coordinates, trajectory, scores
    replicates = pd.read_csv(folders[0] / "replicates.csv")
    assert len(replicates) == 400 and replicates["end_state"].isin([0, 1]).all()


def test_html_escapes_user_text(kurils_file, tmp_path: Path) -> None:
    s = load_scenario(kurils_file).model_copy(deep=True)
    s.description = f"desc {INJECTION}"
    s.actors["RUS"].name = f"Russia{INJECTION}"
    r = discover(s, "russia_japan_rapprochement", replicates=200, workers=1)
    rest = self_contained(discovery_html(r))
    assert "<script>alert" not in rest and "desc &lt;script&gt;alert" in rest


def test_cli_bad_input(tmp_path: Path, capsys) -> None:
    code = cli_run(
        [
            "discover",
            str(BASELINE),
            "--outcome",
            "russia_japan_rapprochement",
            "--out",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "no uncertain parameters" in err and "Traceback" not in err
    assert cli_run(["discover", str(tmp_path / "nope.yaml"), "--outcome", "x"]) == 2
    with pytest.raises(SystemExit) as info:
        cli_run(["discover", str(BASELINE), "--outcome", "x", "--threshold", "0"])
    assert info.value.code == 2
    assert not (tmp_path / "discover").exists()


@pytest.mark.slow
def test_output_is_clean(kurils_file, tmp_path: Path) -> None:
    """A fresh process: no warnings or log lines from ema_workbench, SALib or matplotlib."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "discover",
            str(kurils_file),
            "--outcome",
            "russia_japan_rapprochement",
            "--reps",
            "200",
            "--workers",
            "1",
            "--out",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    noise = re.compile(r"warning|EMA|matplotlib|ipyparallel|altair|Traceback", re.I)
    assert not noise.search(proc.stderr), proc.stderr
    assert not noise.search(proc.stdout), proc.stdout
