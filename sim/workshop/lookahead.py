"""The look-ahead fan: where the relations may go in the next few turns if the model
played every state.

From the proposed state of a turn the game's single path is forked into a few hundred
replicates (:meth:`AlignmentModel.fork`) and run forward K turns (default 4, never past
the scenario's last step); for every dyad and step the fan holds quantiles over the
replicates. It is what the white cell weighs a proposal against: a relation the model
sees falling whatever happens, or one a single turn could tip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.workshop.snapshot import dyad_key

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


class Fan(BaseModel):
    """Quantiles of every dyad's relation for the turns after ``turn``.

    ``dyads[dyad][k][q]`` is quantile ``quantiles[q]`` of the relation at turn
    ``turns[k]`` over ``replicates`` model runs.
    """

    model_config = ConfigDict(frozen=True)

    turn: int
    turns: list[int]
    quantiles: list[float]
    replicates: int
    dyads: dict[str, list[list[float]]]


def look_ahead(
    model: AlignmentModel, turn: int, horizon: int, replicates: int, seed: list[int]
) -> Fan:
    """Run ``replicates`` copies of the model's current state ``horizon`` turns forward."""
    ahead = max(0, min(horizon, model.spec.run.steps - model.steps))
    fork = model.fork(replicates=replicates, seed=np.random.SeedSequence(seed), record="outcomes")
    values: dict[str, list[list[float]]] = {dyad_key(model, i, j): [] for i, j in model.dyads}
    for _ in range(ahead):
        fork.step()
        for i, j in model.dyads:
            q = np.quantile(fork.relations[:, i, j], QUANTILES)
            values[dyad_key(model, i, j)].append([round(float(x), 6) for x in q])
    return Fan(
        turn=turn,
        turns=list(range(turn + 1, turn + 1 + ahead)),
        quantiles=list(QUANTILES),
        replicates=replicates,
        dyads=values,
    )
