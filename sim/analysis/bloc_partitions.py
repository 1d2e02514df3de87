"""Bloc partitions of a comparison's replicates, as text: who is in a bloc with whom at
the start and at the end (blocs: groups in which every pair is above ``bands.hedging``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.model.bands import relation_matrices
from sim.model.blocs import bloc_labels
from sim.results.views import Run, ends_of, starts_of
from sim.scenario import Scenario


def partition_texts(labels: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """(R,) text of each replicate's bloc partition, from (R, N) bloc labels.

    Blocs of two or more actors are written with '+' between their members (scenario
    order) and ' | ' between blocs, ordered by their first member; actors in no bloc
    follow as '(alone: A, B)'. Examples: 'USA+JPN | CHN+RUS', 'USA+JPN | (alone: CHN,
    RUS)', 'no blocs'.
    """
    lab = np.asarray(labels)
    if lab.ndim != 2 or lab.shape[0] == 0:
        return np.array([], dtype=object)
    unique, inverse = np.unique(lab, axis=0, return_inverse=True)
    texts = []
    for row in unique:
        groups: dict[int, list[str]] = {}
        for actor, bloc in enumerate(row):
            groups.setdefault(int(bloc), []).append(ids[actor])
        blocs = [members for _, members in sorted(groups.items()) if len(members) > 1]
        alone = [members[0] for _, members in sorted(groups.items()) if len(members) == 1]
        parts = ["+".join(m) for m in blocs]
        if alone and blocs:
            parts.append(f"(alone: {', '.join(alone)})")
        texts.append(" | ".join(parts) if parts else "no blocs")
    return np.asarray(texts, dtype=object)[np.asarray(inverse).reshape(-1)]


def bloc_partitions(model: Run, scenario: Scenario, step: str) -> np.ndarray:
    """(R,) bloc partition text of every replicate at the 'start' or the 'end'.

    Blocs are groups in which every pair is above ``bands.hedging``, by complete
    linkage (:func:`sim.model.blocs.bloc_labels`).
    """
    values = starts_of(model) if step == "start" else ends_of(model)
    n = len(model.actor_ids)
    rel = relation_matrices(values, n, model.dyads)
    labels = bloc_labels(rel, float(scenario.bands.hedging))
    return partition_texts(labels, list(model.actor_ids))
