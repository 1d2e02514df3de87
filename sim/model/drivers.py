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

    T_ij = clip(P_ij * o_j * g_ij * (a_j + lambda * d_ij) * (1 - max(r_ij, 0)), 0, 1):
    aggregate power P (j's share of the pair's capability), offensive capability o,
    proximity g and aggressive intentions (assertiveness a, heightened by a
    :func:`dispute` d). Friends threaten less: a positive relation discounts the threat.
    """
    dispute_threat = world.settings["dispute_threat"][:, None, None]
    intent = world.assertiveness[:, None, :] + dispute_threat * dispute(world)
    t = (
        power_ratio(world.size)
        * world.offense[:, None, :]
        * world.proximity
        * intent
        * (1.0 - np.maximum(relations, 0.0))
    )
    t = np.clip(t, 0.0, 1.0)
    return _zero_diagonal(t)


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


def static_propensity(world: World) -> np.ndarray:
    """The part of p_ij that does not depend on relations: (·, N, N).

    It changes only when the world does, so the model computes it once per change.
    """
    drivers = _static_drivers(world)
    total = sum(_weighted(world, term, drivers[term.name]) for term in STATIC_TERMS)
    return _zero_diagonal(np.array(total, copy=True))


def propensity(world: World, relations: np.ndarray, static: np.ndarray | None = None) -> np.ndarray:
    """p_ij: the sum of the weighted terms, actor i's inclination toward actor j.

    ``static`` is :func:`static_propensity` of the same world, when the caller keeps it.
    """
    total = static_propensity(world) if static is None else static
    drivers = _dynamic_drivers(world, relations)
    for term in DYNAMIC_TERMS:
        total = total + _weighted(world, term, drivers[term.name])
    return _zero_diagonal(total)


def _capped_sum(named: dict[str, np.ndarray], like: np.ndarray) -> np.ndarray:
    """The sum of named (·, N, N) salience arrays, capped at 1 (zeros like ``like`` if none)."""
    if not named:
        return np.zeros_like(like)
    return np.minimum(sum(named.values()), 1.0)


def _zero_diagonal(x: np.ndarray) -> np.ndarray:
    """Clear the i = j entries of a freshly computed (·, N, N) array, in place."""
    np.einsum("...ii->...i", x)[...] = 0.0
    return x
