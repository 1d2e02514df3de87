"""The Axelrod-Bennett energy of a configuration, frustration and single-actor switches.

A configuration gives every actor a *position*, stored as a small integer (a digit):

    0 = bloc A,   1 = bloc B,   2 = neutral (only with the neutral option)

and read as a spin t_i = +1 (A), -1 (B) or 0 (neutral); a_i = |t_i| says whether i is
aligned. Two actors are *apart* (distance d_ij = 1) when they are in opposite blocs, and
d_ij = 0 when they share a bloc or either is neutral:

    d_ij = (a_i a_j - t_i t_j) / 2

With pair weights w_ij = s_i s_j P_ij (sizes s, symmetric propensities P, zero diagonal):

    E(X)   = sum over i, and j != i, of w_ij d_ij(X)      (Axelrod & Bennett 1993)
           = (a'Wa - t'Wt) / 2
    F_i(X) = sum over j != i of s_j P_ij d_ij(X)          (i's frustration)
    E(X)   = sum over i of s_i F_i(X)

Moving actor i alone to position t' (aligned a') changes the energy by

    dE = (a' - a_i) g_i - (t' - t_i) h_i,   h = W t,  g = W a

(with two blocs only, dE = 2 t_i h_i for a switch of sides). Positive propensity is
attraction, so splitting friends raises the energy: minima are the predicted alignments.

The neutral position may be open to some actors only (a boolean *mask* (N,), True for
those who may take it; :func:`neutral_mask`): a move to neutral by any other actor is
not a move (its energy change is +inf, so it is never the steepest nor a switch cost).
"""

from __future__ import annotations

import numpy as np

A, B, NEUTRAL = 0, 1, 2
SPIN = np.array([1.0, -1.0, 0.0])
"""Spin t of each position digit (A, B, neutral)."""


def neutral_mask(n: int, neutral: bool | np.ndarray) -> np.ndarray:
    """(N,) bool: which actors may take the neutral position (all or none for a bool)."""
    if isinstance(neutral, bool | np.bool_):
        return np.full(n, bool(neutral))
    mask = np.asarray(neutral, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"a neutral mask needs {n} entries, got shape {mask.shape}")
    return mask


def pair_weights(sizes: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """w_ij = s_i s_j P_ij, the weight of pair (i, j) in the energy (zero diagonal)."""
    s = np.asarray(sizes, dtype=float)
    w = s[:, None] * s[None, :] * np.asarray(propensity, dtype=float)
    np.fill_diagonal(w, 0.0)
    return w


def apart(positions: np.ndarray) -> np.ndarray:
    """d_ij of configurations (..., N): 1 where i and j are in opposite blocs, (..., N, N)."""
    t = SPIN[np.asarray(positions)]
    return (t[..., :, None] * t[..., None, :] < 0).astype(float)


def energy(positions: np.ndarray, sizes: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """E(X) of configurations (..., N): the sum over ordered pairs apart of w_ij."""
    return 0.5 * _halves(positions, np.asarray(sizes, dtype=float), propensity, sized=True).sum(
        axis=-1
    )


def frustration(positions: np.ndarray, sizes: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """F_i(X) = sum_j s_j P_ij d_ij(X): what actor i's partners across the divide weigh.

    Positive when i is apart from those it is drawn to, negative when it is apart from
    those it opposes (which is what it wants); 0 for a neutral actor. E = sum_i s_i F_i.
    """
    return 0.5 * _halves(positions, np.asarray(sizes, dtype=float), propensity, sized=False)


def _halves(
    positions: np.ndarray, s: np.ndarray, propensity: np.ndarray, sized: bool
) -> np.ndarray:
    """2 F_i (or 2 s_i F_i when ``sized``) for configurations (..., N), without N x N arrays.

    2 F_i = a_i (P (s a))_i - t_i (P (s t))_i, from d_ij = (a_i a_j - t_i t_j) / 2.
    """
    p = np.asarray(propensity, dtype=float).copy()
    np.fill_diagonal(p, 0.0)
    t = SPIN[np.asarray(positions)]
    a = np.abs(t)
    out = a * ((a * s) @ p.T) - t * ((t * s) @ p.T)
    return out * s if sized else out


def switch_deltas(
    digits: np.ndarray, w: np.ndarray, neutral: bool | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Energies and single-actor moves of configurations ``digits`` (K, N).

    Returns ``(energy (K,), delta (K, M), target (K, M))``: for each of the M moves, the
    change of energy and the position the moving actor takes. Moves are ordered by actor
    index, then by target position A, B, neutral (M = N with two blocs: the switch of
    side; M = 2N with the neutral position: the two other positions). ``neutral`` is a
    bool or a mask (:func:`neutral_mask`); a move to neutral by an actor outside the
    mask has delta +inf.
    """
    t = SPIN[digits]
    h = t @ w
    th = (t * h).sum(axis=1)
    may = neutral_mask(digits.shape[1], neutral)
    if not may.any():
        total = w.sum()
        return 0.5 * (total - th), 2.0 * t * h, 1 - digits
    a = np.abs(t)
    g = a @ w
    e = 0.5 * ((a * g).sum(axis=1) - th)
    slots = np.arange(2)
    # The two other positions in digit order: slot s is s, or s + 1 from the own digit up.
    target = slots[None, None, :] + (slots[None, None, :] >= digits[:, :, None])
    t2 = SPIN[target]
    delta = (np.abs(t2) - a[:, :, None]) * g[:, :, None] - (t2 - t[:, :, None]) * h[:, :, None]
    if not may.all():
        delta[(target == NEUTRAL) & ~may[None, :, None]] = np.inf
    k, n = digits.shape
    return e, delta.reshape(k, 2 * n), target.reshape(k, 2 * n).astype(digits.dtype)


def switch_costs(
    positions: np.ndarray,
    sizes: np.ndarray,
    propensity: np.ndarray,
    neutral: bool | np.ndarray,
) -> np.ndarray:
    """The least energy change of any single move of each actor, (..., N).

    At a local minimum every cost is >= 0: it is how far the energy rises if that actor
    alone defects, so a small cost marks an alignment one shock away from changing.
    ``neutral``: a bool or a mask of who may be neutral (:func:`neutral_mask`).
    """
    pos = np.asarray(positions)
    flat = pos.reshape(-1, pos.shape[-1])
    _, delta, _ = switch_deltas(flat, pair_weights(sizes, propensity), neutral)
    if neutral_mask(pos.shape[-1], neutral).any():
        delta = delta.reshape(len(flat), -1, 2).min(axis=2)
    return delta.reshape(pos.shape)
