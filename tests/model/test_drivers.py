"""Each driver term against values worked out by hand (docs/model.md)."""

from __future__ import annotations

import numpy as np
import pytest
from factories import baseline

from sim.model.choice import (
    autonomy,
    candidate_levels,
    level_value,
    logit_choice,
)
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
    lam, mu = world.settings["dispute_threat"][0], world.settings["hostility_threat"][0]
    assert lam > 0 and mu > 0
    reach = s[chn] / (s[chn] + s[jpn]) * world.offense[0, chn] * world.proximity[0, jpn, chn]
    intent = world.assertiveness[0, chn] + lam * dispute(world)[0, jpn, chn]
    assert t[0, jpn, chn] == pytest.approx(min(reach * intent, 1.0))
    r[0, jpn, chn] = r[0, chn, jpn] = 0.5
    assert threat(world, r)[0, jpn, chn] == pytest.approx(t[0, jpn, chn] * 0.5)
    r[0, jpn, chn] = r[0, chn, jpn] = -0.5  # hostility reads as aggressive intent: mu * 0.5
    assert threat(world, r)[0, jpn, chn] == pytest.approx(min(reach * (intent + mu * 0.5), 1.0))
    assert np.all(np.diagonal(t, axis1=1, axis2=2) == 0)


def test_aimed_intentions_raise_only_the_threat_their_target_feels():
    world = build_world(baseline())
    ids = world.ids
    usa, chn, jpn, rus = (ids.index(a) for a in ("USA", "CHN", "JPN", "RUS"))
    r = np.zeros((1, len(ids), len(ids)))
    before = threat(world, r)
    world.assertiveness_toward[0, usa, rus] = 0.4  # the US aims at Russia alone
    after = threat(world, r)
    s = world.size[0]
    rise = s[usa] / (s[usa] + s[rus]) * world.offense[0, usa] * world.proximity[0, rus, usa] * 0.4
    assert after[0, rus, usa] - before[0, rus, usa] == pytest.approx(rise)
    changed = np.argwhere(~np.isclose(after, before))
    assert changed.tolist() == [[0, rus, usa]]  # China and Japan feel nothing new
    assert after[0, chn, usa] == before[0, chn, usa] and after[0, jpn, usa] == before[0, jpn, usa]


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


def test_wedge_is_the_same_for_shared_and_per_replicate_levers():
    world = build_world(baseline())
    rng = np.random.default_rng(0)
    r = rng.uniform(-1, 1, (3, 4, 4))
    r = (r + np.swapaxes(r, 1, 2)) / 2
    np.einsum("rii->ri", r)[...] = 0.0
    shared = wedge(world, r)
    world.wedge = np.repeat(world.wedge, 3, axis=0)  # per-replicate levers, same values
    np.testing.assert_allclose(wedge(world, r), shared)


@pytest.mark.parametrize("edge", [-1.0, 1.0])
def test_move_probabilities_at_the_edge_are_the_closed_form_logit_over_distinct_levels(edge):
    # At r = -1 the moves reach -1 (confront, pressure, hold), -0.95 and -0.9: three
    # distinct levels. With x* = -0.9 (as in the issue), P(stay) = e^{U(-1)/tau} / sum over
    # the three levels, not counting -1 three times.
    d, tau, kappa, theta, alpha = 0.05, 0.01, 0.5, 0.3, 0.0
    desired = 0.9 * edge
    levels = np.array([edge, edge - np.sign(edge) * d, edge - np.sign(edge) * 2 * d])
    u = -((levels - desired) ** 2) - kappa * (levels - edge) ** 2
    closed = np.exp(u / tau) / np.exp(u / tau).sum()
    reps = 200_000
    # The rule as the kernel applies it (tests/model/test_kernel.py checks the kernel
    # against these functions): distinct levels, their values, a logit draw.
    current = np.full(reps, edge)
    levels_all, distinct = candidate_levels(current, np.full(reps, d))
    values = level_value(levels_all, desired, current[:, None], alpha, theta, kappa)
    uniform = np.random.default_rng(11).random(reps)
    pick = logit_choice(np.where(distinct, values, -np.inf), tau, uniform)
    moves = np.zeros((reps, 2))
    moves[:, 1] = levels_all[np.arange(reps), pick] - current
    reached = np.round(edge + moves[:, 1], 9)
    observed = np.array([np.mean(reached == np.round(x, 9)) for x in levels])
    np.testing.assert_allclose(observed, closed, atol=0.005)
    assert observed.sum() == pytest.approx(1.0)
    if edge == -1.0:
        assert closed[0] == pytest.approx(0.22, abs=0.01)  # 0.46 with the duplicates counted


def test_candidate_levels_mark_the_levels_clipping_makes_equal():
    levels, distinct = candidate_levels(np.array([-1.0, 0.0, 0.95]), np.full(3, 0.05))
    assert distinct.tolist() == [
        [True, False, False, True, True],
        [True, True, True, True, True],
        [True, True, True, True, False],
    ]
    assert levels[0, :3].tolist() == [-1.0, -1.0, -1.0]
