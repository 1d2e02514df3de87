"""One step as a compiled pass over replicates, on all cores (docs/model.md, "How it is computed").

One step of the model is, for every replicate: the dynamic drivers (:func:`threat`,
:func:`shared_threat`, :func:`balance`, :func:`wedge` of sim.model.drivers) added to the
static propensity, the autonomy cost (``effective_autonomy``), every state's choice toward
every other (sim.model.choice), the resolution of the moves (warming needs both sides,
cooling one), trade following the new relations (sim.model.trade) and the count of every
dyad's relation into the step's histogram. :func:`advance` does it in one compiled loop
(numba), replicate by replicate, the replicates spread over the cores (``prange`` over
blocks of replicates).

The numpy functions remain the readable statement of every term; the kernel computes the
same quantities in the same order where it can, and tests/model/test_kernel.py checks it
against them. A replicate's numbers never depend on another's, and its random numbers come
from its own stream (sim.model.streams), so a run is the same on any number of threads.
What does not change between events is computed once by numpy (:func:`prepare`).

Modes: ``FUSED`` does the whole step; with decision observers the model runs ``DECIDE``
(keeping propensity, autonomy cost, uniform numbers and moves in full arrays for the
observers to read and the moves for them to change), then ``SETTLE``.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import numba
import numpy as np
from numba import njit, prange

from sim.model.choice import MOVES
from sim.model.compile_cache import CACHE  # noqa: F401  (numba caches there)
from sim.model.decision_kernel import at, decide
from sim.model.drivers import STATIC_TERMS, TERMS, exposure, standing_intentions, static_propensity
from sim.model.trade import sanction_cut, trade_rate
from sim.model.world import World

FUSED, DECIDE, SETTLE = 0, 1, 2

#: The terms the kernel adds itself, in the columns of :attr:`StepInputs.weights`.
KERNEL_TERMS = ("interdependence", "shared_threat", "threat", "balance", "wedge")
#: The static terms summed by numpy once per change of the world.
FIXED_TERMS = tuple(t for t in STATIC_TERMS if t.name != "interdependence")
#: The columns of :attr:`StepInputs.settings`.
SETTINGS = (
    "responsiveness",
    "step_length",
    "temperature",
    "inertia",
    "autonomy_threshold",
    "autonomy_relief",
    "hostility_threat",
    "trade_elasticity",
    "trade_diversion",
    "trade_rate",
)
#: Blocks of replicates per thread: enough to even out the load, few enough that the
#: blocks' partial histograms stay small.
BLOCKS_PER_THREAD = 4
#: Below this many decisions (replicates x N x (N - 1)) a step runs on one core: waking
#: the other threads costs more than they save (measured: at 4 actors, 1,000 replicates
#: ran 4 times slower on two threads of a loaded 2-core machine, 10,000 1.5 times faster
#: on a quiet one; docs/performance.md).
PARALLEL_MIN_DECISIONS = 100_000


class StepInputs(NamedTuple):
    """What the kernel reads of the world, as contiguous arrays (leading axis 1 or R)."""

    exposure: np.ndarray  # (·, N, N) P_ij o_j g_ij
    intentions: np.ndarray  # (·, N, N) standing intentions
    base: np.ndarray  # (·, N, N) the static terms but interdependence, weighted
    weights: np.ndarray  # (·, 5) sign * weight of KERNEL_TERMS
    lever_i: np.ndarray  # (L,) who holds each wedge lever
    lever_k: np.ndarray  # (L,) against whom
    lever_v: np.ndarray  # (·, L) its strength
    autonomy: np.ndarray  # (·, N) alpha_i
    settings: np.ndarray  # (·, len(SETTINGS))
    cut: np.ndarray  # (·, N, N) the share of each pair's trade sanctions cut
    sanctioned: bool  # whether any sanction is in force


def _columns(values: list[np.ndarray]) -> np.ndarray:
    """(·,) arrays side by side: (·, K), broadcast to the longest leading axis."""
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values))
    return np.ascontiguousarray(np.stack(arrays, axis=1))


def prepare(world: World) -> StepInputs:
    """The kernel's view of ``world``; valid until the world changes (an event)."""
    weights = {t.name: t.sign * world.weights[t.name][:, 0, 0] for t in TERMS}
    settings = dict(world.settings)
    settings["trade_rate"] = trade_rate(world)
    levers = world.wedge
    lever_i, lever_k = np.nonzero(np.any(levers != 0, axis=0))
    return StepInputs(
        exposure=np.ascontiguousarray(exposure(world)),
        intentions=np.ascontiguousarray(standing_intentions(world)),
        base=np.ascontiguousarray(static_propensity(world, FIXED_TERMS)),
        weights=_columns([weights[name] for name in KERNEL_TERMS]),
        lever_i=lever_i.astype(np.intp),
        lever_k=lever_k.astype(np.intp),
        lever_v=np.ascontiguousarray(levers[:, lever_i, lever_k]),
        autonomy=np.ascontiguousarray(world.autonomy, dtype=np.float64),
        settings=_columns([settings[name] for name in SETTINGS]),
        cut=np.ascontiguousarray(sanction_cut(world)),
        sanctioned=bool(np.any(world.sanctions)),
    )


