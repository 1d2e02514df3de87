"""What an ensemble keeps of its chunks: summaries in memory, histories where they are.

An :class:`Ensemble` holds, for every sweep point, what the results need without every
history in memory: the relations of every replicate at the start and the end (R x D
floats), the per-step relation histograms summed over chunks (for the relation-over-time
bands in any record mode), the parameter values each replicate ran with, and every event
firing (event, step, replicate). The
recorded histories stay where they are: in memory for :func:`sim.run` (a notebook's
ensemble), in the chunk files of a run folder for the command line, read one chunk at a
time only when ``trajectories.parquet`` is written (:meth:`Ensemble.history_chunks`).

:meth:`Ensemble.point` gives a model-like view of one point (``actor_ids``, ``dyads``,
``dates``, ``history``, ``histograms``, ``starts``, ``ends`` ...) that the results,
figures and report read; :meth:`Ensemble.from_model` wraps a single finished
:class:`~sim.model.model.AlignmentModel` the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from sim.experiment.tasks import ChunkKey, ChunkResult, seed_record
from sim.model.model import HISTOGRAM_EDGES, AlignmentModel
from sim.model.world import capability_shares
from sim.results.events import firings_from_log
from sim.results.histograms import histograms_from_history
from sim.results.views import EventFirings
from sim.scenario import Scenario, add_months


@dataclass
class PointSummary:
    """One sweep point (the whole ensemble when there is no sweep)."""

    index: int
    values: dict[str, float]
    replicates: int
    dyads: int
    steps: int
    bins: int
    starts: np.ndarray = field(init=False)
    ends: np.ndarray = field(init=False)
    histograms: np.ndarray = field(init=False)
    parameters: dict[str, np.ndarray] = field(default_factory=dict)
    done: np.ndarray = field(init=False)
    firings: dict[int, EventFirings] = field(default_factory=dict)
    """First replicate of a chunk -> that chunk's event firings (ensemble numbering)."""

    def __post_init__(self) -> None:
        self.starts = np.full((self.replicates, self.dyads), np.nan)
        self.ends = np.full((self.replicates, self.dyads), np.nan)
        self.histograms = np.zeros((self.steps + 1, self.dyads, self.bins), dtype=np.int64)
        self.done = np.zeros(self.replicates, dtype=bool)

    def add(self, result: ChunkResult) -> None:
        sl = slice(result.start, result.start + result.count)
        if self.done[sl].any():
            raise ValueError(f"{result.key} was collected twice")
        self.starts[sl] = result.history[0]
        self.ends[sl] = result.history[-1]
        self.histograms += result.histograms
        for path, values in result.parameters.items():
            if path not in self.parameters:
                self.parameters[path] = np.full(self.replicates, np.nan)
            self.parameters[path][sl] = values
        self.firings[result.start] = {
            name: np.asarray(rows, dtype=np.int32).reshape(-1, 2)
            for name, rows in result.events.items()
        }
        self.done[sl] = True

    def event_firings(self, names: Sequence[str] = ()) -> EventFirings:
        """Every firing of every event: name -> (K, 2) int32 (step, replicate) rows.

        Chunks are joined in replicate order (whatever order they finished in), so the
        result does not depend on the backend. Events come in the order of ``names``
        (the scenario's), with an entry (possibly empty) for each, then any other event
        that fired.
        """
        order = list(dict.fromkeys([*names, *(n for f in self.firings.values() for n in f)]))
        out: EventFirings = {}
        for name in order:
            parts = [
                self.firings[start][name]
                for start in sorted(self.firings)
                if name in self.firings[start]
            ]
            out[name] = np.concatenate(parts, axis=0) if parts else np.empty((0, 2), dtype=np.int32)
        return out

    @property
    def complete(self) -> bool:
        return bool(self.done.all())


