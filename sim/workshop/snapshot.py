"""The committed state of a game as canonical JSON, and its SHA-256: the replay check.

Each commit stores the hash of the turn's committed relations, the world's parameters
(every actor and dyad quantity, weight and setting the drivers read) and the phase.
Replaying the log must give the same hash for every turn; if it does not, the game file
and the engine disagree and the game is not opened (:class:`ReplayMismatch`).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.scenario.dyads import dyad_label

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel


def dyad_key(model: AlignmentModel, i: int, j: int) -> str:
    """The dyad's name 'A-B' with the actors in scenario order."""
    return dyad_label(model.actor_ids, i, j)


def relations_of(model: AlignmentModel, replicate: int = 0) -> dict[str, float]:
    """Every dyad's relation in one replicate: {'USA-CHN': -0.1, ...} in scenario order."""
    return {dyad_key(model, i, j): float(model.relations[replicate, i, j]) for i, j in model.dyads}


def _clean(value: Any) -> Any:
    """Numbers rounded to 12 decimals (no -0.0), arrays as nested lists, keys sorted."""
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float | np.floating):
        return round(float(value), 12) + 0.0
    return value


def world_parameters(model: AlignmentModel) -> dict[str, Any]:
    """Every quantity of the model's world, as plain JSON values."""
    return _clean({k: v for k, v in vars(model.world).items() if k != "ids"})


def canonical_state(model: AlignmentModel, turn: int, phase: str) -> str:
    """The committed state as canonical JSON (sorted keys, no spaces)."""
    state = {
        "turn": turn,
        "phase": phase,
        "relations": _clean(relations_of(model)),
        "world": world_parameters(model),
    }
    return json.dumps(state, sort_keys=True, separators=(",", ":"), allow_nan=False)


def state_hash(model: AlignmentModel, turn: int, phase: str) -> str:
    """SHA-256 (hex) of :func:`canonical_state`."""
    return hashlib.sha256(canonical_state(model, turn, phase).encode("utf-8")).hexdigest()
