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

from collections.abc import Callable, Mapping
from itertools import combinations

import mesa
import numpy as np

from sim.model import kernel
from sim.model.agents import StateAgent
from sim.model.events import Timeline
from sim.model.streams import stream_keys
from sim.model.trade import trade_moves
from sim.model.world import (
    World,
    build_world,
    capability_shares,
    combine,
    initial_relations,
)
from sim.scenario import Scenario, add_months
from sim.scenario.paths import parse_target

Seed = int | np.random.SeedSequence

#: Bin edges of the per-step relation histograms: 81 bins of width 0.025 centred on
#: -1, -0.975, ..., 1, so relations on the 0.05 lattice of moves sit at bin centres.
HISTOGRAM_EDGES = np.linspace(-1.0125, 1.0125, 82)
_BIN_WIDTH = HISTOGRAM_EDGES[1] - HISTOGRAM_EDGES[0]


def histogram_bins(relations: np.ndarray) -> np.ndarray:
    """The bin of :data:`HISTOGRAM_EDGES` of every relation (an intp array of the same
    shape); values outside the edges count in the end bins. The one binning of relations:
    the model's histograms and :mod:`sim.results.histograms` both use it."""
    index = ((np.asarray(relations, dtype=np.float64) + 1.0125) / _BIN_WIDTH).astype(np.intp)
    return np.clip(index, 0, len(HISTOGRAM_EDGES) - 2)


RECORD_MODES = "full, steps:K (K >= 1) or outcomes"
"""The record modes: what is kept of every replicate's relations."""


def check_record(record: str) -> str:
    """A record mode, checked: 'full', 'steps:K' (K a whole number >= 1) or 'outcomes'.

    Raises ValueError naming the accepted forms otherwise. The one parser of record modes
    (the engine, the command line and the report use it).
    """
    prefix, _, every = record.partition(":")
    if record in ("full", "outcomes") or (
        prefix == "steps" and every.isdigit() and int(every) >= 1
    ):
        return record
    raise ValueError(f"record mode '{record}': expected {RECORD_MODES}")


def recorded_steps(record: str, steps: int) -> list[int]:
    """The steps whose relations are kept per replicate under a record mode.

    'full': every step; 'steps:K': every K-th step and the last; 'outcomes': the start
    and the end only.
    """
    check_record(record)
    if record == "full":
        return list(range(steps + 1))
    if record == "outcomes":
        return [0, steps]
    kept = list(range(0, steps + 1, int(record.partition(":")[2])))
    return kept if kept[-1] == steps else [*kept, steps]


def describe_record(record: str) -> str:
    """What a record mode keeps, in words (for reports)."""
    if check_record(record) == "full":
        return "every step (full)"
    if record == "outcomes":
        return "start and end (outcomes)"
    return f"every {record.partition(':')[2]}th step and the end ({record})"


