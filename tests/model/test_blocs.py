"""Blocs (sim.model.blocs): complete-linkage cliques of the aligned graph.

Conditions that read blocs (``together``, ``blocs``): tests/model/test_conditions.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.model.blocs import bloc_labels

THRESHOLD = 0.2


def symmetric(n: int, pairs: dict[tuple[int, int], float]) -> np.ndarray:
    """A (1, n, n) symmetric relation matrix, 0 where not given."""
    r = np.zeros((1, n, n))
    for (i, j), v in pairs.items():
        r[0, i, j] = r[0, j, i] = v
    return r


def random_relations(rng: np.random.Generator, reps: int, n: int) -> np.ndarray:
    """(reps, n, n) symmetric relations on the 0.05 lattice (so that ties occur)."""
    r = np.round(rng.uniform(-1, 1, (reps, n, n)) * 20) / 20
    r = np.triu(r, 1)
    return r + np.swapaxes(r, 1, 2)


def test_a_chain_is_not_one_bloc():
    # A-B aligned, B-C aligned, A-C hostile: components would make one bloc of three.
    labels = bloc_labels(symmetric(3, {(0, 1): 0.5, (1, 2): 0.4, (0, 2): -0.7}), THRESHOLD)
    np.testing.assert_array_equal(labels, [[0, 0, 2]])  # B goes with A, its warmer tie
    labels = bloc_labels(symmetric(3, {(0, 1): 0.4, (1, 2): 0.5, (0, 2): -0.7}), THRESHOLD)
    np.testing.assert_array_equal(labels, [[0, 1, 1]])


def test_a_clique_is_one_bloc_and_the_bound_itself_is_not_aligned():
    clique = symmetric(3, {(0, 1): 0.5, (1, 2): 0.3, (0, 2): 0.25})
    np.testing.assert_array_equal(bloc_labels(clique, THRESHOLD), [[0, 0, 0]])
    # 0.2 is hedging, and float drift above it is rounded away
    at_bound = symmetric(3, {(0, 1): 0.2000000000001, (1, 2): 0.5, (0, 2): 0.4})
    np.testing.assert_array_equal(bloc_labels(at_bound, THRESHOLD), [[0, 1, 1]])


def test_label_is_the_smallest_index_in_the_bloc():
    labels = bloc_labels(symmetric(5, {(1, 3): 0.8, (3, 4): 0.5, (1, 4): 0.3}), THRESHOLD)
    np.testing.assert_array_equal(labels, [[0, 1, 2, 1, 1]])
    lone = bloc_labels(symmetric(4, {(0, 2): 0.8}), THRESHOLD)
    np.testing.assert_array_equal(lone, [[0, 1, 0, 3]])


def test_ties_go_to_the_lowest_indices():
    # 0-1 and 1-2 equally warm, 0-2 cold: the pair with the lowest indices merges first.
    labels = bloc_labels(symmetric(3, {(0, 1): 0.5, (1, 2): 0.5, (0, 2): -0.5}), THRESHOLD)
    np.testing.assert_array_equal(labels, [[0, 0, 2]])


def test_replicates_are_partitioned_independently():
    rng = np.random.default_rng(3)
    rel = random_relations(rng, 60, 6)
    together = bloc_labels(rel, THRESHOLD)
    one_by_one = np.concatenate([bloc_labels(rel[k : k + 1], THRESHOLD) for k in range(60)])
    np.testing.assert_array_equal(together, one_by_one)
    np.testing.assert_array_equal(bloc_labels(rel[::-1], THRESHOLD), together[::-1])


@pytest.mark.parametrize("n", [2, 4, 7])
def test_every_bloc_is_a_clique_and_no_two_blocs_could_merge(n):
    rng = np.random.default_rng(n)
    rel = random_relations(rng, 400, n)
    rel += rng.uniform(0.0, 0.6, (400, 1, 1))  # warmer replicates: bigger blocs too
    labels = bloc_labels(rel, THRESHOLD)
    sizes = []
    for r, lab in zip(rel, labels, strict=True):
        blocs = {k: np.flatnonzero(lab == k) for k in np.unique(lab)}
        for k, members in blocs.items():
            assert members.min() == k
            for i, j in itertools.combinations(members, 2):
                assert r[i, j] > THRESHOLD
        for (_, a), (_, b) in itertools.combinations(blocs.items(), 2):
            assert r[np.ix_(a, b)].min() <= THRESHOLD
        sizes.append(max(len(m) for m in blocs.values()))
    assert max(sizes) >= min(n, 3)  # checked on real blocs, not only pairs


def test_empty_and_single_actor_inputs():
    assert bloc_labels(np.zeros((0, 3, 3)), THRESHOLD).shape == (0, 3)
    np.testing.assert_array_equal(bloc_labels(np.ones((2, 1, 1)), THRESHOLD), [[0], [0]])
