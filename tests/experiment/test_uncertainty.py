"""Uncertain parameters: how the loader reads them and how replicates sample them.

Loading: a distribution may be written in place of a number (inline or under a dotted
key) or in the top-level ``uncertainties`` table; the loader lifts inline ones into the
table and leaves a central value in their place. Overrides may end, add, change or
replace an uncertainty. Every bad case is reported with file, line and key path.

Sampling: each distribution's sample mean and variance match the theoretical ones (from
scipy.stats) within 5 standard errors, bounds hold, Latin hypercube draws fill every
stratum once, and the same seed gives the same arrays.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import FIXTURES as CONFTEST_FIXTURES
from scipy import stats

from sim.experiment.uncertainty import (
    describe_sampling,
    inverse_cdf,
    parameter_stream,
    sample_parameters,
    uniform_draws,
)
from sim.scenario import Scenario, ScenarioError, load_scenario, resolve_scenario_dict
from sim.scenario.schema import Choice, Normal, Triangular, Uniform

FIXTURES = CONFTEST_FIXTURES / "scenarios"
FOUR = FIXTURES / "four_actors.yaml"
UNCERTAIN = FIXTURES / "uncertain.yaml"
OVERRIDE = FIXTURES / "uncertain_override.yaml"


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def whatif(body: str, base: Path = FOUR, name: str = "w.yaml") -> Path:
    """A what-if on lines 1-2 (name, extends ``base``) followed by ``body`` from line 3."""
    path = Path(name)
    text = f"name: w\nextends: {base}\n" + textwrap.dedent(body).lstrip("\n")
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value).splitlines()


def only_problem(path: Path) -> str:
    found = problems(path)
    assert len(found) == 1, found
    return found[0]


# --- lifting --------------------------------------------------------------------------------


def test_inline_dotted_and_top_level_distributions_are_uncertainties() -> None:
    s = load_scenario(UNCERTAIN)
    assert s.uncertainties == {
        "actors.CHN.assertiveness": Uniform(dist="uniform", low=0.4, high=0.8),
        "actors.RUS.autonomy": Normal(dist="normal", mean=2, sd=0.5, low=1, high=3),
        # Written JPN-RUS (and RUS-JPN in the base): stored in the order actors are listed.
        "dyads.JPN-RUS.relation": Triangular(dist="triangular", low=-0.4, mode=0.1, high=0.4),
        "weights.shared_threat": Choice(dist="choice", values=[3, 3.5, 4], weights=[1, 2, 1]),
        "model.temperature": Uniform(dist="uniform", low=0.005, high=0.02),
    }
    assert s.run.sampling == "latin_hypercube"


def test_a_central_value_takes_the_place_of_an_inline_distribution() -> None:
    s = load_scenario(UNCERTAIN)
    assert s.actors["CHN"].assertiveness == 0.6  # uniform: the midpoint
    assert s.actors["RUS"].autonomy == 2.0  # normal: the mean
    assert s.dyads["JPN-RUS"].relation == 0.1  # triangular: the mode
    # Top-level entries leave the scenario's own value (here the defaults).
    assert s.weights.shared_threat == 3.5
    assert s.model.temperature == 0.01
    merged = resolve_scenario_dict(UNCERTAIN)
    assert merged["actors"]["CHN"]["assertiveness"] == 0.6
    assert merged["uncertainties"]["actors.CHN.assertiveness"] == {
        "dist": "uniform",
        "low": 0.4,
        "high": 0.8,
    }


@pytest.mark.usefixtures("in_tmp")
def test_central_values_of_normal_and_choice() -> None:
    s = load_scenario(
        whatif(
            """
            actors.CHN.offense: {dist: normal, mean: 0.9, sd: 0.2, low: 0.2, high: 0.7}
            actors.JPN.offense: {dist: choice, values: [0.3, 0.1], weights: [1, 3]}
            """
        )
    )
    assert s.actors["CHN"].offense == 0.7  # the mean clipped into low..high
    assert s.actors["JPN"].offense == 0.3  # the first value


def test_overrides_end_add_change_remove_and_replace_uncertainties() -> None:
    s = load_scenario(OVERRIDE)
    # A number ends the base's uncertainty.
    assert "actors.CHN.assertiveness" not in s.uncertainties
    assert s.actors["CHN"].assertiveness == 0.7
    # A distribution makes a number uncertain (central value in its place).
    assert s.uncertainties["actors.JPN.offense"] == Uniform(dist="uniform", low=0.2, high=0.6)
    assert s.actors["JPN"].offense == 0.4
    # A dotted key changes one field of the base's distribution.
    assert s.uncertainties["actors.RUS.autonomy"] == Normal(
        dist="normal", mean=2, sd=0.5, low=1, high=2.5
    )
    # null under uncertainties removes one; a whole new distribution replaces the old.
    assert "model.temperature" not in s.uncertainties
    assert s.uncertainties["weights.shared_threat"] == Uniform(dist="uniform", low=3, high=4)
    assert s.sweep == {"dyads.USA-JPN.treaty": [0.5, 1.0], "model.inertia": [0.4]}


@pytest.mark.usefixtures("in_tmp")
def test_override_by_number_ends_a_top_level_uncertainty() -> None:
    s = load_scenario(whatif("weights.shared_threat: 3.0\n", base=UNCERTAIN))
    assert "weights.shared_threat" not in s.uncertainties
    assert s.weights.shared_threat == 3.0


@pytest.mark.usefixtures("in_tmp")
def test_null_uncertainties_and_null_parents_remove_them() -> None:
    s = load_scenario(whatif("uncertainties: null\n", base=UNCERTAIN))
    assert s.uncertainties == {}
    s = load_scenario(whatif("dyads.JPN-RUS: null\nmodel: null\n", base=UNCERTAIN))
    assert set(s.uncertainties) == {
        "actors.CHN.assertiveness",
        "actors.RUS.autonomy",
        "weights.shared_threat",
    }


@pytest.mark.usefixtures("in_tmp")
def test_dyad_order_does_not_matter_for_an_override() -> None:
    s = load_scenario(
        whatif(
            """
            uncertainties:
              dyads.RUS-JPN.relation: {dist: uniform, low: -0.2, high: 0.2}
            """,
            base=UNCERTAIN,
        )
    )
    assert s.uncertainties["dyads.JPN-RUS.relation"] == Uniform(dist="uniform", low=-0.2, high=0.2)
    assert "dyads.RUS-JPN.relation" not in s.uncertainties


@pytest.mark.usefixtures("in_tmp")
def test_top_level_dotted_key_into_the_table() -> None:
    s = load_scenario(
        whatif("uncertainties.actors.CHN.offense: {dist: uniform, low: 0, high: 1}\n")
    )
    assert s.uncertainties == {"actors.CHN.offense": Uniform(dist="uniform", low=0, high=1)}


# --- located errors -------------------------------------------------------------------------


@pytest.mark.usefixtures("in_tmp")
def test_unknown_distribution_suggests_the_name() -> None:
    path = whatif(
        """
        actors.CHN.assertiveness: {dist: gaussian, mean: 0.6, sd: 0.1}
        uncertainties:
          weights.threat:
            low: 0.1
            dist: unifrom
            high: 0.2
        """
    )
    assert problems(path) == [
        "w.yaml:3: actors.CHN.assertiveness.dist: 'gaussian' is not a distribution; expected "
        "one of uniform, normal, triangular, choice; did you mean 'normal'?",
        "w.yaml:7: uncertainties.weights.threat.dist: 'unifrom' is not a distribution; "
        "expected one of uniform, normal, triangular, choice; did you mean 'uniform'?",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_bounds_in_the_wrong_order() -> None:
    path = whatif(
        """
        actors:
          JPN:
            offense: {dist: uniform, low: 0.8, high: 0.4}
            assertiveness: {dist: triangular, low: 0.1, mode: 0.5, high: 0.3}
        """
    )
    assert problems(path) == [
        "w.yaml:5: actors.JPN.offense: low (0.8) must be below high (0.4)",
        "w.yaml:6: actors.JPN.assertiveness: need low <= mode <= high with low < high, got "
        "0.1, 0.5, 0.3",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_support_outside_the_parameter_range() -> None:
    path = whatif(
        """
        dyads.JPN-RUS.relation: {dist: uniform, low: -0.5, high: 1.5}
        uncertainties:
          actors.CHN.offense: {dist: choice, values: [0.5, 1.2]}
          model.temperature: {dist: uniform, low: 0, high: 0.1}
          weights.threat:
            dist: normal
            mean: 0.5
            sd: 0.1
            low: -0.1
            high: 1
        """
    )
    assert problems(path) == [
        "w.yaml:3: dyads.JPN-RUS.relation.high: must be between -1 and 1 (the parameter's "
        "range), got 1.5",
        "w.yaml:5: uncertainties.actors.CHN.offense.values[1]: must be between 0 and 1 (the "
        "parameter's range), got 1.2",
        "w.yaml:6: uncertainties.model.temperature.low: must be greater than 0 and at most 10 "
        "(the parameter's range), got 0",
        "w.yaml:11: uncertainties.weights.threat.low: must be at least 0 (the parameter's "
        "range), got -0.1",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_untruncated_normal_on_a_bounded_parameter() -> None:
    path = whatif(
        """
        actors.CHN.assertiveness: {dist: normal, mean: 0.6, sd: 0.1}
        actors.RUS.autonomy: {dist: normal, mean: 2, sd: 0.5}
        """
    )
    assert problems(path) == [
        "w.yaml:3: actors.CHN.assertiveness: an untruncated normal can fall outside the "
        "parameter's range (between 0 and 1); truncate it: add low: 0 and high: 1 (or "
        "tighter bounds)",
        "w.yaml:4: actors.RUS.autonomy: an untruncated normal can fall outside the "
        "parameter's range (at least 0); truncate it: add low: 0 (or tighter bounds)",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_paths_that_are_not_parameters() -> None:
    dist = "{dist: uniform, low: 0.1, high: 0.2}"
    path = whatif(
        f"""
        uncertainties:
          actors.KOR.offense: {dist}
          actors.CHN.assertivness: {dist}
          bands.hostile: {dist}
          run.seed: {dist}
          actors.CHN.name: {dist}
        """
    )
    assert problems(path) == [
        "w.yaml:4: uncertainties.actors.KOR.offense: unknown actor 'KOR'; known actors: USA, "
        "CHN, JPN, RUS",
        "w.yaml:5: uncertainties.actors.CHN.assertivness: unknown actor field; expected one "
        "of assertiveness, offense, autonomy, size, capabilities.<gdp|military|population>, "
        "attention.<ID>, wedge.<ID>, assertiveness_toward.<ID>, sanctions.<ID>; did you mean "
        "'assertiveness'?",
        "w.yaml:6: uncertainties.bands.hostile: a path starts with actors, dyads, weights or model",
        "w.yaml:7: uncertainties.run.seed: run settings cannot be sampled; only parameters "
        "under actors, dyads, weights or model can (e.g. actors.CHN.assertiveness or "
        "model.temperature)",
        "w.yaml:8: uncertainties.actors.CHN.name: holds text, not a number; only numeric "
        "parameters can be sampled (e.g. actors.CHN.assertiveness or model.temperature)",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_a_mapping_without_dist_and_booleans_in_a_distribution() -> None:
    path = whatif(
        """
        actors.CHN.assertiveness: {low: 0.4, high: 0.8}
        actors.JPN.offense: {dist: uniform, low: yes, high: 0.8}
        uncertainties.weights.threat: 0.5
        """
    )
    found = problems(path)
    assert found[0] == (
        "w.yaml:3: actors.CHN.assertiveness: expected a number or a distribution (a mapping "
        "with dist: uniform, normal, triangular, choice), got a mapping without 'dist'"
    )
    assert found[1].startswith(
        "w.yaml:4: actors.JPN.offense.low: expected a number, got the boolean true"
    )
    assert found[2] == (
        "w.yaml:5: uncertainties.weights.threat: expected a distribution (a mapping with "
        "dist: uniform, normal, triangular, choice), got the number 0.5"
    )
    assert len(found) == 3


@pytest.mark.usefixtures("in_tmp")
def test_unknown_key_in_a_distribution_suggests_its_fields() -> None:
    path = whatif(
        """
        uncertainties:
          weights.threat: {dist: choice, values: [0.1, 0.2], wieghts: [1, 2]}
        """
    )
    assert only_problem(path) == (
        "w.yaml:4: uncertainties.weights.threat.wieghts: unknown key; did you mean 'weights'?"
    )


@pytest.mark.usefixtures("in_tmp")
def test_the_same_parameter_inline_and_in_the_table() -> None:
    path = whatif(
        """
        uncertainties:
          dyads.RUS-JPN.relation: {dist: uniform, low: -0.2, high: 0.2}
        dyads.JPN-RUS.relation: {dist: uniform, low: -0.1, high: 0.1}
        """
    )
    assert only_problem(path) == (
        "w.yaml:5: dyads.JPN-RUS.relation: given twice (also on line 4, under uncertainties)"
    )


@pytest.mark.usefixtures("in_tmp")
def test_an_uncertain_parameter_cannot_be_swept() -> None:
    path = whatif(
        """
        actors.CHN.offense: {dist: uniform, low: 0.2, high: 0.4}
        sweep.actors.CHN.offense: [0.3]
        """
    )
    assert only_problem(path) == (
        "w.yaml:3: actors.CHN.offense: also swept (sweep: actors.CHN.offense); a parameter "
        "is either sampled or swept, not both: remove one"
    )


@pytest.mark.usefixtures("in_tmp")
def test_an_override_that_breaks_a_base_distribution_is_blamed() -> None:
    path = whatif("actors.RUS.autonomy.high: 0.5\n", base=UNCERTAIN)
    assert only_problem(path) == "w.yaml:3: actors.RUS.autonomy: low (1.0) must be below high (0.5)"


# --- sampling -------------------------------------------------------------------------------

N = 20_000
DISTS: dict[str, Any] = {
    "actors.CHN.assertiveness": Uniform(dist="uniform", low=0.4, high=0.8),
    "actors.JPN.offense": Normal(dist="normal", mean=0.5, sd=0.2, low=0.2, high=0.9),
    "actors.RUS.autonomy": Normal(dist="normal", mean=1.0, sd=1.0, low=0.0),
    "dyads.JPN-RUS.relation": Triangular(dist="triangular", low=-0.4, mode=0.1, high=0.4),
    "weights.shared_threat": Choice(dist="choice", values=[3, 3.5, 4, 9], weights=[1, 2, 1, 0]),
}


def scipy_truth(dist: Any) -> Any:
    """The frozen scipy.stats distribution of one of ours (choice: a discrete rv)."""
    if isinstance(dist, Uniform):
        return stats.uniform(loc=dist.low, scale=dist.high - dist.low)
    if isinstance(dist, Normal):
        low = -np.inf if dist.low is None else dist.low
        high = np.inf if dist.high is None else dist.high
        a, b = (low - dist.mean) / dist.sd, (high - dist.mean) / dist.sd
        return stats.truncnorm(a, b, loc=dist.mean, scale=dist.sd)
    if isinstance(dist, Triangular):
        width = dist.high - dist.low
        return stats.triang((dist.mode - dist.low) / width, loc=dist.low, scale=width)
    p = np.asarray(dist.weights, dtype=float)
    return stats.rv_discrete(values=(np.arange(len(p)), p / p.sum()))


def truth_moments(dist: Any) -> tuple[float, float, float]:
    """Mean, variance and fourth central moment of a distribution."""
    rv = scipy_truth(dist)
    if isinstance(dist, Choice):
        values = np.asarray(dist.values, dtype=float)
        p = rv.pk
        mean = float(p @ values)
        return mean, float(p @ (values - mean) ** 2), float(p @ (values - mean) ** 4)
    mean, var, kurt = (float(x) for x in rv.stats(moments="mvk"))
    return mean, var, (kurt + 3.0) * var**2


def scenario_with(dists: dict[str, Any], sampling: str = "monte_carlo") -> Scenario:
    return Scenario.model_validate(
        {
            "name": "s",
            "run": {"sampling": sampling},
            "actors": {
                "CHN": {"name": "China", "size": 3},
                "JPN": {"name": "Japan", "size": 2},
                "RUS": {"name": "Russia", "size": 1},
            },
            "uncertainties": {k: v.model_dump() for k, v in dists.items()},
        }
    )


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_sample_moments_match_the_distributions(sampling: str) -> None:
    s = scenario_with(DISTS, sampling)
    drawn = sample_parameters(s, N, np.random.SeedSequence(20140301))
    assert list(drawn) == sorted(DISTS)
    for path, dist in DISTS.items():
        x = drawn[path]
        assert x.shape == (N,) and x.dtype == np.float64
        mean, var, mu4 = truth_moments(dist)
        se_mean = np.sqrt(var / N)
        se_var = np.sqrt((mu4 - var**2) / N)
        assert abs(x.mean() - mean) < 5 * se_mean, (path, x.mean(), mean)
        assert abs(x.var(ddof=1) - var) < 5 * se_var, (path, x.var(ddof=1), var)


def test_samples_stay_inside_the_supports() -> None:
    drawn = sample_parameters(scenario_with(DISTS), N, np.random.SeedSequence(1))
    for path, dist in DISTS.items():
        x = drawn[path]
        if isinstance(dist, Choice):
            assert set(np.unique(x)) == {3.0, 3.5, 4.0}  # 9 has weight 0
            continue
        low = -np.inf if dist.low is None else dist.low
        high = np.inf if dist.high is None else dist.high
        assert low <= x.min() and x.max() <= high, path


def test_latin_hypercube_fills_each_stratum_once() -> None:
    n = 500
    u = uniform_draws("latin_hypercube", n, 4, np.random.SeedSequence(7))
    assert u.shape == (n, 4)
    for k in range(4):
        assert np.array_equal(np.sort(np.floor(u[:, k] * n)), np.arange(n))
    # ... and so do the parameter values, mapped back through each distribution's CDF.
    continuous = {k: v for k, v in DISTS.items() if not isinstance(v, Choice)}
    drawn = sample_parameters(
        scenario_with(continuous, "latin_hypercube"), n, np.random.SeedSequence(7)
    )
    for path, dist in continuous.items():
        strata = np.floor(scipy_truth(dist).cdf(drawn[path]) * n)
        assert np.array_equal(np.sort(strata), np.arange(n)), path


def test_monte_carlo_draws_are_independent_uniforms_through_the_inverse_cdf() -> None:
    seed = np.random.SeedSequence(11)
    drawn = sample_parameters(scenario_with(DISTS), 100, seed)
    for path in sorted(DISTS):
        u = np.random.default_rng(parameter_stream(seed, path)).random(100)
        assert np.array_equal(drawn[path], inverse_cdf(DISTS[path], u)), path


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_fixing_adding_or_removing_a_parameter_leaves_the_others_draws(sampling: str) -> None:
    """Each parameter has its own stream: a what-if that fixes one uncertain value stays
    on the base's random numbers for every other (common random numbers)."""
    seed = np.random.SeedSequence(20140306, spawn_key=(0,))
    base = sample_parameters(scenario_with(DISTS, sampling), 300, seed)
    fixed = sorted(DISTS)[1]
    fewer = {k: v for k, v in DISTS.items() if k != fixed}
    without = sample_parameters(scenario_with(fewer, sampling), 300, seed)
    assert set(without) == set(base) - {fixed}
    for path in without:
        assert np.array_equal(without[path], base[path]), path
    # the streams differ between parameters, so two alike distributions draw apart
    twin = sample_parameters(
        scenario_with({"model.temperature": DISTS[fixed], **DISTS}, sampling), 300, seed
    )
    for path in DISTS:
        assert np.array_equal(twin[path], base[path]), path
    assert not np.array_equal(twin["model.temperature"], base[fixed])


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_same_seed_same_draws_other_seed_other_draws(sampling: str) -> None:
    s = scenario_with(DISTS, sampling)
    a = sample_parameters(s, 1000, np.random.SeedSequence(42))
    b = sample_parameters(s, 1000, np.random.SeedSequence(42))
    c = sample_parameters(s, 1000, np.random.SeedSequence(43))
    spawned = sample_parameters(s, 1000, np.random.SeedSequence(42).spawn(1)[0])
    for path in DISTS:
        assert np.array_equal(a[path], b[path])
        assert not np.array_equal(a[path], c[path])
        assert not np.array_equal(a[path], spawned[path])


