"""Trade that follows relations, and sanctions that cut and divert it (sim.model.trade)."""

from __future__ import annotations

import numpy as np
import pytest
from factories import baseline

from sim.model.model import AlignmentModel
from sim.model.trade import follow_trade, implied_trade, sanction_cut
from sim.model.world import build_world


def _world(**settings: float):
    world = build_world(baseline({f"model.{k}": v for k, v in settings.items()}))
    world.relation_anchor = np.zeros((1, 4, 4))
    return world


def _ids(world, *actors: str) -> list[int]:
    return [world.ids.index(a) for a in actors]


def test_the_start_is_an_equilibrium_of_trade():
    world = _world(trade_elasticity=1.5, trade_lag=4, trade_diversion=0.5)
    relations = np.zeros((1, 4, 4))
    np.testing.assert_allclose(implied_trade(world, relations), world.interdependence)
    assert follow_trade(world, relations) is not None  # elastic trade is computed ...
    np.testing.assert_allclose(follow_trade(world, relations), world.interdependence)  # ... still


def test_trade_follows_relations_with_the_documented_elasticity_and_lag():
    world = _world(trade_elasticity=1.5, trade_lag=4, trade_diversion=0.0)
    rus, chn = _ids(world, "RUS", "CHN")
    relations = np.zeros((1, 4, 4))
    relations[0, rus, chn] = relations[0, chn, rus] = 0.4
    e0 = world.interdependence[0, rus, chn]
    target = e0 * np.exp(1.5 * 0.4)
    assert implied_trade(world, relations)[0, rus, chn] == pytest.approx(target)
    after = follow_trade(world, relations)
    assert after[0, rus, chn] == pytest.approx(e0 + (target - e0) / 4)
    assert after[0, chn, rus] == after[0, rus, chn]


def test_sanctions_cut_both_sides_trade_and_divert_the_targets_to_its_friends():
    world = _world(trade_elasticity=0.0, trade_lag=1, trade_diversion=0.5)
    usa, chn, jpn, rus = _ids(world, "USA", "CHN", "JPN", "RUS")
    world.sanctions[0, usa, rus] = 0.6
    assert sanction_cut(world)[0, rus, usa] == pytest.approx(0.6)  # either side's cut
    relations = np.zeros((1, 4, 4))
    relations[0, rus, chn] = relations[0, chn, rus] = 0.5  # Russia's only friend
    e0 = world.interdependence.copy()
    e = implied_trade(world, relations)
    assert e[0, usa, rus] == pytest.approx(e0[0, usa, rus] * 0.4)
    lost = 0.6 * e0[0, usa, rus]
    assert e[0, rus, chn] == pytest.approx(e0[0, rus, chn] + 0.5 * lost)
    assert e[0, rus, jpn] == pytest.approx(e0[0, rus, jpn])  # not a friend: nothing diverted
    assert e[0, usa, jpn] == pytest.approx(e0[0, usa, jpn])  # no sanctions between them


def test_static_trade_stays_where_the_scenario_and_its_events_put_it():
    model = AlignmentModel(baseline({"model.trade_elasticity": 0.0}), replicates=20, seed=1)
    start = model.world.interdependence.copy()
    model.run()
    np.testing.assert_array_equal(model.world.interdependence, start)


def test_warming_grows_trade_in_a_run_and_an_event_moves_its_base():
    model = AlignmentModel(
        baseline({"model.trade_elasticity": 1.0, "model.trade_lag": 4.0}), replicates=50, seed=2
    )
    rus, jpn = model.actor_ids.index("RUS"), model.actor_ids.index("JPN")
    e0 = model.world.interdependence[0, rus, jpn]
    model.run()
    warmed = model.relations[:, rus, jpn] > 0.05
    assert warmed.any()
    assert np.all(model.world.interdependence[warmed, rus, jpn] > e0)
    model.apply_change("dyads.RUS-JPN.interdependence", "add", 0.1)
    assert np.all(model.world.trade_base[:, rus, jpn] == pytest.approx(e0 + 0.1))
