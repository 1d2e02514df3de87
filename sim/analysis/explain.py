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
  value U of each of the five moves (:func:`sim.model.choice.level_value`, on the levels clipped
  to [-1, 1] as the model clips them) and its logit probability;
- the move i chose (``model.moves``), the move j chose toward i, and the change of the
  relation (warming needs both: the smaller of the two moves).

:func:`explain` returns an :class:`Explanation` whose frames average these over the
replicates (mean and 5%-95% range); :meth:`Explanation.text` is the readable table of the
``explain`` command and :meth:`Explanation.to_dict` its JSON object.
:mod:`sim.present.explain_figures` draws the terms as a waterfall.
docs/analysis.md ("Explain") defines every number.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.common import signed
from sim.analysis.explain_capture import capture_decision
from sim.analysis.explain_frames import explanation_of
from sim.analysis.explain_text import DEFINITION, summary_text, to_dict
from sim.analysis.explanation import TERM_LABELS, Explanation
from sim.experiment.uncertainty import sample_parameters
from sim.model.model import AlignmentModel
from sim.scenario import Scenario, add_months, load_scenario
from sim.scenario.calendar import period_label
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.keypaths import closest

#: Replicates used when none are asked for: the scenario's ``run.replicates``, at most this.
DEFAULT_MAX_REPLICATES = 500


class ExplainError(ScenarioError):
    """Bad input to an explanation (unknown actor, step out of range ...).

    A subclass of :class:`~sim.scenario.ScenarioError`, so the command reports it like a
    scenario problem (exit code 2, no traceback).
    """


def explain(
    scenario_or_path: Scenario | str | os.PathLike[str],
    actor: str,
    step: int = 1,
    toward: str | None = None,
    replicates: int | None = None,
    seed: int | None = None,
    *,
    parameters: Mapping[str, float] | None = None,
    max_bytes: int | None = None,
) -> Explanation:
    """Explain ``actor``'s moves at ``step`` toward every other actor (or only ``toward``).

    The scenario runs for ``replicates`` replicates (default: its ``run.replicates``, at
    most :data:`DEFAULT_MAX_REPLICATES`) from ``seed`` (default: its ``run.seed``) up to
    step ``step`` (1 .. ``run.steps``). Uncertain parameters are drawn per replicate as a
    run draws them (``SeedSequence(seed, spawn_key=(0,))``); sweep parameters stay at the
    scenario's values unless ``parameters`` sets them (``{path: value}``, applied on top).
    Actors are named by id (``RUS``), case-insensitively, or by name (``Russia``).
    ``max_bytes`` is the largest scenario file to read (None: the loader's 5 MB).
    Raises :class:`ExplainError` (a ScenarioError) on bad input and ScenarioError for a
    bad scenario file.
    """
    file: str | None = None
    if isinstance(scenario_or_path, str | os.PathLike):
        file = _shown(Path(scenario_or_path))
        scenario = load_scenario(scenario_or_path, max_bytes=max_bytes)
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
        first = period_label(run.start, 1, run.step_months)
        last = period_label(run.start, run.steps, run.step_months)
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

    model, given = _model(scenario, reps, seed, parameters, where)
    i = ids.index(i_id)
    captured = _capture(model, {step: [(i, ids.index(t)) for t in targets]})[step]
    return _explanation(scenario, file, model, seed, i_id, captured, step, given)


def explain_steps(
    scenario: Scenario, steps: Sequence[int], replicates: int, seed: int
) -> list[Explanation]:
    """Every actor's moves toward every other actor at each of ``steps``, from one run.

    The same explanations as ``explain(scenario, actor, step=step, replicates=replicates,
    seed=seed)`` for each step and actor (in that order: by step, then in the scenario's
    order of actors), but the model runs once, to the last of the steps, and every
    decision is captured on the way (a run's report explains four states at two steps).
    """
    ids = list(scenario.actors)
    steps = sorted(set(steps))
    where = f"<scenario {scenario.name}>"
    for step in steps:
        if not 1 <= step <= scenario.run.steps:
            msg = f"step {step} is outside the run: choose a step from 1 to {scenario.run.steps}"
            raise ExplainError(Problem(where, None, "", msg))
    model, given = _model(scenario, int(replicates), int(seed), None, where)
    pairs = [(i, j) for i in range(len(ids)) for j in range(len(ids)) if i != j]
    captured = _capture(model, dict.fromkeys(steps, pairs))
    return [
        _explanation(scenario, None, model, int(seed), ids[i], captured[step], step, given)
        for step in steps
        for i in range(len(ids))
    ]


