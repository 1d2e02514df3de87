"""StateAgent: a state choosing, each quarter, how far to move its relation with each other state.

A state wants each relation to sit at a desired level set by its propensity toward the
other (x* = tanh(beta * p)); it weighs that against the cost of abrupt turns and, if it
prizes autonomy, against the cost of drifting into alignment. It picks one of a few moves
(cool a lot, cool, hold, warm, warm a lot) by a logit rule: bounded rationality, so the
better move is likelier but not certain. All of this is done for every replicate at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model.choice import MOVE_NAMES, MOVES, choose_moves

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel

__all__ = ["MOVES", "MOVE_NAMES", "StateAgent", "level_value", "logit_choice"]


def level_value(
    levels: np.ndarray,
    desired: np.ndarray,
    current: np.ndarray,
    autonomy: np.ndarray,
    threshold: float,
    inertia: float,
) -> np.ndarray:
    """U(x): how much a state values moving a relation from r to level x.

    U = -(x - x*)^2 - alpha * max(x - theta, 0)^2 - kappa * (x - r)^2
    levels (..., K) are the candidate levels x; desired x* and current r are (...);
    autonomy alpha broadcasts against them.
    """
    gap = levels - desired[..., None]
    over = np.maximum(levels - threshold, 0.0)
    turn = levels - current[..., None]
    return -(gap * gap) - autonomy[..., None] * over * over - inertia * turn * turn


def logit_choice(values: np.ndarray, temperature: float, uniform: np.ndarray) -> np.ndarray:
    """Index of the option chosen with probability proportional to exp(U / tau).

    Inverse-CDF sampling with one uniform number per decision: the same draws give the
    same choices, so runs are reproducible and scenarios can share random numbers.
    """
    z = (values - values.max(axis=-1, keepdims=True)) / temperature
    weights = np.exp(z)
    cumulative = np.cumsum(weights, axis=-1)
    threshold = uniform * cumulative[..., -1]
    choice = (cumulative < threshold[..., None]).sum(axis=-1)
    return np.minimum(choice, values.shape[-1] - 1)


class StateAgent(mesa.Agent):
    """A state (Russia, Japan, ...): its identity and its decision rule.

    The state's attributes (size, assertiveness, autonomy ...) live in the model's world
    arrays at ``index``, because every replicate has its own values.
    """

    model: AlignmentModel

    def __init__(self, model: AlignmentModel, index: int, actor_id: str, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.actor_id = actor_id
        self.name = name

    def desired_levels(self) -> np.ndarray:
        """x*_ij = tanh(beta * p_ij) toward every actor j, for every replicate: (R, N)."""
        m = self.model
        return np.tanh(m.world.setting("responsiveness") * m.propensity[:, self.index, :])

    def choose_moves(self) -> None:
        """Pick a move toward every other state and post it to the model's move matrix.

        The compiled kernel (sim.model.choice) evaluates level_value and logit_choice for all
        replicates in one pass.
        """
        m = self.model
        i = self.index
        settings = m.world.settings
        choose_moves(
            m.relations[:, i, :],
            m.propensity[:, i, :],
            m.uniforms[:, i, :],
            m.world.autonomy[:, i],
            settings["responsiveness"],
            settings["step_length"],
            settings["temperature"],
            settings["inertia"],
            settings["autonomy_threshold"],
            i,
            m.moves[:, i, :],
        )
