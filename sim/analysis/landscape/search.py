"""Local minima of the energy landscape, their basins, and the global minimum.

**Configurations.** A configuration and its mirror image (blocs A and B swapped) are one
configuration: only the canonical member is kept, the one whose first aligned actor (in
the order the actors are given) is in bloc A. With two blocs that fixes actor 0 in A and
leaves 2^(N-1) configurations; with the neutral position there are (3^N + 1) / 2 (every
pair of mirror images once, plus the all-neutral configuration).

**Descent rule.** From a configuration, every actor considers moving alone (to the other
bloc; with the neutral option, to either of its two other positions), and the move that
lowers the energy most is made (steepest descent under single-actor switches, the
myopic, incremental actors of Axelrod & Bennett). A move *lowers* the energy only when
it lowers it by more than the tolerance, TOLERANCE times sum_ij |w_ij|, and moves whose
energy changes differ by at most the tolerance are *tied*, so rounding noise neither
creates moves nor breaks ties. Descent stops where no move lowers the energy: that
configuration is a **local minimum** (no actor gains by moving alone; an actor whose
switch cost is 0 is indifferent, and the minimum is weak). Every local minimum is its
own end.

**Ties** are split, not broken by actor order: a configuration with k tied steepest
moves sends 1/k of its weight down each (the expected outcome of picking one at random).
The result is deterministic and does not depend on the order in which actors are listed:
in a frustrated triangle of equals the three minima get equal basins.

**Exhaustive** (N <= EXHAUSTIVE_LIMIT, or NEUTRAL_EXHAUSTIVE_LIMIT with the neutral
position): every configuration's energy and steepest move are computed in vectorised
blocks (one matrix product per block gives all switch gains), giving a "next
configuration" pointer per configuration; pointer jumping (next = next[next] until
nothing changes) takes every configuration to the end of its descent in O(log path)
passes, and the weight that reaches a tie is then pushed down its branches. The
**basin share** of a minimum is the share of all configurations whose descent ends
there (a configuration whose descent meets ties counts fractionally, as above).

**Neutral for some actors only.** ``neutral`` may name the actors who may take the
neutral position (a collection of ids; ``True`` opens it to all, ``False`` to none):
the others choose between the two blocs only, and the configurations, moves, minima and
basins are those of that restricted space (space.py numbers it; energy.py forbids the
moves). The exhaustive limit is then one of size: at most as many configurations as
with NEUTRAL_EXHAUSTIVE_LIMIT actors all free to be neutral.

**Multi-start local search** (above those limits, on request): K random starting
configurations (each actor's position uniform, from ``numpy.random.default_rng(seed)``)
descend by the same rule, ties broken uniformly at random by the same generator; the
distinct minima found are reported with the share of the
K starts that reached each. It can miss minima with small basins; the lowest found is
the best known, not a proven global minimum.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from sim.analysis.landscape.energy import (
    energy,
    frustration,
    pair_weights,
    switch_costs,
    switch_deltas,
)
from sim.analysis.landscape.inputs import LandscapeError, LandscapeInput
from sim.analysis.landscape.neutrality import neutral_actors
from sim.analysis.landscape.space import Space, canonicalise
from sim.scenario.errors import Problem

EXHAUSTIVE_LIMIT = 22
"""Most actors searched exhaustively with two blocs (2^21 configurations, a few seconds)."""
NEUTRAL_EXHAUSTIVE_LIMIT = 13
"""Most actors searched exhaustively with the neutral position ((3^13 + 1) / 2 = 797,162)."""
TOLERANCE = 1e-9
"""Energy changes within TOLERANCE * sum |w_ij| count as ties (no move, or equal moves)."""
DEFAULT_STARTS = 1000
BLOCK = 1 << 15
EXHAUSTIVE = "exhaustive"
MULTISTART = "multi-start local search"


@dataclass(eq=False)
class Minimum:
    """One local minimum.

    positions: (N,) position of each actor (0 = bloc A, 1 = bloc B, 2 = neutral);
    energy: E at this configuration; basin_share: the share of all configurations
    (exhaustive) or of the random starts (multi-start) whose descent ends here;
    frustration: (N,) F_i = sum_j s_j P_ij d_ij; switch_cost: (N,) the least energy
    change of any single move of each actor (>= 0 here: how far from being dislodged);
    weak: some actor's switch cost is 0 (within the tolerance), so it could move without
    raising the energy: the minimum lies on a plateau of equal-energy configurations.
    """

    positions: np.ndarray
    energy: float
    basin_share: float
    frustration: np.ndarray
    switch_cost: np.ndarray
    weak: bool = False


@dataclass(eq=False)
class LandscapeResult:
    """The analysis of one landscape: its minima (lowest energy first) and how they were found.

    ``energies`` holds the energy of every canonical configuration (exhaustive search
    only); :meth:`configuration` gives the positions of one of them. ``neutral`` says
    whether there is a neutral position at all, ``neutral_actors`` who may take it (input
    order; every actor with ``neutral=True``, none without a neutral position).
    """

    input: LandscapeInput
    neutral: bool
    method: str
    configurations: int
    minima: list[Minimum]
    tolerance: float
    seconds: float
    energies: np.ndarray | None = None
    starts: int | None = None
    seed: int | None = None
    neutral_actors: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.neutral_actors is None:  # the old all-or-nothing meaning of ``neutral``
            self.neutral_actors = self.input.ids if self.neutral else ()

    @property
    def may_be_neutral(self) -> np.ndarray:
        """(N,) bool: which actors may take the neutral position."""
        allowed = set(self.neutral_actors or ())
        return np.array([i in allowed for i in self.input.ids], dtype=bool)

    @property
    def neutral_restricted(self) -> bool:
        """True when the neutral position is open to some actors but not to all."""
        return self.neutral and not self.may_be_neutral.all()

    @property
    def global_minimum(self) -> Minimum:
        """The lowest minimum (the first in index order among equal energies)."""
        return self.minima[0]

    @property
    def degenerate(self) -> int:
        """How many minima share the lowest energy (within the tolerance)."""
        low = self.minima[0].energy
        return sum(1 for m in self.minima if m.energy <= low + self.tolerance)

    def configuration(self, index: int | np.ndarray) -> np.ndarray:
        """Positions of canonical configuration(s) ``index`` (exhaustive numbering)."""
        idx = np.atleast_1d(np.asarray(index, dtype=np.int64))
        out = Space(self.input.n, self.may_be_neutral).digits(idx)
        return out[0] if np.ndim(index) == 0 else out

    def blocs(self, positions: np.ndarray) -> tuple[list[str], list[str], list[str]]:
        """The ids in bloc A, in bloc B and neutral, in input order."""
        ids = self.input.ids
        return tuple(  # type: ignore[return-value]
            [ids[i] for i in range(len(ids)) if positions[i] == k] for k in range(3)
        )


def _steepest(
    digits: np.ndarray, w: np.ndarray, neutral: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Energies (K,), the steepest moves (K, M) mask (tied ones all True) and move targets."""
    e, delta, target = switch_deltas(digits, w, neutral)
    best = delta.min(axis=1)
    steepest = (delta <= best[:, None] + tol) & (best < -tol)[:, None]
    return e, steepest, target