def _model(
    scenario: Scenario,
    reps: int,
    seed: int,
    parameters: Mapping[str, float] | None,
    where: str,
) -> tuple[AlignmentModel, dict[str, float]]:
    """The model an explanation observes: the run's parameter draws, ``parameters`` on top."""
    params = _parameters(scenario, reps, seed)
    given = dict(parameters or {})
    params.update({k: np.asarray(v, dtype=float) for k, v in given.items()})
    try:
        model = AlignmentModel(
            scenario, replicates=reps, seed=seed, parameters=params or None, record="outcomes"
        )
    except ValueError as exc:  # a bad path or shape in ``parameters``
        raise ExplainError(Problem(where, None, "", f"parameters: {exc}")) from None
    return model, given


def _capture(
    model: AlignmentModel, pairs: Mapping[int, Sequence[tuple[int, int]]]
) -> dict[int, dict[tuple[int, int], dict[str, Any]]]:
    """Run ``model`` to the last step named in ``pairs`` and capture, at each such step, the
    decision of i toward j for each (i, j) given for it: step -> (i, j) -> captured."""
    captured: dict[int, dict[tuple[int, int], dict[str, Any]]] = {step: {} for step in pairs}

    def observe(m: AlignmentModel) -> None:
        if m.steps in pairs:
            captured[m.steps].update({(i, j): capture_decision(m, i, j) for i, j in pairs[m.steps]})

    model.decision_observers.append(observe)
    for _ in range(max(pairs)):
        model.step()
    if any(len(captured[step]) != len(set(pairs[step])) for step in pairs):  # pragma: no cover
        raise RuntimeError("a decision was not observed")  # the observer runs at every step
    return captured


def _explanation(
    scenario: Scenario,
    file: str | None,
    model: AlignmentModel,
    seed: int,
    actor: str,
    captured: Mapping[tuple[int, int], dict[str, Any]],
    step: int,
    given: Mapping[str, float],
) -> Explanation:
    """The explanation of ``actor``'s decisions captured at ``step`` (its pairs in
    ``captured``), with the events of ``model`` up to that step."""
    ids = list(scenario.actors)
    names = {k: a.name for k, a in scenario.actors.items()}
    i = ids.index(actor)
    run = scenario.run
    start = add_months(run.start, (step - 1) * run.step_months)
    end = add_months(run.start, step * run.step_months)
    notes = []
    sweep = sorted(p for p in scenario.sweep if p not in given)
    if sweep:
        notes.append(
            "sweep parameters are held at the scenario's values: "
            + ", ".join(sweep)
            + " (Python: explain(..., parameters={path: value}) explains one sweep point)"
        )
    return explanation_of(
        scenario=scenario,
        file=file,
        actor=actor,
        ids=ids,
        names=names,
        captured={ids[j]: c for (a, j), c in captured.items() if a == i},
        step=step,
        start=start,
        end=end,
        replicates=model.replicates,
        seed=seed,
        events=_events_so_far(model, step),
        parameters={
            "sampled": sorted(scenario.uncertainties),
            "set": sorted(given),
            "held": sweep,
        },
        notes=notes,
    )


def _parameters(scenario: Scenario, reps: int, seed: int) -> dict[str, np.ndarray]:
    """The uncertain parameters of every replicate, drawn as a run draws them."""
    if not scenario.uncertainties:
        return {}
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


def _shown(path: Path) -> str:
    """A path as shown in messages: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


__all__ = [
    "DEFAULT_MAX_REPLICATES",
    "DEFINITION",
    "TERM_LABELS",
    "ExplainError",
    "Explanation",
    "capture_decision",
    "explain",
    "explain_steps",
    "signed",
    "summary_text",
    "to_dict",
]
