"""Sweeps: the grid of sweep points, the command line's --set, and located sweep errors.

The scenario's ``sweep`` and ``--set KEY=V1,V2`` give axes; the points are their full
factorial, keys sorted and the last key changing fastest; the command line wins per key.
Bad sweeps are reported with file, line and key path (YAML) or the key (--set).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES as CONFTEST_FIXTURES

from sim.experiment.sweep import parse_set_option, parse_set_options, sweep_axes, sweep_grid
from sim.scenario import ScenarioError, load_scenario

FIXTURES = CONFTEST_FIXTURES / "scenarios"
FOUR = FIXTURES / "four_actors.yaml"
UNCERTAIN = FIXTURES / "uncertain.yaml"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def whatif(body: str) -> Path:
    """A what-if of four_actors on lines 1-2 followed by ``body`` from line 3."""
    path = Path("w.yaml")
    text = f"name: w\nextends: {FOUR}\n" + textwrap.dedent(body).lstrip("\n")
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value).splitlines()


# --- the grid -------------------------------------------------------------------------------


def test_no_sweep_is_one_point_without_overrides() -> None:
    assert sweep_grid(load_scenario(FOUR)) == [{}]
    assert sweep_grid(load_scenario(FOUR), {}) == [{}]


def test_grid_is_the_full_factorial_in_lexicographic_order() -> None:
    s = load_scenario(UNCERTAIN)  # sweep: dyads.JPN-USA.treaty [0.5, 1]; model.inertia x 3
    grid = sweep_grid(s)
    assert len(grid) == 2 * 3
    assert grid == [
        {"dyads.USA-JPN.treaty": t, "model.inertia": k}
        for t in (0.5, 1.0)
        for k in (0.25, 0.5, 0.75)
    ]
    assert all(list(point) == ["dyads.USA-JPN.treaty", "model.inertia"] for point in grid)


def test_command_line_sets_add_axes_and_win_per_key() -> None:
    s = load_scenario(UNCERTAIN)
    cli = {"model.inertia": [0.1, 0.9], "actors.JPN.offense": [0.2, 0.4, 0.6]}
    grid = sweep_grid(s, cli)
    assert len(grid) == 3 * 2 * 2
    assert list(grid[0]) == ["actors.JPN.offense", "dyads.USA-JPN.treaty", "model.inertia"]
    assert [p["model.inertia"] for p in grid[:4]] == [0.1, 0.9, 0.1, 0.9]  # last key fastest
    assert [p["actors.JPN.offense"] for p in grid[::4]] == [0.2, 0.4, 0.6]  # first slowest
    # A dyad named in the other order replaces the scenario's axis for it.
    axes = sweep_axes(s, {"dyads.JPN-USA.treaty": [0.0]})
    assert axes == {"dyads.USA-JPN.treaty": [0.0], "model.inertia": [0.25, 0.5, 0.75]}


def test_grid_order_is_deterministic() -> None:
    s = load_scenario(UNCERTAIN)
    a = sweep_grid(s, {"weights.threat": [0.2, 0.1], "actors.JPN.offense": [0.3]})
    b = sweep_grid(s, {"actors.JPN.offense": [0.3], "weights.threat": [0.2, 0.1]})
    assert a == b
    assert [p["weights.threat"] for p in a[:2]] == [0.2, 0.1]  # values in the order given


def test_command_line_keys_are_checked_like_the_scenario_sweep() -> None:
    s = load_scenario(UNCERTAIN)
    cases = {
        "run.seed": "--set run.seed: run settings cannot be swept; only parameters under "
        "actors, dyads, weights or model can (e.g. actors.CHN.assertiveness or "
        "model.temperature)",
        "actors.CHN.name": "--set actors.CHN.name: holds text, not a number; only numeric "
        "parameters can be swept (e.g. actors.CHN.assertiveness or model.temperature)",
        "actors.KOR.offense": "--set actors.KOR.offense: unknown actor 'KOR'; known actors: "
        "USA, CHN, JPN, RUS",
        "actors.CHN.assertiveness": "--set actors.CHN.assertiveness: the scenario samples "
        "this parameter (uncertainties); a parameter is either sampled or swept, not both",
    }
    for key, message in cases.items():
        with pytest.raises(ValueError) as info:
            sweep_grid(s, {key: [0.5]})
        assert str(info.value) == message
    with pytest.raises(ValueError) as info:
        sweep_grid(s, {"model.temperature": [0.02, 0, 0.02]})
    assert str(info.value).splitlines() == [
        "--set model.temperature: must be greater than 0 and at most 10 (the parameter's "
        "range), got 0",
        "--set model.temperature: 0.02 is given twice (also value 1)",
    ]
    with pytest.raises(ValueError, match=r"the same parameter as --set dyads\.JPN-RUS"):
        sweep_grid(s, {"dyads.JPN-RUS.proximity": [0.1], "dyads.RUS-JPN.proximity": [0.2]})


# --- --set ----------------------------------------------------------------------------------


def test_parse_set_option() -> None:
    assert parse_set_option("actors.CHN.assertiveness=0.4,0.6,0.8") == (
        "actors.CHN.assertiveness",
        [0.4, 0.6, 0.8],
    )
    assert parse_set_option(" model.temperature = 1e-2 ") == ("model.temperature", [0.01])


def test_parse_set_options_refuses_a_key_twice() -> None:
    assert parse_set_options(["model.inertia=0.1,0.2", "weights.threat=1"]) == {
        "model.inertia": [0.1, 0.2],
        "weights.threat": [1.0],
    }
    with pytest.raises(ValueError) as info:
        parse_set_options(["model.inertia=0.1", "model.inertia=0.2"])
    assert str(info.value) == "--set model.inertia: given twice; give all its values in one --set"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "actors.CHN.assertiveness",
            "--set 'actors.CHN.assertiveness': expected KEY=V1,V2,... "
            "(e.g. --set actors.CHN.assertiveness=0.4,0.6,0.8)",
        ),
        (
            "=0.4",
            "--set '=0.4': the parameter path before '=' is missing "
            "(e.g. --set actors.CHN.assertiveness=0.4,0.6,0.8)",
        ),
        (
            "model.inertia=",
            "--set model.inertia: no values after '=' "
            "(e.g. --set actors.CHN.assertiveness=0.4,0.6,0.8)",
        ),
        (
            "model.inertia=0.1,,0.3",
            "--set model.inertia: value 2 is empty (two commas, or a comma at an end)",
        ),
        ("model.inertia=0.1,high", "--set model.inertia: 'high' is not a number"),
        ("model.inertia=nan", "--set model.inertia: 'nan' is not a finite number"),
    ],
)
def test_parse_set_option_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_set_option(text)
    assert str(info.value) == message


# --- located errors in the scenario's sweep -------------------------------------------------


@pytest.mark.usefixtures("in_tmp")
def test_sweep_over_non_numeric_keys() -> None:
    path = whatif(
        """
        sweep:
          name: [1, 2]
          run.seed: [1, 2]
          actors.CHN.name: [1]
          events.x.at: [1]
          bands.hostile: [-0.5]
        """
    )
    swept = "only numeric parameters can be swept (e.g. actors.CHN.assertiveness or "
    assert problems(path) == [
        f"w.yaml:4: sweep.name: holds text, not a number; {swept}model.temperature)",
        "w.yaml:5: sweep.run.seed: run settings cannot be swept; only parameters under "
        "actors, dyads, weights or model can (e.g. actors.CHN.assertiveness or "
        "model.temperature)",
        f"w.yaml:6: sweep.actors.CHN.name: holds text, not a number; {swept}model.temperature)",
        f"w.yaml:7: sweep.events.x.at: holds a date, not a number; {swept}model.temperature)",
        "w.yaml:8: sweep.bands.hostile: a path starts with actors, dyads, weights or model",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_sweep_values_are_a_list_of_at_least_one() -> None:
    path = whatif(
        """
        sweep:
          dyads.RUS-JPN.relation: []
          weights.threat: 0.5
        """
    )
    assert problems(path) == [
        "w.yaml:4: sweep.dyads.RUS-JPN.relation: needs at least 1 entry, got 0",
        "w.yaml:5: sweep.weights.threat: expected a list (lines starting with '- '), got the "
        "number 0.5",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_sweep_values_inside_the_range_and_each_once() -> None:
    path = whatif(
        """
        sweep:
          actors.CHN.offense:
            - 0.1
            - 1.2
        sweep.model.temperature: [0.01, 0.01]
        """
    )
    assert problems(path) == [
        "w.yaml:6: sweep.actors.CHN.offense[1]: must be between 0 and 1 (the parameter's "
        "range), got 1.2",
        "w.yaml:7: sweep.model.temperature[1]: 0.01 is given twice (also value 1)",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_sweep_keys_name_a_dyad_in_either_order() -> None:
    s = load_scenario(whatif("sweep.dyads.RUS-JPN.relation: [-0.5, 0.5]\n"))
    assert s.sweep == {"dyads.JPN-RUS.relation": [-0.5, 0.5]}
    assert sweep_grid(s) == [{"dyads.JPN-RUS.relation": -0.5}, {"dyads.JPN-RUS.relation": 0.5}]
