"""A replicate's decision, compiled: drivers, propensity, autonomy cost and choice.

The first half of the step that sim.model.kernel runs (docs/model.md, "How it is
computed"): for one replicate, the dynamic drivers (sim.model.drivers) added to the static
propensity, the autonomy cost of every pair (``effective_autonomy``) and every state's
logit choice of a move toward every other (sim.model.choice), its uniform number drawn
from the replicate's own stream (sim.model.streams). The numpy functions named are the
readable statement; tests/model/test_kernel.py checks this against them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.choice import MOVES, desired_level, level_value
from sim.model.streams import uniform


@njit(cache=True, nogil=True, inline="always")
def at(arr: np.ndarray, r: int) -> int:
    """Row r of an array with a leading axis of 1 (shared) or R (one per replicate)."""
    return r if arr.shape[0] > 1 else 0


@njit(cache=True, nogil=True)
def add_symmetric_product(p, a, c, weight, divisor, acc):
    """p_ij += weight (sum_k a_ik c_kj) / divisor and p_ji the same, for i < j: the
    product is symmetric, so only half of it is summed (k = 0 .. N-1 in order)."""
    n = p.shape[0]
    for i in range(n):
        acc[:] = 0.0
        for k in range(n):
            aik = a[i, k]
            for j in range(i + 1, n):
                acc[j] += aik * c[k, j]
        for j in range(i + 1, n):
            x = weight * (acc[j] / divisor)
            p[i, j] += x
            p[j, i] += x


@njit(cache=True, nogil=True)
def decide(
    r, rel, e, exp_, intent, base, w, lever_i, lever_k, lever_v, alpha_i, s, keys, step,
    threat_, threat_t, acc, warm, levels, values, p, alpha, u, moves,
):  # fmt: skip
    """Replicate r's propensity, autonomy cost, uniform numbers and moves, into p ... moves."""
    n = rel.shape[0]
    rs = at(s, r)
    beta, d, tau, kappa, theta = s[rs, 0], s[rs, 1], s[rs, 2], s[rs, 3], s[rs, 4]
    eta, hostility = s[rs, 5], s[rs, 6]
    rw = at(w, r)
    w_e, w_s, w_t, w_b, w_w = w[rw, 0], w[rw, 1], w[rw, 2], w[rw, 3], w[rw, 4]
    rx, ri, rb, re = at(exp_, r), at(intent, r), at(base, r), at(e, r)
    # threat: T_ij = clip(exposure_ij (standing_ij + mu max(-r_ij, 0)) (1 - max(r_ij, 0)), 0, 1)
    for i in range(n):
        for j in range(n):
            x = rel[i, j]
            t = intent[ri, i, j] + hostility * max(-x, 0.0)
            t = exp_[rx, i, j] * t * (1.0 - max(x, 0.0))
            t = min(max(t, 0.0), 1.0) if i != j else 0.0
            threat_[i, j] = t
            threat_t[j, i] = t
    # p = the static part + w_e e + w_T T (signed weights: the threat term cools)
    for i in range(n):
        for j in range(n):
            p[i, j] = base[rb, i, j] + w_e * e[re, i, j] + w_t * threat_[i, j]
    # shared_threat S_ij = sum_k T_ik T_jk and balance B_ij = sum_k r_ik r_kj / (N - 2):
    # both symmetric, so only i < j is summed (in the order k = 0 .. N-1) and mirrored.
    if w_s != 0.0:
        add_symmetric_product(p, threat_, threat_t, w_s, 1.0, acc)
    if w_b != 0.0 and n >= 3:
        add_symmetric_product(p, rel, rel, w_b, n - 2.0, acc)
    # wedge W_ij = C_ij + C_ji, C_ij = sum over i's levers (i, k) of v_ik max(r_jk, 0)
    if w_w != 0.0 and lever_i.shape[0] > 0:
        threat_t[:, :] = 0.0  # reused as C
        rv = at(lever_v, r)
        for lever in range(lever_i.shape[0]):
            i, k, v = lever_i[lever], lever_k[lever], lever_v[rv, lever]
            for j in range(n):
                threat_t[i, j] += v * max(rel[j, k], 0.0)
        for i in range(n):
            for j in range(n):
                if i != j:
                    p[i, j] += w_w * (threat_t[i, j] + threat_t[j, i])
    for i in range(n):
        p[i, i] = 0.0
    # effective_autonomy: alpha_ij = alpha_i (1 - eta max(0, 1 - O_ij / theta)), with
    # O_ij = max over k other than i, j of max(r_ik, 0) (0 with fewer than three actors)
    ra = at(alpha_i, r)
    for i in range(n):
        a = alpha_i[ra, i]
        if a == 0.0 or eta == 0.0:  # the formula gives alpha_i exactly
            alpha[i, :] = a
            continue
        best = second = 0.0
        for k in range(n):
            warm[k] = max(rel[i, k], 0.0)
            if warm[k] > best:
                second = best
                best = warm[k]
            elif warm[k] > second:
                second = warm[k]
        for j in range(n):
            option = (second if warm[j] >= best else best) if n >= 3 else 0.0
            held = option / theta if theta > 0.0 else 1.0
            alpha[i, j] = a * (1.0 - eta * max(0.0, 1.0 - held))
    # choice: the distinct levels the five moves reach, their values, a logit draw
    key = keys[r]
    k_moves = MOVES.shape[0]
    for i in range(n):
        for j in range(n):
            if i == j:
                moves[i, j] = 0.0
                u[i, j] = 0.0
                continue
            now = rel[i, j]
            desired = desired_level(p[i, j], beta)
            best = -np.inf
            for m in range(k_moves):
                x = min(max(now + d * MOVES[m], -1.0), 1.0)
                levels[m] = x
                repeated = False
                for k in range(m):
                    repeated = repeated or levels[k] == x
                if repeated:  # a level an earlier move reaches is not a second option
                    values[m] = -np.inf
                    continue
                value = level_value(x, desired, now, alpha[i, j], theta, kappa)
                values[m] = value
                best = max(best, value)
            total = 0.0
            for m in range(k_moves):
                # exp(0) = 1 and exp(-inf) = 0 exactly, so they are not computed
                if values[m] == best:
                    total += 1.0
                elif values[m] > -np.inf:
                    total += np.exp((values[m] - best) / tau)
                values[m] = total  # the cumulative weight
            draw = uniform(key, (step * n + i) * n + j + 1)
            u[i, j] = draw
            cut = draw * total
            pick = 0
            for m in range(k_moves):
                if values[m] < cut:
                    pick += 1
            moves[i, j] = levels[min(pick, k_moves - 1)] - now
