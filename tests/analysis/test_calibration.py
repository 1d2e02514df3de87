"""Calibration (sim.analysis.calibration, calibration_result, observation_fit): the
observation model's arithmetic, the profile intervals, bad inputs, reproducibility and
the calibrated file, and the recovery of parameters from observations the model made.

The arithmetic is checked against :class:`statistics.NormalDist`, not against the
module's own formulas. Observations for it are read with ``parse_observations`` against
tests/fixtures/scenarios/four_actors.yaml (USA, CHN, JPN, RUS; quarterly from 2014-01-01).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from conftest import FIXTURES, REPO_ROOT

from sim.analysis import AnalysisError
from sim.analysis.calibration import calibrate, plan_calibration
from sim.analysis.calibration_result import (
    PROFILE_DROP,
    Evaluation,
    profile_frame,
    profile_intervals,
)
from sim.analysis.common import run_ensemble
from sim.analysis.observation_fit import (
    BAND_EDGE,
    GROSS_ERROR,
    ObservationIndex,
    ObservationModel,
    fit_table,
)
from sim.analysis.recovery import model_observations
from sim.analysis.robustness import scenario_value
from sim.scenario import Scenario, load_scenario
from sim.scenario.observations import (
    ObservationError,
    format_observations,
    observation_step,
    parse_observations,
)

HISTORY = REPO_ROOT / "scenarios" / "history" / "2014-2024.yaml"
CODINGS = REPO_ROOT / "scenarios" / "history" / "observations-2014-2024.csv"
POINT_BASELINE = REPO_ROOT / "scenarios" / "baseline-point.yaml"
PHI = NormalDist().cdf
W = GROSS_ERROR


@pytest.fixture(scope="module")
def four() -> Scenario:
    return load_scenario(FIXTURES / "scenarios" / "four_actors.yaml")


def observe(scenario: Scenario, rows: str, header: str = "date,actor_a,actor_b,low,high"):
    return parse_observations(header + "\n" + rows, scenario, "o.csv")


def likelihood(relations, observations, model: ObservationModel | None = None) -> np.ndarray:
    """L_o from replicate relations given per observation (a list of columns)."""
    model = model or ObservationModel()
    return model.likelihoods(np.column_stack(relations), observations)


# --------------------------------------------------------------------- observation model


def test_a_point_is_the_mean_normal_density_mixed_with_a_uniform(four):
    (obs,) = observe(four, "2014-06-30,USA,CHN,0.25,0.1", "date,actor_a,actor_b,relation,sd")
    r = [0.1, 0.3, 0.5]
    density = NormalDist(0.25, 0.1)  # symmetric: N(y; r, sd) == N(r; y, sd)
    expected = (1 - W) * sum(density.pdf(x) for x in r) / 3 + W * 0.5
    assert likelihood([r], [obs])[0] == pytest.approx(expected, rel=1e-12)


def test_a_band_integrates_a_blurred_edge_on_each_side(four):
    (obs,) = observe(four, "2014-06-30,USA,CHN,0.2,0.6")
    r = [0.0, 0.4, 0.65]
    h = BAND_EDGE
    inside = [PHI((0.6 - x) / h) - PHI((0.2 - x) / h) for x in r]
    expected = (1 - W) * sum(inside) / 3 + W * (0.6 - 0.2) / 2
    assert likelihood([r], [obs])[0] == pytest.approx(expected, rel=1e-12)
    # the other model's numbers are used when given
    model = ObservationModel(gross_error=0.2, band_edge=0.1)
    inside = [PHI((0.6 - x) / 0.1) - PHI((0.2 - x) / 0.1) for x in r]
    expected = 0.8 * sum(inside) / 3 + 0.2 * 0.2
    assert likelihood([r], [obs], model)[0] == pytest.approx(expected, rel=1e-12)


def test_a_band_edge_at_a_bound_is_no_edge(four):
    allied, hostile, almost = observe(
        four, "2014-06-30,USA,JPN,0.6,1\n2014-06-30,CHN,JPN,-1,-0.6\n2014-06-30,USA,JPN,0.6,0.99"
    )
    at_bounds = likelihood([[1.0], [-1.0], [1.0]], [allied, hostile, almost])
    # a replicate at +1 (or -1) is wholly inside a band that ends there: p = 1
    assert at_bounds[0] == pytest.approx((1 - W) * 1.0 + W * 0.2, rel=1e-12)
    assert at_bounds[1] == pytest.approx((1 - W) * 1.0 + W * 0.2, rel=1e-12)
    # an edge just short of the bound does blur: a replicate 0.01 past it is half out
    expected = (1 - W) * (PHI(-0.01 / BAND_EDGE) - PHI(-0.4 / BAND_EDGE)) + W * 0.39 / 2
    assert at_bounds[2] == pytest.approx(expected, rel=1e-12)
    assert at_bounds[2] < 0.5 * at_bounds[0]


def test_an_observation_no_replicate_comes_near_costs_a_bounded_amount(four):
    (point,) = observe(four, "2014-06-30,USA,CHN,0.9,0.01", "date,actor_a,actor_b,relation,sd")
    (band,) = observe(four, "2014-06-30,USA,CHN,-1,-0.6")
    below, above = [-0.9] * 50, [0.9] * 50  # far from the point and from the band
    cost = -np.log(likelihood([below, above], [point, band]))
    ceiling = [-math.log(W * 0.5), -math.log(W * 0.4 / 2)]
    assert np.all(cost <= ceiling)
    assert cost == pytest.approx(ceiling, rel=1e-6)  # the replicates add nothing
    assert ObservationModel().log_likelihood(np.column_stack([below, above]), [point, band]) == (
        pytest.approx(-sum(ceiling), rel=1e-6)
    )
    assert ObservationModel().log_likelihood(np.empty((3, 0)), []) == 0.0


def test_the_index_reads_each_observation_at_its_step_and_dyad(four):
    found = observe(four, "2014-12-31,JPN,USA,0.6,1\n2015-01-01,RUS,CHN,-0.2,0.2")
    ids = list(four.actors)
    dyads = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    index = ObservationIndex.of(four, found, ids, dyads)
    assert index.steps.tolist() == [4, 5]  # 2014-12-31 ends step 4; 2015-01-01 opens step 5
    assert index.columns.tolist() == [1, 4]  # USA-JPN and CHN-RUS, whichever order written
    assert index.last_step == 5
    # history[k, r, c] = 100 k + 10 c + r, so each read says where it came from
    k, r, c = np.meshgrid(np.arange(9), np.arange(3), np.arange(6), indexing="ij")
    relations = index.relations(100.0 * k + 10 * c + r)
    assert relations.shape == (3, 2)
    assert relations[:, 0].tolist() == [410, 411, 412]
    assert relations[:, 1].tolist() == [540, 541, 542]


def test_the_fit_table_says_what_the_replicates_did(four):
    found = observe(
        four,
        "2014-06-30,USA,CHN,,,0.5,0.1\n2014-06-30,USA,JPN,0.2,0.6,,",
        "date,actor_a,actor_b,low,high,relation,sd",
    )
    index = ObservationIndex.of(four, found, list(four.actors), [(0, 1), (0, 2)])
    relations = np.column_stack([[0.35, 0.45, 0.55, 0.7], [0.1, 0.3, 0.5, 0.9]])
    table = fit_table(index, relations, ObservationModel(), [False, True])
    assert table["inside"].tolist() == [0.5, 0.5]  # within one sd; inside the band
    assert table["median"].tolist() == pytest.approx([0.5, 0.4])
    assert table["held_out"].tolist() == [False, True]
    expected = np.log(ObservationModel().likelihoods(relations, found))
    assert table["log_likelihood"].to_numpy() == pytest.approx(expected)


# --------------------------------------------------------------------- profile intervals


def evaluation(fit: float, a: float, b: float) -> Evaluation:
    return Evaluation(values={"a": a, "b": b}, fit=fit, held_out=0.0)


def test_the_interval_is_the_range_of_the_values_within_the_drop_of_the_best():
    assert abs(PROFILE_DROP - 3.841459 / 2) < 1e-3  # chi2(1, 0.95) / 2
    found = [
        evaluation(-10.0, a=5.0, b=0.5),  # the best
        evaluation(-11.5, a=4.0, b=0.02),
        evaluation(-11.91, a=7.0, b=0.6),  # just within 1.92
        evaluation(-11.93, a=9.8, b=0.9),  # just outside
        evaluation(-50.0, a=0.1, b=0.99),
    ]
    ranges = {"a": (0.0, 10.0), "b": (0.0, 1.0)}
    a, b = (profile_intervals(found, ranges)[k] for k in ("a", "b"))
    assert (a.low, a.high, a.best, a.supporting) == (4.0, 7.0, 5.0, 3)
    assert (a.range_low, a.range_high) == (0.0, 10.0)
    assert not a.reaches_low and not a.reaches_high
    assert (b.low, b.high, b.best) == (0.02, 0.6, 0.5)
    assert b.reaches_low and not b.reaches_high  # 0.02 is within 5% of the range's 0


def test_an_interval_reaches_the_high_end_when_the_data_do_not_bound_it():
    found = [evaluation(-3.0, a=9.7, b=0.5), evaluation(-3.5, a=8.0, b=0.45)]
    a = profile_intervals(found, {"a": (0.0, 10.0), "b": (0.0, 1.0)})["a"]
    assert (a.low, a.high) == (8.0, 9.7)
    assert a.reaches_high and not a.reaches_low
    only = profile_intervals([evaluation(-3.0, a=5.0, b=0.5)], {"a": (0.0, 10.0)})["a"]
    assert (only.low, only.high, only.supporting) == (5.0, 5.0, 1)


def test_the_profile_frame_keeps_the_best_score_of_each_bin():
    found = [evaluation(-4.0, a=0.2, b=0.5), evaluation(-2.0, a=0.4, b=0.5)]
    found.append(evaluation(-1.0, a=10.0, b=0.5))  # the top end falls in the last bin
    frame = profile_frame(found, {"a": (0.0, 10.0)})
    assert len(frame) == 20 and set(frame["parameter"]) == {"a"}
    assert frame["value"].iloc[0] == pytest.approx(0.25)
    assert (frame["profile"].iloc[0], frame["evaluations"].iloc[0]) == (-2.0, 2)
    assert (frame["profile"].iloc[-1], frame["evaluations"].iloc[-1]) == (-1.0, 1)
    assert frame["profile"].iloc[1:-1].isna().all()


# --------------------------------------------------------------------- bad input


def plan(**changes):
    args = {
        "vary": {"model.responsiveness": (0.8, 3.0)},
        "budget": 64,
        "replicates": 100,
        "seed": 3,
    }
    args.update(changes)
    return plan_calibration(HISTORY, CODINGS, **args)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vary": {}}, "calibration needs at least one --vary KEY=LO:HI"),
        ({"vary": {"model.responsiveness": (2.0, 2.0)}}, r"LO \(2\) must be below HI \(2\)"),
        ({"vary": {"model.responsiveness": (3.0, 1.0)}}, r"LO \(3\) must be below HI \(1\)"),
        ({"vary": {"model.responsivness": (1, 2)}}, "did you mean 'responsiveness'"),
        ({"budget": 0}, "--budget must be at least 1 evaluation, got 0"),
        ({"replicates": 1}, r"--reps must be >= 2 \(a likelihood over replicates\), got 1"),
        (
            {"holdout_after": "2014-01-31"},
            "every observation is after it, so none is left to fit "
            r"\(the first is dated 2014-04-24\)",
        ),
        ({"holdout_after": "2021-31-12"}, "--holdout-after 2021-31-12: expected a date"),
        ({"holdout_after": "Dec 2021"}, "--holdout-after Dec 2021: expected a date YYYY-MM-DD"),
    ],
    ids=["no-vary", "lo-is-hi", "lo-above-hi", "unknown-key", "budget-0", "reps-1",
         "holdout-before-all", "holdout-bad-month", "holdout-words"],
)  # fmt: skip
def test_bad_input_says_what_is_wrong(changes, message):
    with pytest.raises(AnalysisError, match=message):
        plan(**changes)


def test_bad_observations_say_file_line_and_column(four, tmp_path):
    bad = tmp_path / "o.csv"
    bad.write_text("date,actor_a,actor_b,low,high\n2014-06-30,USA,XYZ,0.2,0.6\n")
    with pytest.raises(ObservationError, match=r"o\.csv:2: actor_b: expected a known actor"):
        plan_calibration(HISTORY, bad, {"model.responsiveness": (0.8, 3.0)})
    with pytest.raises(AnalysisError, match="at least one observation"):
        plan_calibration(HISTORY, [], {"model.responsiveness": (0.8, 3.0)})


def test_a_small_budget_and_an_empty_holdout_are_warnings_not_errors():
    assert plan().warnings == []
    two = {"model.responsiveness": (0.8, 3.0), "weights.threat": (0.1, 0.8)}
    small = plan(vary=two, budget=19)
    (warning,) = small.warnings
    assert "a budget of 19 evaluation(s) for 2 parameter(s) is too small" in warning
    assert plan(vary=two, budget=20).warnings == []
    late = plan(holdout_after="2023-11-15")  # the last coding's date: nothing after it
    (warning,) = late.warnings
    assert "--holdout-after 2023-11-15: no observation is dated after it" in warning
    assert not any(late.held_out)
    held = plan(holdout_after=dt.date(2021, 12, 31))
    assert held.warnings == [] and 0 < sum(held.held_out) < len(held.observations)


# --------------------------------------------------------------------- reproducibility


SMALL_BUDGET = 8
"""Evaluations of the reproducibility fits: each costs about the same whatever its
replicates, and 8 different points are as good a check of sameness as more."""


@pytest.fixture(scope="module")
def small_fit():
    """Two parameters of the backcast fitted to the shipped codings, on 1 and 2 workers
    (chunks of 20 replicates, so two workers share each point)."""
    vary = {"model.responsiveness": (0.8, 3.0), "weights.threat": (0.1, 0.8)}
    return [
        calibrate(HISTORY, CODINGS, vary, budget=SMALL_BUDGET, replicates=40, seed=3,
                  holdout_after="2021-12-31", chunk_size=20, workers=workers)
        for workers in (1, 2)
    ]  # fmt: skip


@pytest.mark.slow
def test_the_same_seed_gives_the_same_fit_on_any_number_of_workers(small_fit):
    one, two = small_fit
    assert len(one.evaluations) == SMALL_BUDGET
    assert len({e.fit for e in one.evaluations}) == SMALL_BUDGET  # as many scores as points
    assert one.best.values == two.best.values
    assert one.evaluations == two.evaluations
    assert one.before == two.before
    assert one.monte_carlo_error == two.monte_carlo_error
    assert one.fit_frame().equals(two.fit_frame())
    assert one.best.fit >= one.before.fit  # the scenario's own values are evaluated first
    assert one.best.fit == max(e.fit for e in one.evaluations)


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_fit(small_fit, dask_scheduler):
    vary = {"model.responsiveness": (0.8, 3.0), "weights.threat": (0.1, 0.8)}
    on_dask = calibrate(HISTORY, CODINGS, vary, budget=SMALL_BUDGET, replicates=40, seed=3,
                        holdout_after="2021-12-31", chunk_size=20,
                        scheduler=dask_scheduler)  # fmt: skip
    assert on_dask.evaluations == small_fit[0].evaluations
    assert on_dask.stats is not None and on_dask.stats.backend.startswith("dask")


@pytest.mark.slow
def test_the_calibrated_file_loads_with_the_fitted_values(small_fit, tmp_path):
    result = small_fit[0]
    folder = tmp_path / "calibration"
    folder.mkdir()
    (folder / "calibrated.yaml").write_text(result.calibrated_yaml(folder))
    loaded = load_scenario(folder / "calibrated.yaml")
    best = result.best.values
    assert loaded.name == "history-2014-2024-calibrated"
    assert loaded.model.responsiveness == pytest.approx(best["model.responsiveness"], rel=1e-5)
    assert loaded.weights.threat == pytest.approx(best["weights.threat"], rel=1e-5)
    # the history draws the threat weight; the calibrated file fixes it at the fit
    assert "weights.threat" in result.scenario.uncertainties
    assert "weights.threat" not in loaded.uncertainties
    assert len(loaded.events) == len(result.scenario.events)  # the rest is the history's


# --------------------------------------------------------------------- parameter recovery
#
# The model makes the data: baseline-point (no uncertain parameters, so the relations
# depend only on the varied ones and the choice noise) run at known values with seed
# TRUTH_SEED and TRUTH_REPS replicates. Each of the 6 dyads' ensemble mean at 8 steps, a
# year and a quarter apart, is a point observation with sd 0.05. The means' own Monte
# Carlo error is about 0.003 (a replicate spread of 0.06 / sqrt(400)), so the sd is a
# stated measurement error, the observation model's blur of a coder's band edge; it is
# near the replicates' spread, so neither dominates the likelihood. The fit runs on
# another seed, so it never sees the random numbers that made the data.
#
# Tolerances: the best value within 10% of its range of the truth, and the truth inside
# the 95% profile interval. How far these are from failing was measured on fits at seeds
# 1..10 (160 evaluations x 100 replicates): the largest error was 5.2% of a range, and
# the truth was inside every interval. At 96 evaluations the responsiveness interval
# missed the truth in 2 of 10 seeds: the interval is read off the evaluations and is as
# coarse as the budget, so the budget here is 160.
#
# The three parameters all move the mean relations (measured on 200 replicates at the
# end: responsiveness 1.8 -> 1.2 moves US-Japan and China-Japan by 0.1-0.13; the threat
# weight 0.36 -> 0.6 moves US-China, China-Japan and China-Russia by 0.13-0.18; China's
# assertiveness 0.6 -> 0.8 moves Japan-Russia and US-Russia by about 0.25). The attention
# weight moves nothing in this scenario, so it is not used (the last test).

TRUE = {"model.responsiveness": 1.3, "weights.threat": 0.55, "actors.CHN.assertiveness": 0.75}
RANGES = {
    "model.responsiveness": (0.8, 3.0),
    "weights.threat": (0.1, 0.8),
    "actors.CHN.assertiveness": (0.2, 1.0),
}
OTHER = {**TRUE, "model.responsiveness": 2.4}
"""The same world but a more responsive one: a wrong observation set for TRUE."""
STEPS = (5, 10, 15, 20, 25, 30, 35, 40)
SD = 0.05
TRUTH_SEED, TRUTH_REPS = 101, 400
FIT_SEED, FIT_REPS, FIT_BUDGET = 202, 100, 160
TOLERANCE = 0.10
"""Of each parameter's range."""


