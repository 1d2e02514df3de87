"""Landscape theory (sim.analysis.landscape): energies, minima, basins, inputs and the command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import FIXTURES, SMALL_YAML
from landscape_support import brute_energy, brute_landscape, random_case

from sim.analysis.landscape import (
    EXHAUSTIVE_LIMIT,
    LandscapeError,
    LandscapeInput,
    analyse,
    energy,
    frustration,
    load_case,
    load_case_text,
    load_input,
    scenario_input,
    summary_text,
    to_dict,
)
from sim.cli import landscape as landscape_cli
from sim.model.drivers import propensity
from sim.model.world import build_world, capability_shares, initial_relations
from sim.present.landscape_figure import landscape_figure
from sim.scenario import load_scenario

CASES = FIXTURES / "landscape"


def as_map(result) -> dict[tuple[int, ...], float]:
    return {tuple(int(x) for x in m.positions): m.basin_share for m in result.minima}


# --- hand-made cases with known answers ------------------------------------------------------


def test_balanced_camps_are_the_only_minimum_at_the_hand_computed_energy():
    result = analyse(load_case(CASES / "balanced.yaml"))
    assert result.method == "exhaustive"
    assert result.configurations == 2**4
    assert len(result.minima) == 1
    g = result.global_minimum
    a, b, neutral = result.blocs(g.positions)
    assert {frozenset(a), frozenset(b)} == {frozenset({"A1", "A2", "A3"}), frozenset({"B1", "B2"})}
    assert neutral == []
    assert g.energy == pytest.approx(-32.0)
    assert g.basin_share == pytest.approx(1.0)
    # Frustration: A1 is apart from B1 (1) and B2 (3): F = -(1 + 3) = -4; sum s_i F_i = E.
    f = dict(zip(result.input.ids, g.frustration, strict=True))
    assert f["A1"] == pytest.approx(-4.0)
    assert f["B2"] == pytest.approx(-4.0)
    assert float(np.dot(result.input.sizes, g.frustration)) == pytest.approx(g.energy)
    assert np.all(g.switch_cost > 0)
    assert not g.weak


def test_frustrated_triangle_has_three_degenerate_minima_with_equal_basins():
    result = analyse(load_case(CASES / "triangle.yaml"))
    assert len(result.minima) == 3
    assert [m.energy for m in result.minima] == pytest.approx([-4.0] * 3)
    assert [m.basin_share for m in result.minima] == pytest.approx([1 / 3] * 3)
    assert result.degenerate == 3
    splits = {frozenset(map(frozenset, result.blocs(m.positions)[:2])) for m in result.minima}
    assert len(splits) == 3  # X | Y Z, Y | X Z, Z | X Y
    for m in result.minima:
        assert sorted(len(b) for b in result.blocs(m.positions)[:2]) == [1, 2]


def test_zero_propensities_give_deterministic_ties():
    first = to_dict(analyse(load_case(CASES / "ties.yaml")))
    again = to_dict(analyse(load_case(CASES / "ties.yaml")))
    first.pop("seconds"), again.pop("seconds")
    assert first == again
    minima = [(m["blocs"], m["energy"], m["basin_share"]) for m in first["minima"]]
    assert minima == [
        ([["A", "B", "C"], []], 0.0, 0.5),
        ([["A", "B"], ["C"]], 0.0, 0.5),
    ]
    assert first["global_minimum"]["degenerate"] == 2
    assert first["global_minimum"]["switch_cost"]["C"] == 0.0  # C is indifferent
    assert all(m["weak"] for m in first["minima"])


def test_all_zero_propensities_make_every_configuration_a_minimum():
    data = LandscapeInput.from_arrays(["A", "B", "C", "D"], [1, 2, 3, 4], np.zeros((4, 4)))
    result = analyse(data)
    assert len(result.minima) == 8
    assert [m.basin_share for m in result.minima] == pytest.approx([1 / 8] * 8)


def test_mirror_images_are_counted_once():
    for n in (2, 5, 9):
        data = random_case(n, seed=n)
        result = analyse(data)
        assert result.configurations == 2 ** (n - 1)
        assert len(result.energies) == 2 ** (n - 1)
        positions = result.configuration(np.arange(result.configurations))
        assert np.all(positions[:, 0] == 0)  # actor 0 fixed in bloc A
        assert len({tuple(p) for p in positions}) == result.configurations
        assert np.allclose(energy(1 - positions, data.sizes, data.propensity), result.energies)
    neutral = analyse(random_case(4, seed=1), neutral=True)
    assert neutral.configurations == (3**4 + 1) // 2


def test_vectorised_energies_equal_a_brute_force_double_loop():
    data = random_case(10, seed=7)
    result = analyse(data)
    positions = result.configuration(np.arange(result.configurations))
    brute = [brute_energy(tuple(p), data.sizes, data.propensity) for p in positions]
    assert np.allclose(result.energies, brute, rtol=1e-12, atol=1e-12)
    assert np.allclose(energy(positions, data.sizes, data.propensity), brute)
    small = random_case(6, seed=3)
    neutral = analyse(small, neutral=True)
    positions = neutral.configuration(np.arange(neutral.configurations))
    brute = [brute_energy(tuple(p), small.sizes, small.propensity) for p in positions]
    assert np.allclose(neutral.energies, brute, rtol=1e-12, atol=1e-12)


def test_frustration_sums_to_the_energy():
    data = random_case(7, seed=11)
    result = analyse(data)
    positions = result.configuration(np.arange(result.configurations))
    f = frustration(positions, data.sizes, data.propensity)
    assert np.allclose(f @ data.sizes, result.energies)


@pytest.mark.parametrize(
    ("n", "seed", "neutral", "ties"),
    [(8, 1, False, False), (9, 2, False, True), (5, 3, True, False), (5, 4, True, True)],
)
def test_minima_and_basins_match_a_plain_recursion(n, seed, neutral, ties):
    data = random_case(n, seed, ties=ties)
    got = as_map(analyse(data, neutral=neutral))
    want = brute_landscape(data, neutral)
    assert set(got) == set(want)
    for config, share in want.items():
        assert got[config] == pytest.approx(share, abs=1e-12)
    assert sum(got.values()) == pytest.approx(1.0)


def test_every_minimum_is_stable_under_single_switches():
    data = random_case(12, seed=5)
    result = analyse(data)
    for m in result.minima:
        assert np.all(m.switch_cost >= -result.tolerance)
        for i in range(data.n):
            moved = m.positions.copy()
            moved[i] = 1 - moved[i]
            assert energy(moved, data.sizes, data.propensity) >= m.energy - result.tolerance
    energies = [m.energy for m in result.minima]
    assert energies == sorted(energies)
    assert result.global_minimum.energy == pytest.approx(result.energies.min())


def test_neutral_position_lets_a_friend_of_both_camps_stand_outside():
    data = load_case(CASES / "neutral.yaml")
    two = analyse(data)
    a, b, _ = two.blocs(two.global_minimum.positions)
    assert "RUS" in a + b  # with two blocs it must split from one friend
    assert two.global_minimum.energy == pytest.approx(-3.0)
    three = analyse(data, neutral=True)
    a, b, neutral = three.blocs(three.global_minimum.positions)
    assert neutral == ["RUS"]
    assert {frozenset(a), frozenset(b)} == {frozenset({"JPN", "USA"}), frozenset({"CHN"})}
    assert three.global_minimum.energy == pytest.approx(-4.0)
    assert three.global_minimum.frustration[3] == 0.0


def test_neutral_does_not_attract_an_actor_hostile_to_both_camps():
    # With d_ij = 1 only across blocs, joining either bloc puts an actor hostile to both
    # camps apart from the other camp, which lowers the energy: it never stays neutral.
    text = (CASES / "neutral.yaml").read_text().replace("0.5", "-0.5")
    result = analyse(load_case_text(text, "hostile.yaml"), neutral=True)
    for m in result.minima:
        if m.energy <= result.global_minimum.energy + result.tolerance:
            assert "RUS" not in result.blocs(m.positions)[2]


# --- multi-start local search ------------------------------------------------------------------


def test_multistart_finds_the_exhaustive_minima_with_basin_like_shares():
    data = random_case(10, seed=21)
    exact = as_map(analyse(data))
    result = analyse(data, heuristic=True, starts=20000, seed=1)
    assert result.method == "multi-start local search"
    assert result.starts == 20000
    found = as_map(result)
    assert set(found) <= set(exact)
    for config, share in found.items():
        assert share == pytest.approx(exact[config], abs=0.02)
    again = as_map(analyse(data, heuristic=True, starts=20000, seed=1))
    assert again == found


def test_too_many_actors_need_the_heuristic():
    data = random_case(EXHAUSTIVE_LIMIT + 1, seed=2)
    with pytest.raises(LandscapeError, match="--heuristic"):
        analyse(data)
    result = analyse(data, heuristic=True, starts=200, seed=3)
    assert result.configurations == 2**EXHAUSTIVE_LIMIT
    out = to_dict(result)
    assert out["method"] == "multi-start local search"
    assert out["starts"] == 200
    assert "all" not in out
    assert sum(m["basin_share"] for m in out["minima"]) == pytest.approx(1.0)
    with pytest.raises(LandscapeError, match="at most 13"):
        analyse(random_case(14, seed=1), neutral=True)


# --- inputs --------------------------------------------------------------------------------


def test_scenario_step_zero_uses_the_drivers_and_the_initial_relations():
    scenario = load_scenario(SMALL_YAML)
    data = scenario_input(scenario, step=0)
    world = build_world(scenario)
    p = propensity(world, initial_relations(scenario)[None]).mean(axis=0)
    assert np.allclose(data.propensity, (p + p.T) / 2)
    assert np.allclose(data.sizes, capability_shares(scenario.actors))
    assert data.source["relations"] == "the scenario's initial relations"
    assert list(data.ids) == list(scenario.actors)


def test_scenario_later_step_runs_the_model_and_says_so():
    scenario = load_scenario(SMALL_YAML)
    data = scenario_input(scenario, step=3, replicates=8, seed=5)
    assert data.source["relations"] == "median over 8 replicates after 3 steps"
    assert data.source["step"] == 3
    assert np.allclose(data.propensity, data.propensity.T)
    again = scenario_input(scenario, step=3, replicates=8, seed=5)
    assert np.array_equal(data.propensity, again.propensity)
    with pytest.raises(LandscapeError, match="--step 99"):
        scenario_input(scenario, step=99)


def test_a_file_is_a_case_when_it_has_propensities():
    assert load_input(CASES / "triangle.yaml").source["kind"] == "case"
    assert load_input(SMALL_YAML).source["kind"] == "scenario"
    with pytest.raises(LandscapeError, match="--step"):
        load_input(CASES / "triangle.yaml", step=2)


@pytest.mark.parametrize(
    ("name", "line", "key", "words"),
    [
        ("bad_asymmetric.yaml", 6, "propensities.FRA-GBR", "GBR-FRA (line 5) is 1"),
        ("bad_self.yaml", 6, "propensities.GBR-GBR", "toward itself"),
        ("bad_unknown.yaml", 5, "propensities.GBR-FRX", "did you mean 'FRA'"),
        ("bad_size.yaml", 3, "actors[1].size", "at least 0, got -2"),
        ("bad_duplicate.yaml", 4, "actors[2].id", "duplicate id 'GBR' (also on line 2)"),
    ],
)
def test_bad_case_files_name_file_line_and_key(name, line, key, words, capsys):
    with pytest.raises(LandscapeError) as info:
        load_case(CASES / name)
    problem = info.value.problems[0]
    assert (problem.line, problem.path) == (line, key)
    assert words in problem.message
    assert landscape_cli.run([str(CASES / name)]) == 2
    err = capsys.readouterr().err
    assert f"{name}:{line}: {key}: " in err
    assert "Traceback" not in err


def test_case_text_problems_are_all_reported():
    text = "actors:\n  - {id: A, size: x}\n  - {idd: B}\npropensities: 3\nextra: 1\n"
    with pytest.raises(LandscapeError) as info:
        load_case_text(text, "c.yaml")
    paths = {p.path for p in info.value.problems}
    assert {"actors[0].size", "actors[1].idd", "actors[1]", "propensities", "extra"} <= paths


def test_from_arrays_rejects_asymmetric_matrices():
    with pytest.raises(LandscapeError, match="symmetric"):
        LandscapeInput.from_arrays(["A", "B"], [1, 1], [[0, 1], [2, 0]])


# --- output and the command ---------------------------------------------------------------------


def test_cli_json_for_a_scenario(capsys):
    assert landscape_cli.run([str(SMALL_YAML), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    n = len(out["actors"])
    assert out["method"] == "exhaustive"
    assert out["configurations"] == 2 ** (n - 1) == len(out["all"])
    assert out["global_minimum"]["energy"] == out["minima"][0]["energy"]
    for m in out["minima"]:
        assert set(m) >= {"blocs", "energy", "basin_share", "frustration"}
        assert len(m["blocs"]) == 2
        assert set(m["frustration"]) == {a["id"] for a in out["actors"]}
    assert sum(m["basin_share"] for m in out["minima"]) == pytest.approx(1.0)


def test_cli_text_summary_and_all(capsys):
    assert landscape_cli.run([str(CASES / "triangle.yaml"), "--all"]) == 0
    text = capsys.readouterr().out
    assert "local minima: 3" in text
    assert "global minimum" in text
    assert "every configuration" in text
    assert landscape_cli.run([str(CASES / "neutral.yaml"), "--neutral"]) == 0
    assert "neutral: RUS" in capsys.readouterr().out


def test_cli_too_many_actors(tmp_path: Path, capsys):
    n = EXHAUSTIVE_LIMIT + 1
    lines = ["actors:"] + [f"  - {{id: A{i}, size: 1}}" for i in range(n)]
    lines += ["propensities:", "  A0-A1: 1"]
    case = tmp_path / "big.yaml"
    case.write_text("\n".join(lines) + "\n")
    assert landscape_cli.run([str(case)]) == 2
    err = capsys.readouterr().err
    assert "big.yaml:1: actors: 23 actors are too many" in err
    assert landscape_cli.run([str(case), "--heuristic", "--starts", "50", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "multi-start local search"
    assert out["starts"] == 50


def test_cli_missing_file(capsys):
    assert landscape_cli.run(["no-such-file.yaml"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_summary_text_and_figure():
    result = analyse(load_case(CASES / "balanced.yaml"))
    assert "A1 A2 A3 | B1 B2" in summary_text(result)
    fig = landscape_figure(result)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 2
    assert list(fig.data[1].y) == pytest.approx([1.0])
    assert isinstance(landscape_figure(to_dict(result)), go.Figure)
