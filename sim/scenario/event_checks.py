"""Checks of a scenario's events, and the notes about events that will not fire.

:func:`event_problems` returns ``(key path, message)`` pairs for what makes a scenario
unusable: a date before the run, a window outside it, a condition that does not parse, a
path that does not exist (groups expanded: :mod:`sim.scenario.groups`), a value a ``set``
cannot take, a relation shock that would be temporary or ramped, a ramp that runs past the
run's last step, a repeating event whose window holds no step.

:func:`event_notes` returns the same pairs for what is kept but worth saying: an event
dated after the run's end (``at`` or ``step``) stays in the scenario, so that a history can
be written once and run over shorter spans, and is skipped (it never fires). The loader
places both kinds at the file and line that wrote the key.
"""

from __future__ import annotations

from sim.scenario.calendar import date_step, event_step, run_end
from sim.scenario.errors import KeyPath, number
from sim.scenario.grammar import ConditionError, parse_condition
from sim.scenario.groups import parse_targets
from sim.scenario.paths import bounds
from sim.scenario.schema import Event, Scenario

Issue = tuple[KeyPath, str]


def condition_problem(s: Scenario, text: str, relations_only: bool = False) -> str | None:
    """Why a condition does not parse or fit the scenario, or None when it is fine."""
    try:
        parse_condition(text, s, relations_only=relations_only)
    except ConditionError as exc:
        return f"'{text}': {exc}"
    except RecursionError:  # thousands of parentheses: the parser's recursion gives up
        return "nested too deeply to read: use fewer parentheses and 'not's"
    return None


def firing_steps(s: Scenario, event: Event) -> list[int]:
    """The steps of the run at which a scheduled or repeating event fires (else empty).

    A repeating event (``every: K``) fires at the first step of its window (the step
    holding ``after``, else step 1) and every K steps after it, up to the step before the
    one holding ``before``, and at most the run's last step.
    """
    if event.trigger == "scheduled":
        step = event_step(s, event)
        return [step] if 1 <= step <= s.run.steps else []
    if event.trigger != "repeating" or event.every is None:
        return []
    first = date_step(s, event.after) if event.after is not None else 1
    last = date_step(s, event.before) - 1 if event.before is not None else s.run.steps
    return list(range(first, min(last, s.run.steps) + 1, event.every))


def after_the_end(s: Scenario, event: Event) -> bool:
    """Whether a dated event (``at`` or ``step``) falls after the run's last step."""
    return event.trigger == "scheduled" and event_step(s, event) > s.run.steps


def event_notes(s: Scenario) -> list[Issue]:
    """What is kept but will not happen: events dated after the run's end (skipped)."""
    notes: list[Issue] = []
    end = run_end(s)
    for name, event in s.events.items():
        if event.at is not None and event.at >= end:
            msg = (
                f"{event.at} is after the run's end ({s.run.start} to {end}); the event is "
                "kept and skipped in this run"
            )
            notes.append((("events", name, "at"), msg))
        if event.step is not None and event.step > s.run.steps:
            msg = (
                f"step {event.step} is after the run's last step ({s.run.steps}); the event "
                "is kept and skipped in this run"
            )
            notes.append((("events", name, "step"), msg))
    return notes


def event_problems(s: Scenario, timing: bool = True, changes: bool = True) -> list[Issue]:
    """Every problem of the scenario's events, as (key path, message).

    ``timing``: when they fire (which reads the run's settings); ``changes``: what they
    change (which reads the actors, dyads and groups).
    """
    issues: list[Issue] = []
    for name, event in s.events.items():
        issues += _timing(s, name, event) if timing else []
        issues += _changes(s, name, event) if changes else []
    return issues


def _timing(s: Scenario, name: str, event: Event) -> list[Issue]:
    issues: list[Issue] = []
    end = run_end(s)
    if event.at is not None and event.at < s.run.start:
        msg = f"{event.at} is outside the run ({s.run.start} to {end})"
        issues.append((("events", name, "at"), msg))
    for key in ("after", "before"):
        date = getattr(event, key)
        if date is not None and not s.run.start <= date <= end:
            msg = f"{date} is outside the run ({s.run.start} to {end})"
            issues.append((("events", name, key), msg))
    if event.when is not None and (problem := condition_problem(s, event.when)):
        issues.append((("events", name, "when"), problem))
    if issues:
        return issues
    steps = firing_steps(s, event)
    if event.trigger == "repeating" and not steps:
        msg = (
            f"the window from {event.after or s.run.start} to {event.before or end} holds "
            "no step of the run; widen 'after'/'before'"
        )
        issues.append((("events", name, "every"), msg))
    if event.ramp is not None and steps and steps[-1] + event.ramp - 1 > s.run.steps:
        start, stop = steps[-1], steps[-1] + event.ramp - 1
        fit = s.run.steps - start + 1
        which = "the ramp" if len(steps) == 1 else "the ramp of the last firing"
        msg = (
            f"{which} runs from step {start} to step {stop}, past the run's last step "
            f"({s.run.steps}); expected at most {fit} step{'s' if fit != 1 else ''}"
        )
        issues.append((("events", name, "ramp"), msg))
    return issues


def _changes(s: Scenario, name: str, event: Event) -> list[Issue]:
    issues: list[Issue] = []
    temporary = event.duration is not None or event.decay is not None
    for op in ("set", "add"):
        for path, value in getattr(event, op).items():
            here = ("events", name, op, path)
            try:
                targets = [target for _, target in parse_targets(s, path)]
            except ValueError as exc:
                issues.append((here, str(exc).removeprefix(f"'{path}': ")))
                continue
            target = targets[0]
            if target.kind == "dyad" and target.name == "relation":
                if temporary:
                    msg = (
                        "a relation shock cannot have a duration or decay: relations move "
                        "by themselves after a shock; make a separate event instead"
                    )
                    issues.append((here, msg))
                if event.ramp is not None:
                    msg = (
                        "a relation shock cannot be ramped: relations move by themselves; "
                        "ramp the drivers (ties, disputes, irritants) instead"
                    )
                    issues.append((here, msg))
            lo, hi = bounds(target)
            # An 'add' may overshoot and is clipped; a 'set' states the value meant.
            if op == "set" and not lo <= value <= hi:
                msg = f"must be between {number(lo)} and {number(hi)}, got {number(value)}"
                if hi == float("inf"):
                    msg = f"must be at least {number(lo)}, got {number(value)}"
                issues.append((here, msg))
    return issues
