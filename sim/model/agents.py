"""StateAgent: a state choosing, each quarter, how far to move its relation with each other state.

A state wants each relation to sit at a desired level set by its propensity toward the
other (x* = tanh(beta * p)); it weighs that against the cost of abrupt turns and, if it
prizes autonomy, against the cost of drifting into alignment. It picks one of a few moves
(cool a lot, cool, hold, warm, warm a lot) by a logit rule: bounded rationality, so the
better move is likelier but not certain. The rule itself is :mod:`sim.model.choice`; the
agent applies it to its row of the model's arrays, for every replicate at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.model.choice import choose_moves

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel


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

    def choose_moves(self) -> None:
        """Pick a move toward every other state and post it to the model's move matrix.

        The compiled kernel :func:`sim.model.choice.choose_moves` applies the rule
        (desired level, level value, logit draw) for all replicates in one pass.
        """
        m = self.model
        i = self.index
        settings = m.world.settings
        choose_moves(
            m.relations[:, i, :],
            m.propensity[:, i, :],
            m.uniforms[:, i, :],
            m.autonomy[:, i, :],
            settings["responsiveness"],
            settings["step_length"],
            settings["temperature"],
            settings["inertia"],
            settings["autonomy_threshold"],
            i,
            m.moves[:, i, :],
        )