class AlignmentModel(mesa.Model):
    """States moving their relations under the drivers of Bulletin 250, for R replicates.

    ``parameters`` maps parameter paths (``actors.CHN.assertiveness``, ``model.temperature``,
    ``dyads.RUS-JPN.relation`` ...) to a value for every replicate or an array with one
    value per replicate; they are applied on top of the scenario before step 0.

    After ``run()``: ``history`` (len(recorded_steps), R, D) holds the relation of every
    dyad in ``dyads`` (pairs i < j) at each recorded step; ``histograms`` (T+1, D, B)
    counts the replicates per relation bin (``HISTOGRAM_EDGES``) at every step, whatever
    the record mode; ``dates`` holds the date of every step.
    """

    def __init__(
        self,
        scenario: Scenario,
        replicates: int | None = None,
        seed: Seed | None = None,
        parameters: Mapping[str, float | np.ndarray] | None = None,
        record: str = "full",
    ) -> None:
        seed = scenario.run.seed if seed is None else seed
        if not isinstance(seed, np.random.SeedSequence):
            seed = int(seed)
        super().__init__(rng=seed)
        # Mesa 3.5 reserves `scenario` for its own Scenario class, so ours is the spec.
        self.spec = scenario
        self.seed = seed
        self.replicates = int(replicates or scenario.run.replicates)
        self.world: World = build_world(scenario)
        self.actor_ids = list(scenario.actors)
        self.actor_names = [a.name for a in scenario.actors.values()]
        self.sizes = capability_shares(scenario.actors)
        n, r = len(self.actor_ids), self.replicates
        self.dyads = list(combinations(range(n), 2))
        self._dyad_rows = np.array([i for i, _ in self.dyads], dtype=int)
        self._dyad_cols = np.array([j for _, j in self.dyads], dtype=int)
        self.relations = np.broadcast_to(initial_relations(scenario), (r, n, n)).copy()
        self.apply_parameters(parameters or {})
        # Trade follows relations from where they start (sim.model.trade).
        self.world.relation_anchor = self.relations.copy()
        #: Each replicate's random stream (sim.model.streams), drawn once from the seed.
        self.keys = stream_keys(self.rng, r)
        #: What the decision of a step was made of, (R, N, N) each: p_ij, alpha_ij (each
        #: state's autonomy cost toward each other: the refusal to take sides, relaxed by
        #: shared threat), the uniform number of the logit draw and the move (the change
        #: of r_ij that i makes). Kept only on steps with decision observers, for them to
        #: read (the kernel otherwise keeps them in per-thread scratch); empty before.
        self.propensity = self.autonomy = self.uniforms = self.moves = np.zeros((0, n, n))
        self._inputs: kernel.StepInputs | None = None
        #: The extension point between choice and resolution. Each observer is called with
        #: the model every step, after the states have chosen their moves and before the
        #: moves are resolved. It may read everything the decision used (``propensity``,
        #: ``autonomy``, ``uniforms``, ``relations``, ``world``, ``moves``) and may
        #: overwrite entries of ``moves``; it must not change the relations or the world
        #: (that is what :meth:`apply_change` between steps is for).
        #: Its users: sim.analysis.explain reads the decisions of a step;
        #: sim.workshop.adjudication replaces the moves of team-played states. Append an
        #: observer before ``step()`` and remove it after.
        self.decision_observers: list[Callable[[AlignmentModel], None]] = []
        self.timeline = Timeline(scenario, r, seed)
        total = scenario.run.steps
        self.dates = [
            add_months(scenario.run.start, k * scenario.run.step_months) for k in range(total + 1)
        ]
        self.recorded_steps = recorded_steps(record, total)
        self._slot = {step: k for k, step in enumerate(self.recorded_steps)}
        self.history = np.empty((len(self.recorded_steps), r, len(self.dyads)))
        self.histograms = np.zeros(
            (total + 1, len(self.dyads), len(HISTOGRAM_EDGES) - 1), dtype=np.int32
        )
        for index, (actor_id, name) in enumerate(
            zip(self.actor_ids, self.actor_names, strict=True)
        ):
            StateAgent(self, index, actor_id, name)
        self.record()

    def step(self) -> None:
        """One quarter: events land, states perceive and choose their moves, relations
        respond, and trade follows them (the compiled kernel, sim.model.kernel)."""
        self.apply_events()
        if self._inputs is None:
            self._inputs = kernel.prepare(self.world)
        trade = self._trade_moves()
        observed = bool(self.decision_observers)
        if observed and self.moves.shape[0] != self.replicates:
            self.propensity, self.autonomy, self.uniforms, self.moves = (
                np.zeros(self.relations.shape) for _ in range(4)
            )
        world = self.world
        n = len(self.actor_ids)
        base = world.trade_base if world.trade_base is not None else np.zeros((1, n, n))
        anchor = world.relation_anchor if world.relation_anchor is not None else base

        def run(mode: int) -> np.ndarray | None:
            return kernel.advance(
                mode,
                self.relations,
                world.interdependence,
                trade,
                base,
                anchor,
                self._inputs,
                self.keys,
                self.steps,
                (self.propensity, self.autonomy, self.uniforms, self.moves),
                float(HISTOGRAM_EDGES[0]),
                float(_BIN_WIDTH),
                len(HISTOGRAM_EDGES) - 1,
            )

        if observed:
            run(kernel.DECIDE)
            for observe in self.decision_observers:
                observe(self)
            counts = run(kernel.SETTLE)
        else:
            counts = run(kernel.FUSED)
        self._record_step(self.steps, counts=counts)

    def run(self, progress: Callable[[int, int], None] | None = None) -> AlignmentModel:
        """Run every remaining step of the scenario; report (done, total) after each."""
        total = self.spec.run.steps
        while self.steps < total:
            self.step()
            if progress is not None:
                progress(self.steps, total)
        return self

    def apply_parameters(self, parameters: Mapping[str, float | np.ndarray]) -> None:
        """Set parameters (one value, or one per replicate) before the run starts."""
        for path, value in parameters.items():
            values = np.asarray(value, dtype=float)
            if values.ndim not in (0, 1) or (values.ndim == 1 and len(values) != self.replicates):
                raise ValueError(
                    f"parameter {path}: expected one value or {self.replicates}, got shape "
                    f"{values.shape}"
                )
            target = parse_target(self.spec, path)
            if target.kind == "dyad" and target.name == "relation":
                self.shock_relation(target.i, target.j, "set", values)
            else:
                self.world.apply(target, "set", values)

    def apply_events(self) -> None:
        """Fire this step's events (self.steps is already the new step)."""
        if self.timeline.fire(self):
            self._inputs = None  # the world changed: recompute what the kernel reads of it

    @property
    def event_log(self) -> list[tuple[str, int, np.ndarray]]:
        """Every event firing: (event name, step, indices of the replicates it fired in)."""
        return self.timeline.log

    def apply_change(
        self, path: str, op: str, value: float | np.ndarray, mask: np.ndarray | None = None
    ) -> None:
        """Change a parameter between steps (set or add), as an event would.

        For a workshop's inject or a team's order: ``path`` is any parameter path
        (docs/scenarios.md); ``dyads.A-B.relation`` shocks the relation itself.
        """
        target = parse_target(self.spec, path)
        if target.kind == "dyad" and target.name == "relation":
            self.shock_relation(target.i, target.j, op, value, mask)
        else:
            self.world.apply(target, op, value, mask)
            self._inputs = None  # the world changed: recompute what the kernel reads of it

    def shock_relation(
        self, i: int, j: int, op: str, value: float | np.ndarray, mask: np.ndarray | None = None
    ) -> None:
        """Set or shift the relation of pair (i, j) (an event's shock or a parameter).

        With ``mask``, only in the replicates where it is true.
        """
        old = self.relations[:, i, j]
        new = combine(old, op, value, -1.0, 1.0)
        if mask is not None:
            new = np.where(mask, new, old)
        self.relations[:, i, j] = self.relations[:, j, i] = new

    def reseed(self, seed: Seed) -> None:
        """Draw the random numbers of the steps to come from ``seed`` (a workshop's turn)."""
        self.rng = np.random.default_rng(seed)
        self.keys = stream_keys(self.rng, self.replicates)

    def _trade_moves(self) -> bool:
        """Whether trade follows relations this step (sim.model.trade.trade_moves).

        If it does, the world's interdependence becomes one (N, N) array per replicate,
        which the kernel moves in place.
        """
        world = self.world
        if not trade_moves(world):
            world.interdependence = np.ascontiguousarray(world.interdependence)
            return False
        shape = self.relations.shape
        e = world.interdependence
        if e.shape != shape or not (e.flags.c_contiguous and e.flags.writeable):
            world.interdependence = np.array(np.broadcast_to(e, shape), dtype=np.float64)
        return True

    def record(self) -> None:
        """Count every dyad's relation into this step's histogram; keep it if recorded."""
        self._record_step(self.steps)

    def _record_step(
        self, step: int, current: np.ndarray | None = None, counts: np.ndarray | None = None
    ) -> None:
        """Keep ``step``'s histogram and, if the step is recorded, its relations.

        ``current``: the dyads' relations (R, D), by default the model's now; ``counts``:
        the histogram when it is already counted (the kernel counts it as it steps).
        """
        if current is None and (counts is None or step in self._slot):
            current = self.relations[:, self._dyad_rows, self._dyad_cols]
        if counts is None:
            bins = self.histograms.shape[2]
            index = histogram_bins(current)
            index += np.arange(len(self.dyads)) * bins
            counts = np.bincount(index.ravel(), minlength=len(self.dyads) * bins)
            counts = counts.reshape(len(self.dyads), bins)
        self.histograms[step] = counts
        if step in self._slot:
            self.history[self._slot[step]] = current

    def fork(
        self, replicates: int, seed: Seed, source: int = 0, record: str = "full"
    ) -> AlignmentModel:
        """A new model that goes on from this one's current state with ``replicates`` replicates.

        Every replicate of the fork starts from replicate ``source`` of this model: its
        relations, its world (including changes made by events or by hand), the state of
        its events (which have fired, which temporary changes are unwinding) and its past
        relations; from here on the fork draws its own random numbers from ``seed``. A
        workshop uses it for the look-ahead fan: the game's single path, run forward a
        few hundred times.
        """
        fork = AlignmentModel(self.spec, replicates=replicates, seed=seed, record=record)
        fork.world = self.world.fork(source)
        fork.relations = np.repeat(self.relations[source : source + 1], replicates, axis=0)
        fork.timeline = self.timeline.fork(source, replicates, fork.seed)
        for step in range(self.steps + 1):
            if step in self._slot:
                past = self.history[self._slot[step], source : source + 1]
                fork._record_step(step, np.repeat(past, replicates, axis=0))
        # Only the step count: Mesa's clock drives the fork's own step schedule, which
        # must go on from where it is, one step per call.
        fork.steps = self.steps
        return fork

    def relations_at(self, step: int) -> np.ndarray:
        """The (R, N, N) symmetric relation matrix recorded at ``step``."""
        if step < 0:
            step += self.spec.run.steps + 1
        if step not in self._slot:
            raise ValueError(
                f"step {step} was not recorded (record mode keeps {self.recorded_steps[:3]}...)"
            )
        kept = self.history[self._slot[step]]
        n = len(self.actor_ids)
        out = np.zeros((self.replicates, n, n))
        out[:, self._dyad_rows, self._dyad_cols] = kept
        out[:, self._dyad_cols, self._dyad_rows] = kept
        return out
