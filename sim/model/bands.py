"""Relation bands: turning relation numbers into alignment words.

A relation r in [-1, 1] falls in one of five bands, from hostile to allied. The scenario
sets four bounds (``bands.hostile < bands.rivalry < bands.hedging < bands.aligned``, by
default -0.6, -0.2, 0.2, 0.6) and each bound belongs to the band nearer zero, so that the
hedging band is closed on both sides and a move away from neutrality must go strictly
past a bound to change band:

=========  ==================================  ======================
band       rule                                default
=========  ==================================  ======================
hostile    r <  hostile                        r < -0.6
rivalry    hostile <= r <  rivalry             -0.6 <= r < -0.2
hedging    rivalry <= r <= hedging             -0.2 <= r <= 0.2
aligned    hedging <  r <= aligned             0.2 < r <= 0.6
allied     r >  aligned                        r > 0.6
=========  ==================================  ======================

This matches the strict comparisons of outcome conditions: ``above: 0.2`` (r > 0.2) is
exactly "aligned or allied" and ``below: -0.2`` (r < -0.2) exactly "rivalry or hostile".

Relations are compared after rounding to :data:`DECIMALS` (9) decimals. Relations move in
steps such as 0.05, and floating-point sums drift (0.6000000000000001 after a dozen
steps): without the rounding a relation sitting on a bound would fall on either side of
it by accident.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

DECIMALS = 9
"""Relations are rounded to this many decimals before any comparison with a bound."""

BAND_NAMES: tuple[str, ...] = ("hostile", "rivalry", "hedging", "aligned", "allied")
"""The five bands, from the coldest to the warmest (their codes are 0..4)."""


class BandBounds(Protocol):
    """Anything with the four band bounds (``sim.scenario.schema.Bands`` for one)."""

    hostile: float
    rivalry: float
    hedging: float
    aligned: float


def comparable(values: Any) -> np.ndarray:
    """Relations as float64 rounded to DECIMALS, ready to compare with bounds."""
    return np.round(np.asarray(values, dtype=np.float64), DECIMALS)


def band_codes(values: Any, bands: BandBounds) -> np.ndarray:
    """The band code (0 hostile ... 4 allied) of every relation value, as int8.

    The rule (module docstring; r rounded to DECIMALS): hostile r < hostile; rivalry
    hostile <= r < rivalry; hedging rivalry <= r <= hedging; aligned hedging < r <=
    aligned; allied r > aligned.
    Raises ValueError on NaN, which has no band.
    """
    v = comparable(values)
    if np.isnan(v).any():
        raise ValueError("relations contain NaN, which has no band")
    codes = (
        (v >= bands.hostile).astype(np.int8)
        + (v >= bands.rivalry)
        + (v > bands.hedging)
        + (v > bands.aligned)
    )
    return codes.astype(np.int8)


def band_of(values: Any, bands: BandBounds) -> np.ndarray:
    """The band name of every relation value (same shape as ``values``).

    See :func:`band_codes` for the exact inclusive/exclusive rule.
    """
    names = np.asarray(BAND_NAMES, dtype=object)[band_codes(values, bands)]
    return np.asarray(names, dtype=object)  # a 0-d array, not a str, for a scalar input


def relation_matrices(values: Any, n: int, dyads: Sequence[tuple[int, int]]) -> np.ndarray:
    """Relations per dyad (..., D) as symmetric actor-by-actor matrices (..., N, N).

    ``dyads`` lists the pairs (i, j) in the order of the last axis of ``values``. A pair
    missing from ``dyads`` and the diagonal (an actor's relation to itself, which has no
    meaning) are NaN.
    """
    v = np.asarray(values, dtype=np.float64)
    out = np.full((*v.shape[:-1], n, n), np.nan)
    rows = np.array([i for i, _ in dyads], dtype=np.intp)
    cols = np.array([j for _, j in dyads], dtype=np.intp)
    out[..., rows, cols] = v
    out[..., cols, rows] = v
    return out
