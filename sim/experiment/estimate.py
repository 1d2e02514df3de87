"""What an ensemble will take before it starts: rows, disk, memory and time, estimated.

The command line asks for an estimate before a run, a sweep, a comparison or an
analysis starts (docs/performance.md, "Before a big run"), and stops above the limits
here unless the user says ``--yes``:

- rows: of ``trajectories.parquet``, replicates x points x recorded steps x dyads, exact;
- disk: the chunk files of the partial folder (uncompressed float64 histories, the
  histograms and sampled values: exact to a few per cent) plus the published folder
  (:data:`PARQUET_BYTES_PER_ROW`, measured on the baseline);
- memory: a base per process (:data:`DRIVER_BASE_BYTES`, :data:`WORKER_BASE_BYTES`,
  measured) plus what the driver keeps per replicate (start and end relations, sampled
  values) and the chunks in flight; an ensemble kept in memory (the analyses, compare)
  adds every history;
- time: a few steps of a small model of the same scenario, timed on this machine
  (:func:`seconds_per_replicate_step`, only when the work is large enough to matter),
  scaled by replicates x points x steps over the parallel workers, plus the writing of
  the rows. It is an estimate: the measurement is of a smaller model on a shared
  machine, and the rest of the run (events, uncertain values) may cost more or less.

The limits (:data:`LIMITS`) are documented in docs/performance.md and README.md.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sim.experiment.sweep import sweep_axes
from sim.scenario import Scenario

GB = 1_000_000_000


@dataclass(frozen=True)
class Limits:
    """Above any of these a command stops before it starts, unless given ``--yes``."""

    rows: int = 100_000_000
    """Rows of trajectories.parquet (pandas needs several GB to read 100 million)."""
    disk_bytes: int = 10 * GB
    """Disk at the peak: the partial folder's chunk files and the published folder."""
    memory_share: float = 0.5
    """Peak memory of the driver and its workers, as a share of this machine's memory."""
    seconds: float = 3600.0
    """Estimated wall time."""


LIMITS = Limits()
"""The limits of every command (the one place they are set)."""


@dataclass(frozen=True)
class Notice:
    """At or above any of these, the estimate is printed even under the limits."""

    rows: int = 10_000_000
    disk_bytes: int = 1 * GB
    memory_bytes: int = 2 * GB
    seconds: float = 30.0


NOTICE = Notice()

PARQUET_BYTES_PER_ROW = 1.5
"""trajectories.parquet (zstd) per row: 30 MB for the baseline's 24.6 million rows of
100,000 replicates (docs/performance.md, "Before a big run"), rounded up."""
ROW_WRITE_SECONDS = 0.5e-6
"""Writing one row of trajectories.parquet from the chunk files (the difference of the
baseline's full and outcomes runs in docs/performance.md, 12 s for 24 million rows)."""
FOLDER_BYTES = 10_000_000
"""The report and the small files of a result folder (the baseline's report is 5 MB)."""
START_SECONDS = 3.0
"""Start of the workers and the report, whatever the size."""
DRIVER_BASE_BYTES = int(0.45 * 1.074 * GB)
"""The driver process before any replicate (0.41-0.43 GiB measured at 100,000 replicates)."""
WORKER_BASE_BYTES = int(0.27 * 1.074 * GB)
"""One worker process (0.90 - 0.41 GiB over 2 workers, measured)."""
MEASURE_WORK = 20_000_000
"""Replicate-steps x actors^2 below which time is not measured (at the slowest rate
measured, about 1 microsecond each, that is under 20 s on one core)."""
SURELY_SMALL = 1_000_000
"""Replicate-steps x actors^2 at or below which an ensemble is far below every limit
(under 400,000 rows, 250 MB of histograms): :func:`surely_small` says so without
loading the model (``validate`` stays quick)."""
MEASURE_REPLICATES = 256
MEASURE_STEPS = 8