class Ensemble:
    """The summaries of a finished (or partly finished) ensemble, and where its histories are.

    ``history_source(key)`` returns the (S, count, D) history of a chunk (from memory or
    from a chunk file); chunks are in point-major order.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        replicates: int,
        seed: int,
        chunk_size: int,
        record: str,
        recorded_steps: Sequence[int],
        points: Sequence[dict[str, float]],
        sweep_keys: Sequence[str] = (),
        sampling: dict[str, Any] | None = None,
    ) -> None:
        self.spec = scenario
        self.replicates = int(replicates)
        self.seed = int(seed)
        self.chunk_size = int(chunk_size)
        self.record = record
        self.recorded_steps = [int(s) for s in recorded_steps]
        self.sweep_keys = list(sweep_keys)
        self.sampling = sampling or {}
        self.actor_ids = list(scenario.actors)
        self.event_names = [str(name) for name in getattr(scenario, "events", None) or {}]
        """The scenario's events, in its order (the order of event tables)."""
        self.actor_names = [a.name for a in scenario.actors.values()]
        self.sizes = np.asarray(capability_shares(scenario.actors), dtype=np.float64)
        self.dyads = list(combinations(range(len(self.actor_ids)), 2))
        run = scenario.run
        self.steps = int(run.steps)
        self.dates = [add_months(run.start, k * run.step_months) for k in range(self.steps + 1)]
        self.edges = np.asarray(HISTOGRAM_EDGES, dtype=np.float64)
        self.points = [
            PointSummary(
                k, dict(p), self.replicates, len(self.dyads), self.steps, len(self.edges) - 1
            )
            for k, p in enumerate(points)
        ]
        self.histories: dict[ChunkKey, np.ndarray] = {}
        """Chunk histories kept in memory (the notebook case)."""
        self.history_loader: Callable[[ChunkKey], np.ndarray] | None = None
        """Reads a chunk's history from where it is stored (the run-folder case)."""

    # ------------------------------------------------------------------ collecting

    @property
    def chunks_per_point(self) -> int:
        return -(-self.replicates // self.chunk_size)

    @property
    def keys(self) -> list[ChunkKey]:
        n = self.chunks_per_point
        return [ChunkKey(p, c) for p in range(len(self.points)) for c in range(n)]

    def add(self, result: ChunkResult, keep_history: bool = False) -> None:
        """Take in one chunk's result (its history too if ``keep_history``)."""
        steps = [int(s) for s in result.recorded_steps]
        if steps != self.recorded_steps:
            raise ValueError(f"{result.key}: recorded steps {steps[:4]}... do not match")
        self.points[result.key.point].add(result)
        if keep_history:
            self.histories[result.key] = result.history

    @property
    def complete(self) -> bool:
        return all(p.complete for p in self.points)

    @property
    def is_sweep(self) -> bool:
        return bool(self.sweep_keys)

    @property
    def seeds(self) -> dict[str, Any]:
        """The seed scheme and every chunk's seed (the manifest's ``seeds``)."""
        return seed_record(self.seed, self.chunks_per_point)

    # ------------------------------------------------------------------ reading

    def chunk_history(self, key: ChunkKey) -> np.ndarray:
        if key in self.histories:
            return self.histories[key]
        if self.history_loader is None:
            raise LookupError(f"the history of {key} is not available")
        return self.history_loader(key)

    def history_chunks(
        self, point: int | None = None
    ) -> Iterator[tuple[ChunkKey, int, np.ndarray]]:
        """(key, first replicate, (S, count, D) history) of every chunk, in order."""
        for key in self.keys:
            if point is not None and key.point != point:
                continue
            yield key, key.chunk * self.chunk_size, self.chunk_history(key)

    def point(self, index: int = 0) -> PointView:
        """A model-like view of one sweep point."""
        return PointView(self, index)

    @classmethod
    def from_model(cls, model: AlignmentModel) -> Ensemble:
        """Wrap one finished model (an AlignmentModel, or a test's stand-in with its
        attributes)."""
        history = np.asarray(model.history, dtype=np.float64)
        steps = list(getattr(model, "recorded_steps", range(history.shape[0])))
        spec = model.spec
        replicates = history.shape[1]
        seed = model.seed
        entropy = seed.entropy if isinstance(seed, np.random.SeedSequence) else seed
        ens = cls(
            spec,
            replicates=replicates,
            seed=int(entropy),  # type: ignore[arg-type]
            chunk_size=max(replicates, 1),
            record=getattr(model, "record", None) or _record_of(steps, int(spec.run.steps)),
            recorded_steps=steps,
            points=[{}],
        )
        # the model's own attributes win over the scenario's (a fake or edited model)
        ens.actor_ids = list(model.actor_ids)
        ens.actor_names = list(model.actor_names)
        ens.sizes = np.asarray(model.sizes, dtype=np.float64)
        ens.dyads = [tuple(d) for d in model.dyads]
        ens.dates = list(model.dates)
        ens.model_seed = seed
        hists = getattr(model, "histograms", None)
        if hists is None:
            if len(steps) != int(spec.run.steps) + 1:
                raise ValueError("a model without histograms must record every step")
            hists = histograms_from_history(history)
        result = ChunkResult(
            key=ChunkKey(0, 0),
            start=0,
            count=replicates,
            recorded_steps=np.asarray(steps, dtype=np.int32),
            history=history,
            histograms=np.asarray(hists),
            parameters={},
            events=firings_from_log(getattr(model, "event_log", None) or ()),
        )
        ens.points = [
            PointSummary(0, {}, replicates, len(ens.dyads), len(ens.dates) - 1, len(ens.edges) - 1)
        ]
        ens.add(result, keep_history=True)
        return ens


def _record_of(steps: Sequence[int], total: int) -> str:
    if list(steps) == list(range(total + 1)):
        return "full"
    if list(steps) == [0, total]:
        return "outcomes"
    if len(steps) > 1:
        return f"steps:{steps[1] - steps[0]}"
    return "full"


class PointView:
    """One sweep point of an ensemble, with the attributes of a finished model (what
    :class:`sim.results.views.EnsemblePoint` says the results read)."""

    def __init__(self, ensemble: Ensemble, index: int) -> None:
        self.ensemble = ensemble
        self.index = index
        self.summary = ensemble.points[index]

    # the model's descriptive attributes
    spec = property(lambda self: self.ensemble.spec)
    actor_ids = property(lambda self: self.ensemble.actor_ids)
    actor_names = property(lambda self: self.ensemble.actor_names)
    sizes = property(lambda self: self.ensemble.sizes)
    dyads = property(lambda self: self.ensemble.dyads)
    dates = property(lambda self: self.ensemble.dates)
    recorded_steps = property(lambda self: self.ensemble.recorded_steps)
    replicates = property(lambda self: self.ensemble.replicates)
    record = property(lambda self: self.ensemble.record)

    @property
    def seed(self) -> Any:
        return getattr(self.ensemble, "model_seed", self.ensemble.seed)

    @property
    def values(self) -> dict[str, float]:
        """The swept values of this point ({} without a sweep)."""
        return self.summary.values

    @property
    def starts(self) -> np.ndarray:
        return self.summary.starts

    @property
    def ends(self) -> np.ndarray:
        return self.summary.ends

    @property
    def histograms(self) -> np.ndarray:
        return self.summary.histograms

    @property
    def edges(self) -> np.ndarray:
        return self.ensemble.edges

    @property
    def parameters(self) -> dict[str, np.ndarray]:
        return self.summary.parameters

    @property
    def event_names(self) -> list[str]:
        """The scenario's events, in its order."""
        return self.ensemble.event_names

    @property
    def event_firings(self) -> EventFirings:
        """Event name -> (K, 2) int32 (step, replicate) rows of every firing; every
        scenario event has an entry (empty if it never fired)."""
        return self.summary.event_firings(self.ensemble.event_names)

    @property
    def history(self) -> np.ndarray:
        """(S, R, D): every recorded relation (assembled from the chunks; may be large)."""
        parts = [h for _, _, h in self.ensemble.history_chunks(self.index)]
        return np.concatenate(parts, axis=1)

    def relations_at(self, step: int) -> np.ndarray:
        """The (R, N, N) symmetric relation matrix at a recorded step."""
        steps = self.recorded_steps
        if step < 0:
            step += self.ensemble.steps + 1
        if step == 0:
            kept = self.starts
        elif step == self.ensemble.steps:
            kept = self.ends
        elif step in steps:
            kept = self.history[steps.index(step)]
        else:
            raise ValueError(f"step {step} was not recorded (record mode {self.record})")
        n = len(self.actor_ids)
        rows = np.array([i for i, _ in self.dyads], dtype=np.intp)
        cols = np.array([j for _, j in self.dyads], dtype=np.intp)
        out = np.zeros((kept.shape[0], n, n))
        out[:, rows, cols] = kept
        out[:, cols, rows] = kept
        return out
