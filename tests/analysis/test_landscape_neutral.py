"""A neutral position open to some actors only, and the report's rule (high autonomy).

The all-or-nothing neutral position (``neutral=True``) is tested in test_landscape.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FIXTURES
from factories import baseline
from landscape_support import NEUTRAL, brute_landscape, random_case

from sim.analysis.landscape import (
    HIGH_AUTONOMY,
    LandscapeError,
    LandscapeInput,
    analyse,
    autonomy_sentence,
    fits_exhaustive,
    high_autonomy,
    scenario_input,
    summary_text,
    to_dict,
)
from sim.analysis.landscape.reading import reading
from sim.cli import landscape as landscape_cli
from sim.present.insights import insight_figures
from sim.present.landscape_figure import landscape_figure


@pytest.mark.parametrize(
    ("n", "seed", "may", "ties"),
    [(5, 1, {3}, False), (5, 2, {0, 4}, True), (6, 3, {1, 2, 5}, False), (4, 4, {0}, True)],
)
def test_restricted_minima_and_basins_match_a_plain_recursion(n, seed, may, ties):
    data = random_case(n, seed, ties=ties)
    named = [data.ids[i] for i in sorted(may)]
    result = analyse(data, neutral=named)
    assert result.neutral and result.neutral_restricted
    assert result.neutral_actors == tuple(named)
    got = {tuple(int(x) for x in m.positions): m.basin_share for m in result.minima}
    want = brute_landscape(data, may)
    assert set(got) == set(want)
    for config, share in want.items():
        assert got[config] == pytest.approx(share, abs=1e-12)
    # Only the listed actors are ever neutral: in the minima and in every configuration.
    every = result.configuration(np.arange(result.configurations))
    others = [i for i in range(n) if i not in may]
    assert not (every[:, others] == NEUTRAL).any()
    count = 3 ** len(may) * 2 ** (n - len(may)) // 2  # mirror images once
    assert len({tuple(c) for c in every}) == result.configurations == count
    for m in result.minima:
        _, _, neutral = result.blocs(m.positions)
        assert set(neutral) <= set(named)
        assert np.all(np.isfinite(m.switch_cost)) and np.all(m.switch_cost >= -result.tolerance)


def test_true_false_and_lists_mean_all_none_and_those():
    data = random_case(5, seed=7)
    everyone = analyse(data, neutral=True)
    listed = analyse(data, neutral=list(reversed(data.ids)))
    assert listed.neutral_actors == everyone.neutral_actors == data.ids
    assert not listed.neutral_restricted
    assert [m.energy for m in listed.minima] == [m.energy for m in everyone.minima]
    assert [m.basin_share for m in listed.minima] == [m.basin_share for m in everyone.minima]
    none = analyse(data, neutral=[])
    two = analyse(data, neutral=False)
    assert not none.neutral and none.neutral_actors == two.neutral_actors == ()
    assert [m.energy for m in none.minima] == [m.energy for m in two.minima]
    assert to_dict(two)["neutral_actors"] == []
    assert to_dict(listed)["neutral_actors"] == list(data.ids)
    assert analyse(data, neutral="A2").neutral_actors == ("A2",)


def test_multistart_keeps_the_restriction():
    data = random_case(8, seed=9)
    result = analyse(data, neutral=["A1", "A6"], heuristic=True, starts=300, seed=2)
    for m in result.minima:
        assert set(result.blocs(m.positions)[2]) <= {"A1", "A6"}
    exhaustive = analyse(data, neutral=["A1", "A6"])
    found = {tuple(m.positions) for m in result.minima}
    assert found <= {tuple(m.positions) for m in exhaustive.minima}


def test_unknown_neutral_actor_is_refused_with_a_hint():
    with pytest.raises(LandscapeError, match="unknown actor 'A9'"):
        analyse(random_case(4, seed=1), neutral=["A1", "A9"])


def test_exhaustive_limit_counts_configurations_when_restricted():
    data = random_case(16, seed=1)
    assert fits_exhaustive(data, ["A0"])  # 3 * 2^15 / 2 configurations
    assert not fits_exhaustive(data, True)
    assert not fits_exhaustive(data, [f"A{i}" for i in range(12)])
    with pytest.raises(LandscapeError, match=r"too many .* open to 12 of them"):
        analyse(data, neutral=[f"A{i}" for i in range(12)])


# --- the report's rule: neutral open to high autonomy ------------------------------------------


def test_high_autonomy_on_the_baseline_is_russia_alone():
    scenario = baseline()
    data = scenario_input(scenario, step=0)
    assert dict(zip(data.ids, data.autonomy, strict=True))["RUS"] >= HIGH_AUTONOMY
    assert high_autonomy(data) == ("RUS",)
    result = analyse(data, neutral=high_autonomy(data))
    assert result.neutral_actors == ("RUS",)
    assert "open to RUS only" in summary_text(result)
    names = {i: a.name or i for i, a in scenario.actors.items()}
    words = reading(result, data.relations, scenario.bands, names, neutral_by_autonomy=True)
    (why,) = [w for w in words if "may stand neutral" in w]
    assert why.startswith("Only Russia (autonomy 2) may stand neutral")
    assert "China 0.3" in why
    assert "open to RUS only" in landscape_figure(result).layout.title.text


def test_nobody_neutral_is_said_too():
    data = LandscapeInput.from_arrays(["A", "B"], [1, 1], [[0, 1], [1, 0]])
    data.autonomy = np.array([0.5, 0.0])
    result = analyse(data, neutral=high_autonomy(data))
    assert not result.neutral
    assert autonomy_sentence(result).startswith("No state may stand neutral")
    data.autonomy = None
    assert autonomy_sentence(result) is None


def test_the_baseline_reports_landscape_has_russia_as_the_only_possible_neutral():
    figures = insight_figures(baseline(), replicates=8, seed=3)
    for key in ("landscape_start", "landscape_end"):
        layout = figures[key].layout
        assert "open to RUS only" in layout.title.text
        assert "Only Russia (autonomy 2) may stand neutral" in layout.title.subtitle.text
        labels = [str(x) for x in figures[key].data[0].x]
        neutral = [x.split("neutral: ", 1)[1] for x in labels if "neutral: " in x]
        assert all(n == "RUS" for n in neutral)


def test_cli_neutral_takes_a_list_of_ids(capsys):
    case = str(FIXTURES / "landscape" / "neutral.yaml")
    assert landscape_cli.run([case, "--neutral"]) == 0
    assert "two blocs and a neutral position:" in capsys.readouterr().out
    assert landscape_cli.run([case, "--neutral", "RUS", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"neutral_actors": [\n    "RUS"\n  ]' in out
    assert landscape_cli.run([case, "--neutral", "RUS,XX"]) == 2
    assert "unknown actor 'XX'" in capsys.readouterr().err
