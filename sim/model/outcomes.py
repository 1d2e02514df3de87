"""Named end-states: a scenario's ``outcomes``, scored on the relations at the end.

A named end-state holds in a replicate when every one of its conditions holds on that
replicate's relations at the end of the run; its conditions read relations through the
bands of :mod:`sim.model.bands` and the expressions of :mod:`sim.model.conditions`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.model.bands import BAND_NAMES, BandBounds, band_codes, comparable
from sim.model.conditions import holds as condition_holds
from sim.model.events import ModelState
from sim.scenario.dyads import dyad_indices
from sim.scenario.grammar import parse_condition


def _condition_holds(cond: Any, ids: Sequence[str], rel: np.ndarray, bands: BandBounds):
    """(R,) bool: whether one schema.Condition holds in each replicate."""
    r = rel.shape[0]
    ok = np.ones(r, dtype=bool)
    if cond.dyad is not None:
        i, j = dyad_indices(list(ids), cond.dyad)
        v = comparable(rel[:, i, j])
        if cond.band is not None:
            ok &= band_codes(v, bands) == BAND_NAMES.index(cond.band)
        if cond.above is not None:
            ok &= v > cond.above
        if cond.below is not None:
            ok &= v < cond.below
    else:
        if cond.actor not in ids:
            raise ValueError(f"unknown actor '{cond.actor}'; known: {', '.join(ids)}")
        i = list(ids).index(cond.actor)
        others = [k for k in range(len(ids)) if k != i]
        ok &= np.all(comparable(rel[:, i, others]) < cond.all_below, axis=1)
    return ok


def evaluate_outcomes(
    scenario: Any, actor_ids: Sequence[str], relations: Any
) -> dict[str, np.ndarray]:
    """Which named end-states hold in which replicate.

    ``relations`` is (R, N, N), symmetric, actors in ``actor_ids`` order (an (N, N)
    matrix counts as one replicate); the diagonal is ignored. Returns, for every outcome
    of the scenario in its order, an (R,) boolean array: True where all of the outcome's
    conditions hold (relations rounded to DECIMALS). Conditions: a dyad ('A-B') in
    ``band`` and/or strictly ``above`` / strictly ``below`` a value; an actor whose every
    relation to the others is strictly below ``all_below``.
    """
    rel = np.asarray(relations, dtype=np.float64)
    if rel.ndim == 2:
        rel = rel[None]
    n = len(actor_ids)
    if rel.ndim != 3 or rel.shape[1:] != (n, n):
        raise ValueError(f"relations should be (R, {n}, {n}), got {rel.shape}")
    outcomes: Mapping[str, Any] = scenario.outcomes
    final = ModelState(rel, None, scenario.run.steps, scenario.bands)
    result: dict[str, np.ndarray] = {}
    for name, outcome in outcomes.items():
        holds = np.ones(rel.shape[0], dtype=bool)
        for cond in outcome.all:
            holds &= _condition_holds(cond, actor_ids, rel, scenario.bands)
        if outcome.when is not None:
            when = parse_condition(outcome.when, scenario, relations_only=True)
            holds &= condition_holds(when, final)
        result[name] = holds
    return result
