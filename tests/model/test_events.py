"""Events fire when, and only when, they should; temporary changes unwind; firings are logged."""

from __future__ import annotations

import json

import numpy as np
import pytest
from factories import baseline_dict, scenario

from sim.model.model import AlignmentModel
from sim.scenario import ScenarioError, load_scenario_text

USA, RUS, CHN, JPN = 0, 1, 2, 3  # actor order in the baseline


def model_with(events: dict, replicates: int = 4, seed: int = 0, **kwargs) -> AlignmentModel:
    data = baseline_dict()
    data["events"] = events
    return AlignmentModel(scenario(data), replicates=replicates, seed=seed, **kwargs)


def assertiveness_path(model: AlignmentModel, steps: int) -> list[np.ndarray]:
    """China's assertiveness in every replicate after each of the next ``steps`` steps."""
    out = []
    for _ in range(steps):
        model.step()
        out.append(np.broadcast_to(model.world.assertiveness[:, CHN], model.replicates).copy())
    return out


def fired(model: AlignmentModel, name: str) -> list[tuple[int, list[int]]]:
    return [(step, reps.tolist()) for ev, step, reps in model.event_log if ev == name]


def test_a_scheduled_event_fires_in_every_replicate_at_its_step():
    model = model_with({"adiz": {"step": 3, "add": {"actors.CHN.assertiveness": 0.2}}})
    path = assertiveness_path(model, 4)
    assert [p[0] for p in path] == pytest.approx([0.6, 0.6, 0.8, 0.8])
    assert fired(model, "adiz") == [(3, [0, 1, 2, 3])]


def test_a_conditional_event_fires_where_and_when_its_condition_holds():
    model = model_with(
        {"entente": {"when": "RUS-CHN > 0.6", "add": {"actors.CHN.assertiveness": 0.1}}},
        replicates=3,
        parameters={"dyads.RUS-CHN.relation": np.array([0.8, 0.1, 0.7])},
    )
    path = assertiveness_path(model, 3)
    np.testing.assert_allclose(path[0], [0.7, 0.6, 0.7])
    np.testing.assert_allclose(path[-1], [0.7, 0.6, 0.7])  # once only
    assert fired(model, "entente") == [(1, [0, 2])]


def test_a_repeating_condition_fires_each_time_it_becomes_true():
    model = model_with(
        {
            "pulse": {
                "when": "(step >= 3 and step <= 4) or step >= 7",
                "repeat": True,
                "add": {"actors.CHN.offense": 0.01},
            }
        }
    )
    for _ in range(9):
        model.step()
    assert [step for step, _ in fired(model, "pulse")] == [3, 7]


def test_a_window_bounds_a_conditional_event():
    model = model_with(
        {"late": {"when": "step >= 1", "after": "2015-01-01", "add": {"weights.threat": 0.1}}}
    )
    for _ in range(6):
        model.step()
    # 2015-01-01 is the start of step 5 (quarterly from 2014-01-01).
    assert [step for step, _ in fired(model, "late")] == [5]


def test_a_random_event_fires_with_its_probability_in_its_window():
    model = model_with(
        {
            "incident": {
                "probability": 0.3,
                "after": "2015-01-01",
                "before": "2020-01-01",
                "add": {"dyads.CHN-JPN.disputes.senkaku": 0.0},
            }
        },
        replicates=2000,
    )
    model.run()
    steps = [step for step, _ in fired(model, "incident")]
    counts = [len(reps) for _, reps in fired(model, "incident")]
    assert min(steps) >= 5 and max(steps) <= 24  # 2020-01-01 starts step 25
    rate = sum(counts) / (2000 * 20)
    assert rate == pytest.approx(0.3, abs=0.01)  # 40,000 draws: s.e. 0.0023


def test_a_random_event_without_repeat_fires_at_most_once_per_replicate():
    model = model_with(
        {"once": {"probability": 0.2, "repeat": False, "add": {"weights.threat": 0.0}}},
        replicates=500,
    )
    model.run()
    reps = np.concatenate([r for _, r in fired(model, "once")])
    assert len(reps) == len(np.unique(reps))
    assert len(reps) / 500 == pytest.approx(1 - 0.8**40, abs=0.02)


def test_random_events_leave_other_random_numbers_alone():
    quiet = model_with({}, replicates=50, seed=3).run()
    noop = {"noop": {"probability": 0.5, "add": {"weights.threat": 0.0}}}
    with_noop = model_with(noop, replicates=50, seed=3).run()
    np.testing.assert_array_equal(quiet.history, with_noop.history)
    other = {"other": {"probability": 0.5, "add": {"weights.balance": 0.0}}}
    both = model_with({**noop, **other}, replicates=50, seed=3).run()
    assert fired(both, "noop") == fired(with_noop, "noop")