def synthetic_observations(values: dict[str, float], path: Path) -> Path:
    """The ensemble means at ``values`` as point observations, written as CSV (so the fit
    reads them as a user's file is read)."""
    made = model_observations(POINT_BASELINE, values, STEPS, SD, TRUTH_REPS, TRUTH_SEED)
    path.write_text(format_observations(made), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def observed(tmp_path_factory) -> dict[str, Path]:
    """The synthetic observations of TRUE and of OTHER (files; the tests only read them)."""
    folder = tmp_path_factory.mktemp("recovery")
    return {
        name: synthetic_observations(values, folder / f"{name}.csv")
        for name, values in (("true", TRUE), ("other", OTHER))
    }


@pytest.fixture(scope="module")
def recovered(observed):
    return {
        name: calibrate(POINT_BASELINE, data, RANGES, budget=FIT_BUDGET, replicates=FIT_REPS,
                        seed=FIT_SEED, workers=1)
        for name, data in observed.items()
    }  # fmt: skip


@pytest.mark.slow
def test_the_synthetic_observations_sit_where_they_were_made(recovered):
    result = recovered["true"]
    assert len(result.observations) == 6 * len(STEPS)
    steps = {observation_step(result.scenario, o) for o in result.observations}
    assert steps == set(STEPS)
    for path, (lo, hi) in RANGES.items():  # the truth is not the centre nor the start
        assert abs(TRUE[path] - (lo + hi) / 2) > TOLERANCE * (hi - lo)
        start = scenario_value(result.scenario, path)  # the fit's first point
        assert abs(start - TRUE[path]) > TOLERANCE * (hi - lo)


@pytest.mark.slow
@pytest.mark.parametrize("path", list(TRUE))
def test_calibration_recovers_the_values_that_made_the_observations(recovered, path):
    result = recovered["true"]
    lo, hi = RANGES[path]
    iv = result.intervals[path]
    assert abs(result.best.values[path] - TRUE[path]) <= TOLERANCE * (hi - lo), iv
    assert iv.low <= TRUE[path] <= iv.high, iv
    assert not (iv.reaches_low or iv.reaches_high), iv  # the data bound it on both sides
    assert result.best.fit > result.before.fit + PROFILE_DROP  # the scenario's own is worse


@pytest.mark.slow
def test_observations_of_another_world_do_not_return_the_first_truth(recovered):
    path = "model.responsiveness"
    lo, hi = RANGES[path]
    wrong = recovered["other"]
    iv = wrong.intervals[path]
    assert abs(wrong.best.values[path] - TRUE[path]) > TOLERANCE * (hi - lo), iv
    assert not iv.low <= TRUE[path] <= iv.high, iv
    assert abs(wrong.best.values[path] - OTHER[path]) <= TOLERANCE * (hi - lo), iv


@pytest.mark.slow
def test_the_calibrated_point_scenario_reproduces_its_fit(recovered, tmp_path):
    result = recovered["true"]
    (tmp_path / "calibrated.yaml").write_text(result.calibrated_yaml(tmp_path))
    loaded = load_scenario(tmp_path / "calibrated.yaml")
    for path, value in result.best.values.items():
        assert scenario_value(loaded, path) == pytest.approx(value, rel=1e-5)
    ensemble, _, _ = run_ensemble(
        loaded, replicates=FIT_REPS, seed=FIT_SEED, chunk_size=result.chunk_size,
        record="full", points=[{}], workers=1, scheduler=None, connect_timeout=None,
        progress=None,
    )  # fmt: skip
    view = ensemble.point(0)
    index = ObservationIndex.of(loaded, result.observations, view.actor_ids, view.dyads)
    fit = result.model.log_likelihood(index.relations(view.history), result.observations)
    # the same seed and no uncertain parameters: the file's run is the best evaluation's
    # (its 6 significant digits move a choice's probability by about 1e-6, no draw)
    assert fit == pytest.approx(result.best.fit, rel=1e-6)


@pytest.mark.slow
def test_a_parameter_that_moves_nothing_is_not_bounded(observed):
    data = observed["true"]
    result = calibrate(POINT_BASELINE, data, {"weights.attention": (0.0, 2.0)}, budget=24,
                       replicates=40, seed=FIT_SEED, workers=1)  # fmt: skip
    # under common random numbers an inert parameter scores every point the same
    assert len({e.fit for e in result.evaluations}) == 1
    values = [e.values["weights.attention"] for e in result.evaluations]
    iv = result.intervals["weights.attention"]
    assert (iv.low, iv.high, iv.supporting) == (min(values), max(values), 24)