def _after(
    digits: np.ndarray, rows: np.ndarray, moves: np.ndarray, target: np.ndarray, neutral: bool
) -> np.ndarray:
    # ``neutral``: whether there is a neutral position (two moves per actor), not who.
    """The canonical configurations reached by move ``moves[k]`` from row ``rows[k]``."""
    after = digits[rows].copy()
    per = 2 if neutral else 1
    after[np.arange(len(rows)), moves // per] = target[rows, moves]
    return canonicalise(after)


def _successors(
    space: Space,
    idx: np.ndarray,
    digits: np.ndarray,
    rows: np.ndarray,
    moves: np.ndarray,
    target: np.ndarray,
) -> np.ndarray:
    """Canonical numbers of the configurations reached by the given moves."""
    if space.neutral:
        return space.index(_after(digits, rows, moves, target, True))
    base = idx[rows]
    flip = base ^ (np.int64(1) << np.maximum(moves - 1, 0).astype(np.int64))
    # Moving actor 0 gives the mirror image of flipping everyone else.
    return np.where(moves == 0, base ^ (space.count - 1), flip)


# --- searches -------------------------------------------------------------------------------


def _exhaustive(
    w: np.ndarray, n: int, neutral: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Energies of all configurations, the minima's numbers, positions and basin weights.

    A configuration with one steepest move points to its successor; one with k tied
    steepest moves (a "split") sends 1/k of its weight down each. Pointer jumping takes
    every configuration to the first minimum or split on its path; the weight gathered
    at splits is then pushed on, split by split, until it all rests at minima.
    """
    space = Space(n, neutral)
    count = space.count
    energies = np.empty(count)
    nxt = np.arange(count, dtype=np.int64)
    dtype = np.int32 if count < 2**31 else np.int64
    src_parts: list[np.ndarray] = []
    dst_parts: list[np.ndarray] = []
    k_parts: list[np.ndarray] = []
    for start in range(0, count, BLOCK):
        idx = np.arange(start, min(start + BLOCK, count), dtype=np.int64)
        digits = space.digits(idx)
        e, steepest, target = _steepest(digits, w, neutral, tol)
        energies[idx] = e
        rows, moves = np.nonzero(steepest)
        dst = _successors(space, idx, digits, rows, moves, target)
        k = steepest.sum(axis=1)[rows]
        single = k == 1
        nxt[idx[rows[single]]] = dst[single]
        if not single.all():
            src_parts.append(idx[rows[~single]].astype(dtype))
            dst_parts.append(dst[~single].astype(dtype))
            k_parts.append(k[~single].astype(np.uint8))
    split = np.zeros(count, dtype=bool)
    if src_parts:
        split[np.concatenate(src_parts)] = True
    minima = np.flatnonzero((nxt == np.arange(count)) & ~split)
    while True:  # pointer jumping: each configuration to the first minimum or split ahead
        jumped = nxt[nxt]
        if np.array_equal(jumped, nxt):
            break
        nxt = jumped
    weight = np.bincount(nxt, minlength=count).astype(float)
    if src_parts:
        src = np.concatenate(src_parts)
        dst = nxt[np.concatenate(dst_parts)]
        ks = np.concatenate(k_parts)
        del src_parts, dst_parts, k_parts
        while True:  # every pass moves the weight at splits strictly downhill
            pushed = weight[src] / ks
            if not pushed.any():
                break
            weight[src] = 0.0
            weight += np.bincount(dst, weights=pushed, minlength=count)
    return energies, minima, space.digits(minima), weight[minima]


def _multistart(
    w: np.ndarray, n: int, neutral: np.ndarray, tol: float, starts: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ends of descents from ``starts`` random configurations, with counts.

    Ties among steepest moves are broken uniformly at random (same generator), so the
    share of starts reaching a minimum estimates its exhaustive basin share.
    """
    rng = np.random.default_rng(seed)
    # Each actor's position uniform over those open to it (three or two).
    digits = rng.integers(0, np.where(neutral, 3, 2), size=(starts, n)).astype(np.int8)
    canonicalise(digits)
    active = np.arange(starts)
    while len(active):
        current = digits[active]
        _, steepest, target = _steepest(current, w, neutral, tol)
        k = steepest.sum(axis=1)
        rows = np.flatnonzero(k)
        pick = np.floor(rng.random(len(rows)) * k[rows])
        moves = np.argmax(np.cumsum(steepest[rows], axis=1) > pick[:, None], axis=1)
        active = active[rows]
        digits[active] = _after(current, rows, moves, target, bool(neutral.any()))
    ends, counts = np.unique(digits, axis=0, return_counts=True)
    order = np.lexsort(ends.T)  # the exhaustive numbering's order (actor 0 least significant)
    return ends[order], counts[order]


def fits_exhaustive(data: LandscapeInput, neutral: bool | Collection[str] = False) -> bool:
    """Whether :func:`analyse` searches ``data`` exhaustively with this ``neutral`` (else it
    needs ``heuristic``): at most EXHAUSTIVE_LIMIT actors with two blocs, at most
    NEUTRAL_EXHAUSTIVE_LIMIT with the neutral position open to all, and, open to some,
    at most as many configurations as the latter."""
    allowed = neutral_actors(data, neutral)
    if not allowed:
        return data.n <= EXHAUSTIVE_LIMIT
    if len(allowed) == data.n:
        return data.n <= NEUTRAL_EXHAUSTIVE_LIMIT
    may = np.array([i in allowed for i in data.ids], dtype=bool)
    return Space(data.n, may).count <= (3**NEUTRAL_EXHAUSTIVE_LIMIT + 1) // 2


def analyse(
    data: LandscapeInput,
    neutral: bool | Collection[str] = False,
    heuristic: bool = False,
    starts: int = DEFAULT_STARTS,
    seed: int = 0,
) -> LandscapeResult:
    """Find the local minima of a landscape, their basins and the global minimum.

    ``neutral``: False for two blocs, True to open the neutral position to every actor,
    or the ids of the actors who may take it (the others choose a bloc). Exhaustive up to
    EXHAUSTIVE_LIMIT actors (NEUTRAL_EXHAUSTIVE_LIMIT with the neutral position open to
    all, or as many configurations); beyond, a LandscapeError unless ``heuristic``, which
    runs the multi-start local search (``starts`` random starts from ``seed``) at any size.
    """
    n = data.n
    if n < 2:
        raise LandscapeError(
            Problem(data.file, data.line, "", "a landscape needs at least 2 actors")
        )
    allowed = neutral_actors(data, neutral)
    may = np.array([i in allowed for i in data.ids], dtype=bool)
    some = bool(may.any())
    if not fits_exhaustive(data, allowed) and not heuristic:
        if some and not may.all():
            with_what = f"with the neutral position open to {len(allowed)} of them"
            limit = f"at most {(3**NEUTRAL_EXHAUSTIVE_LIMIT + 1) // 2:,} configurations"
        else:
            with_what = "with the neutral position" if some else "with two blocs"
            limit = f"at most {NEUTRAL_EXHAUSTIVE_LIMIT if some else EXHAUSTIVE_LIMIT}"
        msg = (
            f"{n} actors are too many for the exhaustive search {with_what} ({limit}); "
            "add --heuristic for a multi-start local search"
        )
        raise LandscapeError(Problem(data.file, data.line, "actors" if data.line else "", msg))
    if heuristic and starts < 1:
        raise LandscapeError(Problem(data.file, None, "", "--starts must be at least 1"))
    w = pair_weights(data.sizes, data.propensity)
    tol = TOLERANCE * max(float(np.abs(w).sum()), np.finfo(float).tiny)
    count = Space(n, may).count
    t0 = time.perf_counter()
    energies = None
    if heuristic:
        ends, hits = _multistart(w, n, may, tol, starts, seed)
        total = starts
    else:
        energies, _, ends, hits = _exhaustive(w, n, may, tol)
        total = count
    minima = _minima(data, ends, hits / total, may, tol)
    seconds = time.perf_counter() - t0
    return LandscapeResult(
        input=data,
        neutral=some,
        neutral_actors=allowed,
        method=MULTISTART if heuristic else EXHAUSTIVE,
        configurations=count,
        minima=minima,
        tolerance=tol,
        seconds=seconds,
        energies=energies,
        starts=starts if heuristic else None,
        seed=seed if heuristic else None,
    )


def _minima(
    data: LandscapeInput, ends: np.ndarray, shares: np.ndarray, neutral: np.ndarray, tol: float
) -> list[Minimum]:
    """Minimum records, lowest energy first; equal energies (within tol) in index order."""
    s, p = data.sizes, data.propensity
    e = energy(ends, s, p)
    f = frustration(ends, s, p)
    c = switch_costs(ends, s, p, neutral)
    # ``ends`` come in configuration order; a stable sort on energy levels keeps it for ties.
    order = np.argsort(e, kind="stable")
    levels = np.concatenate(([0], np.cumsum(np.diff(e[order]) > tol)))
    order = order[np.lexsort((order, levels))]
    weak = np.any(c <= tol, axis=1)
    return [
        Minimum(ends[k], float(e[k]), float(shares[k]), f[k], c[k], bool(weak[k])) for k in order
    ]
