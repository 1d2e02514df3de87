"""Blocs: groups of actors in which every pair is aligned or closer.

A bloc is a group of actors every pair of which has a relation above a threshold (the
scenario's ``bands.hedging``, 0.2 by default: aligned or allied): a clique of the graph
of aligned relations. A pair in the hedging, rivalry or hostile band is never reported
inside one bloc. Actors in no such group are alone (a bloc of one).

Why not connected components (the rule before): components chain. Russia aligned with
China and with Japan would put China and Japan in one "bloc" while they are hostile to
each other, and on the baseline a third of the replicates reported USA+CHN+JPN+RUS as
one bloc with China-Japan at -0.65.

Why not all maximal cliques: they overlap (Russia aligned with China and with Japan,
China and Japan cold, gives the two cliques CHN+RUS and JPN+RUS), and a report, a
Sankey diagram and ``together(A, B)`` need a partition: each actor in exactly one bloc.

The partition rule is complete-linkage agglomeration cut at the threshold: start with
every actor alone; repeatedly merge the two blocs whose weakest cross tie (the minimum
relation over all pairs with one member in each) is the strongest, while that weakest
tie is above the threshold. Every pair inside a bloc is then above the threshold by
construction, and no two blocs left could be merged (their weakest cross tie is at or
below it). Where cliques overlap, the actor goes with the group it is closest to at
worst: in the example above Russia joins China if RUS-CHN is warmer than RUS-JPN. Ties
between equally strong candidate merges are broken by the lowest actor indices (the pair
of blocs whose smallest members come first in scenario order), so the partition is
deterministic.

Relations are compared after rounding to :data:`sim.model.bands.DECIMALS` decimals
(:func:`sim.model.bands.comparable`), as every band comparison is.
"""

from __future__ import annotations

import numpy as np

from sim.model.bands import comparable


def bloc_labels(relations: np.ndarray, threshold: float) -> np.ndarray:
    """(R, N) bloc label of every actor, from (R, N, N) relations (module docstring).

    Complete-linkage agglomeration cut at ``threshold``: every pair inside a bloc has
    a relation above it. The label of a bloc is the smallest actor index in it, so
    labels are comparable across replicates; replicates are partitioned independently.
    Ties between equally strong merges go to the lowest indices first.
    """
    rel = comparable(relations)
    reps, n, _ = rel.shape
    labels = np.broadcast_to(np.arange(n), (reps, n)).copy()
    if n < 2 or reps == 0:
        return labels
    # linkage[r, a, b]: the weakest relation between bloc a and bloc b (each bloc stored
    # at its label); -inf on the diagonal and for labels no longer in use, so that they
    # are never the strongest candidate. NaN has no band and links nothing.
    # Relations are symmetric in the model; the minimum of both directions keeps the
    # linkage symmetric (the argmax below relies on it) for any input.
    rel = np.minimum(rel, np.swapaxes(rel, 1, 2))
    linkage = np.where(np.isnan(rel), -np.inf, rel)
    idx = np.arange(n)
    linkage[:, idx, idx] = -np.inf
    rows = np.arange(reps)
    for _ in range(n - 1):
        candidates = linkage.reshape(reps, n * n)
        # argmax returns the first maximum in row-major order; linkage is symmetric, so
        # that is the tied pair (a, b) with the lowest a, then the lowest b, and a < b.
        best = candidates.argmax(axis=1)
        merge = candidates[rows, best] > threshold
        if not merge.any():
            break
        r = rows[merge]
        a, b = np.divmod(best[merge], n)  # a < b: the merged bloc keeps label a
        joined = np.minimum(linkage[r, a, :], linkage[r, b, :])
        joined[np.arange(len(r)), a] = -np.inf
        joined[np.arange(len(r)), b] = -np.inf
        linkage[r, a, :] = joined
        linkage[r, :, a] = joined
        linkage[r, b, :] = -np.inf
        linkage[r, :, b] = -np.inf
        labels[r] = np.where(labels[r] == b[:, None], a[:, None], labels[r])
    return labels
