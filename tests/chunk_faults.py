"""Faults injected into ensembles by the tests: chunks that fail, runs interrupted.

Production code has no test hooks; these helpers give the engine a failing task function
or a failing executor instead:

- :func:`failing_work` is a task function (``work=`` of the engine) that fails on the
  chosen chunks and runs the others (picklable, so it runs on process pools too);
- :func:`fail_chunks` makes every backend (serial or process pool) run ``failing_work``
  for the command line, which builds its backend itself;
- :func:`interrupt_after` makes the serial backend raise KeyboardInterrupt (as Ctrl-C
  would) when it is handed a chunk after ``k`` were stored.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator

import pytest

from sim.experiment import executors
from sim.experiment.tasks import ChunkFailure, ChunkResult, ChunkTask, failure_for, run_chunk

INJECTED = "injected failure (test)"


def _fail_on(keys: frozenset[tuple[int, int]], task: ChunkTask) -> ChunkResult | ChunkFailure:
    if (task.key.point, task.key.chunk) in keys:
        return failure_for(task, RuntimeError(INJECTED), worker="test")
    return run_chunk(task)


def failing_work(*chunks: int | tuple[int, int]) -> functools.partial:
    """A task function that fails on ``chunks`` (chunk indices of point 0, or (point,
    chunk) pairs) with :data:`INJECTED` and runs the others as usual."""
    keys = frozenset(c if isinstance(c, tuple) else (0, c) for c in chunks)
    return functools.partial(_fail_on, keys)


@contextlib.contextmanager
def fail_chunks(chunks: Iterable[int | tuple[int, int]]) -> Iterator[None]:
    """Within the block, every backend (serial or process pool) runs
    :func:`failing_work` on ``chunks`` instead of the task function it is given (for runs
    the command line starts, which builds its backend itself)."""
    work = failing_work(*chunks)
    with pytest.MonkeyPatch.context() as patch:
        for cls in (executors.Backend, executors.ProcessBackend):

            def submit(self, fn, *args, _original=cls.submit):
                return _original(self, work, *args)

            patch.setattr(cls, "submit", submit)
        yield


@contextlib.contextmanager
def interrupt_after(k: int) -> Iterator[None]:
    """Within the block, the serial backend runs (and the runner stores) ``k`` chunks,
    then raises KeyboardInterrupt, as Ctrl-C would, when it is handed the next one."""
    original = executors.Backend.submit
    submitted = []

    def submit(self, fn, *args):
        if len(submitted) >= k:
            raise KeyboardInterrupt
        submitted.append(args[0].key)
        return original(self, fn, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(executors.Backend, "submit", submit)
        yield
