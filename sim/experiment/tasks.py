"""Chunks of work, their seeds, and the function a worker runs on one chunk.

The seed scheme (docs/performance.md; the manifest records it):

- replicate r of an ensemble belongs to chunk ``c = r // chunk_size``;
- the uncertain parameters of all replicates are drawn once, for the whole ensemble,
  from ``SeedSequence(entropy=seed, spawn_key=(0,))`` and then sliced per chunk (so the
  strata of a Latin hypercube span the ensemble, not one chunk);
- chunk c's dynamics use ``SeedSequence(entropy=seed, spawn_key=(1, c))``;
- every sweep point uses the same seeds (common random numbers): replicate r of one point
  and replicate r of another differ only by the point's parameter values.

So a result depends on the seed and the chunk size, never on the number of workers or
on the backend (serial, process pool, Dask): each chunk is computed by the same code
from the same inputs wherever it runs.

A task carries everything a worker needs (the scenario, the chunk's replicates, seed,
parameter values and record mode) and a result carries numpy arrays back to the driver,
which alone writes files (Dask workers on other machines cannot see its disk).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import platform
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiment.uncertainty import sample_parameters
from sim.model.model import AlignmentModel
from sim.results.events import firings_from_log
from sim.results.views import EventFirings
from sim.scenario import Scenario

PARAMETER_STREAM = 0
"""First spawn-key element of the parameter draws: SeedSequence(seed, spawn_key=(0,))."""
DYNAMICS_STREAM = 1
"""First spawn-key element of chunk c's dynamics: SeedSequence(seed, spawn_key=(1, c))."""

SEED_SCHEME = (
    "replicate r is in chunk c = r // chunk_size; parameter draws for all replicates: "
    "SeedSequence(entropy=seed, spawn_key=(0,)), sampled once and sliced per chunk; chunk "
    "c's dynamics: SeedSequence(entropy=seed, spawn_key=(1, c)); every sweep point uses "
    "the same seeds (common random numbers)"
)


def parameter_seed(seed: int) -> np.random.SeedSequence:
    """The seed of the parameter draws of the whole ensemble."""
    return np.random.SeedSequence(entropy=int(seed), spawn_key=(PARAMETER_STREAM,))


def chunk_seed(seed: int, chunk: int) -> np.random.SeedSequence:
    """The seed of chunk ``chunk``'s dynamics (the same for every sweep point)."""
    return np.random.SeedSequence(entropy=int(seed), spawn_key=(DYNAMICS_STREAM, int(chunk)))


def seed_record(seed: int, chunks: int) -> dict[str, Any]:
    """The seed scheme and the seed of every chunk, as a run's manifest records them."""
    return {
        "scheme": SEED_SCHEME,
        "parameters": {"entropy": int(seed), "spawn_key": [PARAMETER_STREAM]},
        "chunks": [
            {"chunk": c, "entropy": int(seed), "spawn_key": [DYNAMICS_STREAM, c]}
            for c in range(chunks)
        ],
    }


def chunk_bounds(replicates: int, chunk_size: int) -> list[tuple[int, int]]:
    """(start, stop) replicate ranges of the chunks: [0, size), [size, 2 size), ..."""
    if replicates < 1 or chunk_size < 1:
        raise ValueError("replicates and chunk_size must be >= 1")
    return [(s, min(s + chunk_size, replicates)) for s in range(0, replicates, chunk_size)]


def loaded_sim_modules() -> tuple[str, ...]:
    """The sim modules loaded in this process (after a chunk: the ones that compute it)."""
    return tuple(sorted(m for m in list(sys.modules) if m == "sim" or m.startswith("sim.")))


