"""StateAgent: a state choosing, each quarter, how far to move its relation with each other state.

A state wants each relation to sit at a desired level set by its propensity toward the
other (x* = tanh(beta * p)); it weighs that against the cost of abrupt turns and, if it
prizes autonomy, against the cost of drifting into alignment. It picks one of a few moves
(cool a lot, cool, hold, warm, warm a lot) by a logit rule: bounded rationality, so the
better move is likelier but not certain. The rule itself is :mod:`sim.model.choice`.

Every state decides in every replicate at once, so the model applies the rule for all of
its agents in one compiled pass (:mod:`sim.model.kernel`) rather than agent by agent: an
agent is the state's identity in the Mesa model (its place in the model's arrays, its id
and name), and its decisions are the rows i of the kernel's arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel


class StateAgent(mesa.Agent):
    """A state (Russia, Japan, ...): its identity; its decisions are row ``index`` of the
    kernel's arrays.

    The state's attributes (size, assertiveness, autonomy ...) live in the model's world
    arrays at ``index``, because every replicate has its own values.
    """

    model: AlignmentModel

    def __init__(self, model: AlignmentModel, index: int, actor_id: str, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.actor_id = actor_id
        self.name = name
