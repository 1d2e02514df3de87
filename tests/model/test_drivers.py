"""Each driver term against values worked out by hand (docs/model.md)."""

from __future__ import annotations

import numpy as np
import pytest
from factories import baseline

from sim.model.choice import MOVES, autonomy, choose_moves, level_value, logit_choice
from sim.model.drivers import (
    TERM_NAMES,
    balance,
    dispute,
    power_ratio,
    propensity,
    propensity_terms,
    shared_threat,
    threat,
    wedge,
)
from sim.model.world import build_world, initial_relations


def test_power_ratio_is_the_other_sides_share_of_the_pair():
    p = power_ratio(np.array([[0.75, 0.25]]))
    assert p[0, 0, 1] == pytest.approx(0.25)
    assert p[0, 1, 0] == pytest.approx(0.75)


def test_threat_follows_walts_four_sources_and_friends_threaten_less():
    world = build_world(baseline())
    ids = world.ids
    jpn, chn = ids.index("JPN"), ids.index("CHN")
    r = np.zeros((1, len(ids), len(ids)))
    t = threat(world, r)
    s = world.size[0]
    expected = (
        s[chn]
        / (s[chn] + s[jpn])
        * world.offense[0, chn]
        * world.proximity[0, jpn, chn]
        * (world.assertiveness[0, chn] + 0.5 * dispute(world)[0, jpn, chn])
    )
    assert t[0, jpn, chn] == pytest.approx(min(expected, 1.0))
    r[0, jpn, chn] = r[0, chn, jpn] = 0.5
    assert threat(world, r)[0, jpn, chn] == pytest.approx(t[0, jpn, chn] * 0.5)
    r[0, jpn, chn] = r[0, chn, jpn] = -0.5  # enmity does not add threat beyond intent
    assert threat(world, r)[0, jpn, chn] == pytest.approx(t[0, jpn, chn])
    assert np.all(np.diagonal(t, axis1=1, axis2=2) == 0)


def test_shared_threat_is_the_product_of_both_sides_fear_of_a_third():
    t = np.zeros((1, 3, 3))
    t[0, 0, 2], t[0, 1, 2] = 0.4, 0.5
    s = shared_threat(t)
    assert s[0, 0, 1] == pytest.approx(0.2)
    assert s[0, 1, 0] == pytest.approx(0.2)
    assert s[0, 0, 2] == 0.0


def test_balance_is_the_enemy_of_my_enemy():
    r = np.array([[[0, 0, -1, 0], [0, 0, -1, 0], [-1, -1, 0, 0], [0, 0, 0, 0]]], dtype=float)
    b = balance(r)
    assert b[0, 0, 1] == pytest.approx(1 / 2)  # both hostile to 2: mean over 2 third parties
    assert b[0, 0, 2] == 0.0  # third parties 1 and 3: r01 * r12 = 0
    assert balance(np.zeros((1, 2, 2)))[0, 0, 1] == 0.0


def test_wedge_courts_the_friends_of_a_rival():
    world = build_world(baseline())
    ids = world.ids
    jpn, chn, rus = ids.index("JPN"), ids.index("CHN"), ids.index("RUS")
    world.wedge[...] = 0.0
    world.wedge[0, jpn, chn] = 0.4
    r = np.zeros((1, 4, 4))
    r[0, rus, chn] = r[0, chn, rus] = 0.5
    w = wedge(world, r)
    assert w[0, jpn, rus] == pytest.approx(0.2)
    assert w[0, rus, jpn] == pytest.approx(0.2)  # the courted side feels the offer
    assert w[0, jpn, chn] == 0.0
    r[0, rus, chn] = r[0, chn, rus] = -0.5  # a rival's enemy needs no courting here
    assert wedge(world, r)[0, jpn, rus] == 0.0


def test_terms_have_their_documented_sign_and_sum_to_the_propensity():
    sc = baseline()
    world = build_world(sc)
    r = initial_relations(sc)[None]
    terms = propensity_terms(world, r)
    assert tuple(terms) == TERM_NAMES
    np.testing.assert_allclose(sum(terms.values()), propensity(world, r))
    for name in ("threat", "dispute", "irritant"):
        assert np.all(terms[name] <= 0), name
    for name in ("shared_threat", "interdependence", "institutions", "treaty", "wedge"):
        assert np.all(terms[name] >= 0), name


