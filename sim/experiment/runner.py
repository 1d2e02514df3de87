"""Submit chunks, collect them as they complete, report progress and failures.

:func:`execute` drives one backend (:mod:`sim.experiment.executors`) over a list of chunks:
it keeps a bounded number of chunks in flight (so memory does not grow with the
ensemble), takes results in the order they complete, writes each to the partial run
folder at once (when there is one), adds its summary to the :class:`Ensemble`, and
reports progress. A chunk that raises is recorded as a :class:`ChunkFailure` with its
seed and the others go on. On Ctrl-C it stops submitting, cancels what is pending,
stops local workers and raises :class:`Interrupted` (finished chunks stay written).
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sim.experiment.collect import Ensemble
from sim.experiment.executors import Backend
from sim.experiment.store import PartialRun
from sim.experiment.tasks import (
    ChunkFailure,
    ChunkKey,
    ChunkResult,
    ChunkTask,
    ChunkWork,
    Plan,
    code_fingerprint,
    failure_for,
    run_chunk,
)


class ProgressSink(Protocol):
    """What the runner tells about its progress."""

    def start(self, chunks: int, replicates: int, done_chunks: int, done_reps: int) -> None: ...

    def advance(self, replicates: int, failed: bool = False) -> None: ...

    def close(self) -> None: ...


class CallbackProgress:
    """Adapts ``progress(done_chunks, total_chunks)`` to the runner's progress sink."""

    def __init__(self, callback: Callable[[int, int], None] | None) -> None:
        self.callback = callback
        self.done = 0
        self.total = 0

    def start(self, chunks: int, replicates: int, done_chunks: int, done_reps: int) -> None:
        self.total, self.done = chunks, done_chunks

    def advance(self, replicates: int, failed: bool = False) -> None:
        self.done += 1
        if self.callback is not None:
            self.callback(self.done, self.total)

    def close(self) -> None:
        pass


@dataclass
class RunStats:
    """What happened in one execution."""

    chunks: int = 0
    """Chunks of the whole run (all points)."""
    skipped: int = 0
    """Chunks already finished before (a resume)."""
    done: int = 0
    """Chunks finished now."""
    replicates_done: int = 0
    """Replicate-runs finished now (replicates x points)."""
    failures: list[ChunkFailure] = field(default_factory=list)
    seconds: float = 0.0
    backend: str = ""
    workers: int = 1

    @property
    def rate(self) -> float:
        return self.replicates_done / self.seconds if self.seconds > 0 else float("nan")


class Interrupted(Exception):
    """Ctrl-C during a run; ``stats`` says how far it got."""

    def __init__(self, stats: RunStats) -> None:
        super().__init__("interrupted")
        self.stats = stats


def execute(
    plan: Plan,
    ensemble: Ensemble,
    backend: Backend,
    keys: Sequence[ChunkKey],
    *,
    store: PartialRun | None = None,
    progress: ProgressSink | None = None,
    skipped: int = 0,
    skipped_replicates: int = 0,
    work: ChunkWork = run_chunk,
) -> RunStats:
    """Run the chunks ``keys`` of ``plan`` on ``backend`` and collect them into ``ensemble``.

    With a ``store`` (:class:`sim.experiment.store.PartialRun`) each result is written to
    its chunk file as soon as it arrives and only its summary is kept in memory; without
    one the histories are kept in the ensemble. ``work`` is what runs on each chunk
    (:func:`~sim.experiment.tasks.run_chunk`; a test gives one that fails). Raises
    :class:`Interrupted` on Ctrl-C.
    """
    sink: ProgressSink = progress or CallbackProgress(None)
    stats = RunStats(
        chunks=len(plan.keys),
        skipped=skipped,
        backend=backend.name,
        workers=backend.workers,
    )
    check_code = backend.remote
    window = max(1, 2 * backend.workers) if backend.name != "serial" else 1
    todo = iter(keys)
    in_flight: dict[cf.Future, ChunkTask] = {}
    t0 = time.perf_counter()
    sink.start(stats.chunks, plan.replicates * len(plan.points), skipped, skipped_replicates)

    def handle(outcome: ChunkResult | ChunkFailure, task: ChunkTask) -> None:
        if isinstance(outcome, ChunkResult) and check_code:
            expected = code_fingerprint(tuple(outcome.modules))
            if outcome.code != expected:
                outcome = failure_for(
                    task,
                    RuntimeError(
                        f"worker {outcome.worker} runs other code (fingerprint "
                        f"{outcome.code}, here {expected}): install the same checkout and "
                        "numpy on every worker"
                    ),
                )
        if isinstance(outcome, ChunkFailure):
            stats.failures.append(outcome)
            sink.advance(task.count, failed=True)
            return
        if store is not None:
            store.write_chunk(outcome)
        ensemble.add(outcome, keep_history=store is None)
        stats.done += 1
        stats.replicates_done += outcome.count
        sink.advance(outcome.count)

    def fill() -> None:
        while len(in_flight) < window:
            key = next(todo, None)
            if key is None:
                return
            task = plan.task(key)
            try:
                future = backend.submit(work, task)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as exc:  # a broken pool: this chunk fails, the loop goes on
                handle(failure_for(task, exc), task)
                continue
            in_flight[future] = task

    try:
        fill()
        while in_flight:
            done, _ = cf.wait(list(in_flight), return_when=cf.FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_flight[f].key):
                task = in_flight.pop(future)
                try:
                    outcome = future.result()
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as exc:  # lost worker, cancelled, unpicklable ...
                    outcome = failure_for(task, exc)
                handle(outcome, task)
            fill()
    except KeyboardInterrupt:
        for future in in_flight:
            future.cancel()
        stats.seconds = time.perf_counter() - t0
        raise Interrupted(stats) from None
    finally:
        stats.seconds = time.perf_counter() - t0
        sink.close()
    return stats