@functools.cache
def code_fingerprint(modules: tuple[str, ...]) -> str:
    """A digest of the source of ``modules`` (sim modules) and of the numpy version.

    A worker reports the fingerprint of the modules it used; the driver computes it
    over the same modules from its own files. Chunks from a worker whose code differs
    (another checkout or numpy on a Dask worker) are refused, since they would not be
    bit-identical.
    """
    h = hashlib.sha256(f"numpy {np.__version__}\0".encode())
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        h.update(name.encode() + b"\0")
        if origin and origin.endswith(".py") and os.path.exists(origin):
            h.update(Path(origin).read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


@dataclass(frozen=True, order=True)
class ChunkKey:
    """Which chunk: sweep point and chunk index (ordered point-major)."""

    point: int
    chunk: int

    @property
    def name(self) -> str:
        """The chunk's file stem, e.g. 'p0000-c000012'."""
        return f"p{self.point:04d}-c{self.chunk:06d}"

    def __str__(self) -> str:
        return f"point {self.point}, chunk {self.chunk}"


@dataclass
class ChunkTask:
    """One chunk of work: everything a worker needs, nothing it must read from disk."""

    scenario: Scenario
    key: ChunkKey
    start: int
    count: int
    seed: int
    record: str
    parameters: dict[str, Any] = field(default_factory=dict)
    """Path -> one value (a sweep point's) or an array of ``count`` (sampled values)."""

    @property
    def seed_sequence(self) -> np.random.SeedSequence:
        return chunk_seed(self.seed, self.key.chunk)


@dataclass
class ChunkResult:
    """What a worker returns for one chunk (numpy arrays; small enough to send back)."""

    key: ChunkKey
    start: int
    count: int
    recorded_steps: np.ndarray
    """(S,) int32: the steps kept per replicate."""
    history: np.ndarray
    """(S, count, D) float64: each dyad's relation at each recorded step."""
    histograms: np.ndarray
    """(T+1, D, B) int32: replicates per relation bin at every step."""
    parameters: dict[str, np.ndarray]
    """Path -> (count,) float64 values the chunk ran with (sampled and swept)."""
    events: EventFirings = field(default_factory=dict)
    """Every event firing of the chunk (see :data:`EventFirings`; ensemble numbering)."""
    seconds: float = 0.0
    worker: str = ""
    code: str = ""
    """The worker's code fingerprint (see :func:`code_fingerprint`)."""
    modules: tuple[str, ...] = ()
    """The sim modules the worker had loaded (what the fingerprint covers)."""

    @property
    def starts(self) -> np.ndarray:
        return self.history[0]

    @property
    def ends(self) -> np.ndarray:
        return self.history[-1]


@dataclass
class ChunkFailure:
    """A chunk that raised: where, with which seed, and why."""

    key: ChunkKey
    start: int
    count: int
    entropy: int
    spawn_key: tuple[int, ...]
    error: str
    traceback: str = ""
    worker: str = ""

    def describe(self) -> str:
        return (
            f"{self.key} (replicates {self.start}..{self.start + self.count - 1}; seed "
            f"SeedSequence(entropy={self.entropy}, spawn_key={self.spawn_key})): {self.error}"
        )


def _worker_name() -> str:
    return f"{socket.gethostname() or platform.node()}:{os.getpid()}"


def chunk_model(task: ChunkTask) -> AlignmentModel:
    """The model of one chunk: its replicates, seed, parameter values and record mode."""
    return AlignmentModel(
        task.scenario,
        replicates=task.count,
        seed=task.seed_sequence,
        parameters=task.parameters or None,
        record=task.record,
    )


def run_chunk(task: ChunkTask) -> ChunkResult | ChunkFailure:
    """Run one chunk; an exception becomes a :class:`ChunkFailure` (the run goes on).

    The engine's default :data:`ChunkWork` (tests give the engine one that fails).
    """
    t0 = time.perf_counter()
    try:
        model = chunk_model(task)
        model.run()
        parameters = {
            path: np.broadcast_to(np.asarray(v, dtype=np.float64), (task.count,)).copy()
            for path, v in task.parameters.items()
        }
        return ChunkResult(
            key=task.key,
            start=task.start,
            count=task.count,
            recorded_steps=np.asarray(model.recorded_steps, dtype=np.int32),
            history=np.ascontiguousarray(model.history, dtype=np.float64),
            histograms=np.ascontiguousarray(model.histograms, dtype=np.int32),
            parameters=parameters,
            events=firings_from_log(getattr(model, "event_log", ()), task.start),
            seconds=time.perf_counter() - t0,
            worker=_worker_name(),
            code=code_fingerprint(modules := loaded_sim_modules()),
            modules=modules,
        )
    except Exception as exc:
        return failure_for(task, exc, worker=_worker_name())


ChunkWork = Callable[[ChunkTask], ChunkResult | ChunkFailure]
"""What a worker runs on one chunk: :func:`run_chunk`, unless a caller gives another (a
test injects one that fails). It must be picklable (a module-level function) to run on
a process pool or a Dask cluster."""


def failure_for(task: ChunkTask, exc: BaseException, worker: str = "") -> ChunkFailure:
    """The failure record of a chunk: its seed, the error and where it happened.

    Made in the worker by run_chunk, or in the driver when a future raised outside it
    (a lost worker ...), where the worker is unknown.
    """
    seq = task.seed_sequence
    return ChunkFailure(
        key=task.key,
        start=task.start,
        count=task.count,
        entropy=int(seq.entropy),  # type: ignore[arg-type]
        spawn_key=tuple(int(k) for k in seq.spawn_key),
        error=f"{type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
        worker=worker,
    )


@dataclass
class Plan:
    """An ensemble cut into chunk tasks: points x chunks, with their parameter values."""

    scenario: Scenario
    replicates: int
    seed: int
    chunk_size: int
    record: str
    points: list[dict[str, float]]
    """Sweep points: path -> value ([{}] when there is no sweep)."""
    sampled: dict[str, np.ndarray]
    """Path -> (replicates,) values drawn for the scenario's uncertainties."""

    @property
    def bounds(self) -> list[tuple[int, int]]:
        return chunk_bounds(self.replicates, self.chunk_size)

    @property
    def keys(self) -> list[ChunkKey]:
        n = len(self.bounds)
        return [ChunkKey(p, c) for p in range(len(self.points)) for c in range(n)]

    def task(self, key: ChunkKey) -> ChunkTask:
        start, stop = self.bounds[key.chunk]
        parameters: dict[str, Any] = {
            path: values[start:stop] for path, values in self.sampled.items()
        }
        # A swept value is a constant for the point; it overrides a sampled one.
        parameters.update({path: float(v) for path, v in self.points[key.point].items()})
        return ChunkTask(
            scenario=self.scenario,
            key=key,
            start=start,
            count=stop - start,
            seed=self.seed,
            record=self.record,
            parameters=parameters,
        )

    def tasks(self, keys: Sequence[ChunkKey] | None = None) -> Iterator[ChunkTask]:
        for key in self.keys if keys is None else keys:
            yield self.task(key)


def sample_all(scenario: Scenario, replicates: int, seed: int) -> dict[str, np.ndarray]:
    """The scenario's uncertain parameters for every replicate (empty without any)."""
    if not getattr(scenario, "uncertainties", None):
        return {}
    drawn: Mapping[str, Any] = sample_parameters(scenario, replicates, parameter_seed(seed))
    return {path: np.asarray(v, dtype=np.float64) for path, v in drawn.items()}
