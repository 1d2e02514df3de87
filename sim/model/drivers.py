"""The driver terms of Bulletin 250, one pure vectorised function each.

An actor's propensity toward another is a weighted sum of named terms (docs/model.md,
"Drivers and their terms"). Each term has one function of the same name here
(:func:`threat`, :func:`shared_threat`, :func:`dispute`, :func:`irritant`,
:func:`interdependence`, :func:`institutions`, :func:`treaty`, :func:`balance`,
:func:`wedge`, :func:`attention`) that computes the term's driver for every ordered pair
(i, j) and every replicate: arrays of shape (R, N, N) whose row i is actor i's view of
actor j. :func:`propensity` and :func:`propensity_terms` are built from exactly these
functions. :data:`TERMS` lists the terms with their sign, their weight and the theory they
come from, so that explanations and docs name the same things as the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.world import World


@dataclass(frozen=True)
class Term:
    """One named payoff term: p_ij += sign * weight * driver_ij.

    ``dynamic`` terms depend on the current relations and are recomputed every step; the
    others change only when the world does (an event).
    """

    name: str
    sign: int
    theory: str
    meaning: str
    dynamic: bool = False


TERMS: tuple[Term, ...] = (
    Term(
        "shared_threat",
        +1,
        "balance of threat (Walt 1987)",
        "warming toward those who fear the same third party",
        dynamic=True,
    ),
    Term(
        "threat",
        -1,
        "balance of threat (Walt 1987)",
        "cooling toward whoever threatens you",
        dynamic=True,
    ),
    Term(
        "interdependence",
        +1,
        "liberal interdependence (Keohane & Nye 1977)",
        "warming from trade and investment",
    ),
    Term(
        "dispute",
        -1,
        "territorial disputes as issue salience (Hensel 2001)",
        "cooling from unresolved territorial disputes",
    ),
    Term(
        "institutions",
        +1,
        "institutionalised dialogue (neoliberal institutionalism)",
        "warming from dialogue such as the 2+2 talks",
    ),
    Term(
        "treaty", +1, "external field of a commitment (Galam 1998)", "warming toward a treaty ally"
    ),
    Term(
        "irritant",
        -1,
        "issue linkage: a resented policy of the other side",
        "cooling from an irritant such as missile defence",
    ),
    Term(
        "balance",
        +1,
        "structural balance (Heider 1946; Antal, Krapivsky & Redner 2005)",
        "the friend of my friend, the enemy of my enemy",
        dynamic=True,
    ),
    Term(
        "wedge",
        +1,
        "wedge strategies (Crawford 2011)",
        "courting the partners of a rival to pull them away",
        dynamic=True,
    ),
    Term(
        "attention",
        +1,
        "a deliberate engagement lever",
        "engagement chosen by policy, e.g. US attention to Russia",
    ),
)
TERM_NAMES = tuple(t.name for t in TERMS)
STATIC_TERMS = tuple(t for t in TERMS if not t.dynamic)
DYNAMIC_TERMS = tuple(t for t in TERMS if t.dynamic)


def power_ratio(size: np.ndarray) -> np.ndarray:
    """Share of j in the pair's combined capability, s_j / (s_i + s_j): (·, N, N)."""
    si = size[:, :, None]
    sj = size[:, None, :]
    total = si + sj
    return np.divide(
        sj, total, out=np.full(np.broadcast_shapes(si.shape, sj.shape), 0.5), where=total > 0
    )


def threat(world: World, relations: np.ndarray) -> np.ndarray:
    """T_ij: the threat actor i perceives from actor j (Walt's four sources), in [0, 1].

    T_ij = clip(P_ij * o_j * g_ij * I_ij * (1 - max(r_ij, 0)), 0, 1) with aggressive
    intentions I_ij = a_j + a_ji + sigma_ji + lambda d_ij + mu max(-r_ij, 0) (see
    :func:`intentions`): aggregate power P
    (j's share of the pair's capability), offensive capability o, proximity g and
    intentions as i reads them: j's general assertiveness a_j, what j aims at i in
    particular (a_ji, ``assertiveness_toward``), heightened by a :func:`dispute` d and by
    hostility itself (Walt's intentions are directed: a state that confronts you looks
    aggressive to you, not to everyone). Friends threaten less: a positive relation
    discounts the threat.
    """
    t = exposure(world) * intentions(world, relations) * (1.0 - np.maximum(relations, 0.0))
    return _zero_diagonal(np.clip(t, 0.0, 1.0))


def exposure(world: World) -> np.ndarray:
    """P_ij o_j g_ij: the part of the :func:`threat` that does not depend on intentions.

    j's share of the pair's capability, its offensive capability and the pair's proximity:
    how much harm j could do to i, whatever it means to do.
    """
    return power_ratio(world.size) * world.offense[:, None, :] * world.proximity


def intentions(world: World, relations: np.ndarray) -> np.ndarray:
    """I_ij = a_j + a_ji + sigma_ji + lambda d_ij + mu max(-r_ij, 0): j's intentions as i
    reads them. A sanction (sigma_ji) is coercion aimed at i, so i reads it as intentions
    aimed at it, one for one."""
    hostility_threat = world.settings["hostility_threat"][:, None, None]
    return standing_intentions(world) + hostility_threat * np.maximum(-relations, 0.0)


