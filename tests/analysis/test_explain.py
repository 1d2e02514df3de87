"""Explanations (sim.analysis.explain): the decomposition of a decision into its driver terms."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import FIXTURES, REPO_ROOT

from sim.analysis.explain import ExplainError, Explanation, explain
from sim.cli import explain as explain_cli
from sim.experiment.uncertainty import sample_parameters
from sim.model.choice import MOVE_NAMES, MOVES
from sim.model.drivers import TERM_NAMES, propensity_terms
from sim.model.model import AlignmentModel
from sim.present.explain_figures import explain_figures, waterfall_figure
from sim.scenario import ScenarioError, load_scenario

# The point-estimate baseline: the decomposition's numbers are checked against its weights.
BASELINE = REPO_ROOT / "scenarios" / "baseline-point.yaml"
WEIGHTS = load_scenario(BASELINE).weights
TALKS_COLLAPSE = REPO_ROOT / "scenarios" / "kurils-talks-collapse.yaml"
UNCERTAIN = FIXTURES / "scenarios" / "uncertain.yaml"

# Events of every kind on top of a fixture with uncertain parameters: a scheduled event
# (a new dispute and irritant), a conditional one, a random one that fades and a
# temporary change of a weight, so that the world differs between replicates.
EVENTS = f"""\
name: uncertain_with_events
extends: {UNCERTAIN.as_posix()}
run.replicates: 60
events:
  fishing_row:
    step: 2
    set:
      dyads.RUS-JPN.disputes.fishing: 0.3
      dyads.RUS-JPN.irritants.sanctions.RUS: 0.4
  talks:
    when: "RUS-JPN > 0.0"
    add: {{dyads.RUS-JPN.institutions: 0.2}}
  probe:
    probability: 0.4
    add: {{actors.CHN.assertiveness: 0.1}}
    decay: 2
  balance_scare:
    step: 3
    add: {{weights.balance: 0.3}}
    duration: 2
