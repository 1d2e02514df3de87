"""Blocs: groups of actors held together by warm relations.

A bloc is a connected component of the graph whose edges are the relations above a
threshold (the scenario's ``bands.hedging`` in end-states and conditions): Russia and
China aligned, and China and Iran aligned, make one bloc of three even if Russia and
Iran are only hedging.
"""

from __future__ import annotations

import numpy as np


def bloc_labels(relations: np.ndarray, threshold: float) -> np.ndarray:
    """(R, N) bloc label of every actor: connected components of relations above threshold.

    The label of a bloc is the smallest actor index in it, so labels are comparable
    across replicates.
    """
    reps, n, _ = relations.shape
    linked = np.round(relations, 9) > threshold
    labels = np.broadcast_to(np.arange(n), (reps, n)).copy()
    # Propagate the minimum label along links until nothing changes (at most n rounds).
    for _ in range(n):
        neighbour = np.where(linked, labels[:, None, :], n).min(axis=2)
        new = np.minimum(labels, neighbour)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels
