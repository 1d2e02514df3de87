"""AlignmentModel: regional alignments among states, driven by the drivers of Bulletin 250.

East-West Center Asia Pacific Bulletin no. 250 (Blank, March 2014) explains the
Russia-Japan rapprochement by a shared apprehension of China, held back by the Kurils
and by US-Japan missile defence, helped by the 2+2 talks and economic engagement, and
bounded by Russia's refusal to take sides. Each state here weighs those drivers (threat
after Walt, structural balance after Heider, landscape propensities after Axelrod and
Bennett, external fields after Galam) and moves its relations step by step; see
docs/model.md for every equation.

One model carries R replicates: every relation and attribute has a leading replicate
axis and each state decides for all replicates at once, so an ensemble of ten thousand
runs is one model, not ten thousand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import combinations

import mesa
import numpy as np

from sim.agents import StateAgent
from sim.drivers import propensity
from sim.scenario import Scenario, add_months, event_step
from sim.world import (
    Target,
    World,
    build_world,
    capability_shares,
    combine,
    initial_relations,
    parse_target,
)

Change = tuple[str, Target, str, float]  # (event name, target, 'set' | 'add', value)


def timeline(scenario: Scenario) -> dict[int, list[Change]]:
    """The scenario's events as changes grouped by the step at which they apply."""
    changes: dict[int, list[Change]] = defaultdict(list)
    for name, event in scenario.events.items():
        step = event_step(scenario, event)
        for op in ("set", "add"):
            for path, value in getattr(event, op).items():
                changes[step].append((name, parse_target(scenario, path), op, float(value)))
    return dict(changes)


class AlignmentModel(mesa.Model):
    """States moving their relations under the drivers of Bulletin 250, for R replicates.

    After ``run()``: ``history`` (T+1, R, D) holds the relation of every dyad in
    ``dyads`` (pairs i < j) at every step; ``dates`` the date of every step.
    """

    def __init__(
        self, scenario: Scenario, replicates: int | None = None, seed: int | None = None
    ) -> None:
        seed = scenario.run.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        # Mesa 3.5 reserves `scenario` for its own Scenario class, so ours is the spec.
        self.spec = scenario
        self.seed = seed
        self.replicates = int(replicates or scenario.run.replicates)
        self.settings = scenario.model
        self.world: World = build_world(scenario)
        self.actor_ids = list(scenario.actors)
        self.actor_names = [a.name for a in scenario.actors.values()]
        self.sizes = capability_shares(scenario.actors)
        n, r = len(self.actor_ids), self.replicates
        self.dyads = list(combinations(range(n), 2))
        self._dyad_rows = np.array([i for i, _ in self.dyads], dtype=int)
        self._dyad_cols = np.array([j for _, j in self.dyads], dtype=int)
        self.relations = np.broadcast_to(initial_relations(scenario), (r, n, n)).copy()
        self.moves = np.zeros((r, n, n))
        self.propensity = np.zeros((r, n, n))
        self.uniforms = np.zeros((r, n, n))
        self.timeline = timeline(scenario)
        total = scenario.run.steps
        self.dates = [
            add_months(scenario.run.start, k * scenario.run.step_months) for k in range(total + 1)
        ]
        self.history = np.empty((total + 1, r, len(self.dyads)))
        for index, (actor_id, name) in enumerate(
            zip(self.actor_ids, self.actor_names, strict=True)
        ):
            StateAgent(self, index, actor_id, name)
        self.record()

    def step(self) -> None:
        """One quarter: events land, states perceive, choose moves, and relations respond."""
        self.apply_events()
        self.perceive()
        self.agents.do("choose_moves")
        self.resolve_moves()
        self.record()

    def run(self, progress: Callable[[int, int], None] | None = None) -> AlignmentModel:
        """Run every remaining step of the scenario; report (done, total) after each."""
        total = self.spec.run.steps
        while self.steps < total:
            self.step()
            if progress is not None:
                progress(self.steps, total)
        return self

    def apply_events(self) -> None:
        """Apply the changes scheduled for this step (self.steps is already the new step)."""
        for _name, target, op, value in self.timeline.get(self.steps, ()):
            if target.kind == "dyad" and target.name == "relation":
                self.shock_relation(target.i, target.j, op, value)
            else:
                self.world.apply(target, op, value)

    def shock_relation(self, i: int, j: int, op: str, value: float) -> None:
        """Set or shift the relation of pair (i, j) in every replicate (an event's shock)."""
        new = combine(self.relations[:, i, j], op, value, -1.0, 1.0)
        self.relations[:, i, j] = self.relations[:, j, i] = new

    def perceive(self) -> None:
        """Each state's propensity toward each other, from the drivers and current relations."""
        self.propensity = propensity(self.world, self.relations, self.settings.dispute_threat)
        # One uniform number per decision, drawn here in a fixed order so that the stream
        # does not depend on the order in which agents act.
        self.uniforms = self.rng.random(self.relations.shape)

    def resolve_moves(self) -> None:
        """Simultaneous moves: warming needs both sides, cooling needs only one."""
        change = np.minimum(self.moves, np.swapaxes(self.moves, 1, 2))
        self.relations = np.clip(self.relations + change, -1.0, 1.0)

    def record(self) -> None:
        """Store the current relation of every dyad in every replicate."""
        self.history[self.steps] = self.relations[:, self._dyad_rows, self._dyad_cols]

    def relations_at(self, step: int) -> np.ndarray:
        """The (R, N, N) symmetric relation matrix recorded at ``step``."""
        n = len(self.actor_ids)
        out = np.zeros((self.replicates, n, n))
        out[:, self._dyad_rows, self._dyad_cols] = self.history[step]
        out[:, self._dyad_cols, self._dyad_rows] = self.history[step]
        return out
