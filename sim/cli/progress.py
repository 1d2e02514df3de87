"""Progress of an ensemble: a bar on a terminal, a plain line now and then otherwise.

On a terminal (stderr is a TTY) a transient rich progress bar shows chunks done out of
the total, replicates per second and the time left. Otherwise (logs, CI) a plain line
goes to stderr every tenth of the run or every ``interval`` seconds, whichever is later,
and once at the end. :func:`summary_line` is the closing line of a run.

It imports neither the engine nor rich until a bar is shown (start-up speed).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from sim.experiment.runner import RunStats


def fmt_duration(seconds: float) -> str:
    """'45s', '3m05s', '2h03m'."""
    if seconds != seconds or seconds < 0:  # NaN
        return "?"
    s = round(seconds)
    if s < 60:
        return f"{seconds:.1f}s" if seconds < 10 else f"{s}s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}m{s:02d}s"
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m"


class EnsembleProgress:
    """The runner's progress sink for the command line."""

    def __init__(
        self,
        label: str,
        stream: TextIO | None = None,
        tty: bool | None = None,
        interval: float = 10.0,
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = interval
        self.total = 0
        self.done = 0
        self.failed = 0
        self.skipped = 0
        self.reps = 0
        self.t0 = time.monotonic()
        self._last_line = 0.0
        self._last_done = 0
        self._bar: Any = None
        self._task: Any = None

    # ------------------------------------------------------------------ the sink

    def start(self, chunks: int, replicates: int, done_chunks: int, done_reps: int) -> None:
        self.total = chunks
        self.done = self.skipped = done_chunks
        self.t0 = time.monotonic()
        self._last_line = self.t0
        if self.tty and chunks > done_chunks:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("chunks"),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                TextColumn("left"),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(
                self.label, total=chunks, completed=done_chunks, rate=""
            )

    def advance(self, replicates: int, failed: bool = False) -> None:
        self.done += 1
        if failed:
            self.failed += 1
        else:
            self.reps += replicates
        now = time.monotonic()
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, rate=f"{self.rate_text()}")
            return
        step = max(1, self.total // 10)
        if self.done == self.total or (
            self.done - self._last_done >= step and now - self._last_line >= self.interval
        ):
            self._line(now)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    # ------------------------------------------------------------------ text

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def rate_text(self) -> str:
        el = self.elapsed
        return f"{self.reps / el:,.0f} replicates/s" if el > 0 and self.reps else ""

    def _line(self, now: float) -> None:
        self._last_line = now
        self._last_done = self.done
        new = self.done - self.skipped
        left = self.total - self.done
        eta = self.elapsed / new * left if new > 0 else float("nan")
        parts = [
            f"{self.label}: chunks {self.done}/{self.total}",
            self.rate_text(),
            f"{fmt_duration(eta)} left" if left else "",
            f"{self.failed} failed" if self.failed else "",
        ]
        print(", ".join(p for p in parts if p), file=self.stream, flush=True)


def recording(record: str) -> str:
    """A record mode in words: 'keeping every step (record full)'."""
    prefix, _, every = record.partition(":")
    kept = {
        "full": "every step",
        "outcomes": "the start and the end",
        "steps": f"one step in {every} and the last",
    }.get(prefix, record)
    return f"keeping {kept} (record {record})"


def where(backend: str) -> str:
    """Where a backend runs, after a comma: 'in this process', 'on 2 local worker
    processes', 'on Dask at ...'."""
    return backend if backend.startswith("in ") else f"on {backend}"


def summary_line(stats: RunStats, replicates: int, points: int, backend: str) -> str:
    """'200,000 replicates in 200 chunks, 1m23s, 2,410 replicates/s, 8 local worker
    processes' (and what was resumed or failed)."""
    total = replicates * points
    what = f"{total:,} replicates" + (f" ({points} sweep points)" if points > 1 else "")
    parts = [
        f"{what} in {stats.chunks} chunk{'s' if stats.chunks != 1 else ''}",
        fmt_duration(stats.seconds),
    ]
    if stats.replicates_done and stats.seconds > 0:
        parts.append(f"{stats.replicates_done / stats.seconds:,.0f} replicates/s")
    parts.append(backend)
    if stats.skipped:
        parts.append(f"{stats.skipped} chunk(s) from the interrupted run")
    if stats.failures:
        parts.append(f"{len(stats.failures)} failed")
    return "run: " + ", ".join(parts)
