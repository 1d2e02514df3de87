"""Evaluation of conditions: a parsed condition, read over the model's state.

The language (the grammar, the tree and its names) is :mod:`sim.scenario.grammar`; here a
condition's tree is evaluated for all replicates at once: every node gives one value per
replicate (an (R,) array), every test one boolean per replicate.

Blocs are groups of actors in which every pair is above the aligned band's lower bound
(bands.hedging), by complete linkage (:mod:`sim.model.blocs`); ``blocs`` counts those
with two or more members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from sim.model.bands import band_codes
from sim.model.blocs import bloc_labels
from sim.scenario.grammar import (
    BANDS,
    Blocs,
    Compare,
    Condition,
    Extreme,
    InBand,
    Logical,
    Negative,
    Not,
    Number,
    Parameter,
    Relation,
    Step,
    Test,
    Together,
    Value,
)

if TYPE_CHECKING:
    from sim.model.world import World

_COMPARE = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


class State(Protocol):
    """What a condition reads: relations (R, N, N), the world, the step, the band bounds."""

    relations: np.ndarray
    world: World
    step: int
    bounds: Any


def holds(condition: Condition, state: State) -> np.ndarray:
    """(R,) bool: whether the condition holds in each replicate."""
    return np.asarray(test(condition.tree, state), dtype=bool)


def test(node: Test, state: State) -> np.ndarray:
    """(R,) bool of one test of a condition."""
    match node:
        case Compare(left, op, right):
            a, b = value(left, state), value(right, state)
            # Relations move on a lattice of 0.05; round away float drift before comparing.
            return _COMPARE[op](np.round(a, 9), np.round(b, 9))
        case InBand(relation, band, negate):
            inside = band_codes(value(relation, state), state.bounds) == BANDS.index(band)
            return ~inside if negate else inside
        case Logical(op, parts):
            combine = np.logical_and if op == "and" else np.logical_or
            results = [test(p, state) for p in parts]
            out = results[0]
            for r in results[1:]:
                out = combine(out, r)
            return out
        case Not(part):
            return ~test(part, state)
    raise TypeError(f"not a test: {node!r}")


def value(node: Value, state: State) -> np.ndarray:
    """(R,) float of one value of a condition."""
    reps = state.relations.shape[0]
    match node:
        case Number(number):
            return np.full(reps, number)
        case Relation(_, i, j):
            return state.relations[:, i, j]
        case Parameter(_, target):
            return np.broadcast_to(state.world.value(target), state.relations.shape[:1])
        case Step():
            return np.full(reps, float(state.step))
        case Blocs():
            labels = bloc_labels(state.relations, state.bounds.hedging)
            sizes = np.stack([(labels == k).sum(axis=1) for k in range(labels.shape[1])], axis=1)
            return (sizes >= 2).sum(axis=1).astype(float)
        case Together(i, j):
            labels = bloc_labels(state.relations, state.bounds.hedging)
            return (labels[:, i] == labels[:, j]).astype(float)
        case Extreme(i, strongest):
            others = np.delete(state.relations[:, i, :], i, axis=1)
            return others.max(axis=1) if strongest else others.min(axis=1)
        case Negative(operand):
            return -value(operand, state)
    raise TypeError(f"not a value: {node!r}")
