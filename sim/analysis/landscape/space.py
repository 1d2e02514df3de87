"""Numbering the configurations of a landscape, counting mirror images once.

A configuration is an (N,) array of position digits (0 = bloc A, 1 = bloc B,
2 = neutral). A configuration and its mirror image (A and B swapped) are one: the
canonical member is the one whose first aligned actor is in bloc A. :class:`Space`
numbers the canonical configurations 0 .. count - 1: with two blocs, actor 0 is in A
and bit i - 1 of the number is actor i's bloc (2^(N-1) configurations); with the
neutral position, they are numbered in the order of their base-3 value
sum_i digit_i 3^i ((3^N + 1) / 2 configurations: every mirror pair once, and the
all-neutral configuration). When the neutral position is open to some actors only (a
mask), the number is mixed-radix: base 3 for those actors and base 2 for the others
(place values the running product of the bases); an actor outside the mask never has
digit 2, and there is no all-neutral configuration unless every actor may be neutral.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.landscape.energy import NEUTRAL, neutral_mask


def canonicalise(digits: np.ndarray) -> np.ndarray:
    """Mirror, in place, every row whose first aligned actor is in bloc B; return it."""
    aligned = digits != NEUTRAL
    first = np.argmax(aligned, axis=1)
    rows = np.arange(len(digits))
    flip = aligned[rows, first] & (digits[rows, first] == 1)
    sub = digits[flip]
    digits[flip] = np.where(sub == NEUTRAL, NEUTRAL, 1 - sub)
    return digits


class Space:
    """Numbering of the canonical configurations (0 .. count - 1)."""

    def __init__(self, n: int, neutral: bool | np.ndarray) -> None:
        self.n = n
        self.may = neutral_mask(n, neutral)
        """(N,) bool: who may take the neutral position."""
        self.neutral = bool(self.may.any())
        if self.neutral:
            self._bases = np.where(self.may, 3, 2).astype(np.int64)
            self._powers = np.concatenate(([1], np.cumprod(self._bases)[:-1])).astype(np.int64)
            total = int(np.prod(self._bases))
            everyone = int(self.may.all())  # the all-neutral configuration is its own mirror
            self.count = (total - everyone) // 2 + everyone
            self._canon: np.ndarray | None = None
        else:
            self.count = 2 ** (n - 1)

    def canon(self) -> np.ndarray:
        """The full mixed-radix numbers of the canonical configurations, ascending."""
        if self._canon is None:
            full = np.arange(int(np.prod(self._bases)), dtype=np.int64)
            first = np.full(full.shape, NEUTRAL, dtype=np.int8)
            for power, base in zip(self._powers, self._bases, strict=True):
                d = ((full // power) % base).astype(np.int8)
                undecided = first == NEUTRAL
                first[undecided] = d[undecided]
            self._canon = full[first != 1]
        return self._canon

    def digits(self, index: np.ndarray) -> np.ndarray:
        if self.neutral:
            full = self.canon()[index]
            return ((full[:, None] // self._powers[None, :]) % self._bases[None, :]).astype(np.int8)
        shifts = np.arange(self.n - 1, dtype=np.int64)
        out = np.zeros((len(index), self.n), dtype=np.int8)
        out[:, 1:] = (index[:, None] >> shifts[None, :]) & 1
        return out

    def index(self, digits: np.ndarray) -> np.ndarray:
        """Canonical numbers of canonical configurations ``digits`` (K, N)."""
        if self.neutral:
            return np.searchsorted(self.canon(), digits.astype(np.int64) @ self._powers)
        shifts = np.arange(self.n - 1, dtype=np.int64)
        return (digits[:, 1:].astype(np.int64) << shifts[None, :]).sum(axis=1)
