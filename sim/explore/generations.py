"""Generations of the analyst's changes: the newest supersedes every older one.

Each change in the page takes the next generation number. Work on a change asks, between
its chunks of replicates and before it draws, whether its generation is still the newest;
when it is not, it stops (:class:`Superseded`) and its numbers are never shown, so a slow
run of an older change can neither hold up the newer one for long nor be drawn over it.
"""

from __future__ import annotations

import threading


class Superseded(Exception):
    """A newer change came in: this work stopped, and its result is not wanted."""


class Generations:
    """A counter of changes, safe to use from the server's request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._newest = 0

    @property
    def newest(self) -> int:
        """The generation of the latest change."""
        return self._newest

    def next(self) -> int:
        """A new change: its generation, which supersedes every one handed out before."""
        with self._lock:
            self._newest += 1
            return self._newest

    def is_current(self, generation: int) -> bool:
        """Whether no change came in after ``generation``."""
        return generation == self._newest

    def check(self, generation: int) -> None:
        """Raise :class:`Superseded` unless ``generation`` is still the newest."""
        if generation != self._newest:
            raise Superseded(f"change {generation} superseded by change {self._newest}")


class SupersededBetweenChunks:
    """The ensemble runner's progress sink (:class:`sim.experiment.runner.ProgressSink`)
    that stops a run after any chunk once its generation is superseded."""

    def __init__(self, generations: Generations, generation: int) -> None:
        self.generations = generations
        self.generation = generation
        self.chunks_done = 0

    def start(self, chunks: int, replicates: int, done_chunks: int, done_reps: int) -> None:
        self.generations.check(self.generation)

    def advance(self, replicates: int, failed: bool = False) -> None:
        self.chunks_done += 1
        self.generations.check(self.generation)

    def close(self) -> None:
        pass
