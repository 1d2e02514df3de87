"""AlignmentModel: structure, reproducibility, events, and the simultaneous-move rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from factories import baseline, baseline_dict, scenario, six_actor_dict

from sim.model.agents import StateAgent
from sim.model.model import AlignmentModel

USA, RUS, CHN, JPN = 0, 1, 2, 3  # actor order in the baseline


def test_one_agent_per_actor_and_one_model_for_all_replicates():
    model = AlignmentModel(baseline(), replicates=50, seed=1)
    assert len(model.agents) == 4
    assert all(isinstance(a, StateAgent) for a in model.agents)
    assert [a.actor_id for a in model.agents] == ["USA", "RUS", "CHN", "JPN"]
    model.run()
    assert model.steps == 40
    assert model.history.shape == (41, 50, 6)
    assert model.dates[0] == dt.date(2014, 1, 1)
    assert model.dates[1] == dt.date(2014, 4, 1)
    assert model.dates[-1] == dt.date(2024, 1, 1)


def test_same_scenario_and_seed_give_identical_results():
    a = AlignmentModel(baseline(), replicates=30, seed=7).run()
    b = AlignmentModel(baseline(), replicates=30, seed=7).run()
    c = AlignmentModel(baseline(), replicates=30, seed=8).run()
    np.testing.assert_array_equal(a.history, b.history)
    assert not np.array_equal(a.history, c.history)


def test_seed_defaults_to_the_scenarios():
    sc = baseline({"run.seed": 11, "run.replicates": 5})
    a = AlignmentModel(sc).run()
    b = AlignmentModel(sc, seed=11).run()
    assert a.replicates == 5
    np.testing.assert_array_equal(a.history, b.history)


def test_relations_stay_symmetric_and_in_range():
    model = AlignmentModel(baseline(), replicates=40, seed=3)
    for _ in range(20):
        model.step()
        np.testing.assert_array_equal(model.relations, np.swapaxes(model.relations, 1, 2))
        assert np.all(np.abs(model.relations) <= 1.0)
        assert np.all(np.diagonal(model.relations, axis1=1, axis2=2) == 0)
    np.testing.assert_array_equal(model.relations_at(20), model.relations)


def test_six_actors_run_without_code_changes():
    model = AlignmentModel(scenario(six_actor_dict()), replicates=20, seed=2).run()
    assert model.actor_ids == ["USA", "RUS", "CHN", "JPN", "VNM", "KOR"]
    assert model.history.shape == (41, 20, 15)
    assert np.isfinite(model.history).all()


def test_warming_needs_both_sides_and_cooling_needs_one():
    model = AlignmentModel(baseline(), replicates=1, seed=0)
    before = model.relations.copy()

    def choose(m: AlignmentModel) -> None:  # replaces the states' moves, as a team would
        m.moves[...] = 0.0
        m.moves[0, 0, 1], m.moves[0, 1, 0] = 0.05, 0.0  # one side warms alone
        m.moves[0, 0, 2], m.moves[0, 2, 0] = 0.10, 0.05  # both warm: the lesser counts
        m.moves[0, 0, 3], m.moves[0, 3, 0] = -0.05, 0.10  # one cools: it cools

    model.decision_observers.append(choose)
    model.step()
    change = model.relations - before
    assert change[0, 0, 1] == 0.0
    assert change[0, 0, 2] == pytest.approx(0.05)
    assert change[0, 0, 3] == pytest.approx(-0.05)
    assert change[0, 3, 0] == pytest.approx(-0.05)
    assert np.count_nonzero(change) == 4  # the other pairs held


def _event_data(**event):
    data = baseline_dict()
    data["events"] = {"ev": event}
    return data


def test_an_event_changes_the_world_from_its_step_on():
    data = _event_data(
        step=5, set={"dyads.RUS-JPN.disputes.kurils": 0.0, "actors.CHN.assertiveness": 0.9}
    )
    model = AlignmentModel(scenario(data), replicates=3, seed=0)
    jpn, rus, chn = (model.actor_ids.index(x) for x in ("JPN", "RUS", "CHN"))
    for _ in range(4):
        model.step()
    assert model.world.disputes["kurils"][0, rus, jpn] == 0.5
    model.step()
    assert model.world.disputes["kurils"][0, rus, jpn] == 0.0
    assert model.world.disputes["kurils"][0, jpn, rus] == 0.0
    assert model.world.assertiveness[0, chn] == 0.9


def test_an_event_at_a_date_applies_in_the_step_holding_it():
    data = _event_data(at="2015-02-15", add={"dyads.RUS-JPN.relation": 0.3})
    model = AlignmentModel(scenario(data), replicates=2, seed=0)
    # 2015-02-15 lies in the period 2015-01-01 .. 2015-04-01, which step 5 simulates.
    assert [rule.step for rule in model.timeline.rules if rule.trigger == "scheduled"] == [5]


def test_a_relation_shock_moves_the_relation_at_once():
    data = _event_data(step=1, set={"dyads.RUS-JPN.relation": -0.9})
    model = AlignmentModel(scenario(data), replicates=4, seed=0)
    model.step()
    d = model.dyads.index((RUS, JPN))
    assert np.all(model.history[1, :, d] <= -0.9 + 0.1 + 1e-12)


def test_add_keeps_values_in_their_range():
    data = _event_data(step=1, add={"dyads.USA-JPN.treaty": 5.0, "actors.RUS.autonomy": -9})
    model = AlignmentModel(scenario(data), replicates=1, seed=0)
    model.step()
    assert model.world.treaty[0, USA, JPN] == 1.0
    assert model.world.autonomy[0, RUS] == 0.0


def test_parameters_can_differ_per_replicate():
    values = np.array([0.2, 0.5, 0.9])
    model = AlignmentModel(
        baseline(),
        replicates=3,
        seed=1,
        parameters={
            "actors.CHN.assertiveness": values,
            "model.temperature": 0.02,
            "dyads.RUS-JPN.relation": np.array([-0.5, 0.0, 0.5]),
        },
    )
    chn, jpn, rus = (model.actor_ids.index(x) for x in ("CHN", "JPN", "RUS"))
    np.testing.assert_array_equal(model.world.assertiveness[:, chn], values)
    assert model.world.assertiveness.shape == (3, 4)
    assert model.world.settings["temperature"][0] == 0.02
    np.testing.assert_array_equal(model.relations[:, rus, jpn], [-0.5, 0.0, 0.5])
    np.testing.assert_array_equal(model.relations[:, jpn, rus], [-0.5, 0.0, 0.5])
    model.run()
    with pytest.raises(ValueError, match="expected one value or 3"):
        AlignmentModel(baseline(), replicates=3, parameters={"model.inertia": np.ones(2)})


def test_one_replicate_with_a_parameter_equals_the_scenario_with_that_value():
    changed = baseline({"actors.CHN.assertiveness": 0.8})
    a = AlignmentModel(changed, replicates=10, seed=4).run()
    b = AlignmentModel(
        baseline(), replicates=10, seed=4, parameters={"actors.CHN.assertiveness": np.full(10, 0.8)}
    ).run()
    np.testing.assert_array_equal(a.history, b.history)


@pytest.mark.parametrize(
    ("record", "steps"),
    [
        ("full", list(range(41))),
        ("steps:10", [0, 10, 20, 30, 40]),
        ("steps:15", [0, 15, 30, 40]),
        ("outcomes", [0, 40]),
    ],
)
def test_record_modes_keep_what_they_say(record, steps):
    full = AlignmentModel(baseline(), replicates=20, seed=6).run()
    model = AlignmentModel(baseline(), replicates=20, seed=6, record=record).run()
    assert model.recorded_steps == steps
    assert model.history.shape == (len(steps), 20, 6)
    np.testing.assert_array_equal(model.history, full.history[steps])
    np.testing.assert_array_equal(model.histograms, full.histograms)
    np.testing.assert_array_equal(model.relations_at(40), full.relations_at(40))


def test_histograms_count_every_replicate_in_the_right_bin():
    from sim.model.model import HISTOGRAM_EDGES

    model = AlignmentModel(baseline(), replicates=50, seed=2, record="outcomes").run()
    assert np.all(model.histograms.sum(axis=2) == 50)
    end = model.history[-1]
    for d in range(len(model.dyads)):
        counts, _ = np.histogram(end[:, d], bins=HISTOGRAM_EDGES)
        np.testing.assert_array_equal(model.histograms[-1, d], counts)
    with pytest.raises(ValueError, match="not recorded"):
        model.relations_at(5)


def test_a_seed_sequence_seeds_the_run_reproducibly():
    seq = np.random.SeedSequence(entropy=9, spawn_key=(1, 3))
    a = AlignmentModel(baseline(), replicates=15, seed=seq).run()
    b = AlignmentModel(baseline(), replicates=15, seed=np.random.SeedSequence(9, spawn_key=(1, 3)))
    b.run()
    c = AlignmentModel(baseline(), replicates=15, seed=np.random.SeedSequence(9, spawn_key=(1, 4)))
    np.testing.assert_array_equal(a.history, b.history)
    assert not np.array_equal(a.history, c.run().history)


def test_bad_record_mode_is_refused():
    with pytest.raises(ValueError, match="record mode 'steps:0'"):
        AlignmentModel(baseline(), replicates=2, record="steps:0")


def test_a_fork_goes_on_from_the_current_state():
    data = baseline_dict()
    data["events"] = {
        "crisis": {"step": 2, "duration": 4, "add": {"actors.CHN.assertiveness": 0.3}},
        "alarm": {"when": "RUS-JPN > 0.1", "add": {"weights.threat": 0.1}},
    }
    game = AlignmentModel(scenario(data), replicates=1, seed=1)
    for _ in range(3):
        game.step()
    fan = game.fork(replicates=200, seed=9)
    assert fan.steps == 3 and fan.replicates == 200
    np.testing.assert_array_equal(fan.relations, np.repeat(game.relations, 200, axis=0))
    np.testing.assert_array_equal(fan.history[:4], np.repeat(game.history[:4], 200, axis=1))
    assert fan.world.assertiveness[0, CHN] == pytest.approx(0.9)
    fan.run()
    assert fan.steps == 40
    # The crisis still unwinds in the fork, at step 6, in every replicate.
    assert np.allclose(fan.world.assertiveness[:, CHN], 0.6)
    # Replicates spread from the common start; the game itself is untouched.
    assert fan.history[-1].std(axis=0).max() > 0
    assert game.steps == 3


def test_a_fork_of_one_replicate_is_the_same_run_as_going_on():
    game = AlignmentModel(baseline(), replicates=5, seed=2)
    for _ in range(10):
        game.step()
    a = game.fork(replicates=3, seed=4, source=2).run()
    b = game.fork(replicates=3, seed=4, source=2).run()
    np.testing.assert_array_equal(a.history, b.history)


def test_a_world_forks_every_field_to_the_source_replicate():
    data = baseline_dict()
    reps = 4
    parameters = {
        "actors.CHN.assertiveness": np.linspace(0.5, 0.8, reps),
        "actors.RUS.autonomy": np.linspace(0.0, 3.0, reps),
        "actors.JPN.wedge.CHN": np.linspace(0.0, 0.3, reps),
        "dyads.RUS-JPN.disputes.kurils": np.linspace(0.1, 0.9, reps),
        "weights.threat": np.linspace(0.5, 1.0, reps),
        "model.temperature": np.linspace(0.01, 0.04, reps),
    }
    model = AlignmentModel(scenario(data), replicates=reps, seed=1, parameters=parameters)
    world = model.world
    fork = world.fork(2)
    for field in dataclasses.fields(world):
        mine, theirs = getattr(world, field.name), getattr(fork, field.name)
        if field.name == "ids":
            assert theirs == mine and theirs is not mine
            continue
        named = mine if isinstance(mine, dict) else {None: mine}
        forked = theirs if isinstance(theirs, dict) else {None: theirs}
        assert list(forked) == list(named), field.name
        for key, arr in named.items():
            if arr is None:
                assert forked[key] is None
                continue
            assert forked[key].shape == (1, *arr.shape[1:]), (field.name, key)
            row = arr[2:3] if arr.shape[0] > 1 else arr
            np.testing.assert_array_equal(forked[key], row)
            assert not np.shares_memory(forked[key], arr)


def test_a_fork_steps_one_step_at_a_time():
    game = AlignmentModel(baseline(), replicates=1, seed=1)
    for _ in range(2):
        game.step()
    fan = game.fork(replicates=10, seed=3)
    fan.step()
    assert fan.steps == 3
    fan.step()
    assert fan.steps == 4


def test_apply_change_between_steps():
    model = AlignmentModel(baseline(), replicates=2, seed=1)
    model.step()
    model.apply_change("actors.CHN.assertiveness", "set", 0.9)
    model.apply_change("dyads.RUS-JPN.relation", "add", 0.2)
    assert np.allclose(np.broadcast_to(model.world.assertiveness[:, CHN], 2), 0.9)
    model.step()
    assert model.steps == 2
