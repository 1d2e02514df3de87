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
from sim.model.compile_cache import CACHE  # noqa: F401  (numba caches there)
from sim.model.streams import uniform

if tuple(MOVES) != (-2.0, -1.0, 0.0, 1.0, 2.0):  # decide's quicker logit is written for these
    raise ImportError(f"decide assumes the moves -2 .. 2, not {MOVES}")


@njit(cache=True, nogil=True, inline="always")
def at(arr: np.ndarray, r: int) -> int:
    """Row r of an array with a leading axis of 1 (shared) or R (one per replicate)."""
    return r if arr.shape[0] > 1 else 0


# reassoc: the dot products may be summed in any order, so they run on the CPU's vector
# units; the sums then differ from numpy's in the last bits (tests compare to 1e-12).
@njit(cache=True, nogil=True, fastmath={"reassoc"})
def add_row_products(p, t, rel, w_s, w_b, divisor):
    """p_ij += w_s S_ij + w_b B_ij and p_ji the same, for i < j (both are symmetric).

    S_ij = sum_k T_ik T_jk is the dot product of rows i and j of the threat T, and
    B_ij = sum_k r_ik r_kj / divisor that of rows i and j of the relations (R is symmetric,
    so r_kj = r_jk; its zero diagonal drops k = i and k = j).
    """
    n = p.shape[0]
    for i in range(n):
        ti = t[i]
        ri = rel[i]
        for j in range(i + 1, n):
            tj = t[j]
            rj = rel[j]
            shared = 0.0
            balance = 0.0
            for k in range(n):
                shared += ti[k] * tj[k]
                balance += ri[k] * rj[k]
            x = w_s * shared + w_b * (balance / divisor)
            p[i, j] += x
            p[j, i] += x


# inline: compiled into the step kernel's loop (sim.model.kernel._run_block), like _settle
@njit(cache=True, nogil=True, inline="always")
def decide(
    r, rel, e, exp_, intent, base, w, lever_i, lever_k, lever_v, alpha_i, s, keys, step,
    threat_, lever_pull, warm, levels, values, p, alpha, u, moves,
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
    # p = the static part + w_e e + w_T T (signed weights: the threat term cools)
    for i in range(n):
        for j in range(n):
            p[i, j] = base[rb, i, j] + w_e * e[re, i, j] + w_t * threat_[i, j]
    # shared_threat S_ij = sum_k T_ik T_jk and balance B_ij = sum_k r_ik r_kj / (N - 2)
    if n < 3:
        w_b = 0.0  # no third state: no balance
    if w_s != 0.0 or w_b != 0.0:
        add_row_products(p, threat_, rel, w_s, w_b, max(n - 2.0, 1.0))
    # wedge W_ij = C_ij + C_ji, C_ij = sum over i's levers (i, k) of v_ik max(r_jk, 0)
    if w_w != 0.0 and lever_i.shape[0] > 0:
        lever_pull[:, :] = 0.0  # C
        rv = at(lever_v, r)
        for lever in range(lever_i.shape[0]):
            i, k, v = lever_i[lever], lever_k[lever], lever_v[rv, lever]
            for j in range(n):
                lever_pull[i, j] += v * max(rel[j, k], 0.0)
        for i in range(n):
            for j in range(n):
                if i != j:
                    p[i, j] += w_w * (lever_pull[i, j] + lever_pull[j, i])
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
    # Away from the edges the five levels are r + m d (m = -2 .. 2), and when none or all
    # of them are past the autonomy threshold, U(r + m d) - U(r) = tau (b m + c m^2), with
    # b = 2 d (x* - r - a (r - theta)) / tau and c = -(1 + kappa + a) d^2 / tau, where
    # a = alpha_ij if the levels are past theta and 0 if not; so the logit weights relative
    # to hold are g^m h^(m^2), g = exp(b), h = exp(c): one or two exps per decision instead
    # of four, the same weights to rounding (tests/model/test_kernel.py).
    h_free = np.exp(-(1.0 + kappa) * d * d / tau)
    reach = 2.0 * d
    for i in range(n):
        for j in range(n):
            if i == j:
                moves[i, j] = 0.0
                u[i, j] = 0.0
                continue
            now = rel[i, j]
            desired = desired_level(p[i, j], beta)
            low, top = now - reach, now + reach
            even = low >= -1.0 and top <= 1.0 and d > 1e-9  # five distinct, unclipped levels
            a_ij = alpha[i, j]
            if even and (top <= theta or a_ij == 0.0):
                b, h = reach * (desired - now) / tau, h_free
            elif even and low >= theta:
                b = reach * (desired - now - a_ij * (now - theta)) / tau
                h = np.exp(-(1.0 + kappa + a_ij) * d * d / tau)
            else:
                b = np.inf
            if abs(b) <= 100.0:  # g^2 stays far from overflow
                g = np.exp(b)
                h4 = h * h * h * h
                weights = (h4 / (g * g), h / g, 1.0, g * h, g * g * h4)
                total = 0.0
                for m in range(k_moves):
                    levels[m] = now + d * MOVES[m]
                    total += weights[m]
                    values[m] = total  # the cumulative weight
            else:
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
