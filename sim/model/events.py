"""Events: the scenario's timeline as the model applies it, step by step, per replicate.

Four triggers (docs/scenarios.md, "events"):

- scheduled (``at`` a date or ``step``): fires in every replicate at that step (never, if
  that step is after the run's last: such an event is kept and noted, not refused);
- conditional (``when``): fires in a replicate the first step its condition holds there,
  or every time the condition becomes true again with ``repeat``;
- random (``probability``): fires in a replicate with that chance each step, again and
  again unless ``repeat: false``;
- repeating (``every: K``): fires in every replicate at the first step of its window and
  every K steps after it.

Conditional, random and repeating events may be confined to a window (``after``,
``before``). A change is permanent, or undone ``duration`` steps later, or fades with
half-life ``decay`` steps: what was added is taken away again (by shifting back, so changes
that overlap add up and unwind correctly). With ``ramp: N`` a change is spread over N
steps from the one it fires on: an ``add`` in N equal parts, a ``set`` as N equal parts of
the distance from the value it found to the value it sets (so other changes during the
ramp add on top). Paths that name a group of actors were expanded to the members' targets
by :func:`sim.scenario.groups.parse_targets`. Every firing is logged with its step and the
replicates it fired in (a ramp once, at its first step).

Random events draw from their own stream per event (derived from the run's seed and the
event's name), so adding an event to a what-if leaves every other random number as it
was: scenarios compared on the same seed share their noise.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.conditions import holds as condition_holds
from sim.scenario import Scenario, event_step
from sim.scenario.calendar import date_step
from sim.scenario.grammar import Condition, parse_condition
from sim.scenario.groups import parse_targets
from sim.scenario.paths import Target

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel

#: A decaying change whose remainder falls below this is finished.
NEGLIGIBLE = 1e-6


@dataclass(frozen=True)
class Change:
    """One assignment of an event: set or add a value at a target."""

    path: str
    target: Target
    op: str
    value: float

    @property
    def on_relation(self) -> bool:
        return self.target.kind == "dyad" and self.target.name == "relation"


@dataclass
class Rule:
    """An event of the scenario, ready to fire: its trigger, window and changes."""

    name: str
    trigger: str
    changes: list[Change]
    step: int = 0  # scheduled
    condition: Condition | None = None  # conditional
    probability: float = 0.0  # random
    every: int = 0  # repeating
    first: int = 1  # window, in steps (inclusive)
    last: int = 10**9
    repeats: bool = False
    duration: int | None = None
    decay: float | None = None
    ramp: int | None = None
    rng: np.random.Generator | None = None
    fired: np.ndarray | None = None  # (R,) fired at least once
    was_true: np.ndarray | None = None  # (R,) the condition held last step


@dataclass
class Temporary:
    """A change that will be undone or fade: what it added in each replicate."""

    target: Target
    added: np.ndarray  # (R,) the amount actually added (0 where it did not fire)
    fired_at: int
    duration: int | None
    decay: float | None
    remaining: np.ndarray = None  # type: ignore[assignment]  # what is still to unwind

    def __post_init__(self) -> None:
        if self.remaining is None:
            self.remaining = self.added.copy()


@dataclass
class Ramp:
    """A change being spread over steps: the part still to add at each of them.

    ``part`` is one step's share per replicate (0 where the event did not fire); the parts
    go in at steps ``first`` .. ``first + steps - 1``.
    """

    target: Target
    part: np.ndarray  # (R,)
    first: int
    steps: int


@dataclass(frozen=True)
class ModelState:
    """What a condition reads of the model during a run."""

    relations: np.ndarray
    world: Any
    step: int
    bounds: Any


def _window_step(scenario: Scenario, date: Any, default: int) -> int:
    return default if date is None else date_step(scenario, date)


def _event_rng(seed: int | np.random.SeedSequence, name: str) -> np.random.Generator:
    """The random stream of one event: the run's seed, extended by the event's name."""
    base = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    key = (*base.spawn_key, 2, zlib.crc32(name.encode("utf-8")))
    return np.random.default_rng(np.random.SeedSequence(base.entropy, spawn_key=key))


def build_rules(
    scenario: Scenario, replicates: int, seed: int | np.random.SeedSequence
) -> list[Rule]:
    """The scenario's events as rules, in the order the scenario lists them."""
    rules = []
    for name, event in scenario.events.items():
        changes = [
            Change(member_path, target, op, float(value))
            for op in ("set", "add")
            for path, value in getattr(event, op).items()
            for member_path, target in parse_targets(scenario, path)
        ]
        rule = Rule(
            name=name,
            trigger=event.trigger,
            changes=changes,
            repeats=event.repeats,
            duration=event.duration,
            decay=event.decay,
            ramp=event.ramp,
            every=event.every or 0,
            first=_window_step(scenario, event.after, 1),
            # 'before' is exclusive: the last step is the one before the step holding it.
            last=_window_step(scenario, event.before, 10**9 + 1) - 1,
            fired=np.zeros(replicates, dtype=bool),
            was_true=np.zeros(replicates, dtype=bool),
        )
        if event.trigger == "scheduled":
            rule.step = event_step(scenario, event)
        elif event.trigger == "conditional":
            rule.condition = parse_condition(event.when or "", scenario)
        else:
            rule.probability = float(event.probability or 0.0)
            rule.rng = _event_rng(seed, name)
        rules.append(rule)
    return rules


