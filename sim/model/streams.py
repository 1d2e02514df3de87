"""Per-replicate random streams: the uniform number of every decision, by where it is made.

Each replicate r has its own stream, a 64-bit key k_r drawn once from the model's seed
(:func:`stream_keys`). The uniform number of state i's decision toward j at step t is
the SplitMix64 generator (Steele, Lea & Flood 2014) at position c = (t N + i) N + j + 1 of
the stream that starts at k_r:

    u = mix64(k_r + c * gamma) / 2^64        (the top 53 bits, so u is in [0, 1))

with gamma = 0x9E3779B97F4A7C15 and mix64 the generator's output function (Stafford's
variant 13). A number depends only on its replicate's key and on where the decision is
made, never on which thread or in what order decisions are computed: the compiled kernel
(sim.model.kernel) draws the numbers inside its parallel loop and a run is the same
whatever the number of threads. :func:`decision_uniforms` is the readable numpy statement
of the same numbers; a test checks that the kernel draws exactly these.

Two replicates' streams overlap only if their keys differ by less than the positions a
run uses times gamma (modulo 2^64): about 10^-13 for a pair at 64 actors and 40 steps.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.compile_cache import CACHE  # noqa: F401  (numba caches there)

GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
#: 2^-53: the top 53 bits of a 64-bit word as a double in [0, 1).
_UNIT = 1.0 / 9007199254740992.0


def stream_keys(rng: np.random.Generator, replicates: int) -> np.ndarray:
    """One key per replicate (uint64), drawn from the model's generator."""
    return rng.integers(0, 2**64, size=replicates, dtype=np.uint64, endpoint=False)


@njit(cache=True, nogil=True, inline="always")
def _mix64(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, nogil=True)
def uniform(key: np.uint64, position: int) -> float:
    """The uniform number at ``position`` (>= 1) of the stream that starts at ``key``."""
    return float(_mix64(key + np.uint64(position) * GAMMA) >> _S11) * _UNIT


def decision_uniforms(keys: np.ndarray, step: int, n: int) -> np.ndarray:
    """u[r, i, j]: every decision's uniform number at ``step`` for N = ``n`` actors (R, N, N).

    The numpy statement of what the kernel draws (uint64 arithmetic wraps modulo 2^64).
    """
    position = (step * n * n + np.arange(n * n, dtype=np.uint64) + 1).reshape(1, n, n)
    z = keys.astype(np.uint64)[:, None, None] + position.astype(np.uint64) * GAMMA
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return (z >> _S11).astype(np.float64) * _UNIT
