"""Explain a decision: why a state moved as it did toward another, term by term.

At step T (1 = the first step) the model is run as it always runs (the scenario's events
and uncertain parameters included) and, through a decision observer
(``AlignmentModel.decision_observers``), the moment after every state has chosen its
moves and before they are resolved is captured. For actor i and each other actor j it
records, in every replicate:

- each driver term's contribution to i's propensity p_ij
  (:func:`sim.model.drivers.propensity_terms` on the world and relations the states acted on;
  the terms sum to the propensity the model used, ``model.propensity[:, i, j]``);
- the named parts of some terms: each dispute and irritant by name (its proportional share
  of the capped sum), the shared threat and structural balance by third party k, the wedge
  by who courts whom away from whom, attention by who offers it;
- the desired level x* = tanh(beta p_ij), the relation r_ij the step started from, the
  value U of each of the five moves (:func:`sim.model.agents.level_value`, on the levels clipped
  to [-1, 1] as the model clips them) and its logit probability;
- the move i chose (``model.moves``), the move j chose toward i, and the change of the
  relation (warming needs both: the smaller of the two moves).

:func:`explain` returns an :class:`Explanation` whose frames average these over the
replicates (mean and 5%-95% range); :meth:`Explanation.text` is the readable table of the
``explain`` command and :meth:`Explanation.to_dict` its JSON object.
:func:`waterfall_figure` and :func:`explain_figures` draw the terms as a waterfall.
docs/analysis.md ("Explain") defines every number.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.model.agents import level_value, logit_choice
from sim.model.choice import MOVE_NAMES, MOVES
from sim.model.drivers import TERMS, propensity_terms, threat
from sim.scenario.errors import Problem, ScenarioError, closest

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sim.model.model import AlignmentModel
    from sim.scenario import Scenario

#: Replicates used when none are asked for: the scenario's ``run.replicates``, at most this.
DEFAULT_MAX_REPLICATES = 500

#: How each term is called in text (the frames keep the names of ``sim.model.drivers.TERMS``).
TERM_LABELS = {
    "shared_threat": "shared threat",
    "threat": "threat",
    "interdependence": "interdependence",
    "dispute": "disputes",
    "institutions": "institutions",
    "treaty": "treaty",
    "irritant": "irritants",
    "balance": "balance",
    "wedge": "wedge",
    "attention": "attention",
}
_TERM = {t.name: t for t in TERMS}
_PAST = {
    "confront": "confronted",
    "pressure": "pressured",
    "hold": "held steady",
    "engage": "engaged",
    "cooperate": "cooperated",
}
DEFINITION = (
    "actor i's decision toward each other actor j at step T (the T-th step of the run; "
    "relations are those the previous step left, events of step T have fired): each driver "
    "term's contribution to the propensity p_ij (they sum to the propensity the model "
    "used), the desired level x* = tanh(beta p_ij), the value U and logit probability of "
    "each move, the move i chose, the move j chose toward i, and the change of the "
    "relation (the smaller of the two moves); means and 5%-95% ranges over replicates"
)


class ExplainError(ScenarioError):
    """Bad input to an explanation (unknown actor, step out of range ...).

    A subclass of :class:`~sim.scenario.ScenarioError`, so the command reports it like a
    scenario problem (exit code 2, no traceback).
    """


@dataclass(eq=False)
class Explanation:
    """Actor ``actor``'s decisions at step ``step``, split into driver terms.

    Frames (one row per target j unless said otherwise; means and 5%/95% quantiles over
    the replicates):

    - ``terms``: target, term, label, mean, p05, p95, theory, meaning: each term's
      contribution to p_ij, sorted per target by absolute mean (largest first);
    - ``parts``: target, term, part, label, mean, p05, p95: the named parts of a term
      (disputes and irritants by name, shared threat and balance by third party, wedge and
      attention by who offers them); a term's parts sum to the term;
    - ``moves``: target, side (the actor who moves: ``actor`` or the target), move, shift
      (the move in units of the step length, -2 .. +2), utility (mean U), probability (mean logit
      probability), share_chosen (share of replicates that chose it);
    - ``summary``: target, name, propensity (the model's p_ij) with p05/p95, terms_sum
      (mean of the sum of the terms), max_sum_error (largest |sum of terms - p_ij| over
      replicates), desired (x*) with p05/p95, relation (r_ij before the step) with
      p05/p95, change (the relation's change this step) with p05/p95, relation_after,
      chose / chose_share (the actor's most frequent move and its share), other_chose /
      other_chose_share (the target's most frequent move toward the actor),
      held_back_share (share of replicates where the relation moved less than the actor's
      move: the target held it back), words (a sentence saying all this);
    - ``per_replicate``: target, replicate, one column per term, terms_sum, propensity,
      desired, relation, move, move_change, other_move, other_move_change, change.
    """

    scenario: str
    file: str | None
    actor: str
    names: dict[str, str]
    step: int
    period: str
    start: dt.date
    end: dt.date
    replicates: int
    seed: int
    terms: pd.DataFrame
    parts: pd.DataFrame
    moves: pd.DataFrame
    summary: pd.DataFrame
    per_replicate: pd.DataFrame
    events: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def targets(self) -> list[str]:
        """The ids of the actors explained, in scenario order."""
        return list(self.summary["target"])

    @property
    def actor_name(self) -> str:
        return self.names[self.actor]

    def words(self, target: str) -> str:
        """The explanation of the decision toward ``target`` as one sentence."""
        return str(self._row(target)["words"])

    def text(self) -> str:
        """The readable tables of the ``explain`` command, one block per target."""
        return summary_text(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready object of ``explain --json`` (docs/analysis.md lists its keys)."""
        return to_dict(self)

    def _row(self, target: str) -> pd.Series:
        rows = self.summary[self.summary["target"] == target]
        if rows.empty:
            raise KeyError(f"{target!r} is not explained here; targets: {', '.join(self.targets)}")
        return rows.iloc[0]


# --- running and capturing -----------------------------------------------------------------


def explain(
    scenario_or_path: Scenario | str | os.PathLike[str],
    actor: str,
    step: int = 1,
    toward: str | None = None,
    replicates: int | None = None,
    seed: int | None = None,
    *,
    parameters: Mapping[str, float] | None = None,
) -> Explanation:
    """Explain ``actor``'s moves at ``step`` toward every other actor (or only ``toward``).

    The scenario runs for ``replicates`` replicates (default: its ``run.replicates``, at
    most :data:`DEFAULT_MAX_REPLICATES`) from ``seed`` (default: its ``run.seed``) up to
    step ``step`` (1 .. ``run.steps``). Uncertain parameters are drawn per replicate as a
    run draws them (``SeedSequence(seed, spawn_key=(0,))``); sweep parameters stay at the
    scenario's values unless ``parameters`` sets them (``{path: value}``, applied on top).
    Actors are named by id (``RUS``), case-insensitively, or by name (``Russia``).
    Raises :class:`ExplainError` (a ScenarioError) on bad input and ScenarioError for a
    bad scenario file.
    """
    from sim.model.model import AlignmentModel
    from sim.scenario import load_scenario

    file: str | None = None
    if isinstance(scenario_or_path, str | os.PathLike):
        file = _shown(Path(scenario_or_path))
        scenario = load_scenario(scenario_or_path)
    else:
        scenario = scenario_or_path
    where = file or f"<scenario {scenario.name}>"
    ids = list(scenario.actors)
    names = {k: a.name for k, a in scenario.actors.items()}
    i_id = _resolve_actor(actor, ids, names, where, "actor")
    if toward is None:
        targets = [k for k in ids if k != i_id]
    else:
        j_id = _resolve_actor(toward, ids, names, where, "toward")
        if j_id == i_id:
            others = ", ".join(k for k in ids if k != i_id)
            raise ExplainError(
                Problem(
                    where,
                    None,
                    "",
                    f"toward {toward!r} is the actor itself; choose one of {others}",
                )
            )
        targets = [j_id]
    run = scenario.run
    if (
        isinstance(step, bool)
        or not isinstance(step, int | np.integer)
        or not 1 <= step <= run.steps
    ):
        first = period_label(run.start, run.step_months)
        last = period_label(
            _add_months(run.start, (run.steps - 1) * run.step_months), run.step_months
        )
        msg = (
            f"step {step} is outside the run: choose a step from 1 ({first}) to "
            f"{run.steps} ({last})"
        )
        raise ExplainError(Problem(where, None, "", msg))
    step = int(step)
    reps = (
        int(replicates) if replicates is not None else min(run.replicates, DEFAULT_MAX_REPLICATES)
    )
    if reps < 1:
        raise ExplainError(Problem(where, None, "", f"replicates must be at least 1, got {reps}"))
    seed = int(run.seed if seed is None else seed)
    if seed < 0:
        raise ExplainError(Problem(where, None, "", f"seed must be at least 0, got {seed}"))

    params = _parameters(scenario, reps, seed)
    given = dict(parameters or {})
    params.update({k: np.asarray(v, dtype=float) for k, v in given.items()})
    try:
        model = AlignmentModel(
            scenario, replicates=reps, seed=seed, parameters=params or None, record="outcomes"
        )
    except ValueError as exc:  # a bad path or shape in ``parameters``
        raise ExplainError(Problem(where, None, "", f"parameters: {exc}")) from None

    i = ids.index(i_id)
    js = [ids.index(t) for t in targets]
    captured: dict[int, dict[str, Any]] = {}

    def observe(m: AlignmentModel) -> None:
        if m.steps == step:
            captured.update({j: capture_decision(m, i, j) for j in js})

    model.decision_observers.append(observe)
    for _ in range(step):
        model.step()
    if len(captured) != len(js):  # pragma: no cover - the observer runs at every step
        raise RuntimeError(f"the decision at step {step} was not observed")

    start = _add_months(run.start, (step - 1) * run.step_months)
    end = _add_months(run.start, step * run.step_months)
    notes = []
    sweep = sorted(p for p in scenario.sweep if p not in given)
    if sweep:
        notes.append(
            "sweep parameters are held at the scenario's values: "
            + ", ".join(sweep)
            + " (Python: explain(..., parameters={path: value}) explains one sweep point)"
        )
    return _explanation(
        scenario=scenario,
        file=file,
        actor=i_id,
        ids=ids,
        names=names,
        captured={ids[j]: c for j, c in captured.items()},
        step=step,
        start=start,
        end=end,
        replicates=reps,
        seed=seed,
        events=_events_so_far(model, step),
        parameters={
            "sampled": sorted(scenario.uncertainties),
            "set": sorted(given),
            "held": sweep,
        },
        notes=notes,
    )


def capture_decision(model: AlignmentModel, i: int, j: int) -> dict[str, Any]:
    """Everything about i's decision toward j in the model's current step, per replicate.

    Call it from a decision observer (after the moves are chosen, before they are
    resolved). Returns arrays of length R: ``terms`` (name -> contribution to p_ij),
    ``parts`` ((term, part label) -> contribution), ``propensity`` (the model's p_ij),
    ``desired``, ``relation``, and for both sides (``actor`` = i toward j, ``other`` = j
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
        "actor": actor_side,
        "other": other_side,
        "change": change,
    }


def _side(model: AlignmentModel, i: int, j: int) -> dict[str, np.ndarray]:
    """i's decision toward j: desired level, move values, probabilities and the move made.

    The values and probabilities are the decision rule's (sim.model.agents.level_value on the
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
    alpha = per_replicate(model.world.autonomy[:, i])
    now = np.array(model.relations[:, i, j], dtype=float)
    desired = np.tanh(beta * model.propensity[:, i, j])
    levels = np.clip(now[:, None] + d[:, None] * MOVES, -1.0, 1.0)
    utility = level_value(levels, desired, now, alpha, theta[:, None], kappa[:, None])
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


def _parameters(scenario: Scenario, reps: int, seed: int) -> dict[str, np.ndarray]:
    """The uncertain parameters of every replicate, drawn as a run draws them."""
    if not scenario.uncertainties:
        return {}
    from sim.experiment.uncertainty import sample_parameters

    # The parameter stream of a run (sim.experiment.tasks: SeedSequence(seed, spawn_key=(0,))).
    draws = sample_parameters(scenario, reps, np.random.SeedSequence(entropy=seed, spawn_key=(0,)))
    return {path: np.asarray(v, dtype=float) for path, v in draws.items()}


def _events_so_far(model: AlignmentModel, step: int) -> list[dict[str, Any]]:
    """The events that fired up to ``step``: name, first step, share of replicates."""
    fired: dict[str, dict[str, Any]] = {}
    for name, at, replicates in model.event_log:
        if at > step:
            continue
        entry = fired.setdefault(name, {"event": name, "first_step": at, "replicates": set()})
        entry["first_step"] = min(entry["first_step"], at)
        entry["replicates"].update(int(r) for r in replicates)
    return [
        {
            "event": e["event"],
            "first_step": e["first_step"],
            "share": len(e["replicates"]) / model.replicates,
        }
        for e in sorted(fired.values(), key=lambda e: (e["first_step"], e["event"]))
    ]


def _resolve_actor(given: str, ids: list[str], names: dict[str, str], where: str, what: str) -> str:
    """The id of the actor ``given`` names (id, any case, or name), or ExplainError."""
    if given in ids:
        return given
    for k in ids:
        if given.casefold() in (k.casefold(), names[k].casefold()):
            return k
    guess = closest(given, ids) or closest(given, list(names.values()))
    if guess in names.values():
        guess = next(k for k in ids if names[k] == guess)
    hint = f"; did you mean '{guess}'?" if guess else ""
    msg = f"{what} {given!r} is not an actor of this scenario{hint} (actors: {', '.join(ids)})"
    raise ExplainError(Problem(where, None, "", msg))


# --- summarising ---------------------------------------------------------------------------


def _stats(x: np.ndarray) -> tuple[float, float, float]:
    lo, hi = np.percentile(x, [5, 95])
    return float(np.mean(x)), float(lo), float(hi)


def _explanation(
    scenario: Scenario,
    file: str | None,
    actor: str,
    ids: list[str],
    names: dict[str, str],
    captured: dict[str, dict[str, Any]],
    step: int,
    start: dt.date,
    end: dt.date,
    replicates: int,
    seed: int,
    events: list[dict[str, Any]],
    parameters: dict[str, list[str]],
    notes: list[str],
) -> Explanation:
    run = scenario.run
    period = period_label(start, run.step_months)
    term_rows, part_rows, move_rows, summary_rows, rep_frames = [], [], [], [], []
    for target in [k for k in ids if k in captured]:
        c = captured[target]
        rows = []
        for term in TERMS:
            mean, lo, hi = _stats(c["terms"][term.name])
            rows.append(
                {
                    "target": target,
                    "term": term.name,
                    "label": _term_label(term.name, names[target]),
                    "mean": mean,
                    "p05": lo,
                    "p95": hi,
                    "theory": term.theory,
                    "meaning": term.meaning,
                }
            )
        rows.sort(key=lambda r: -abs(r["mean"]))
        term_rows.extend(rows)
        order = {t.name: k for k, t in enumerate(TERMS)}
        parts = sorted(c["parts"].items(), key=lambda kv: (order[kv[0][0]], -abs(kv[1].mean())))
        for (term, part), values in parts:
            mean, lo, hi = _stats(values)
            part_rows.append(
                {
                    "target": target,
                    "term": term,
                    "part": part,
                    "label": _part_label(term, part, names),
                    "mean": mean,
                    "p05": lo,
                    "p95": hi,
                }
            )
        for side_key, side in (("actor", actor), ("other", target)):
            s = c[side_key]
            for m, move in enumerate(MOVE_NAMES):
                move_rows.append(
                    {
                        "target": target,
                        "side": side,
                        "move": move,
                        "shift": int(MOVES[m]),
                        "utility": float(s["utility"][:, m].mean()),
                        "probability": float(s["probability"][:, m].mean()),
                        "share_chosen": float(np.mean(s["pick"] == m)),
                    }
                )
        total = sum((c["terms"][t.name] for t in TERMS), np.zeros(replicates))
        p, p_lo, p_hi = _stats(c["propensity"])
        x, x_lo, x_hi = _stats(c["desired"])
        r, r_lo, r_hi = _stats(c["relation"])
        ch, ch_lo, ch_hi = _stats(c["change"])
        chose, chose_share = _modal(c["actor"]["pick"])
        other, other_share = _modal(c["other"]["pick"])
        summary = {
            "target": target,
            "name": names[target],
            "propensity": p,
            "propensity_p05": p_lo,
            "propensity_p95": p_hi,
            "terms_sum": float(total.mean()),
            "max_sum_error": float(np.max(np.abs(total - c["propensity"]))),
            "desired": x,
            "desired_p05": x_lo,
            "desired_p95": x_hi,
            "relation": r,
            "relation_p05": r_lo,
            "relation_p95": r_hi,
            "change": ch,
            "change_p05": ch_lo,
            "change_p95": ch_hi,
            "relation_after": float(np.mean(c["relation"] + c["change"])),
            "chose": chose,
            "chose_share": chose_share,
            "other_chose": other,
            "other_chose_share": other_share,
            "held_back_share": float(np.mean(c["change"] < c["actor"]["change"] - 1e-12)),
        }
        summary["words"] = _words(
            names[actor],
            names[target],
            period,
            summary,
            rows,
            [p for p in part_rows if p["target"] == target],
        )
        summary_rows.append(summary)
        frame = pd.DataFrame({"target": target, "replicate": np.arange(replicates)})
        for term in TERMS:
            frame[term.name] = c["terms"][term.name]
        frame["terms_sum"] = total
        frame["propensity"] = c["propensity"]
        frame["desired"] = c["desired"]
        frame["relation"] = c["relation"]
        frame["move"] = np.asarray(MOVE_NAMES)[c["actor"]["pick"]]
        frame["move_change"] = c["actor"]["change"]
        frame["other_move"] = np.asarray(MOVE_NAMES)[c["other"]["pick"]]
        frame["other_move_change"] = c["other"]["change"]
        frame["change"] = c["change"]
        rep_frames.append(frame)
    part_columns = ["target", "term", "part", "label", "mean", "p05", "p95"]
    return Explanation(
        scenario=scenario.name,
        file=file,
        actor=actor,
        names=names,
        step=step,
        period=period,
        start=start,
        end=end,
        replicates=replicates,
        seed=seed,
        terms=pd.DataFrame(term_rows),
        parts=pd.DataFrame(part_rows, columns=part_columns),
        moves=pd.DataFrame(move_rows),
        summary=pd.DataFrame(summary_rows),
        per_replicate=pd.concat(rep_frames, ignore_index=True),
        events=events,
        parameters=parameters,
        notes=notes,
    )


def _modal(pick: np.ndarray) -> tuple[str, float]:
    """The most frequent move (ties: the milder, nearer hold) and its share of replicates."""
    counts = np.bincount(pick, minlength=len(MOVE_NAMES))
    order = sorted(range(len(MOVE_NAMES)), key=lambda m: (-counts[m], abs(MOVES[m])))
    best = order[0]
    return MOVE_NAMES[best], float(counts[best] / len(pick))


def _term_label(term: str, target_name: str) -> str:
    if term == "threat":
        return f"threat from {target_name}"
    return TERM_LABELS[term]


def _part_label(term: str, part: str, names: dict[str, str]) -> str:
    if term in ("dispute", "irritant"):
        return _pretty(part)
    if term == "shared_threat":
        return f"from {names.get(part, part)}"
    if term == "balance":
        return f"via {names.get(part, part)}"
    return " ".join(names.get(word, word) for word in part.split(" "))


def _pretty(name: str) -> str:
    """A dispute's or irritant's key as words: 'missile_defence' -> 'Missile defence'."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def signed(x: float, digits: int = 2) -> str:
    """``x`` with its sign and ``digits`` decimals, never '-0.00'."""
    value = round(float(x), digits)
    if value == 0:
        value = 0.0
    return f"{value:+.{digits}f}"


def _words(
    actor_name: str,
    target_name: str,
    period: str,
    summary: dict[str, Any],
    term_rows: list[dict[str, Any]],
    part_rows: list[dict[str, Any]],
) -> str:
    """'Russia toward Japan at 2014-Q1: propensity +0.21 (shared threat from China ...) ...'."""
    items: list[tuple[str, float]] = []
    for row in term_rows:
        term = row["term"]
        if row["mean"] == 0 and row["p05"] == 0 and row["p95"] == 0:
            continue
        parts = [p for p in part_rows if p["term"] == term]
        if term in ("dispute", "irritant") and parts:
            items.extend((p["label"], p["mean"]) for p in parts)
        elif term == "shared_threat" and parts:
            top = max(parts, key=lambda p: abs(p["mean"]))
            items.append((f"shared threat {top['label']}", row["mean"]))
        else:
            items.append((row["label"], row["mean"]))
    items.sort(key=lambda item: -abs(item[1]))
    shown = [f"{label} {signed(v)}" for label, v in items if abs(v) >= 0.005][:6]
    if len(shown) < len([v for _, v in items if v != 0]):
        shown.append("...")
    because = f" ({', '.join(shown)})" if shown else ""
    change = summary["change"]
    moved = (
        "the relation did not move"
        if change == 0
        else f"the relation moved {signed(change, 2 if abs(change) >= 0.01 else 3)} on average"
    )
    return (
        f"{actor_name} toward {target_name} at {period}: propensity "
        f"{signed(summary['propensity'])}{because}; desired level {signed(summary['desired'])}; "
        f"chose {summary['chose']} in {summary['chose_share']:.0%} of replicates; "
        f"{target_name} {_PAST[summary['other_chose']]} in {summary['other_chose_share']:.0%}; "
        f"{moved}."
    )


# --- text and JSON -------------------------------------------------------------------------


def summary_text(explanation: Explanation) -> str:
    """The readable tables: per target, the terms, the moves and the sentence."""
    e = explanation
    lines = [
        f"Explain: {e.actor_name} ({e.actor}) in {e.scenario}, step {e.step} = {e.period} "
        f"({e.start.isoformat()} to {e.end.isoformat()}), {e.replicates} replicates, seed {e.seed}",
        "Each term's contribution to the propensity p (they sum to the p the model used); "
        "mean and 5%..95% over replicates.",
    ]
    if e.events:
        fired = "; ".join(
            f"{ev['event']} (first at step {ev['first_step']}, fired in {ev['share']:.0%} of "
            "replicates so far)"
            for ev in e.events
        )
        lines.append(f"Events so far: {fired}")
    if e.parameters.get("sampled"):
        lines.append(
            "Uncertain parameters drawn per replicate: " + ", ".join(e.parameters["sampled"])
        )
    lines.extend(f"Note: {note}" for note in e.notes)
    for target in e.targets:
        lines.extend(["", *_target_text(e, target)])
    return "\n".join(lines)


def _range(lo: float, hi: float, digits: int = 3) -> str:
    return f"{signed(lo, digits)}..{signed(hi, digits)}"


def _target_text(e: Explanation, target: str) -> list[str]:
    s = e._row(target)
    tname = e.names[target]
    terms = e.terms[e.terms["target"] == target]
    parts = e.parts[e.parts["target"] == target]
    width = max([26, *(len(x) for x in terms["label"]), *(len(x) + 2 for x in parts["label"])])

    def line(label: str, mean: float, lo: float, hi: float, extra: str = "") -> str:
        text = f"  {label:<{width}} {signed(mean, 3):>7}  {_range(lo, hi):<15}  {extra}"
        return text.rstrip()

    out = [f"{e.actor_name} toward {tname} ({e.actor} -> {target})"]
    header = f"  {'term':<{width}} {'mean':>7}  {'5%..95%':<15}  theory: meaning"
    rule = "  " + "-" * (len(header) - 2)
    out.extend([header, rule])
    zero = []
    for row in terms.itertuples():
        if row.mean == 0 and row.p05 == 0 and row.p95 == 0:
            zero.append(row.label)
            continue
        out.append(line(row.label, row.mean, row.p05, row.p95, f"{row.theory}: {row.meaning}"))
        mine = parts[parts["term"] == row.term].sort_values("mean", key=abs, ascending=False)
        out.extend(line("  " + p.label, p.mean, p.p05, p.p95) for p in mine.itertuples())
    if zero:
        out.append(f"  zero in every replicate: {', '.join(zero)}")
    out.append(rule)
    out.append(
        f"  {'sum of the terms':<{width}} {signed(s['terms_sum'], 3):>7}  "
        f"(largest difference from the model's p over replicates: {s['max_sum_error']:.1e})"
    )
    for label, key in (
        ("propensity p (model)", "propensity"),
        ("desired level tanh(beta p)", "desired"),
        ("relation before the step", "relation"),
    ):
        out.append(line(label, s[key], s[f"{key}_p05"], s[f"{key}_p95"]))
    out.append("")
    moves = e.moves[e.moves["target"] == target]
    mine = moves[moves["side"] == e.actor].set_index("move")
    theirs = moves[moves["side"] == target].set_index("move")
    out.append(
        f"  {'move':<10} {'shift':>5} {'U (mean)':>9} {'Pr ' + e.actor:>8} "
        f"{e.actor + ' chose':>10} {'Pr ' + target:>8} {target + ' chose':>10}"
    )
    for move in MOVE_NAMES:
        a, b = mine.loc[move], theirs.loc[move]
        out.append(
            f"  {move:<10} {int(a['shift']):>+5d} {a['utility']:>9.4f} {a['probability']:>8.0%} "
            f"{a['share_chosen']:>10.0%} {b['probability']:>8.0%} {b['share_chosen']:>10.0%}"
        )
    out.append(
        f"  relation change (the smaller of the two moves): mean {signed(s['change'], 3)}, "
        f"5%..95% {_range(s['change_p05'], s['change_p95'])}; after the step "
        f"{signed(s['relation_after'], 3)}; {tname} held {e.actor_name} back in "
        f"{s['held_back_share']:.0%} of replicates"
    )
    out.append("")
    out.append(f"  In words: {s['words']}")
    return out


def to_dict(explanation: Explanation) -> dict[str, Any]:
    """The explanation as one JSON-ready object (docs/analysis.md, "Explain", lists the keys)."""
    e = explanation
    targets = []
    for target in e.targets:
        s = e._row(target)
        terms = e.terms[e.terms["target"] == target]
        parts = e.parts[e.parts["target"] == target]
        moves = e.moves[e.moves["target"] == target]
        mine = moves[moves["side"] == e.actor].set_index("move")
        theirs = moves[moves["side"] == target].set_index("move")
        targets.append(
            {
                "id": target,
                "name": e.names[target],
                "words": s["words"],
                "propensity": _triple(s, "propensity"),
                "terms_sum": float(s["terms_sum"]),
                "max_sum_error": float(s["max_sum_error"]),
                "desired": _triple(s, "desired"),
                "relation": _triple(s, "relation"),
                "change": _triple(s, "change"),
                "relation_after": float(s["relation_after"]),
                "terms": [
                    {
                        "term": row.term,
                        "label": row.label,
                        "mean": float(row.mean),
                        "p05": float(row.p05),
                        "p95": float(row.p95),
                        "theory": row.theory,
                        "meaning": row.meaning,
                        "parts": [
                            {
                                "part": part.part,
                                "label": part.label,
                                "mean": float(part.mean),
                                "p05": float(part.p05),
                                "p95": float(part.p95),
                            }
                            for part in parts[parts["term"] == row.term].itertuples()
                        ],
                    }
                    for row in terms.itertuples()
                ],
                "moves": [
                    {
                        "move": move,
                        "shift": int(mine.loc[move, "shift"]),
                        "utility": float(mine.loc[move, "utility"]),
                        "probability": float(mine.loc[move, "probability"]),
                        "share_chosen": float(mine.loc[move, "share_chosen"]),
                        "other_utility": float(theirs.loc[move, "utility"]),
                        "other_probability": float(theirs.loc[move, "probability"]),
                        "other_share_chosen": float(theirs.loc[move, "share_chosen"]),
                    }
                    for move in MOVE_NAMES
                ],
                "chose": {"move": s["chose"], "share": float(s["chose_share"])},
                "other_chose": {"move": s["other_chose"], "share": float(s["other_chose_share"])},
                "held_back_share": float(s["held_back_share"]),
            }
        )
    return {
        "scenario": e.scenario,
        "file": e.file,
        "actor": {"id": e.actor, "name": e.actor_name},
        "step": e.step,
        "period": {"label": e.period, "start": e.start.isoformat(), "end": e.end.isoformat()},
        "replicates": e.replicates,
        "seed": e.seed,
        "what": DEFINITION,
        "parameters": e.parameters,
        "events": e.events,
        "notes": e.notes,
        "targets": targets,
    }


def _triple(row: pd.Series, key: str) -> dict[str, float]:
    return {
        "mean": float(row[key]),
        "p05": float(row[f"{key}_p05"]),
        "p95": float(row[f"{key}_p95"]),
    }


# --- figures -------------------------------------------------------------------------------


def _as_dict(explanation: Explanation | Mapping[str, Any]) -> Mapping[str, Any]:
    return explanation.to_dict() if isinstance(explanation, Explanation) else explanation


def waterfall_figure(
    explanation: Explanation | Mapping[str, Any], toward: str | None = None
) -> go.Figure:
    """A waterfall of the mean term contributions building up to the propensity p_ij.

    ``explanation`` is an :class:`Explanation` or its :meth:`~Explanation.to_dict`
    object; ``toward`` the target's id (may be left out when only one is explained). One
    bar per term that is not zero in every replicate, largest first, then a total bar at
    the mean propensity the model used; hovering shows the 5%-95% range, the parts and
    the theory.
    """
    import plotly.graph_objects as go

    data = _as_dict(explanation)
    targets = {t["id"]: t for t in data["targets"]}
    if toward is None:
        if len(targets) != 1:
            raise ValueError(f"say which target to draw: one of {', '.join(targets)}")
        toward = next(iter(targets))
    if toward not in targets:
        raise ValueError(f"{toward!r} is not explained here; targets: {', '.join(targets)}")
    target = targets[toward]
    shown = [t for t in target["terms"] if not (t["mean"] == 0 and t["p05"] == 0 and t["p95"] == 0)]
    labels = [html.escape(t["label"]) for t in shown] + ["propensity p"]
    values = [t["mean"] for t in shown] + [target["propensity"]["mean"]]
    hover = []
    for t in shown:
        text = (
            f"<b>{html.escape(t['label'])}</b>: {t['mean']:+.3f}<br>5%..95%: {t['p05']:+.3f}.."
            f"{t['p95']:+.3f}<br>{html.escape(t['theory'])}<br>{html.escape(t['meaning'])}"
        )
        for part in t["parts"]:
            text += f"<br>  {html.escape(part['label'])}: {part['mean']:+.3f}"
        hover.append(text)
    p = target["propensity"]
    hover.append(
        f"<b>propensity p</b> (the model's): {p['mean']:+.3f}<br>5%..95%: {p['p05']:+.3f}.."
        f"{p['p95']:+.3f}<br>desired level x* {target['desired']['mean']:+.3f}"
    )
    actor, name = data["actor"]["name"], target["name"]
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=["relative"] * len(shown) + ["total"],
            text=[f"{v:+.3f}" for v in values],
            textposition="outside",
            hovertext=hover,
            hoverinfo="text",
            increasing={"marker": {"color": "#2166ac"}},
            decreasing={"marker": {"color": "#b2182b"}},
            totals={"marker": {"color": "#1f3b73"}},
            connector={"line": {"color": "#9e9e9e", "width": 1}},
        )
    )
    fig.update_layout(
        title=html.escape(
            f"Why {actor} moved toward {name} at {data['period']['label']} "
            f"(step {data['step']}, mean of {data['replicates']} replicates)"
        ),
        yaxis_title="contribution to the propensity p",
        showlegend=False,
        template="plotly_white",
        margin={"t": 60, "b": 80},
    )
    return fig


def explain_figures(
    explanations: Explanation | Mapping[str, Any] | Iterable[Explanation | Mapping[str, Any]],
) -> dict[str, go.Figure]:
    """One waterfall per explained actor and target: ``{'explain-RUS-JPN': figure, ...}``."""
    if isinstance(explanations, Explanation | Mapping):
        explanations = [explanations]
    figures: dict[str, go.Figure] = {}
    for explanation in explanations:
        data = _as_dict(explanation)
        for target in data["targets"]:
            key = f"explain-{data['actor']['id']}-{target['id']}"
            figures[key] = waterfall_figure(data, target["id"])
    return figures


def why_figure(
    explanations: Iterable[Explanation | Mapping[str, Any]],
) -> go.Figure:
    """All the waterfalls of several explanations in one figure, chosen from a drop-down.

    One entry per explained actor, target and step ("Russia -> Japan, 2014-Q1"); the
    report uses it to show why every state moved as it did at the start and at the end.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    labels: list[str] = []
    titles: list[str] = []
    for explanation in explanations:
        data = _as_dict(explanation)
        for target in data["targets"]:
            single = waterfall_figure(data, target["id"])
            figure.add_trace(single.data[0])
            labels.append(f"{data['actor']['name']} -> {target['name']}, {data['period']['label']}")
            titles.append(single.layout.title.text)
    for k, trace in enumerate(figure.data):
        trace.visible = k == 0
    buttons = [
        {
            "label": html.escape(label),
            "method": "update",
            "args": [
                {"visible": [j == k for j in range(len(labels))]},
                {"title": {"text": titles[k]}},
            ],
        }
        for k, label in enumerate(labels)
    ]
    figure.update_layout(
        title={"text": titles[0] if titles else ""},
        updatemenus=[
            {
                "buttons": buttons,
                "x": 0,
                "xanchor": "left",
                "y": 1.18,
                "yanchor": "top",
                "direction": "down",
            }
        ]
        if buttons
        else [],
        yaxis_title="contribution to the propensity p",
        showlegend=False,
        template="plotly_white",
        margin={"t": 110, "b": 80},
    )
    return figure


# --- helpers -------------------------------------------------------------------------------


def period_label(start: dt.date, months: int) -> str:
    """The period a step simulates: '2014-Q1' for a quarter, '2014-03' for a month ..."""
    if start.day == 1:
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if months == 1:
            return f"{start.year}-{start.month:02d}"
        if months == 12 and start.month == 1:
            return str(start.year)
    end = _add_months(start, months) - dt.timedelta(days=1)
    return f"{start.isoformat()} to {end.isoformat()}"


def _add_months(date: dt.date, months: int) -> dt.date:
    from sim.scenario import add_months

    return add_months(date, months)


def _shown(path: Path) -> str:
    """A path as shown in messages: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)