"""


@pytest.fixture(scope="module")
def events_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("explain") / "events.yaml"
    path.write_text(EVENTS)
    return path


@cache
def baseline_rus(step: int = 1, toward: str | None = None, reps: int = 200) -> Explanation:
    return explain(BASELINE, "RUS", step=step, toward=toward, replicates=reps)


# --- the decomposition is exactly the payoff the model used --------------------------------


def _check_exact(e: Explanation) -> None:
    frame = e.per_replicate
    total = frame[list(TERM_NAMES)].sum(axis=1).to_numpy()
    assert np.max(np.abs(total - frame["propensity"].to_numpy())) <= 1e-12
    assert (e.summary["max_sum_error"] <= 1e-12).all()
    # the move named is the model's move (step length 0.05 in these scenarios), for both
    # sides, and warming needs both sides
    for name, change in (("move", "move_change"), ("other_move", "other_move_change")):
        shift = MOVES[[MOVE_NAMES.index(m) for m in frame[name]]]
        implied = np.clip(frame["relation"] + 0.05 * shift, -1, 1) - frame["relation"]
        assert np.allclose(implied, frame[change], atol=1e-15)
    expected = np.minimum(frame["move_change"], frame["other_move_change"])
    assert np.allclose(frame["change"], expected, atol=1e-15)


@pytest.mark.parametrize("actor, step", [("RUS", 1), ("RUS", 5), ("RUS", 17), ("JPN", 3)])
def test_terms_sum_to_the_propensity_used_baseline(actor, step):
    e = explain(BASELINE, actor, step=step, replicates=100)
    assert len(e.per_replicate) == 100 * 3
    _check_exact(e)


@pytest.mark.parametrize(
    "actor, step", [("RUS", 1), ("RUS", 2), ("JPN", 3), ("CHN", 4), ("USA", 6)]
)
def test_terms_sum_to_the_propensity_used_with_events_and_uncertainty(events_file, actor, step):
    e = explain(events_file, actor, step=step)
    _check_exact(e)
    assert e.parameters["sampled"]  # uncertain parameters drawn per replicate
    if step >= 2:
        assert {ev["event"] for ev in e.events} >= {"fishing_row"}


def test_terms_sum_to_the_model_propensity_at_every_step_and_pair(events_file):
    """The contract itself: sum of propensity_terms == model.propensity, all (r, i, j)."""
    scenario = load_scenario(events_file)
    reps, seed = 40, 7
    params = sample_parameters(scenario, reps, np.random.SeedSequence(seed, spawn_key=(0,)))
    model = AlignmentModel(scenario, replicates=reps, seed=seed, parameters=params)
    worst: list[float] = []
    per_replicate: list[bool] = []

    def observe(m: AlignmentModel) -> None:
        total = sum(propensity_terms(m.world, m.relations).values())
        worst.append(float(np.max(np.abs(total - m.propensity))))
        per_replicate.append(m.world.assertiveness.shape[0] == reps)

    model.decision_observers.append(observe)
    for _ in range(12):
        model.step()
    assert len(worst) == 12
    assert max(worst) <= 1e-12
    assert per_replicate[-1]  # the random event made the world differ between replicates


def test_terms_sum_after_scheduled_events():
    # The what-if extends the uncertain baseline: fix the two weights read here.
    fixed = {"weights.dispute": WEIGHTS.dispute, "weights.institutions": WEIGHTS.institutions}
    e = explain(TALKS_COLLAPSE, "RUS", step=4, toward="JPN", replicates=100, parameters=fixed)
    _check_exact(e)
    # The scheduled collapse fires in every replicate at step 4; a conditional event may
    # fire in a few of them (it does not touch the two terms read here).
    fired = {ev["event"]: ev for ev in e.events}
    assert fired["talks_collapse"]["first_step"] == 4
    assert fired["talks_collapse"]["share"] == 1.0
    terms = e.terms.set_index("term")
    # the Kurils set to 0.8 at step 4, the 2+2 institutions to 0.1
    assert terms.loc["dispute", "mean"] == pytest.approx(-WEIGHTS.dispute * 0.8)
    assert terms.loc["institutions", "mean"] == pytest.approx(WEIGHTS.institutions * 0.1)


def test_parts_sum_to_their_terms(events_file):
    for e in (baseline_rus(5), explain(events_file, "RUS", step=4)):
        for target in e.targets:
            terms = e.terms[e.terms["target"] == target].set_index("term")["mean"]
            parts = e.parts[e.parts["target"] == target].groupby("term")["mean"].sum()
            for term, total in parts.items():
                assert total == pytest.approx(terms[term], abs=1e-12)


def test_relation_after_a_step_is_where_the_next_step_starts():
    now, then = baseline_rus(3, "JPN"), baseline_rus(4, "JPN")
    after = now.per_replicate["relation"] + now.per_replicate["change"]
    assert np.allclose(after, then.per_replicate["relation"], atol=1e-12)


def test_moves_are_distributions_and_the_choice_is_the_models():
    e = baseline_rus(6, "JPN")
    for _side, moves in e.moves.groupby("side"):
        assert moves["probability"].sum() == pytest.approx(1.0)
        assert moves["share_chosen"].sum() == pytest.approx(1.0)
    frame = e.per_replicate
    step = MOVES[[MOVE_NAMES.index(m) for m in frame["move"]]]
    implied = np.clip(frame["relation"] + 0.05 * step, -1, 1) - frame["relation"]
    assert np.allclose(implied, frame["move_change"], atol=1e-15)


# --- what the explanation says --------------------------------------------------------------


def test_words_name_the_biggest_terms():
    e = baseline_rus(1, "JPN")
    words = e.words("JPN")
    assert words.startswith("Russia toward Japan at 2014-Q1: propensity ")
    listed = words.split("(", 1)[1]
    # shared threat is the largest term, and it comes from China
    assert e.terms.iloc[0]["term"] == "shared_threat"
    assert listed.startswith("shared threat from China +0.19")
    # the dispute and irritant terms are named by their parts
    assert "Kurils -0.17" in words  # w_D 0.34 x 0.5
    assert "Missile defence -0.12" in words
    assert "institutions +0.12" in words
    s = e.summary.iloc[0]
    assert f"chose {s['chose']} in {s['chose_share']:.0%} of replicates" in words
    assert "Japan cooperated in" in words or "Japan engaged in" in words
    assert "the relation moved" in words


def test_terms_table_is_sorted_and_carries_theory():
    e = baseline_rus(1)
    for _target, terms in e.terms.groupby("target", sort=False):
        sizes = terms["mean"].abs().to_numpy()
        assert (np.diff(sizes) <= 0).all()
        assert set(terms["term"]) == set(TERM_NAMES)
    assert e.terms["theory"].str.len().min() > 0


def test_text_lists_terms_moves_and_words():
    text = baseline_rus(1, "JPN").text()
    for piece in (
        "Russia toward Japan (RUS -> JPN)",
        "shared threat",
        "from China",
        "Kurils",
        "balance of threat (Walt 1987)",
        "propensity p (model)",
        "desired level tanh(beta p)",
        "cooperate",
        "In words: Russia toward Japan at 2014-Q1",
    ):
        assert piece in text


def test_raising_kurils_salience_lowers_the_dispute_term_by_weight_times_change():
    salience, raised, weight = 0.5, 0.7, WEIGHTS.dispute  # baseline kurils, dispute weight
    for step in (1, 6):
        low = explain(BASELINE, "RUS", step=step, toward="JPN", replicates=50)
        high = explain(
            BASELINE,
            "RUS",
            step=step,
            toward="JPN",
            replicates=50,
            parameters={"dyads.RUS-JPN.disputes.kurils": raised},
        )
        a, b = low.per_replicate["dispute"], high.per_replicate["dispute"]
        assert np.allclose(b - a, -weight * (raised - salience), atol=1e-12)
        assert np.allclose(a, -weight * salience, atol=1e-12)  # no cap reached
        kurils = high.parts[high.parts["part"] == "kurils"]["mean"].iloc[0]
        assert kurils == pytest.approx(-weight * raised)


def test_dispute_parts_are_shares_of_the_capped_sum():
    e = explain(
        BASELINE,
        "RUS",
        toward="JPN",
        replicates=5,
        parameters={"dyads.RUS-JPN.disputes.kurils": 0.8, "dyads.RUS-JPN.disputes.fishing": 0.6},
    )
    parts = e.parts.set_index("part")["mean"]
    w = WEIGHTS.dispute
    assert e.terms.set_index("term").loc["dispute", "mean"] == pytest.approx(-w)  # capped at 1
    assert parts["kurils"] == pytest.approx(-w * 0.8 / 1.4)
    assert parts["fishing"] == pytest.approx(-w * 0.6 / 1.4)
    assert "Fishing" in e.words("JPN")


def test_defaults_and_names():
    e = explain(BASELINE, "russia", toward="Japan", replicates=4)
    assert (e.actor, e.targets, e.step, e.replicates, e.seed) == ("RUS", ["JPN"], 1, 4, 20140306)
    assert (e.start.isoformat(), e.end.isoformat(), e.period) == (
        "2014-01-01",
        "2014-04-01",
        "2014-Q1",
    )
    assert explain(TALKS_COLLAPSE, "RUS", toward="JPN", seed=3).replicates == 200


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"actor": "RSU"}, "did you mean 'RUS'?"),
        ({"actor": "RUS", "toward": "RUS"}, "is the actor itself"),
        ({"actor": "RUS", "toward": "XYZ"}, "'XYZ' is not an actor"),
        ({"actor": "RUS", "step": 0}, "from 1 (2014-Q1) to 40 (2023-Q4)"),
        ({"actor": "RUS", "step": 41}, "from 1 (2014-Q1) to 40 (2023-Q4)"),
        ({"actor": "RUS", "replicates": 0}, "at least 1"),
    ],
)
def test_bad_input_is_an_explain_error(kwargs, words):
    with pytest.raises(ExplainError, match=None) as info:
        explain(BASELINE, **kwargs)
    assert words in str(info.value)
    assert isinstance(info.value, ScenarioError)


# --- the command ----------------------------------------------------------------------------


def test_cli_text(capsys):
    assert (
        explain_cli.run([str(BASELINE), "--actor", "RUS", "--toward", "JPN", "--reps", "20"]) == 0
    )
    out = capsys.readouterr().out
    assert "Russia toward Japan (RUS -> JPN)" in out
    assert "In words:" in out


def test_cli_json_parses(capsys):
    argv = [str(BASELINE), "--actor", "RUS", "--step", "3", "--reps", "20", "--json"]
    assert explain_cli.run(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["actor"] == {"id": "RUS", "name": "Russia"}
    assert out["step"] == 3 and out["period"]["label"] == "2014-Q3"
    assert [t["id"] for t in out["targets"]] == ["USA", "CHN", "JPN"]
    japan = out["targets"][2]
    assert {t["term"] for t in japan["terms"]} == set(TERM_NAMES)
    total = sum(t["mean"] for t in japan["terms"])
    assert total == pytest.approx(japan["propensity"]["mean"], abs=1e-12)
    assert len(japan["moves"]) == 5 and japan["words"].startswith("Russia toward Japan")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--actor", "RSU"], "did you mean 'RUS'?"),
        (["--actor", "RUS", "--toward", "RUS"], "is the actor itself"),
        (["--actor", "RUS", "--toward", "XYZ"], "not an actor"),
        (["--actor", "RUS", "--step", "41"], "from 1 (2014-Q1) to 40 (2023-Q4)"),
        (["--actor", "RUS", "--step", "0"], "from 1 (2014-Q1) to 40 (2023-Q4)"),
    ],
)
def test_cli_bad_input_exits_2(argv, words, capsys):
    assert explain_cli.run([str(BASELINE), *argv]) == 2
    captured = capsys.readouterr()
    assert words in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_cli_bad_scenario_file_exits_2_with_a_located_message(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {BASELINE.as_posix()}\nname: bad\nweights:\n  treatty: 1\n")
    assert explain_cli.run([str(bad), "--actor", "RUS"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:4: weights.treatty: unknown key; did you mean 'treaty'?" in err
    assert explain_cli.run([str(tmp_path / "missing.yaml"), "--actor", "RUS"]) == 2
    assert "not found" in capsys.readouterr().err


def test_cli_argument_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        explain_cli.run([str(BASELINE), "--actor", "RUS", "--reps", "0"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        explain_cli.run([str(BASELINE)])  # --actor is required
    assert info.value.code == 2


# --- figures --------------------------------------------------------------------------------


def test_waterfall_total_is_the_mean_propensity():
    e = baseline_rus(5)
    for target in e.targets:
        fig = waterfall_figure(e, target)
        (trace,) = fig.data
        assert isinstance(trace, go.Waterfall)
        assert list(trace.measure[:-1]) == ["relative"] * (len(trace.measure) - 1)
        assert trace.measure[-1] == "total"
        mean_p = float(
            e.per_replicate.loc[e.per_replicate["target"] == target, "propensity"].mean()
        )
        assert trace.y[-1] == pytest.approx(mean_p, abs=1e-12)
        assert sum(trace.y[:-1]) == pytest.approx(mean_p, abs=1e-12)


def test_explain_figures_one_per_actor_and_target():
    rus, jpn = baseline_rus(1), explain(BASELINE, "JPN", toward="RUS", replicates=10)
    figures = explain_figures([rus, jpn.to_dict()])
    assert set(figures) == {
        "explain-RUS-USA",
        "explain-RUS-CHN",
        "explain-RUS-JPN",
        "explain-JPN-RUS",
    }
    assert all(isinstance(f, go.Figure) for f in figures.values())
    assert set(explain_figures(jpn)) == {"explain-JPN-RUS"}
    with pytest.raises(ValueError, match="say which target"):
        waterfall_figure(rus)


def test_the_autonomy_cost_shown_is_the_one_the_decision_used():
    # At the start Russia's only warm tie is China (+0.45): toward Japan that outside
    # option keeps the full cost; toward China, with no other tie at theta or warmer, only
    # 1 - eta of it is left (docs/model.md, "Autonomy that responds").
    point = load_scenario(BASELINE)
    alpha, eta = point.actors["RUS"].autonomy, point.model.autonomy_relief
    e = explain(BASELINE, "RUS", step=1, replicates=20)
    summary = e.summary.set_index("target")
    assert summary.loc["JPN", "autonomy"] == pytest.approx(alpha)
    assert summary.loc["CHN", "autonomy"] == pytest.approx(alpha * (1 - eta))
    assert f"autonomy cost {alpha * (1 - eta):.2f} of {alpha:.2f}" in e.words("CHN")
    assert "autonomy cost" not in e.words("JPN")
    assert "autonomy cost alpha" in e.text()