def blocks(replicates: int) -> int:
    """How many blocks of replicates the parallel loop runs (results do not depend on it)."""
    return max(1, min(replicates, BLOCKS_PER_THREAD * numba.get_num_threads()))


def advance(
    mode: int,
    relations: np.ndarray,
    interdependence: np.ndarray,
    trade: bool,
    trade_base: np.ndarray,
    anchor: np.ndarray,
    inputs: StepInputs,
    keys: np.ndarray,
    step: int,
    full: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    lowest: float,
    width: float,
    bins: int,
) -> np.ndarray | None:
    """Run ``mode`` of the step on every replicate, in place; the step's histogram or None.

    ``relations`` (R, N, N) become the step's new relations (FUSED, SETTLE), and
    ``interdependence`` (R, N, N when ``trade``) follows them; ``full`` holds the
    propensity, autonomy cost, uniform numbers and moves (R, N, N each) of DECIDE and
    SETTLE (ignored by FUSED). Returns the counts (D, bins) of every dyad's relation in the
    bins of width ``width`` from ``lowest`` (FUSED and SETTLE), or None (DECIDE).
    """
    n = relations.shape[1]
    wide = relations.shape[0] * n * (n - 1) >= PARALLEL_MIN_DECISIONS
    main = threading.current_thread() is threading.main_thread()
    kernel = _parallel if wide and main else _serial
    counts = np.zeros((blocks(relations.shape[0]), n * (n - 1) // 2, bins), dtype=np.int32)
    kernel(
        mode,
        relations,
        interdependence,
        trade,
        trade_base,
        anchor,
        inputs.exposure,
        inputs.intentions,
        inputs.base,
        inputs.weights,
        inputs.lever_i,
        inputs.lever_k,
        inputs.lever_v,
        inputs.autonomy,
        inputs.settings,
        inputs.cut,
        inputs.sanctioned,
        keys,
        step,
        *full,
        lowest,
        width,
        counts,
    )
    return None if mode == DECIDE else counts.sum(axis=0, dtype=np.int32)


# inline: compiled into _run_block itself (numba inlines it before LLVM sees it), so a
# replicate costs no call of a function with twenty array arguments (10% of a 4-actor step)
@njit(cache=True, nogil=True, inline="always")
def _settle(
    r, rel, moves, e, trade, e0, anchor, cut, sanctioned, s, lowest, width, counts, implied,
    lost, total,
):  # fmt: skip
    """Resolve replicate r's moves, let its trade follow, and count its relations."""
    n = rel.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            x = rel[i, j] + min(moves[i, j], moves[j, i])
            x = min(max(x, -1.0), 1.0)
            rel[i, j] = x
            rel[j, i] = x
    if trade:
        rs = at(s, r)
        epsilon, delta, rate = s[rs, 7], s[rs, 8], s[rs, 9]
        r0, rc, ra = at(e0, r), at(cut, r), at(anchor, r)
        # b_ij = e0_ij exp(epsilon (r_ij - r0_ij)): trade at the current relation (r and
        # r0 are symmetric, so the factor is taken once per pair)
        # (the diagonal, which only the sanctions' lost trade reads, only when it does)
        first = 0 if sanctioned else 1
        for i in range(n):
            implied[i, i] = 0.0
            for j in range(i + first, n):
                factor = np.exp(epsilon * (rel[i, j] - anchor[ra, i, j]))
                implied[i, j] = e0[r0, i, j] * factor
                implied[j, i] = e0[r0, j, i] * factor
        if sanctioned:
            for i in range(n):
                lost[i] = 0.0
                total[i] = 0.0
                for j in range(n):
                    lost[i] += cut[rc, i, j] * implied[i, j]
                    if i != j:
                        total[i] += max(rel[i, j], 0.0) * (1.0 - cut[rc, i, j])
        for i in range(n):
            for j in range(n):
                target = implied[i, j]
                if sanctioned:
                    shares = 0.0
                    for a, b in ((i, j), (j, i)):
                        friends = max(rel[a, b], 0.0) * (1.0 - cut[rc, a, b])
                        if total[a] > 0.0 and a != b:
                            shares += lost[a] * (friends / total[a])
                    target = target * (1.0 - cut[rc, i, j]) + delta * shares
                target = min(max(target, 0.0), 1.0) if i != j else 0.0
                e[r, i, j] = e[r, i, j] + rate * (target - e[r, i, j])
    dyad = 0
    top = counts.shape[1] - 1
    for i in range(n):
        for j in range(i + 1, n):
            index = int((rel[i, j] - lowest) / width)
            counts[dyad, min(max(index, 0), top)] += 1
            dyad += 1


@njit(cache=True, nogil=True)
def _run_block(
    block, size, mode, relations, e, trade, e0, anchor, exp_, intent, base, w, lever_i,
    lever_k, lever_v, alpha_i, s, cut, sanctioned, keys, step, p_full, alpha_full, u_full,
    moves_full, lowest, width, counts,
):  # fmt: skip
    """Replicates block * size .. (block + 1) * size - 1, one after the other."""
    reps, n, _ = relations.shape
    threat_ = np.empty((n, n))
    lever_pull = np.empty((n, n))
    implied = np.empty((n, n))
    p = np.empty((n, n))
    alpha = np.empty((n, n))
    u = np.empty((n, n))
    moves = np.empty((n, n))
    warm = np.empty(n)
    lost = np.empty(n)
    total = np.empty(n)
    levels = np.empty(MOVES.shape[0])
    values = np.empty(MOVES.shape[0])
    for r in range(block * size, min(reps, (block + 1) * size)):
        if mode != FUSED:
            p, alpha, u, moves = p_full[r], alpha_full[r], u_full[r], moves_full[r]
        rel = relations[r]
        if mode != SETTLE:
            decide(
                r, rel, e, exp_, intent, base, w, lever_i, lever_k, lever_v, alpha_i, s,
                keys, step, threat_, lever_pull, warm, levels, values, p, alpha, u, moves,
            )  # fmt: skip
        if mode != DECIDE:
            _settle(
                r, rel, moves, e, trade, e0, anchor, cut, sanctioned, s, lowest, width,
                counts[block], implied, lost, total,
            )  # fmt: skip


@njit(cache=True, nogil=True, parallel=True)
def _parallel(*args):
    """:func:`_run_block` for every block, the blocks spread over the process's cores."""
    relations, counts = args[1], args[-1]
    nblocks = counts.shape[0]
    size = (relations.shape[0] + nblocks - 1) // nblocks
    for block in prange(nblocks):
        _run_block(block, size, *args)


@njit(cache=True, nogil=True)
def _serial(*args):
    """:func:`_run_block` for every block in turn, for threads other than the main one:
    numba's fallback threading layer may not be entered from two threads at once."""
    relations, counts = args[1], args[-1]
    nblocks = counts.shape[0]
    size = (relations.shape[0] + nblocks - 1) // nblocks
    for block in range(nblocks):
        _run_block(block, size, *args)
