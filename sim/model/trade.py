"""Trade that follows relations, and sanctions that cut it (docs/model.md, "Trade and sanctions").

Interdependence e_ij is the economic tie the :func:`sim.model.drivers.interdependence` term
reads. Each step it moves toward the level that relations and sanctions imply,

    e*_ij = clip(b_ij (1 - s_ij) + delta (lost_i share_ij + lost_j share_ji), 0, 1)
    b_ij  = e0_ij exp(epsilon (r_ij - r0_ij))            trade at the current relation
    e_ij <- e_ij + (e*_ij - e_ij) min(1, 1 / L)           partial adjustment, lag L steps
                                                          (L = 0: at once)

where e0 and r0 are the pair's interdependence and relation when the run started (an event
that changes interdependence moves e0 with it: a trade deal is structural), s_ij =
min(1, sanctions_ij + sanctions_ji) is how much of the pair's trade the sanctions of either
side cut, lost_i = sum_k s_ik b_ik is the trade i loses to sanctions, and share_ij =
f_ij / sum_k f_ik with f_ij = max(r_ij, 0) (1 - s_ij) splits what i can divert among its
unsanctioned friends in proportion to their warmth. delta (``model.trade_diversion``) is
the share of lost trade that finds new partners (0: none; 1: all of it).

The theory: trade follows the flag (Pollins 1989; Keshk, Pollins & Reuveny 2004), so warmer
relations grow trade and colder ones shrink it with elasticity epsilon
(``model.trade_elasticity``); sanctions destroy trade on both sides (a cost to the sender
too) and divert the target's trade to third parties (Early 2015, "busting sanctions").
The start is an equilibrium of trade: e* = e0 at r = r0 without sanctions. With epsilon = 0
trade is static (it does not follow relations): the scenario's values, changed by events and
cut by sanctions only.
"""

from __future__ import annotations

import numpy as np

from sim.model.world import World


def sanction_cut(world: World) -> np.ndarray:
    """s_ij = min(1, sanctions_ij + sanctions_ji): the share of the pair's trade cut (·, N, N)."""
    return np.minimum(world.sanctions + np.swapaxes(world.sanctions, 1, 2), 1.0)


def implied_trade(world: World, relations: np.ndarray) -> np.ndarray:
    """e*_ij: the interdependence current relations and sanctions imply (R, N, N)."""
    if world.trade_base is None or world.relation_anchor is None:
        raise ValueError("the world has no trade base or relation anchor (set at step 0)")
    epsilon = world.settings["trade_elasticity"][:, None, None]
    delta = world.settings["trade_diversion"][:, None, None]
    at_relation = world.trade_base * np.exp(epsilon * (relations - world.relation_anchor))
    target = at_relation
    if np.any(world.sanctions):  # without them nothing is cut or diverted: e* = b, exactly
        cut = sanction_cut(world)
        lost = (cut * at_relation).sum(axis=2)  # (R, N): what each state loses to sanctions
        friends = np.maximum(relations, 0.0) * (1.0 - cut)
        np.einsum("...ii->...i", friends)[...] = 0.0
        total = friends.sum(axis=2, keepdims=True)
        share = np.divide(friends, total, out=np.zeros_like(friends), where=total > 0)
        diverted = lost[:, :, None] * share
        target = at_relation * (1.0 - cut) + delta * (diverted + np.swapaxes(diverted, 1, 2))
    target = np.clip(target, 0.0, 1.0)
    np.einsum("...ii->...i", target)[...] = 0.0
    return target


def trade_moves(world: World) -> bool:
    """Whether trade can change this step: not when nothing moves it (no elasticity, no
    sanctions) and every pair is already at its base level (e* = e0 = e)."""
    moved = np.any(world.settings["trade_elasticity"] > 0) or np.any(world.sanctions)
    return bool(moved or not np.array_equal(world.interdependence, world.trade_base))


def trade_rate(world: World) -> np.ndarray:
    """min(1, 1 / max(lag, 1)): the share of the gap to e* that trade closes in a step (·,)."""
    return np.minimum(1.0, 1.0 / np.maximum(world.settings["trade_lag"], 1.0))


def follow_trade(world: World, relations: np.ndarray) -> np.ndarray | None:
    """The next step's interdependence (R, N, N), or None when trade cannot change
    (:func:`trade_moves`)."""
    if not trade_moves(world):
        return None
    rate = trade_rate(world)[:, None, None]
    current = world.interdependence
    return current + rate * (implied_trade(world, relations) - current)