def standing_intentions(world: World) -> np.ndarray:
    """a_j + a_ji + sigma_ji + lambda d_ij: the :func:`intentions` that relations do not move."""
    dispute_threat = world.settings["dispute_threat"][:, None, None]
    return (
        world.assertiveness[:, None, :]
        + np.swapaxes(world.assertiveness_toward + world.sanctions, 1, 2)
        + dispute_threat * dispute(world)
    )


def shared_threat(threat_matrix: np.ndarray) -> np.ndarray:
    """S_ij = sum over third parties k of T_ik * T_jk: how much i and j fear the same k."""
    s = np.matmul(threat_matrix, np.swapaxes(threat_matrix, 1, 2))
    # T has a zero diagonal, so k = i and k = j add nothing; i = j is not a pair.
    return _zero_diagonal(s)


def dispute(world: World) -> np.ndarray:
    """d_ij: the pair's territorial dispute salience, its named disputes summed, capped at 1.

    Symmetric (a dispute belongs to the pair); it cools the pair and, through
    :func:`threat`, makes the rival's intentions look worse.
    """
    return _capped_sum(world.disputes, world.proximity)


def irritant(world: World) -> np.ndarray:
    """m_ij: what i resents in its relation with j, its named irritants summed, capped at 1.

    Directed (row i is the side that resents): it cools only that side.
    """
    return _capped_sum(world.irritants, world.proximity)


def interdependence(world: World) -> np.ndarray:
    """e_ij: the pair's economic interdependence (symmetric); it warms both sides."""
    return world.interdependence


def institutions(world: World) -> np.ndarray:
    """k_ij: the pair's institutionalised dialogue (2+2 talks, exercises); it warms both."""
    return world.institutions


def treaty(world: World) -> np.ndarray:
    """c_ij: the pair's treaty commitment (1: mutual defence); it warms both toward alliance."""
    return world.treaty


def balance(relations: np.ndarray) -> np.ndarray:
    """B_ij = mean over third parties k of r_ik * r_kj (Heider's balance pressure).

    Positive when i and j share friends or share enemies; negative when one's friend is
    the other's enemy. Zero with fewer than three actors.
    """
    n = relations.shape[-1]
    if n < 3:
        return np.zeros_like(relations)
    # The relation matrix has a zero diagonal, so k = i and k = j add nothing.
    return _zero_diagonal(np.matmul(relations, relations)) / (n - 2)


def wedge(world: World, relations: np.ndarray) -> np.ndarray:
    """W_ij = C_ij + C_ji with C_ij = sum over rivals k of wedge_ik * max(r_jk, 0).

    Actor i courts j in proportion to how close j is to a rival k that i wants to isolate
    (C_ij). Courting is an offer, so it moves both sides: the courted state's propensity
    rises by what it is offered, which is what lets a wedge work when warming needs both.
    """
    levers = world.wedge
    # C_ij = sum_k V_ik F_jk, i.e. column i of F V^T; W = C + C^T.
    if levers.shape[0] == 1:
        # Levers shared by all replicates are few (a scenario names them one by one):
        # add each lever's column instead of a full matrix product.
        courting = np.zeros_like(relations)
        for i, k in zip(*np.nonzero(levers[0]), strict=True):
            courting[:, i, :] += levers[0, i, k] * np.maximum(relations[:, :, k], 0.0)
    else:
        friends = np.maximum(relations, 0.0)
        courting = np.swapaxes(np.matmul(friends, np.swapaxes(levers, 1, 2)), 1, 2)
    return _zero_diagonal(courting + np.swapaxes(courting, 1, 2))


def attention(world: World) -> np.ndarray:
    """A_ij = attention_ij + attention_ji: engagement offered by either side, felt by both.

    Like a wedge, attention is an offer (a summit, recognition as an Asian player) that the
    receiving state values as well.
    """
    return world.attention + np.swapaxes(world.attention, 1, 2)


