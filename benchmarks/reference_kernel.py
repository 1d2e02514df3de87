"""A plain compiled reference for the model's step, for benchmarks only: not the model.

What a competent programmer would write first: for each replicate and step, in one fused
loop on one core (numba, no parallelism, no symmetry tricks): the threat T, the products
T T^T and R R in full, the propensity, the desired level tanh(beta p), the five-move logit
with the same level value, and the min update of both sides' moves. It leaves out what
the model adds on top (the wedge, the autonomy relief, trade, the histograms), so it is a
floor on the arithmetic of a step, and a throughput figure measured beside it in the same
run can be compared on any machine (benchmarks/throughput.py prints the ratio).

The inputs come from the model's own preparation of the same scenario
(sim.model.kernel.prepare), so both do the same arithmetic on the same numbers.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from sim.model.kernel import prepare
from sim.model.model import AlignmentModel
from sim.scenario import Scenario

MOVES = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])


@njit(cache=True)
def _reference(rel, exposure, intent, base, e, w, alpha_i, s, steps, seed):
    np.random.seed(seed)
    reps, n, _ = rel.shape
    t = np.zeros((n, n))
    p = np.zeros((n, n))
    moves = np.zeros((n, n))
    values = np.empty(5)
    beta, d, tau, kappa, theta, hostility = s[0], s[1], s[2], s[3], s[4], s[6]
    w_e, w_s, w_t, w_b = w[0], w[1], w[2], w[3]
    for r in range(reps):
        x = rel[r]
        for _ in range(steps):
            for i in range(n):
                for j in range(n):
                    v = exposure[i, j] * (intent[i, j] + hostility * max(-x[i, j], 0.0))
                    v = v * (1.0 - max(x[i, j], 0.0))
                    t[i, j] = min(max(v, 0.0), 1.0) if i != j else 0.0
            for i in range(n):
                for j in range(n):
                    shared = 0.0
                    balance = 0.0
                    for k in range(n):
                        shared += t[i, k] * t[j, k]
                        balance += x[i, k] * x[k, j]
                    p[i, j] = (
                        base[i, j]
                        + w_e * e[i, j]
                        + w_s * shared
                        + w_t * t[i, j]
                        + w_b * balance / max(n - 2, 1)
                    )
            for i in range(n):
                for j in range(n):
                    if i == j:
                        moves[i, j] = 0.0
                        continue
                    now = x[i, j]
                    desired = np.tanh(beta * p[i, j])
                    best = -np.inf
                    for m in range(5):
                        level = min(max(now + d * MOVES[m], -1.0), 1.0)
                        over = max(level - theta, 0.0)
                        u = -((level - desired) ** 2) - alpha_i[i] * over * over
                        u -= kappa * (level - now) ** 2
                        values[m] = u
                        best = max(best, u)
                    total = 0.0
                    for m in range(5):
                        total += np.exp((values[m] - best) / tau)
                        values[m] = total
                    cut = np.random.random() * total
                    pick = 0
                    for m in range(5):
                        if values[m] < cut:
                            pick += 1
                    level = min(max(now + d * MOVES[min(pick, 4)], -1.0), 1.0)
                    moves[i, j] = level - now
            for i in range(n):
                for j in range(n):
                    x[i, j] = min(max(x[i, j] + min(moves[i, j], moves[j, i]), -1.0), 1.0)


def reference_rate(scenario: Scenario, replicates: int, steps: int) -> float:
    """Replicate-steps per second of the reference on ``scenario``'s numbers (compiled first)."""
    model = AlignmentModel(scenario, replicates=replicates, seed=1)
    inputs = prepare(model.world)
    args = (
        inputs.exposure[0],
        inputs.intentions[0],
        inputs.base[0],
        np.ascontiguousarray(model.world.interdependence[0]),
        inputs.weights[0],
        inputs.autonomy[0],
        inputs.settings[0],
    )
    _reference(model.relations[:2].copy(), *args, 2, 0)  # compile
    relations = model.relations.copy()
    start = time.perf_counter()
    _reference(relations, *args, steps, 1)
    return replicates * steps / (time.perf_counter() - start)
