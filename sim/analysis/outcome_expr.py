"""Outcome expressions: the number a sensitivity analysis or scenario discovery studies.

A sensitivity analysis needs one number per ensemble (per point of its sample), and a
scenario discovery needs a yes or no per replicate. Both are written as short
expressions of the one expression language (:mod:`sim.scenario.grammar`, the same lark
grammar as event conditions and end-states; nothing is ever evaluated as Python). This
module gives them their meaning over a scenario and an ensemble:

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
from typing import TYPE_CHECKING, Literal

import numpy as np

from sim.model.conditions import holds
from sim.model.events import ModelState
from sim.model.outcomes import evaluate_outcomes
from sim.scenario.calendar import add_months
from sim.scenario.dyads import Dyad
from sim.scenario.grammar import (
    Condition,
    ConditionError,
    OutcomeSyntax,
    OutcomeSyntaxError,
    parse_condition,
    parse_outcome_syntax,
)
from sim.scenario.keypaths import closest
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.experiment.collect import PointView

FORMS = "A-B (a dyad's relation), A-B@T, P(END_STATE) or P(CONDITION)"
EXAMPLES = "e.g. RUS-JPN, RUS-JPN@20, P(russia_japan_rapprochement), P(RUS-CHN is allied)"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
    condition: Condition | None = field(default=None, compare=False, repr=False)
    """The parsed condition (condition outcomes only)."""

    @property
    def record(self) -> str:
        """The record mode that keeps the step this outcome reads ('outcomes' for the
        first or last step, else 'steps:T')."""
        return "outcomes" if self.step in (0, self.steps) else f"steps:{self.step}"

    def per_replicate(self, view: PointView, scenario: Scenario) -> np.ndarray:
        """(R,) float64: the outcome in every replicate of one ensemble point.

        ``view`` is a point of an ensemble that recorded ``self.step``; a relation for
        'relation', 1.0 / 0.0 for 'probability'.
        """
        relations = view.relations_at(self.step)
        return self.evaluate(relations, scenario, list(view.actor_ids))

    def evaluate(
        self, relations: np.ndarray, scenario: Scenario, actor_ids: list[str]
    ) -> np.ndarray:
        """(R,) float64 from (R, N, N) relation matrices (see :meth:`per_replicate`)."""
        rel = np.asarray(relations, dtype=np.float64)
        if self.dyad is not None:
            i, j = self.dyad
            return rel[:, i, j].astype(np.float64)
        if self.end_state is not None:
            only = scenario.model_copy(
                update={"outcomes": {self.end_state: scenario.outcomes[self.end_state]}}
            )
            return evaluate_outcomes(only, actor_ids, rel)[self.end_state].astype(np.float64)
        assert self.condition is not None
        state = ModelState(rel, None, self.step, scenario.bands)
        return holds(self.condition, state).astype(np.float64)


def _step_text(scenario: Scenario, step: int) -> str:
    run = scenario.run
    date = add_months(run.start, step * run.step_months)
    if step == int(run.steps):
        return f"at the end (step {step}, {date.isoformat()})"
    return f"at step {step} ({date.isoformat()})"


def _read(source: str, scenario: Scenario, what: str) -> tuple[OutcomeSyntax | None, int | None]:
    """The layout of ``source`` and its step (None without '@'), or OutcomeError for a
    step that is not one; the layout is None when the grammar does not accept the text
    (the caller then says why, from the text before '@')."""
    steps = int(scenario.run.steps)
    if source.count("@") > 1:
        raise OutcomeError(f"outcome {source!r}: '@' appears more than once; give one step")
    try:
        syntax: OutcomeSyntax | None = parse_outcome_syntax(source)
    except OutcomeSyntaxError:
        syntax = None
    body, at, rest = source.partition("@")
    if not at:
        return syntax, None
    word = rest.strip()
    if not word:
        raise OutcomeError(f"outcome {source!r}: expected a step number after '@' (0..{steps})")
    if not word.isdigit():
        raise OutcomeError(
            f"outcome {source!r}: expected a whole step number after '@' (0..{steps}), got {word!r}"
        )
    step = int(word)
    if step > steps:
        raise OutcomeError(
            f"outcome {source!r}: step {step} is out of range; scenario '{scenario.name}' runs "
            f"{steps} steps, so a step is between 0 and {steps}"
        )
    if not body.strip():
        expected = f"; expected {FORMS}" if what == "outcome" else ""
        raise OutcomeError(f"{what} {source!r}: nothing before '@'{expected}")
    return syntax, step


def _inside_p(body: str) -> str | None:
    """What is inside ``P( ... )`` when ``body`` is exactly that, else None, for a text
    the grammar did not accept. Raises OutcomeError when it starts like P( but the
    parentheses do not close at the end."""
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


def _unknown_end_state(name: str, scenario: Scenario) -> OutcomeError:
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
    inner: str, scenario: Scenario, step: int, explicit: bool, wrap: bool = True
) -> OutcomeExpr:
    """P(inner): a named end-state or a condition (``wrap``: labelled P(...), else bare)."""
    steps = int(scenario.run.steps)
    suffix = f"@{step}" if explicit else ""
    when = _step_text(scenario, step)
    label = f"P({inner}){suffix}" if wrap else f"{inner}{suffix}"
    if not inner:
        raise OutcomeError(f"P() needs an end-state name or a condition ({EXAMPLES})")
    if _NAME.fullmatch(inner):
        if inner not in scenario.outcomes:
            raise _unknown_end_state(inner, scenario)
        description = (scenario.outcomes[inner].description or "").strip()
        about = f" ({description.rstrip('.')})" if description else ""
        return OutcomeExpr(
            text=label,
            kind="probability",
            step=step,
            steps=steps,
            label=label,
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
        text=label,
        kind="probability",
        step=step,
        steps=steps,
        label=label,
        meaning=f"the probability that {inner} {when}" if wrap else f"{inner} {when}",
        subject=inner,
        condition=condition,
    )


def _relation(dyad: Dyad, body: str, scenario: Scenario, step: int, explicit: bool) -> OutcomeExpr:
    """The relation of ``dyad`` (written ``body``)."""
    a, b = dyad.a, dyad.b
    try:
        i, j = Dyad.parse(str(dyad), list(scenario.actors)).indices(list(scenario.actors))
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


def parse_outcome(text: str, scenario: Scenario) -> OutcomeExpr:
    """Read a sensitivity outcome: ``A-B``, ``P(NAME)`` or ``P(CONDITION)``, with ``@T``.

    Raises :class:`OutcomeError` with a message saying what is wrong (module docstring).
    """
    source = str(text).strip()
    if not source:
        raise OutcomeError(f"the outcome is empty; expected {FORMS} ({EXAMPLES})")
    syntax, step = _read(source, scenario, "outcome")
    explicit = step is not None
    at = int(scenario.run.steps) if step is None else step
    if syntax is None:  # not in the grammar: say which form was probably meant
        body = source.partition("@")[0].strip()
        inner = _inside_p(body)
        if inner is not None:
            return _probability(inner, scenario, at, explicit)
        if re.match(r"p\s*\(", body):
            raise OutcomeError(
                f"outcome {source!r}: write the probability with a capital P: P(...)"
            )
        raise OutcomeError(f"cannot read outcome {source!r}: expected {FORMS} ({EXAMPLES})")
    if syntax.form == "probability":
        return _probability(syntax.subject, scenario, at, explicit)
    if syntax.dyad is not None:
        return _relation(syntax.dyad, source.partition("@")[0].strip(), scenario, at, explicit)
    body = syntax.subject
    if _NAME.fullmatch(body) and body in scenario.outcomes:
        raise OutcomeError(f"outcome {source!r}: an end-state's probability is written P({body})")
    if _is_condition(body, scenario):
        raise OutcomeError(f"outcome {source!r}: a condition's probability is written P({body})")
    if _NAME.fullmatch(body):
        raise _unknown_end_state(body, scenario)
    raise OutcomeError(f"cannot read outcome {source!r}: expected {FORMS} ({EXAMPLES})")


def parse_end_state(text: str, scenario: Scenario) -> OutcomeExpr:
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
    syntax, step = _read(source, scenario, "end-state")
    explicit = step is not None
    at = int(scenario.run.steps) if step is None else step
    body = source.partition("@")[0].strip()
    if syntax is None:
        inner = _inside_p(body)
        if inner is not None:
            return _probability(inner, scenario, at, explicit, wrap=False)
        if re.match(r"p\s*\(", body):
            raise OutcomeError(f"end-state {source!r}: write P(...) with a capital P")
        return _probability(body, scenario, at, explicit, wrap=False)
    if syntax.form == "dyad":
        raise OutcomeError(
            f"end-state {source!r} is a relation, not an end-state that holds or not; "
            f"compare it with a number or a band, e.g. '{body} > 0.2' or "
            f"'{body} is allied'"
        )
    return _probability(syntax.subject, scenario, at, explicit, wrap=False)


def _is_condition(text: str, scenario: Scenario) -> bool:
    try:
        parse_condition(text, scenario, relations_only=True)
    except ConditionError:
        return False
    return True


__all__ = ["OutcomeError", "OutcomeExpr", "parse_end_state", "parse_outcome"]
