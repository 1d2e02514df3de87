"""Landscape references for the tests: the energy as a double loop and basins by recursion.

Plain definitions, independent of the vectorised code in sim.analysis.landscape, that the
landscape tests compare it against.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from functools import cache

import numpy as np

from sim.analysis.landscape import LandscapeInput

NEUTRAL = 2
SPIN = {0: 1, 1: -1, NEUTRAL: 0}


def random_case(n: int, seed: int, ties: bool = False) -> LandscapeInput:
    """A random landscape of ``n`` actors (integer propensities and equal sizes with ties)."""
    rng = np.random.default_rng(seed)
    p = rng.integers(-2, 3, (n, n)).astype(float) if ties else rng.uniform(-1, 1, (n, n))
    p = np.triu(p, 1)
    sizes = np.ones(n) if ties else rng.uniform(0.2, 2.0, n)
    return LandscapeInput.from_arrays([f"A{i}" for i in range(n)], sizes, p + p.T)


def brute_energy(pos: tuple[int, ...], s: np.ndarray, p: np.ndarray) -> float:
    """The definition, as a double loop: sum over i, j != i of s_i s_j p_ij d_ij."""
    total = 0.0
    for i in range(len(pos)):
        for j in range(len(pos)):
            if i != j and SPIN[pos[i]] * SPIN[pos[j]] == -1:
                total += s[i] * s[j] * p[i, j]
    return total


def canonical(pos: tuple[int, ...]) -> tuple[int, ...]:
    """The mirror-image representative whose first aligned actor is in bloc A."""
    for d in pos:
        if d != NEUTRAL:
            return pos if d == 0 else tuple({0: 1, 1: 0, NEUTRAL: NEUTRAL}[x] for x in pos)
    return pos


def brute_landscape(
    data: LandscapeInput, neutral: bool | Collection[int]
) -> dict[tuple[int, ...], float]:
    """Minima and basin shares by plain recursion over every configuration.

    ``neutral``: False (two blocs), True (every actor may be neutral) or the indices of
    the actors that may. Steepest single-actor moves; k tied steepest moves each carry 1/k
    of the weight.
    """
    n, s, p = data.n, data.sizes, data.propensity
    may = set(range(n)) if neutral is True else set(neutral or ())
    tol = 1e-9 * np.abs(s[:, None] * s[None, :] * p).sum()
    choices = [range(3) if i in may else range(2) for i in range(n)]
    configs = sorted({canonical(c) for c in itertools.product(*choices)})
    e = {c: brute_energy(c, s, p) for c in configs}

    @cache
    def ends(c: tuple[int, ...]) -> tuple[tuple[tuple[int, ...], float], ...]:
        moves = [
            canonical((*c[:i], d, *c[i + 1 :])) for i in range(n) for d in choices[i] if d != c[i]
        ]
        deltas = [(e[m] - e[c], m) for m in moves]
        best = min(d for d, _ in deltas)
        if best >= -tol:
            return ((c, 1.0),)
        tied = [m for d, m in deltas if d <= best + tol]
        acc: dict[tuple[int, ...], float] = {}
        for m in tied:
            for end, w in ends(m):
                acc[end] = acc.get(end, 0.0) + w / len(tied)
        return tuple(acc.items())

    basins: dict[tuple[int, ...], float] = {}
    for c in configs:
        for end, w in ends(c):
            basins[end] = basins.get(end, 0.0) + w / len(configs)
    return basins