class Timeline:
    """The events of one model: which fire when, the changes still unwinding, the log."""

    def __init__(
        self, scenario: Scenario, replicates: int, seed: int | np.random.SeedSequence
    ) -> None:
        self.scenario = scenario
        self.replicates = replicates
        self.rules = build_rules(scenario, replicates, seed)
        self.temporary: list[Temporary] = []
        self.ramps: list[Ramp] = []
        #: Every firing: (event name, step, indices of the replicates it fired in).
        self.log: list[tuple[str, int, np.ndarray]] = []

    def fork(self, source: int, replicates: int, seed: int | np.random.SeedSequence) -> Timeline:
        """The timeline of replicate ``source``, going on in ``replicates`` replicates.

        Every replicate of the fork starts where replicate ``source`` is: which events have
        fired, which conditions held at the last step, which temporary changes are still
        unwinding and by how much. Random events draw from fresh streams derived from
        ``seed``; the log starts empty (it records what the fork does).
        """
        fork = Timeline(self.scenario, replicates, seed)
        for mine, theirs in zip(self.rules, fork.rules, strict=True):
            theirs.fired = np.repeat(mine.fired[source : source + 1], replicates)
            theirs.was_true = np.repeat(mine.was_true[source : source + 1], replicates)
        fork.temporary = [
            replace(
                temp,
                added=np.repeat(temp.added[source : source + 1], replicates),
                remaining=np.repeat(temp.remaining[source : source + 1], replicates),
            )
            for temp in self.temporary
        ]
        fork.ramps = [
            replace(ramp, part=np.repeat(ramp.part[source : source + 1], replicates))
            for ramp in self.ramps
        ]
        return fork

    def fire(self, model: AlignmentModel) -> bool:
        """Apply this step's events to the model; True if the world changed."""
        step = model.steps
        changed = self._unwind(model, step)
        changed |= self._ramp(model, step)
        for rule in self.rules:
            mask = self._fires(rule, model, step)
            if mask is None or not mask.any():
                continue
            rule.fired |= mask
            self.log.append((rule.name, step, np.flatnonzero(mask).astype(np.int32)))
            for change in rule.changes:
                changed |= self._apply(model, rule, change, mask, step)
        return changed

    def _fires(self, rule: Rule, model: AlignmentModel, step: int) -> np.ndarray | None:
        """Where the rule fires this step (an (R,) mask), or None."""
        if rule.trigger == "scheduled":
            return np.ones(self.replicates, dtype=bool) if rule.step == step else None
        in_window = rule.first <= step <= rule.last
        if rule.trigger == "repeating":
            due = in_window and (step - rule.first) % rule.every == 0
            return np.ones(self.replicates, dtype=bool) if due else None
        if rule.trigger == "random":
            assert rule.rng is not None
            # Draw every step, in or out of the window, so a replicate's draws do not
            # depend on the window or on earlier firings.
            draws = rule.rng.random(self.replicates)
            if not in_window:
                return None
            mask = draws < rule.probability
            return mask if rule.repeats else mask & ~rule.fired
        assert rule.condition is not None
        holds = condition_holds(
            rule.condition, ModelState(model.relations, model.world, step, model.spec.bands)
        )
        holds = holds & in_window
        # With repeat, each time it becomes true; without, the first time only.
        mask = holds & ~(rule.was_true if rule.repeats else rule.fired)
        rule.was_true = holds
        return mask

    def _apply(
        self, model: AlignmentModel, rule: Rule, change: Change, mask: np.ndarray, step: int
    ) -> bool:
        """Apply one change where the mask is true; remember it if it is temporary."""
        if change.on_relation:
            model.shock_relation(change.target.i, change.target.j, change.op, change.value, mask)
            return False
        world = model.world
        before = np.broadcast_to(world.value(change.target), mask.shape).copy()
        if rule.ramp is not None:
            # A set ramp covers the distance from the value it found, in equal parts.
            total = np.full(mask.shape, change.value)
            if change.op == "set":
                total = change.value - before
            ramp = Ramp(change.target, np.where(mask, total / rule.ramp, 0.0), step, rule.ramp)
            self.ramps.append(ramp)
            world.apply(ramp.target, "add", ramp.part, mask)
            return True
        world.apply(change.target, change.op, change.value, mask)
        if rule.duration is not None or rule.decay is not None:
            after = np.broadcast_to(world.value(change.target), mask.shape)
            added = np.where(mask, after - before, 0.0)
            self.temporary.append(Temporary(change.target, added, step, rule.duration, rule.decay))
        return True

    def _ramp(self, model: AlignmentModel, step: int) -> bool:
        """Add this step's part of every ramp begun on an earlier step; True if any moved."""
        changed = False
        still = []
        for ramp in self.ramps:
            if ramp.first < step < ramp.first + ramp.steps:
                model.world.apply(ramp.target, "add", ramp.part, ramp.part != 0)
                changed = True
            if step < ramp.first + ramp.steps - 1:
                still.append(ramp)
        self.ramps = still
        return changed

    def _unwind(self, model: AlignmentModel, step: int) -> bool:
        """Undo expired changes and let decaying ones fade; True if anything moved."""
        changed = False
        still = []
        for temp in self.temporary:
            elapsed = step - temp.fired_at
            if temp.duration is not None:
                if elapsed < temp.duration:
                    still.append(temp)
                    continue
                take = temp.remaining
                temp.remaining = np.zeros_like(take)
            else:
                assert temp.decay is not None
                left = temp.added * 0.5 ** (elapsed / temp.decay)
                if np.abs(left).max() < NEGLIGIBLE:
                    left = np.zeros_like(left)
                take = temp.remaining - left
                temp.remaining = left
                if np.abs(left).max() > 0:
                    still.append(temp)
            if np.any(take != 0):
                model.world.apply(temp.target, "add", -take, take != 0)
                changed = True
        self.temporary = still
        return changed