def test_level_value_pulls_toward_the_desired_level_and_autonomy_caps_alignment():
    levels = np.linspace(-1, 1, 201)[None, :]
    free = level_value(levels, 0.8, 0.8, 0.0, 0.3, 0.5)
    assert levels[0, free.argmax()] == pytest.approx(0.8)
    bound = level_value(levels, 0.8, 0.8, 2.0, 0.3, 0.5)
    # -(x - 0.8)^2 - 2 (x - 0.3)^2 - 0.5 (x - 0.8)^2 peaks at x = (1.5 * 0.8 + 2 * 0.3) / 3.5
    assert levels[0, bound.argmax()] == pytest.approx((1.5 * 0.8 + 0.6) / 3.5, abs=0.01)


def test_logit_choice_matches_the_logit_probabilities():
    rng = np.random.default_rng(1)
    values = np.array([0.0, -0.01, -0.02])
    n = 200_000
    choice = logit_choice(np.broadcast_to(values, (n, 3)), 0.01, rng.random(n))
    freq = np.bincount(choice, minlength=3) / n
    expected = np.exp(values / 0.01) / np.exp(values / 0.01).sum()
    np.testing.assert_allclose(freq, expected, atol=0.005)
    cold = logit_choice(values[None], 1e-6, np.array([0.999]))
    assert cold[0] == 0


def test_autonomy_costs_only_past_the_threshold():
    levels = np.array([-0.5, 0.3, 0.5, 1.0])
    np.testing.assert_allclose(autonomy(levels, 2.0, 0.3), [0.0, 0.0, 2 * 0.2**2, 2 * 0.7**2])
    assert autonomy(0.9, 0.0, 0.3) == 0.0
    # The same function on numbers (as the kernel calls it) and on arrays.
    assert autonomy(0.5, 2.0, 0.3) == autonomy(np.array([0.5]), 2.0, 0.3)[0]


def test_the_compiled_kernel_agrees_with_the_rule_as_written():
    rng = np.random.default_rng(3)
    reps, n, me = 2000, 5, 1
    current = np.round(rng.uniform(-1, 1, (reps, n)) / 0.05) * 0.05
    current[:, me] = 0.0
    prop = rng.normal(0, 0.5, (reps, n))
    uniform = rng.random((reps, n))
    alphas = rng.uniform(0, 3, reps)
    beta, d, tau, kappa, theta = 2.0, 0.05, 0.01, 0.5, 0.3
    moves = np.empty((reps, n))
    one = np.ones(1)
    choose_moves(
        current,
        prop,
        uniform,
        alphas,
        beta * one,
        d * one,
        tau * one,
        kappa * one,
        theta * one,
        me,
        moves,
    )
    levels = np.clip(current[..., None] + d * MOVES, -1, 1)
    desired = np.tanh(beta * prop)[..., None]
    values = level_value(levels, desired, current[..., None], alphas[:, None, None], theta, kappa)
    picks = logit_choice(values, tau, uniform)
    expected = np.take_along_axis(levels, picks[..., None], axis=-1)[..., 0] - current
    expected[:, me] = 0.0
    # exp() may differ in the last bit between numpy and the compiled code, which can
    # flip a draw that lands exactly on a boundary: allow a handful in 10,000.
    assert np.mean(~np.isclose(moves, expected)) < 1e-3


def test_wedge_is_the_same_for_shared_and_per_replicate_levers():
    world = build_world(baseline())
    rng = np.random.default_rng(0)
    r = rng.uniform(-1, 1, (3, 4, 4))
    r = (r + np.swapaxes(r, 1, 2)) / 2
    np.einsum("rii->ri", r)[...] = 0.0
    shared = wedge(world, r)
    world.wedge = np.repeat(world.wedge, 3, axis=0)  # per-replicate levers, same values
    np.testing.assert_allclose(wedge(world, r), shared)