def test_a_change_with_a_duration_is_undone():
    model = model_with(
        {"crisis": {"step": 2, "duration": 3, "add": {"actors.CHN.assertiveness": 0.3}}}
    )
    path = [p[0] for p in assertiveness_path(model, 6)]
    assert path == pytest.approx([0.6, 0.9, 0.9, 0.9, 0.6, 0.6])


def test_a_change_with_a_decay_fades_by_half_lives():
    model = model_with({"crisis": {"step": 1, "decay": 2, "add": {"actors.CHN.offense": 0.4}}})
    path = []
    for _ in range(5):
        model.step()
        path.append(float(np.broadcast_to(model.world.offense[:, CHN], (4,))[0]))
    assert path == pytest.approx([1.0, 0.6 + 0.4 * 2**-0.5, 0.8, 0.6 + 0.4 * 2**-1.5, 0.7])


def test_overlapping_temporary_changes_unwind_to_the_start():
    model = model_with(
        {
            "a": {"step": 1, "duration": 2, "add": {"weights.threat": 0.2}},
            "b": {"step": 2, "duration": 3, "add": {"weights.threat": 0.3}},
        }
    )
    start = float(model.world.weights["threat"][0, 0, 0])
    values = []
    for _ in range(6):
        model.step()
        values.append(float(model.world.weights["threat"][0, 0, 0]))
    rises = [0.2, 0.5, 0.3, 0.3, 0.0, 0.0]
    assert values == pytest.approx([start + rise for rise in rises])


def test_a_relation_shock_applies_only_where_the_event_fires():
    model = model_with(
        {"clash": {"when": "RUS-CHN < 0", "set": {"dyads.RUS-CHN.relation": -0.9}}},
        replicates=2,
        parameters={"dyads.RUS-CHN.relation": np.array([-0.1, 0.5])},
    )
    model.step()
    rus_chn = model.relations[:, RUS, CHN]
    assert rus_chn[0] <= -0.8 + 1e-9 and rus_chn[1] >= 0.4 - 1e-9


BASE = """
extends: {base}
name: w
events:
  e:
{body}
"""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    when: RUS-CHN >> 1\n    add: {weights.threat: 0.1}",
            "w.yaml:6: events.e.when: 'RUS-CHN >> 1': expected a number",
        ),
        ("    when: RUS-XYZ > 0\n    add: {weights.threat: 0.1}", "unknown actor 'XYZ'"),
        (
            "    step: 2\n    duration: 2\n    add: {dyads.RUS-CHN.relation: 0.1}",
            "a relation shock cannot have a duration",
        ),
        (
            "    probability: 0.1\n    after: 2031-01-01\n    add: {weights.threat: 0.1}",
            "events.e.after: 2031-01-01 is outside the run",
        ),
        (
            "    step: 2\n    probability: 0.1\n    add: {weights.threat: 0.1}",
            "give exactly one trigger",
        ),
        ("    probability: 1.5\n    add: {weights.threat: 0.1}", "events.e.probability"),
        (
            "    step: 2\n    repeat: true\n    add: {weights.threat: 0.1}",
            "'repeat' go with 'when' or 'probability'",
        ),
        (
            "    step: 2\n    duration: 2\n    decay: 3\n    add: {weights.threat: 0.1}",
            "'duration' or 'decay', not both",
        ),
    ],
)
def test_bad_events_are_refused_with_file_line_and_key(tmp_path, body, message):
    from factories import BASELINE

    text = BASE.format(base=BASELINE, body=body)
    (tmp_path / "w.yaml").write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(text, name="w.yaml", base_dir=tmp_path)
    assert message in str(err.value)


# --- groups, ramps, repeats, events after the end -------------------------------------------


def model_with_groups(events: dict, groups: dict, replicates: int = 2) -> AlignmentModel:
    data = baseline_dict()
    data["events"] = events
    data["groups"] = groups
    return AlignmentModel(scenario(data), replicates=replicates, seed=0)


def test_a_group_event_changes_every_member_and_only_them():
    model = model_with_groups(
        {"g7_alarm": {"step": 1, "add": {"actors.G7.assertiveness": 0.1}}},
        {"G7": ["USA", "JPN"]},
    )
    before = np.broadcast_to(model.world.assertiveness, (2, 4)).copy()
    model.step()
    after = np.broadcast_to(model.world.assertiveness, (2, 4))
    np.testing.assert_allclose(after - before, [[0.1, 0.0, 0.0, 0.1]] * 2)  # USA and JPN
    assert fired(model, "g7_alarm") == [(1, [0, 1])]


