"""What a decision is made of, captured in the model's step: :func:`capture_decision`.

Called from a decision observer (``AlignmentModel.decision_observers``: after every state
has chosen its moves, before they are resolved), it reads, per replicate, each driver
term's contribution to i's propensity toward j (:func:`sim.model.drivers.propensity_terms`),
the named parts of some terms, the desired level, the value and logit probability of
each move on both sides, the moves made and the relation's change.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.choice import candidate_levels, level_values, logit_choice
from sim.model.drivers import TERMS, propensity_terms, threat
from sim.model.model import AlignmentModel

_TERM = {t.name: t for t in TERMS}


def capture_decision(model: AlignmentModel, i: int, j: int) -> dict[str, Any]:
    """Everything about i's decision toward j in the model's current step, per replicate.

    Call it from a decision observer (after the moves are chosen, before they are
    resolved). Returns arrays of length R: ``terms`` (name -> contribution to p_ij),
    ``parts`` ((term, part label) -> contribution), ``propensity`` (the model's p_ij),
    ``desired``, ``relation``, ``autonomy`` (i's autonomy cost toward j this step, after
    the relief of sim.model.drivers.effective_autonomy) and ``autonomy_stated`` (i's own
    alpha_i), and for both sides (``actor`` = i toward j, ``other`` = j
    toward i) the move values ``utility`` (R, 5), ``probability`` (R, 5), the chosen move's
    index ``pick`` and ``change`` (the model's move); and ``change``: the relation's change.
    """
    world, relations = model.world, model.relations
    reps = model.replicates
    all_terms = propensity_terms(world, relations)
    terms = {name: np.array(v[:, i, j], dtype=float) for name, v in all_terms.items()}
    actor_side = _side(model, i, j)
    other_side = _side(model, j, i)
    now = np.array(relations[:, i, j], dtype=float)
    change = np.clip(now + np.minimum(actor_side["change"], other_side["change"]), -1, 1) - now
    return {
        "terms": terms,
        "parts": _parts(model, i, j, terms, reps),
        "propensity": np.array(model.propensity[:, i, j], dtype=float),
        "desired": actor_side["desired"],
        "relation": now,
        "autonomy": np.array(np.broadcast_to(model.autonomy[:, i, j], (reps,)), dtype=float),
        "autonomy_stated": np.array(np.broadcast_to(world.autonomy[:, i], (reps,)), dtype=float),
        "actor": actor_side,
        "other": other_side,
        "change": change,
    }


def _side(model: AlignmentModel, i: int, j: int) -> dict[str, np.ndarray]:
    """i's decision toward j: desired level, move values, probabilities and the move made.

    The values and probabilities are the decision rule's (sim.model.choice.level_value on the
    levels r + d * move clipped to [-1, 1], a logit at temperature tau). The move made is
    the model's (``model.moves``); its index is the one the logit draw picks with the
    model's uniform number, or, should that disagree with the model's move, the likeliest
    move with the model's change (moves that clipping makes identical).
    """
    reps = model.replicates
    settings = model.world.settings

    def per_replicate(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(values, dtype=float), (reps,))

    beta = per_replicate(settings["responsiveness"])
    d = per_replicate(settings["step_length"])
    tau = per_replicate(settings["temperature"])
    kappa = per_replicate(settings["inertia"])
    theta = per_replicate(settings["autonomy_threshold"])
    alpha = per_replicate(model.autonomy[:, i, j])
    now = np.array(model.relations[:, i, j], dtype=float)
    desired = np.tanh(beta * model.propensity[:, i, j])
    levels, distinct = candidate_levels(now, d)
    utility = level_values(
        levels, desired[:, None], now[:, None], alpha[:, None], theta[:, None], kappa[:, None]
    )
    utility = np.where(distinct, utility, -np.inf)
    z = np.exp((utility - utility.max(axis=1, keepdims=True)) / tau[:, None])
    probability = z / z.sum(axis=1, keepdims=True)
    made = np.array(model.moves[:, i, j], dtype=float)
    pick = logit_choice(utility, tau[:, None], model.uniforms[:, i, j])
    changes = levels - now[:, None]
    rows = np.arange(reps)
    wrong = changes[rows, pick] != made
    if wrong.any():
        fits = changes[wrong] == made[wrong, None]
        if not fits.any(axis=1).all():  # pragma: no cover - the model moves to these levels
            raise RuntimeError("a move of the model is not one of the five moves")
        pick[wrong] = np.argmax(np.where(fits, probability[wrong], -1.0), axis=1)
    return {
        "desired": desired,
        "utility": utility,
        "probability": probability,
        "pick": pick,
        "change": made,
    }


def _parts(
    model: AlignmentModel, i: int, j: int, terms: dict[str, np.ndarray], reps: int
) -> dict[tuple[str, str], np.ndarray]:
    """The named parts of the terms of p_ij, per replicate: (term, label) -> (R,).

    Disputes and irritants: each named one's proportional share of the term (the term is
    weight x the sum of the named saliences capped at 1, so a part is the term x its
    salience / the sum). Shared threat: w_S T_ik T_jk for each third party k. Balance:
    w_B r_ik r_kj / (N - 2) for each k. Wedge: w_W V_ik max(r_jk, 0) (i courts j away from
    k) and w_W V_jk max(r_ik, 0) (j courts i away from k). Attention: w_A A_ij and w_A A_ji.
    Parts that are zero in every replicate are left out.
    """
    world, relations = model.world, model.relations
    ids = model.actor_ids
    n = len(ids)
    out: dict[tuple[str, str], np.ndarray] = {}

    def weight(name: str) -> np.ndarray:
        w = np.asarray(world.weights[name], dtype=float)[:, 0, 0]
        return _TERM[name].sign * np.broadcast_to(w, (reps,))

    def add(term: str, label: str, value: np.ndarray) -> None:
        value = np.broadcast_to(np.asarray(value, dtype=float), (reps,)).copy()
        if np.any(value != 0):
            out[(term, label)] = value

    for term, named in (("dispute", world.disputes), ("irritant", world.irritants)):
        salience = {
            name: np.broadcast_to(np.asarray(arr, dtype=float)[:, i, j], (reps,))
            for name, arr in sorted(named.items())
        }
        total = sum(salience.values(), np.zeros(reps))
        for name, value in salience.items():
            share = np.divide(value, total, out=np.zeros(reps), where=total > 0)
            add(term, name, terms[term] * share)

    others = [k for k in range(n) if k not in (i, j)]
    t = threat(world, relations)
    for k in others:
        add("shared_threat", ids[k], weight("shared_threat") * t[:, i, k] * t[:, j, k])
    if n >= 3:
        for k in others:
            add(
                "balance",
                ids[k],
                weight("balance") * relations[:, i, k] * relations[:, k, j] / (n - 2),
            )
    levers = np.asarray(world.wedge, dtype=float)
    for a, b in ((i, j), (j, i)):
        for k in range(n):
            if k in (a, b):
                continue
            value = weight("wedge") * levers[:, a, k] * np.maximum(relations[:, b, k], 0.0)
            add("wedge", f"{ids[a]} courts {ids[b]} away from {ids[k]}", value)
    attention = np.asarray(world.attention, dtype=float)
    add("attention", f"offered by {ids[i]}", weight("attention") * attention[:, i, j])
    add("attention", f"offered by {ids[j]}", weight("attention") * attention[:, j, i])
    return out
