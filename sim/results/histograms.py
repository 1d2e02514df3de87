"""Relation histograms: counts per bin from a history, and quantiles from the counts.

The bins are the model's (:data:`sim.model.model.HISTOGRAM_EDGES`, binned by
:func:`sim.model.model.histogram_bins`): every model and ensemble point carries the
per-step histograms in any record mode, so relation-over-time bands can be drawn
without every history. This module is the one place that reads them back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from sim.model.model import HISTOGRAM_EDGES, histogram_bins


def histograms_from_history(history: ArrayLike) -> np.ndarray:
    """(S, D, B) counts of replicates per bin, from an (S, R, D) history (the model's
    binning: :func:`sim.model.model.histogram_bins`)."""
    hist = np.asarray(history, dtype=np.float64)
    s, _, d = hist.shape
    bins = len(HISTOGRAM_EDGES) - 1
    index = histogram_bins(hist)  # (S, R, D)
    out = np.zeros((s, d, bins), dtype=np.int64)
    for k in range(d):
        for t in range(s):
            out[t, k] = np.bincount(index[t, :, k], minlength=bins)
    return out


def histogram_quantiles(counts: ArrayLike, edges: ArrayLike, probs: Sequence[float]) -> np.ndarray:
    """Quantiles from binned counts: (..., B) counts -> (..., len(probs)) values.

    The q-quantile is the centre of the first bin whose cumulative count reaches q x N
    (numpy's 'inverted_cdf' definition, applied to bin centres): exact for relations on
    the model's 0.05 lattice of moves (which sit at the bin centres), within half a bin
    (0.0125) otherwise. NaN where there are no counts.
    """
    c = np.asarray(counts, dtype=np.float64)
    e = np.asarray(edges, dtype=np.float64)
    centres = (e[:-1] + e[1:]) / 2
    cum = np.cumsum(c, axis=-1)
    total = cum[..., -1:]
    out = np.empty((*c.shape[:-1], len(probs)))
    for k, q in enumerate(probs):
        target = np.maximum(q * total, 1e-9)  # at least one replicate
        idx = np.argmax(cum >= target - 1e-9, axis=-1)
        out[..., k] = centres[idx]
    out[(total[..., 0] <= 0)] = np.nan
    return out