def outside_options(relations: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """O_ij = max over k other than i and j of max(r_ik, 0): i's warmest tie besides j.

    What a hedger hedges with: a state that refuses to side with j keeps other partners.
    With ``rows`` (actor indices), only those actors' rows: (R, len(rows), N).
    """
    rows = np.arange(relations.shape[-1]) if rows is None else np.asarray(rows)
    warm = np.maximum(relations[..., rows, :], 0.0)
    n = warm.shape[-1]
    if n < 3:
        return np.zeros_like(warm)
    top = np.partition(warm, n - 2, axis=-1)
    best, second = top[..., -1:], top[..., -2:-1]
    # Toward j, the best other tie is the row's best unless j itself holds it.
    out = np.where(warm >= best, second, best)
    out[..., np.arange(len(rows)), rows] = 0.0  # i toward itself is not a pair
    return out


def effective_autonomy(world: World, relations: np.ndarray) -> np.ndarray:
    """alpha_ij = alpha_i (1 - eta max(0, 1 - O_ij / theta)): i's autonomy cost toward j.

    Russia's refusal to take sides is hedging, and a hedger needs something to hedge with
    (Kuik 2008): while i holds another tie at the autonomy threshold theta or warmer (the
    :func:`outside_options` O_ij), its full autonomy cost alpha_i holds it back from
    aligning with j; as its other ties cool to neutral or worse, a share eta
    (``model.autonomy_relief``, 0..1) of that cost falls away, so a state cut off from
    every other partner keeps only 1 - eta of it. eta = 0 keeps the refusal fixed (the
    ceiling (x* + alpha theta) / (1 + alpha) of a constant cost).
    """
    alpha = world.autonomy[:, :, None]
    eta = world.settings["autonomy_relief"][:, None, None]
    shape = np.broadcast_shapes(alpha.shape, relations.shape)
    # Only states that prize autonomy have a cost to relax (the others' rows stay 0), and
    # only where eta > 0: the same numbers, computed for fewer rows.
    rows = np.flatnonzero(np.any(world.autonomy > 0, axis=0))
    if not np.any(eta > 0) or rows.size == 0:
        return np.broadcast_to(alpha, shape)
    theta = world.settings["autonomy_threshold"][:, None, None]
    options = outside_options(relations, rows)
    held = np.divide(options, theta, out=np.ones_like(options * theta), where=theta > 0)
    out = np.zeros(shape)
    out[:, rows, :] = alpha[:, rows] * (1.0 - eta * np.maximum(0.0, 1.0 - held))
    return out


def perceive(
    world: World, relations: np.ndarray, static: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(p_ij, alpha_ij): the propensities (:func:`propensity`) and the autonomy costs
    (:func:`effective_autonomy`) a state decides on, for the same relations."""
    total = propensity(world, relations, static)
    alpha = effective_autonomy(world, relations)
    return total, np.broadcast_to(alpha, np.broadcast_shapes(alpha.shape, total.shape))


def _static_drivers(world: World) -> dict[str, np.ndarray]:
    """The drivers that do not depend on relations, each from its term's function."""
    return {
        "interdependence": interdependence(world),
        "dispute": dispute(world),
        "institutions": institutions(world),
        "treaty": treaty(world),
        "irritant": irritant(world),
        "attention": attention(world),
    }


def _dynamic_drivers(world: World, relations: np.ndarray) -> dict[str, np.ndarray]:
    """The drivers that depend on the current relations, each from its term's function."""
    t = threat(world, relations)
    return {
        "shared_threat": shared_threat(t),
        "threat": t,
        "balance": balance(relations),
        "wedge": wedge(world, relations),
    }


def _weighted(world: World, term: Term, driver: np.ndarray) -> np.ndarray:
    return term.sign * world.weights[term.name] * driver


def propensity_terms(world: World, relations: np.ndarray) -> dict[str, np.ndarray]:
    """Each term's signed, weighted contribution to p_ij: name -> (R, N, N).

    Their sum is the propensity the agents act on (see :func:`propensity`); the parts
    are what an explanation shows.
    """
    drivers = {**_static_drivers(world), **_dynamic_drivers(world, relations)}
    out = {}
    for term in TERMS:
        value = _weighted(world, term, drivers[term.name])
        out[term.name] = _zero_diagonal(np.broadcast_to(value, relations.shape).copy())
    return out


def static_propensity(world: World, terms: tuple[Term, ...] = STATIC_TERMS) -> np.ndarray:
    """The part of p_ij that does not depend on relations: (·, N, N).

    It changes only when the world does, so it is computed once per change. ``terms``: the
    static terms to sum (the kernel leaves out interdependence, which trade moves every
    step, and adds it itself).
    """
    drivers = _static_drivers(world)
    n = world.size.shape[-1]
    total = sum((_weighted(world, term, drivers[term.name]) for term in terms), np.zeros((1, n, n)))
    return _zero_diagonal(np.array(total, copy=True))


def propensity(world: World, relations: np.ndarray, static: np.ndarray | None = None) -> np.ndarray:
    """p_ij: the sum of the weighted terms, actor i's inclination toward actor j.

    ``static`` is :func:`static_propensity` of the same world, when the caller keeps it.
    """
    total = static_propensity(world) if static is None else static
    drivers = _dynamic_drivers(world, relations)
    for term in DYNAMIC_TERMS:
        total = total + _weighted(world, term, drivers[term.name])
    return _zero_diagonal(np.array(total, copy=True))


def _capped_sum(named: dict[str, np.ndarray], like: np.ndarray) -> np.ndarray:
    """The sum of named (·, N, N) salience arrays, capped at 1 (zeros like ``like`` if none)."""
    if not named:
        return np.zeros_like(like)
    return np.minimum(sum(named.values()), 1.0)


def _zero_diagonal(x: np.ndarray) -> np.ndarray:
    """Clear the i = j entries of a freshly computed (·, N, N) array, in place."""
    np.einsum("...ii->...i", x)[...] = 0.0
    return x
