"""Long white-cell work off the request path: the model's proposal runs in the background.

A proposal runs the model for a turn and its look-ahead: seconds on a laptop. Run inside a
request, it held up every screen. :class:`Jobs` runs it in a thread of its own, one job at
a time, and says what is running (``"the model is proposing turn 3 (4 s)"``) to the
console, which shows it until the job ends; its result or its refusal is then the
console's message. The engine writes the proposal under its lock when the model is done,
and refuses it if the game changed meanwhile (sim.workshop.game.Game.propose).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Job:
    """One piece of background work: what it is, when it started, and how it ended."""

    what: str
    started: float
    done: bool = False
    message: str = ""


class Jobs:
    """At most one background job at a time, and the last one's outcome."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self.current: Job | None = None

    def start(self, what: str, work: Callable[[], str]) -> str:
        """Start ``work`` (it returns the message to show) unless a job is running; say
        which happened."""
        with self._lock:
            running = self.current
            if running is not None and not running.done:
                return f"Refused: {running.what} is still running ({self.age(running)}); wait"
            job = Job(what, self.clock())
            self.current = job

        def run() -> None:
            try:
                job.message = work()
            finally:
                job.done = True

        threading.Thread(target=run, name=f"workshop-job: {what}", daemon=True).start()
        return f"Started: {what}; this console shows it when it is done."

    def age(self, job: Job) -> str:
        return f"{max(0, round(self.clock() - job.started))} s"

    def status(self) -> str:
        """What is running now, or how the last job ended ('' before the first)."""
        job = self.current
        if job is None:
            return ""
        if job.done:
            return job.message
        return f"{job.what} … {self.age(job)}"

    def wait(self, timeout: float) -> bool:
        """Wait until the current job (if any) is done; whether it is (for tests)."""
        end = self.clock() + timeout
        while self.current is not None and not self.current.done:
            if self.clock() > end:
                return False
            time.sleep(0.02)
        return True