def test_draws_do_not_depend_on_the_order_uncertainties_were_written() -> None:
    forward = scenario_with(DISTS, "latin_hypercube")
    backward = scenario_with(dict(reversed(list(DISTS.items()))), "latin_hypercube")
    a = sample_parameters(forward, 300, np.random.SeedSequence(5))
    b = sample_parameters(backward, 300, np.random.SeedSequence(5))
    assert list(a) == list(b)
    for path in DISTS:
        assert np.array_equal(a[path], b[path])


def test_nothing_uncertain_samples_nothing() -> None:
    s = load_scenario(FOUR)
    assert sample_parameters(s, 10, np.random.SeedSequence(0)) == {}


def test_loaded_scenario_samples_its_uncertainties() -> None:
    s = load_scenario(UNCERTAIN)
    drawn = sample_parameters(s, 64, np.random.SeedSequence(3))
    assert list(drawn) == sorted(s.uncertainties)
    assert set(np.unique(drawn["weights.shared_threat"])) <= {3.0, 3.5, 4.0}
    assert 0.005 <= drawn["model.temperature"].min() <= drawn["model.temperature"].max() <= 0.02


def test_describe_sampling_is_json_and_rebuilds_the_seed() -> None:
    s = load_scenario(UNCERTAIN)
    seed = np.random.SeedSequence(123).spawn(3)[2]
    info = json.loads(json.dumps(describe_sampling(s, seed)))
    assert info["method"] == "latin_hypercube"
    assert [p["path"] for p in info["parameters"]] == sorted(s.uncertainties)
    assert info["parameters"][0] == {
        "path": "actors.CHN.assertiveness",
        "distribution": {"dist": "uniform", "low": 0.4, "high": 0.8},
    }
    again = np.random.SeedSequence(info["entropy"], spawn_key=tuple(info["spawn_key"]))
    a, b = sample_parameters(s, 50, seed), sample_parameters(s, 50, again)
    assert all(np.array_equal(a[p], b[p]) for p in a)


def test_unknown_sampling_method_is_refused() -> None:
    with pytest.raises(ValueError, match="expected one of monte_carlo, latin_hypercube"):
        uniform_draws("sobol", 4, 2, np.random.SeedSequence(0))