@dataclass(frozen=True)
class Work:
    """An ensemble, counted: what its estimate depends on."""

    replicates: int
    points: int
    steps: int
    recorded: int
    actors: int
    parameters: int
    chunk_size: int
    workers: int
    in_memory: bool = False
    """The histories are kept in memory (compare, the analyses) instead of chunk files."""
    writes_rows: bool = True
    """A trajectories.parquet is written (a run); the analyses write summaries only."""

    @property
    def dyads(self) -> int:
        return self.actors * (self.actors - 1) // 2

    @property
    def replicate_runs(self) -> int:
        return self.replicates * self.points

    @property
    def chunks(self) -> int:
        return math.ceil(self.replicates / self.chunk_size) * self.points

    @property
    def rows(self) -> int:
        return self.replicate_runs * self.recorded * self.dyads if self.writes_rows else 0

    @property
    def size(self) -> int:
        """Replicate-steps x actors^2: what the time grows with."""
        return work_size(self.replicate_runs, self.steps, self.actors)

    @property
    def parallel(self) -> int:
        """Chunks that run at once (each on one core)."""
        return max(1, min(self.workers, self.chunks, os.cpu_count() or 1))


def count_points(scenario: Scenario, sets: Mapping[str, Sequence[float]] | None = None) -> int:
    """The number of sweep points, without building them (ValueError on a bad ``--set``)."""
    return math.prod(len(values) for values in sweep_axes(scenario, sets).values())


def surely_small(scenario: Scenario, replicates: int, points: int) -> bool:
    """Whether an ensemble is so small that no limit or notice can apply (see
    :data:`SURELY_SMALL`), counted without the model."""
    size = work_size(replicates * points, int(scenario.run.steps), len(scenario.actors))
    return size <= SURELY_SMALL


def work_size(replicate_runs: int, steps: int, actors: int) -> int:
    """Replicate-steps x actors^2: what the time of an ensemble grows with."""
    return replicate_runs * steps * actors**2


def count_work(
    scenario: Scenario,
    replicates: int,
    points: int,
    chunk_size: int,
    record: str,
    workers: int,
    *,
    in_memory: bool = False,
    writes_rows: bool = True,
) -> Work:
    """The :class:`Work` of an ensemble of ``scenario``."""
    # deferred: heavy (mesa), and `validate` estimates every file it checks
    from sim.model.model import check_record, recorded_steps

    steps = int(scenario.run.steps)
    return Work(
        replicates=int(replicates),
        points=max(1, int(points)),
        steps=steps,
        recorded=len(recorded_steps(check_record(record), steps)),
        actors=len(scenario.actors),
        parameters=len(getattr(scenario, "uncertainties", None) or {}),
        chunk_size=max(1, int(chunk_size)),
        workers=max(1, int(workers)),
        in_memory=in_memory,
        writes_rows=writes_rows,
    )


@dataclass(frozen=True)
class Estimate:
    """What a :class:`Work` will take (time None: too small to be worth measuring)."""

    work: Work
    rows: int
    disk_bytes: int
    memory_bytes: int
    seconds: float | None

    def over(self, limits: Limits | None = None) -> list[str]:
        """What is above the limits (default :data:`LIMITS`), in words (empty: none)."""
        limits = limits or LIMITS
        out = []
        if self.rows > limits.rows:
            out.append(f"{self.rows:,} rows (limit {limits.rows:,})")
        if self.disk_bytes > limits.disk_bytes:
            out.append(f"{_bytes(self.disk_bytes)} of disk (limit {_bytes(limits.disk_bytes)})")
        memory_limit = limits.memory_share * machine_memory()
        if self.memory_bytes > memory_limit:
            out.append(
                f"{_bytes(self.memory_bytes)} of memory (limit {_bytes(memory_limit)}, "
                f"{limits.memory_share:.0%} of this machine's)"
            )
        if self.seconds is not None and self.seconds > limits.seconds:
            out.append(f"about {_duration(self.seconds)} (limit {_duration(limits.seconds)})")
        return out

    @property
    def notable(self) -> bool:
        """Whether the estimate is worth a line even under the limits."""
        return (
            self.rows >= NOTICE.rows
            or self.disk_bytes >= NOTICE.disk_bytes
            or self.memory_bytes >= NOTICE.memory_bytes
            or (self.seconds is not None and self.seconds >= NOTICE.seconds)
        )

    def line(self) -> str:
        """'estimate for 100,000 replicates x 40 steps: 24,600,000 rows, 280 MB of disk,
        1.1 GB of memory, about 25 s on 2 cores (timed on a small model here)'."""
        w = self.work
        what = f"{w.replicates:,} replicates x {w.steps} steps"
        if w.points > 1:
            what += f" x {w.points:,} points"
        parts = [f"{self.rows:,} rows"] if w.writes_rows else []
        parts += [f"{_bytes(self.disk_bytes)} of disk", f"{_bytes(self.memory_bytes)} of memory"]
        if self.seconds is not None:
            parts.append(
                f"about {_duration(self.seconds)} on {w.parallel} core"
                f"{'s' if w.parallel != 1 else ''} (timed on a small model here)"
            )
        return f"estimate for {what}: " + ", ".join(parts)


