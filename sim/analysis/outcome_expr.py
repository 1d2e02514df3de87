"""Outcome expressions: the number a sensitivity analysis or scenario discovery studies.

A sensitivity analysis needs one number per ensemble (per point of its sample), and a
scenario discovery needs a yes or no per replicate. Both are written as short
expressions, read here by a small hand-written parser (nothing is ever evaluated as
Python):

    outcome    := value ['@' STEP]
    value      := DYAD                      the relation of a dyad (RUS-JPN)
                | 'P' '(' NAME ')'          the probability of a named end-state
                | 'P' '(' CONDITION ')'     the probability of a condition on relations
    end-state  := ['P' '('] (NAME | CONDITION) [')'] ['@' STEP]     (discovery)

- ``DYAD`` is ``A-B`` with two of the scenario's actor ids (either order). Per
  replicate it is the dyad's relation (-1 hostile .. +1 allied); per ensemble, its mean
  over the replicates.
- ``NAME`` is one of the scenario's named end-states (``outcomes:``); ``CONDITION`` is a
  condition of the conditions language (docs/scenarios.md, "Conditions") that reads only
  relations (``RUS-CHN is allied``, ``RUS-JPN > RUS-CHN``, ``together(RUS, CHN)``). Per
  replicate it holds or not; per ensemble its probability is the share of replicates in
  which it holds.
- ``@STEP`` evaluates at step T (0 .. run.steps) instead of the last step; a named
  end-state's rule is then applied to the relations of step T.

Examples: ``RUS-JPN``, ``RUS-JPN@20``, ``P(russia_japan_rapprochement)``,
``P(RUS-CHN is allied)@12``. Errors say what was expected: an unknown actor, an
unknown end-state (with a did-you-mean), a step out of range, or text that is none of
the forms above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

FORMS = "A-B (a dyad's relation), A-B@T, P(END_STATE) or P(CONDITION)"
EXAMPLES = "e.g. RUS-JPN, RUS-JPN@20, P(russia_japan_rapprochement), P(RUS-CHN is allied)"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DYAD = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\s*-\s*([A-Za-z][A-Za-z0-9_]*)")


class OutcomeError(ValueError):
    """An outcome expression that cannot be read or does not fit the scenario."""


@dataclass(frozen=True)
class OutcomeExpr:
    """A parsed outcome expression, bound to one scenario.

    ``kind`` is 'relation' (a dyad's relation per replicate; its mean per ensemble) or
    'probability' (an end-state or condition that holds or not per replicate; the share
    of replicates per ensemble). ``step`` is the step it is read at (the last step unless
    ``@T`` was given).
    """

    text: str
    kind: Literal["relation", "probability"]
    step: int
    steps: int
    """The scenario's number of steps (the last step)."""
    label: str
    """Short, canonical form for tables and axes: 'RUS-JPN@20', 'P(rapprochement)'."""
    meaning: str
    """What it means, in words, for reports."""
    subject: str = ""
    """The dyad, end-state name or condition text, without P( ) or @T."""
    dyad: tuple[int, int] | None = None
    end_state: str | None = None
    condition: Any = field(default=None, compare=False, repr=False)
    """A parsed :class:`sim.model.conditions.Condition` (condition outcomes only)."""

    @property
    def record(self) -> str:
        """The record mode that keeps the step this outcome reads ('outcomes' for the
        first or last step, else 'steps:T')."""
        return "outcomes" if self.step in (0, self.steps) else f"steps:{self.step}"

    def per_replicate(self, view: Any, scenario: Any) -> np.ndarray:
        """(R,) float64: the outcome in every replicate of one ensemble point.

        ``view`` is a point of an ensemble (:class:`sim.experiment.collect.PointView`) that
        recorded ``self.step``; a relation for 'relation', 1.0 / 0.0 for 'probability'.
        """
        relations = view.relations_at(self.step)
        return self.evaluate(relations, scenario, list(view.actor_ids))

    def evaluate(self, relations: np.ndarray, scenario: Any, actor_ids: list[str]) -> np.ndarray:
        """(R,) float64 from (R, N, N) relation matrices (see :meth:`per_replicate`)."""
        rel = np.asarray(relations, dtype=np.float64)
        if self.dyad is not None:
            i, j = self.dyad
            return rel[:, i, j].astype(np.float64)
        if self.end_state is not None:
            from sim.model.outcomes import evaluate_outcomes

            only = scenario.model_copy(
                update={"outcomes": {self.end_state: scenario.outcomes[self.end_state]}}
            )
            return evaluate_outcomes(only, actor_ids, rel)[self.end_state].astype(np.float64)
        from sim.model.events import ModelState

        state = ModelState(rel, None, self.step, scenario.bands)
        return self.condition.holds(state).astype(np.float64)


def _step_text(scenario: Any, step: int) -> str:
    from sim.scenario import add_months

    run = scenario.run
    date = add_months(run.start, step * run.step_months)
    if step == int(run.steps):
        return f"at the end (step {step}, {date.isoformat()})"
    return f"at step {step} ({date.isoformat()})"


def _split_step(text: str, scenario: Any) -> tuple[str, int | None]:
    """The expression without its '@T' suffix, and T (None without one)."""
    steps = int(scenario.run.steps)
    if text.count("@") > 1:
        raise OutcomeError(f"outcome {text!r}: '@' appears more than once; give one step")
    body, at, rest = text.partition("@")
    if not at:
        return text, None
    word = rest.strip()
    if not word:
        raise OutcomeError(f"outcome {text!r}: expected a step number after '@' (0..{steps})")
    if not word.isdigit():
        raise OutcomeError(
            f"outcome {text!r}: expected a whole step number after '@' (0..{steps}), got {word!r}"
        )
    step = int(word)
    if step > steps:
        raise OutcomeError(
            f"outcome {text!r}: step {step} is out of range; scenario '{scenario.name}' runs "
            f"{steps} steps, so a step is between 0 and {steps}"
        )
    return body.strip(), step


def _inside_p(body: str) -> str | None:
    """What is inside ``P( ... )`` when ``body`` is exactly that, else None.

    Raises OutcomeError when it starts like P( but the parentheses do not close at
    the end.
    """
    match = re.match(r"P\s*\(", body)
    if not match:
        return None
    depth = 0
    for k in range(match.end() - 1, len(body)):
        if body[k] == "(":
            depth += 1
        elif body[k] == ")":
            depth -= 1
            if depth == 0:
                if body[k + 1 :].strip():
                    raise OutcomeError(
                        f"outcome {body!r}: unexpected {body[k + 1 :].strip()!r} after P(...)"
                    )
                return body[match.end() : k].strip()
    raise OutcomeError(f"outcome {body!r}: P( is not closed; expected ')' at the end")


def _unknown_end_state(name: str, scenario: Any) -> OutcomeError:
    from sim.scenario.errors import closest

    known = list(scenario.outcomes)
    if not known:
        return OutcomeError(
            f"unknown end-state '{name}': scenario '{scenario.name}' defines no named "
            "end-states (outcomes:); write a condition instead, e.g. P(RUS-JPN > 0.2)"
        )
    close = closest(name, known)
    hint = f"; did you mean '{close}'?" if close else ""
    return OutcomeError(f"unknown end-state '{name}'{hint} Known: {', '.join(known)}")


def _probability(
    inner: str, scenario: Any, step: int, explicit: bool, wrap: bool = True
) -> OutcomeExpr:
    """P(inner): a named end-state or a condition (``wrap``: labelled P(...), else bare)."""
    from sim.model.conditions import ConditionError, parse_condition

    steps = int(scenario.run.steps)
    suffix = f"@{step}" if explicit else ""
    when = _step_text(scenario, step)
    if not inner:
        raise OutcomeError(f"P() needs an end-state name or a condition ({EXAMPLES})")
    if _NAME.fullmatch(inner):
        if inner not in scenario.outcomes:
            raise _unknown_end_state(inner, scenario)
        description = (scenario.outcomes[inner].description or "").strip()
        about = f" ({description.rstrip('.')})" if description else ""
        return OutcomeExpr(
            text=f"P({inner}){suffix}" if wrap else f"{inner}{suffix}",
            kind="probability",
            step=step,
            steps=steps,
            label=f"P({inner}){suffix}" if wrap else f"{inner}{suffix}",
            meaning=f"the probability of the end-state {inner}{about} {when}"
            if wrap
            else f"the end-state {inner}{about} {when}",
            subject=inner,
            end_state=inner,
        )
    try:
        condition = parse_condition(inner, scenario, relations_only=True)
    except ConditionError as exc:
        raise OutcomeError(f"P({inner}): {exc}") from None
    return OutcomeExpr(
        text=f"P({inner}){suffix}" if wrap else f"{inner}{suffix}",
        kind="probability",
        step=step,
        steps=steps,
        label=f"P({inner}){suffix}" if wrap else f"{inner}{suffix}",
        meaning=f"the probability that {inner} {when}" if wrap else f"{inner} {when}",
        subject=inner,
        condition=condition,
    )


def _relation(body: str, scenario: Any, step: int, explicit: bool) -> OutcomeExpr | None:
    """A dyad's relation, or None when ``body`` is not of the form A-B."""
    from sim.scenario.dyads import dyad_indices

    match = _DYAD.fullmatch(body)
    if not match:
        return None
    a, b = match.group(1), match.group(2)
    ids = list(scenario.actors)
    try:
        i, j = dyad_indices(ids, f"{a}-{b}")
    except ValueError as exc:
        raise OutcomeError(f"outcome {body!r}: {exc}") from None
    names = {k: actor.name for k, actor in scenario.actors.items()}
    suffix = f"@{step}" if explicit else ""
    return OutcomeExpr(
        text=f"{a}-{b}{suffix}",
        kind="relation",
        step=step,
        steps=int(scenario.run.steps),
        label=f"{a}-{b}{suffix}",
        subject=f"{a}-{b}",
        meaning=(
            f"the {names[a]}-{names[b]} relation (-1 hostile .. +1 allied) "
            f"{_step_text(scenario, step)}, averaged over the replicates"
        ),
        dyad=(i, j),
    )


def parse_outcome(text: str, scenario: Any) -> OutcomeExpr:
    """Read a sensitivity outcome: ``A-B``, ``P(NAME)`` or ``P(CONDITION)``, with ``@T``.

    Raises :class:`OutcomeError` with a message saying what is wrong (module docstring).
    """
    source = str(text).strip()
    if not source:
        raise OutcomeError(f"the outcome is empty; expected {FORMS} ({EXAMPLES})")
    body, step = _split_step(source, scenario)
    explicit = step is not None
    at = int(scenario.run.steps) if step is None else step
    if not body:
        raise OutcomeError(f"outcome {source!r}: nothing before '@'; expected {FORMS}")
    inner = _inside_p(body)
    if inner is not None:
        return _probability(inner, scenario, at, explicit)
    if re.match(r"p\s*\(", body):
        raise OutcomeError(f"outcome {source!r}: write the probability with a capital P: P(...)")
    relation = _relation(body, scenario, at, explicit)
    if relation is not None:
        return relation
    # Not a form of its own: say which form was probably meant.
    if _NAME.fullmatch(body) and body in scenario.outcomes:
        raise OutcomeError(f"outcome {source!r}: an end-state's probability is written P({body})")
    if _is_condition(body, scenario):
        raise OutcomeError(f"outcome {source!r}: a condition's probability is written P({body})")
    if _NAME.fullmatch(body):
        raise _unknown_end_state(body, scenario)
    raise OutcomeError(f"cannot read outcome {source!r}: expected {FORMS} ({EXAMPLES})")


def parse_end_state(text: str, scenario: Any) -> OutcomeExpr:
    """Read a discovery end-state: a named end-state or a condition, optionally inside
    ``P( )``, with an optional ``@T``. Always of kind 'probability' (per replicate: holds
    or not), labelled without the ``P( )``.

    Raises :class:`OutcomeError`; a bare dyad (a relation, not a yes/no) is refused with
    a hint to compare it with a number.
    """
    source = str(text).strip()
    if not source:
        raise OutcomeError(
            "the end-state is empty; expected an end-state name or a condition, e.g. "
            "russia_japan_rapprochement or 'RUS-CHN is allied'"
        )
    body, step = _split_step(source, scenario)
    explicit = step is not None
    at = int(scenario.run.steps) if step is None else step
    if not body:
        raise OutcomeError(f"end-state {source!r}: nothing before '@'")
    inner = _inside_p(body)
    if inner is None:
        if re.match(r"p\s*\(", body):
            raise OutcomeError(f"end-state {source!r}: write P(...) with a capital P")
        if _DYAD.fullmatch(body):
            raise OutcomeError(
                f"end-state {source!r} is a relation, not an end-state that holds or not; "
                f"compare it with a number or a band, e.g. '{body} > 0.2' or "
                f"'{body} is allied'"
            )
        return _probability(body, scenario, at, explicit, wrap=False)
    return _probability(inner, scenario, at, explicit, wrap=False)


def _is_condition(text: str, scenario: Any) -> bool:
    from sim.model.conditions import ConditionError, parse_condition

    try:
        parse_condition(text, scenario, relations_only=True)
    except ConditionError:
        return False
    return True


__all__ = ["OutcomeError", "OutcomeExpr", "parse_end_state", "parse_outcome"]
