"""Sensitivity analysis (SALib): outcome expressions, factors, Morris and Sobol on the
baseline (one dominant factor, one that cannot matter), the command and its files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO_ROOT, SMALL_YAML, load_small, self_contained

from sim.analysis import AnalysisError, OutcomeError, parse_end_state, parse_outcome
from sim.analysis.sensitivity import build_factors, draw_sample, plan_sensitivity, sensitivity
from sim.cli.main import main as cli_run
from sim.present.sensitivity_figures import sensitivity_figures
from sim.present.sensitivity_page import save_sensitivity
from sim.scenario import load_scenario

# The point-estimate baseline: its only uncertain parameters are the ones a test adds.
BASELINE = REPO_ROOT / "scenarios" / "baseline-point.yaml"
CHINA_UNCERTAIN = REPO_ROOT / "scenarios" / "china-uncertain.yaml"
VARY = {"actors.CHN.assertiveness": (0.2, 1.0), "weights.attention": (0.0, 2.0)}
INJECTION = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


# --------------------------------------------------------------------------- expressions


def test_parse_relation_end_and_step(baseline) -> None:
    ids = list(baseline.actors)
    e = parse_outcome("RUS-JPN", baseline)
    assert e.kind == "relation" and e.step == 40 and e.record == "outcomes"
    assert e.dyad == (ids.index("RUS"), ids.index("JPN"))
    assert "Russia-Japan relation" in e.meaning and "at the end" in e.meaning
    e = parse_outcome("  JPN - RUS @ 20 ", baseline)
    assert e.label == "JPN-RUS@20" and e.step == 20 and e.record == "steps:20"
    assert parse_outcome("RUS-JPN@0", baseline).record == "outcomes"
    assert parse_outcome("RUS-JPN@40", baseline).label == "RUS-JPN@40"


def test_parse_probabilities(baseline) -> None:
    e = parse_outcome("P(russia_japan_rapprochement)", baseline)
    assert e.kind == "probability" and e.end_state == "russia_japan_rapprochement"
    assert "aligned or closer" in e.meaning
    e = parse_outcome("P(RUS-CHN is allied and not together(USA, CHN))@12", baseline)
    assert e.condition is not None and e.step == 12 and e.subject.startswith("RUS-CHN")
    assert e.label == "P(RUS-CHN is allied and not together(USA, CHN))@12"


def test_evaluate_on_relations(baseline) -> None:
    ids = list(baseline.actors)
    n = len(ids)
    rel = np.zeros((3, n, n))
    r, j, c = ids.index("RUS"), ids.index("JPN"), ids.index("CHN")
    rel[:, r, j] = rel[:, j, r] = [0.1, 0.25, 0.7]
    rel[:, r, c] = rel[:, c, r] = [0.7, 0.0, 0.7]
    got = parse_outcome("RUS-JPN", baseline).evaluate(rel, baseline, ids)
    np.testing.assert_allclose(got, [0.1, 0.25, 0.7])
    got = parse_outcome("P(russia_japan_rapprochement)", baseline).evaluate(rel, baseline, ids)
    np.testing.assert_array_equal(got, [0.0, 1.0, 1.0])
    got = parse_outcome("P(RUS-CHN is allied)", baseline).evaluate(rel, baseline, ids)
    np.testing.assert_array_equal(got, [1.0, 0.0, 1.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RUS-KOR", "unknown actor 'KOR'"),
        ("RUS-RUS", "RUS-RUS"),
        ("P(russia_japan_rapprochment)", "did you mean 'russia_japan_rapprochement'?"),
        ("RUS-JPN@50", "step 50 is out of range"),
        ("RUS-JPN@-1", "expected a whole step number"),
        ("RUS-JPN@", "expected a step number after '@'"),
        ("RUS-JPN@2@3", "'@' appears more than once"),
        ("", "the outcome is empty"),
        ("1+1", "cannot read outcome"),
        ("mean(RUS-JPN)", "cannot read outcome"),
        ("P(RUS-JPN > 0.2", "P( is not closed"),
        ("P(RUS-JPN > 0.2) + 1", "unexpected '+ 1' after P(...)"),
        ("P()", "P() needs an end-state name or a condition"),
        ("p(russia_japan_rapprochement)", "capital P"),
        ("russia_japan_rapprochement", "is written P(russia_japan_rapprochement)"),
        ("RUS-CHN is allied", "is written P(RUS-CHN is allied)"),
        ("P(RUS-CHN >> 1)", "P(RUS-CHN >> 1): expected"),
        ("P(actors.CHN.assertiveness > 0.5)", "P(actors.CHN.assertiveness > 0.5)"),
    ],
)
def test_parse_errors(baseline, text: str, message: str) -> None:
    with pytest.raises(OutcomeError) as info:
        parse_outcome(text, baseline)
    assert message in str(info.value)


def test_end_state_forms(baseline) -> None:
    assert parse_end_state("russia_japan_rapprochement", baseline).end_state is not None
    e = parse_end_state("P(RUS-CHN is allied)@8", baseline)
    assert e.condition is not None and e.label == "RUS-CHN is allied@8"
    assert parse_end_state("RUS-JPN > RUS-CHN", baseline).kind == "probability"
    with pytest.raises(OutcomeError, match="is a relation, not an end-state"):
        parse_end_state("RUS-JPN", baseline)
    with pytest.raises(OutcomeError, match="did you mean 'china_isolated'"):
        parse_end_state("china_isolatd", baseline)


# --------------------------------------------------------------------------- factors


def test_factors_from_distributions(tmp_path: Path) -> None:
    path = tmp_path / "dists.yaml"
    path.write_text(
        f"extends: {BASELINE}\nname: dists\nuncertainties:\n"
        "  actors.CHN.assertiveness: {dist: uniform, low: 0.4, high: 0.8}\n"
        "  weights.shared_threat: {dist: triangular, low: 2.5, mode: 3.5, high: 4.5}\n"
        "  weights.threat: {dist: normal, mean: 0.5, sd: 0.1, low: 0.2}\n"
        "  dyads.RUS-JPN.relation: {dist: triangular, low: -0.8, mode: -0.5, high: -0.2}\n"
        "  weights.balance: {dist: choice, values: [0.3, 0.5, 0.9]}\n"
        "  weights.wedge: {dist: choice, values: [1.0]}\n",
        encoding="utf-8",
    )
    s = load_scenario(path)
    factors, notes = build_factors(s, {"weights.balance": (0.2, 0.8)})
    by = {f.path: f for f in factors}
    assert list(by) == sorted(by) and "weights.wedge" not in by
    assert by["actors.CHN.assertiveness"].salib_dist == "unif"
    assert by["weights.shared_threat"].salib_dist == "triang"
    assert by["weights.shared_threat"].salib_bounds == pytest.approx([2.5, 4.5, 0.5])
    assert by["weights.threat"].salib_dist == "truncnorm"
    assert by["weights.threat"].salib_bounds == pytest.approx([0.2, 0.9, 0.5, 0.1])
    assert by["dyads.RUS-JPN.relation"].salib_dist == "unif"  # SALib: negative high end
    assert by["weights.balance"].source == "vary"
    text = " ".join(notes)
    assert "cut at 0.9" in text and "needs a high end >= 0" in text
    assert "replaces the scenario's choice" in text and "constant" in text
    x = draw_sample("morris", factors, 4, seed=1)
    assert x.shape == (4 * (len(factors) + 1), len(factors))
    for j, f in enumerate(factors):
        assert (x[:, j] >= f.low).all() and (x[:, j] <= f.high).all()
    np.testing.assert_array_equal(x, draw_sample("morris", factors, 4, seed=1))


def test_vary_checked_like_sweep_keys(baseline) -> None:
    with pytest.raises(AnalysisError, match="did you mean 'attention'"):
        build_factors(baseline, {"weights.atention": (0, 1)})
    with pytest.raises(AnalysisError, match="between 0 and 1"):
        build_factors(baseline, {"actors.CHN.assertiveness": (0.5, 1.5)})
    with pytest.raises(AnalysisError, match="run settings cannot be"):
        build_factors(baseline, {"run.steps": (1, 2)})
    with pytest.raises(AnalysisError, match="the same parameter"):
        build_factors(
            baseline, {"dyads.RUS-JPN.institutions": (0, 1), "dyads.JPN-RUS.institutions": (0, 1)}
        )


def test_no_uncertain_parameters(baseline) -> None:
    with pytest.raises(AnalysisError, match="has no uncertain parameters"):
        plan_sensitivity(baseline, "RUS-JPN")


def test_bad_n(baseline) -> None:
    with pytest.raises(AnalysisError, match="power of 2"):
        plan_sensitivity(baseline, "RUS-JPN", "sobol", n=100, vary=VARY)
    with pytest.raises(AnalysisError, match="at least 2 trajectories"):
        plan_sensitivity(baseline, "RUS-JPN", "morris", n=1, vary=VARY)


# --------------------------------------------------------------------------- the model


def test_morris_dominant_factor_and_inert_factor(baseline) -> None:
    """China's assertiveness drives Russia-Japan (the shared threat); the attention
    weight multiplies levers that the baseline leaves at 0, so with common random
    numbers it cannot change a single number."""
    r = sensitivity(baseline, "RUS-JPN", "morris", n=6, replicates=20, seed=3, vary=VARY, workers=1)
    assert r.points == 6 * 3 and len(r.samples) == r.points
    idx = r.indices.set_index("factor")
    assert r.indices["factor"].iloc[0] == "actors.CHN.assertiveness"
    assert idx.loc["actors.CHN.assertiveness", "mu_star"] > 0.5
    assert idx.loc["actors.CHN.assertiveness", "mu"] > 0.5  # more threat, warmer RUS-JPN
    assert abs(idx.loc["weights.attention", "mu_star"]) < 1e-9
    assert abs(idx.loc["weights.attention", "sigma"]) < 1e-9
    assert (r.samples["outcome_se"] > 0).any()


def test_sobol_dominant_factor_and_inert_factor(baseline) -> None:
    r = sensitivity(
        baseline,
        "P(russia_japan_rapprochement)",
        "sobol",
        n=16,
        replicates=20,
        seed=3,
        vary=VARY,
        workers=1,
    )
    assert r.points == 16 * 4
    idx = r.indices.set_index("factor")
    assert idx.loc["actors.CHN.assertiveness", "ST"] > 0.5
    assert idx.loc["actors.CHN.assertiveness", "S1"] > 0.3
    for key in ("S1", "ST", "ST_conf"):
        assert abs(idx.loc["weights.attention", key]) < 1e-9
    assert {"S1_conf", "ST_conf"} <= set(r.indices.columns)
    figs = sensitivity_figures(r)
    assert set(figs) == {"tornado"} and len(figs["tornado"].data) == 2


def test_outcome_at_a_step_and_scenario_uncertainties() -> None:
    r = sensitivity(
        load_small(),
        "RUS-CHN@4",
        "morris",
        n=4,
        replicates=10,
        seed=1,
        vary={"actors.CHN.assertiveness": (0.0, 1.0)},
        workers=1,
    )
    assert r.outcome.record == "steps:4" and r.points == 8
    r2 = sensitivity(CHINA_UNCERTAIN, "RUS-JPN", "morris", n=4, replicates=10, workers=1)
    assert {f.path for f in r2.factors} == {"actors.CHN.assertiveness", "weights.shared_threat"}
    assert {f.source for f in r2.factors} == {"scenario"}


# --------------------------------------------------------------------------- command


def test_cli_writes_folder(tmp_path: Path, capsys) -> None:
    args = [
        "sensitivity",
        str(BASELINE),
        "--outcome",
        "RUS-JPN",
        "--n",
        "4",
        "--reps",
        "10",
        "--seed",
        "2",
        "--workers",
        "1",
        "--out",
        str(tmp_path),
        "--vary",
        "actors.CHN.assertiveness=0.2:1",
        "--vary",
        "weights.attention=0:2",
    ]
    assert cli_run(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("report: ") and out[-1].endswith("sensitivity.html")
    assert any(line.startswith("actors.CHN.assertiveness") for line in out)
    folders = list((tmp_path / "sensitivity" / "baseline-point").iterdir())
    assert len(folders) == 1 and not folders[0].name.startswith(".")
    names = {p.name for p in folders[0].iterdir()}
    assert names == {"indices.csv", "samples.csv", "sensitivity.html", "manifest.json"}
    m = json.loads((folders[0] / "manifest.json").read_text())
    assert m["method"] == "morris" and m["n"] == 4 and m["seed"] == 2 and m["points"] == 12
    assert len(m["scenario_sha256"]) == 64 and m["run_id"] == folders[0].name
    assert [f["path"] for f in m["factors"]] == sorted(VARY)
    assert set(m["files"]) == names - {"manifest.json"}
    rest = self_contained((folders[0] / "sensitivity.html").read_text())
    assert rest.count("Plotly.newPlot(") == 2  # tornado, mu*-sigma scatter
    assert cli_run(args) == 0  # never overwrites: a second folder
    assert len(list((tmp_path / "sensitivity" / "baseline-point").iterdir())) == 2


def test_html_escapes_user_text(tmp_path: Path, baseline) -> None:
    s = baseline.model_copy(deep=True)
    s.name = f"evil{INJECTION}"
    s.description = f"desc {INJECTION}"
    s.actors["CHN"].name = f"China{INJECTION}"
    r = sensitivity(s, "RUS-JPN", "morris", n=2, replicates=5, vary=VARY, workers=1)
    folder = save_sensitivity(r, tmp_path)
    rest = self_contained((folder / "sensitivity.html").read_text())
    assert "<script>alert" not in rest
    assert "desc &lt;script&gt;alert" in rest and folder.parent.name.startswith("evil")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "RUS-JPN"], "has no uncertain parameters"),
        (["--outcome", "RUS-KOR", "--vary", "weights.attention=0:1"], "unknown actor 'KOR'"),
        (["--outcome", "RUS-JPN", "--vary", "weights.atention=0:1"], "did you mean"),
        (
            [
                "--outcome",
                "RUS-JPN",
                "--vary",
                "weights.attention=0:1",
                "--method",
                "sobol",
                "--n",
                "10",
            ],
            "power of 2",
        ),
    ],
)
def test_cli_bad_input(tmp_path: Path, capsys, args: list[str], message: str) -> None:
    code = cli_run(["sensitivity", str(BASELINE), "--out", str(tmp_path), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "sensitivity").exists()


def test_cli_missing_and_invalid_file(tmp_path: Path, capsys) -> None:
    assert cli_run(["sensitivity", str(tmp_path / "nope.yaml"), "--outcome", "RUS-JPN"]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL_YAML.read_text().replace("assertiveness: 0.6", "assertivness: 0.6"))
    assert cli_run(["sensitivity", str(bad), "--outcome", "RUS-CHN"]) == 2
    assert "did you mean 'assertiveness'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # argparse: a --vary without LO:HI
        cli_run(["sensitivity", str(BASELINE), "--outcome", "X", "--vary", "weights.wedge=1"])
    assert info.value.code == 2
