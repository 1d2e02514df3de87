"""The decision rule's fast kernel: each state picks its moves for all replicates at once.

It computes exactly what :func:`sim.model.agents.level_value` and
:func:`sim.model.agents.logit_choice`
state (docs/model.md, "Choice"), fused into one compiled loop: the desired level
x* = tanh(beta p), the value U of each of the five moves, and a logit draw by inverse CDF
with one uniform number per decision. The numpy functions remain the readable statement
of the rule and the tests check that the kernel agrees with them.

Per-replicate settings arrive as arrays of length 1 (shared) or R (one per replicate).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: The moves a state can make toward another each step, in units of the step length.
MOVES = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
MOVE_NAMES = ("confront", "pressure", "hold", "engage", "cooperate")


@njit(cache=True, nogil=True)
def choose_moves(
    current: np.ndarray,
    propensity: np.ndarray,
    uniform: np.ndarray,
    autonomy: np.ndarray,
    responsiveness: np.ndarray,
    step_length: np.ndarray,
    temperature: np.ndarray,
    inertia: np.ndarray,
    threshold: np.ndarray,
    self_index: int,
    moves: np.ndarray,
) -> None:
    """Write into ``moves`` (R, N) the change each replicate's state makes toward each actor.

    current, propensity, uniform: (R, N), the state's row; the settings: (1,) or (R,).
    """
    reps, n = current.shape
    k_moves = MOVES.shape[0]
    values = np.empty(k_moves)
    levels = np.empty(k_moves)
    for r in range(reps):
        alpha = autonomy[r if autonomy.shape[0] > 1 else 0]
        beta = responsiveness[r if responsiveness.shape[0] > 1 else 0]
        d = step_length[r if step_length.shape[0] > 1 else 0]
        tau = temperature[r if temperature.shape[0] > 1 else 0]
        kappa = inertia[r if inertia.shape[0] > 1 else 0]
        theta = threshold[r if threshold.shape[0] > 1 else 0]
        for j in range(n):
            if j == self_index:
                moves[r, j] = 0.0
                continue
            now = current[r, j]
            desired = np.tanh(beta * propensity[r, j])
            best = -np.inf
            for m in range(k_moves):
                x = min(max(now + d * MOVES[m], -1.0), 1.0)
                gap = x - desired
                over = max(x - theta, 0.0)
                turn = x - now
                u = -(gap * gap) - alpha * over * over - kappa * turn * turn
                levels[m] = x
                values[m] = u
                best = max(best, u)
            total = 0.0
            for m in range(k_moves):
                values[m] = np.exp((values[m] - best) / tau)
                total += values[m]
                values[m] = total  # now the cumulative weight
            cut = uniform[r, j] * total
            pick = 0
            for m in range(k_moves):
                if values[m] < cut:
                    pick += 1
            pick = min(pick, k_moves - 1)
            moves[r, j] = levels[pick] - now