def estimate(work: Work, scenario: Scenario) -> Estimate:
    """Estimate what ``work`` takes; times a small model of ``scenario`` if it is large."""
    from sim.model.model import HISTOGRAM_EDGES  # deferred: heavy (mesa), as above

    w = work
    bins = len(HISTOGRAM_EDGES) - 1
    history = 8 * w.replicate_runs * w.recorded * w.dyads
    per_chunk = 4 * (w.steps + 1) * w.dyads * bins
    sampled = 8 * w.replicate_runs * w.parameters
    chunk_files = 0 if w.in_memory else history + per_chunk * w.chunks + sampled
    published = FOLDER_BYTES + int(PARQUET_BYTES_PER_ROW * w.rows) + sampled
    kept = w.replicate_runs * (16 * w.dyads + 8 * w.parameters + 1)
    kept += 8 * (w.steps + 1) * w.dyads * bins * w.points
    chunk_bytes = 8 * min(w.replicates, w.chunk_size) * (w.recorded + 4) * w.actors**2
    in_flight = 2 * w.parallel * chunk_bytes
    memory = DRIVER_BASE_BYTES + kept + in_flight + (history if w.in_memory else 0)
    if w.parallel > 1:
        memory += w.parallel * (WORKER_BASE_BYTES + 2 * chunk_bytes)
    seconds = None
    if w.size >= MEASURE_WORK:
        per = seconds_per_replicate_step(scenario, min(w.replicates, w.chunk_size))
        compute = per * w.replicate_runs * w.steps / w.parallel
        seconds = START_SECONDS + compute + ROW_WRITE_SECONDS * w.rows
    return Estimate(w, w.rows, chunk_files + published, memory, seconds)


def seconds_per_replicate_step(scenario: Scenario, replicates: int) -> float:
    """Seconds one core takes for one replicate's step of ``scenario``, timed here on a
    model of up to :data:`MEASURE_REPLICATES` replicates (after a first step that loads
    the compiled kernel); kept for the process, per scenario."""
    from sim.results.manifest import scenario_sha256  # deferred: heavy (pandas)

    replicates = max(1, min(replicates, MEASURE_REPLICATES))
    key = (scenario_sha256(scenario), replicates)
    if key not in _TIMED:
        _TIMED[key] = _time_steps(scenario, replicates)
    return _TIMED[key]


_TIMED: dict[tuple[str, int], float] = {}


def _time_steps(scenario: Scenario, replicates: int) -> float:
    """A chunk of the ensemble as a worker runs it (each replicate with its own sampled
    values), one step to load the kernel, then a few timed."""
    # deferred: heavy (mesa), as above
    from sim.experiment.tasks import ChunkKey, Plan, chunk_model, sample_all

    plan = Plan(
        scenario=scenario,
        replicates=replicates,
        seed=0,
        chunk_size=replicates,
        record="outcomes",
        points=[{}],
        sampled=sample_all(scenario, replicates, 0),
    )
    model = chunk_model(plan.task(ChunkKey(0, 0)))
    model.step()
    steps = max(1, min(MEASURE_STEPS, int(scenario.run.steps) - 1))
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    return (time.perf_counter() - t0) / (steps * replicates)


def machine_memory() -> int:
    """This machine's physical memory in bytes (8 GB if it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * GB


def _bytes(n: float) -> str:
    if n >= GB:
        return f"{n / GB:,.1f} GB" if n < 100 * GB else f"{n / GB:,.0f} GB"
    return f"{n / 1e6:,.0f} MB"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"