def test_a_group_dyad_path_changes_every_member_dyad():
    model = model_with_groups(
        {
            "sanctions": {
                "step": 1,
                "set": {"dyads.G7-RUS.irritants.sanctions.RUS": 0.5},
                "add": {"dyads.G7-RUS.interdependence": 0.1},
            }
        },
        {"G7": ["USA", "JPN"]},
    )
    world = model.world
    # The event moves the structural level of trade (trade_base); the current level then
    # follows relations everywhere (sim.model.trade), so read the base.
    ties = np.broadcast_to(world.trade_base, (2, 4, 4)).copy()
    model.step()
    felt = np.broadcast_to(world.irritants["sanctions"], (2, 4, 4))
    assert felt[0, RUS, USA] == pytest.approx(0.5) and felt[0, RUS, JPN] == pytest.approx(0.5)
    assert felt[0, USA, RUS] == 0 and felt[0, JPN, RUS] == 0  # felt by Russia only
    assert felt[0, RUS, CHN] == 0 and felt[0, CHN, RUS] == 0
    moved = np.broadcast_to(world.trade_base, (2, 4, 4)) - ties
    changed = {(i, j) for i, j in zip(*np.nonzero(np.abs(moved[0]) > 1e-12), strict=True)}
    assert changed <= {(USA, RUS), (RUS, USA), (JPN, RUS), (RUS, JPN)}
    assert (JPN, RUS) in changed and (USA, RUS) in changed


def test_a_group_member_paired_with_itself_is_skipped():
    model = model_with_groups(
        {"talks": {"step": 1, "add": {"dyads.G7-JPN.institutions": 0.2}}},
        {"G7": ["USA", "JPN", "RUS"]},
    )
    before = np.broadcast_to(model.world.institutions, (2, 4, 4)).copy()
    model.step()
    moved = np.broadcast_to(model.world.institutions, (2, 4, 4))[0] - before[0]
    assert moved[USA, JPN] > 0 and moved[RUS, JPN] > 0
    assert moved[JPN, JPN] == 0 and moved[USA, RUS] == 0 and moved[CHN, JPN] == 0


def test_an_add_ramp_adds_equal_parts_over_its_steps():
    model = model_with({"buildup": {"step": 2, "ramp": 3, "add": {"actors.CHN.offense": 0.3}}})
    start = float(np.broadcast_to(model.world.offense[:, CHN], 4)[0])
    path = []
    for _ in range(6):
        model.step()
        path.append(float(np.broadcast_to(model.world.offense[:, CHN], 4)[0]) - start)
    assert path == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.3, 0.3])
    assert fired(model, "buildup") == [(2, [0, 1, 2, 3])]


def test_a_set_ramp_moves_linearly_to_its_value():
    model = model_with({"calm": {"step": 1, "ramp": 4, "set": {"actors.CHN.assertiveness": 0.2}}})
    path = assertiveness_path(model, 5)
    assert [p[0] for p in path] == pytest.approx([0.5, 0.4, 0.3, 0.2, 0.2])  # from 0.6


def test_a_repeating_event_fires_every_k_steps_inside_its_window():
    model = model_with(
        {
            "patrol": {
                "every": 4,
                "after": "2014-07-01",  # step 3
                "before": "2017-01-01",  # step 13, exclusive
                "add": {"actors.CHN.offense": 0.01},
            }
        }
    )
    for _ in range(16):
        model.step()
    assert [step for step, _ in fired(model, "patrol")] == [3, 7, 11]
    assert all(reps == [0, 1, 2, 3] for _, reps in fired(model, "patrol"))


def test_an_event_after_the_end_is_skipped_with_a_note(tmp_path):
    from factories import BASELINE

    from sim.scenario.loader import load_scenario_noted

    text = BASE.format(
        base=BASELINE, body="    at: 2031-04-01\n    add: {actors.CHN.assertiveness: 0.3}"
    )
    (tmp_path / "w.yaml").write_text(text)
    s, notes = load_scenario_noted(tmp_path / "w.yaml")
    assert "e" in s.events
    assert [n.path for n in notes] == ["events.e.at"]
    assert notes[0].line == 6 and "is after the run's end" in notes[0].message
    assert "kept and skipped" in notes[0].message
    model = AlignmentModel(s, replicates=2, seed=0)
    start = np.broadcast_to(model.world.assertiveness[:, CHN], 2).copy()
    for _ in range(s.run.steps):
        model.step()
    assert fired(model, "e") == []
    np.testing.assert_allclose(np.broadcast_to(model.world.assertiveness[:, CHN], 2), start)


def test_the_run_manifest_keeps_the_note_of_a_skipped_event(tmp_path):
    from factories import BASELINE

    import sim
    from sim.scenario.loader import load_scenario_noted

    text = BASE.format(
        base=BASELINE, body="    at: 2031-04-01\n    add: {actors.CHN.assertiveness: 0.3}"
    )
    (tmp_path / "w.yaml").write_text(text)
    scenario, _ = load_scenario_noted(tmp_path / "w.yaml")
    folder = sim.save(sim.run(scenario, replicates=2, seed=1), results_root=tmp_path / "out")
    manifest = json.loads((folder / "manifest.json").read_text())
    (note,) = manifest["notes"]
    assert note.startswith("events.e.at: 2031-04-01 is after the run's end")
