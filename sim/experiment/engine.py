"""An ensemble from start to finish: settings, plan, backend, partial folder, resume.

Two ways in:

- :func:`run_in_memory` (what :func:`sim.run` uses): every chunk's history is kept in
  memory; no files.
- :func:`run_to_folder` (what the command line uses): chunks are written to a partial
  run folder as they finish (:mod:`sim.experiment.store`), only summaries stay in memory,
  and an interrupted run can be resumed.

Both cut the work the same way and use the same seeds (:mod:`sim.experiment.tasks`), so
they give the same numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiment.collect import Ensemble
from sim.experiment.executors import DEFAULT_CONNECT_TIMEOUT, Backend, make_backend
from sim.experiment.runner import Interrupted, ProgressSink, RunStats, execute
from sim.experiment.store import PartialRun, ResumeRefused
from sim.experiment.sweep import sweep_grid
from sim.experiment.tasks import (
    ChunkFailure,
    ChunkKey,
    ChunkWork,
    Plan,
    chunk_bounds,
    parameter_seed,
    run_chunk,
    sample_all,
)
from sim.experiment.uncertainty import describe_sampling as describe_draws
from sim.model.model import check_record, recorded_steps
from sim.results.manifest import scenario_sha256
from sim.results.publish import run_id_base_for, safe_folder_name
from sim.scenario import Scenario


class EnsembleFailed(Exception):
    """Some chunks failed; the others are kept (in the partial folder, if any)."""

    def __init__(self, failures: list[ChunkFailure], partial: PartialRun | None = None) -> None:
        self.failures = failures
        self.partial = partial
        lines = [f.describe() for f in failures[:5]]
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        super().__init__(f"{len(failures)} chunk(s) failed{more}: " + "; ".join(lines))


@dataclass
class Settings:
    """What an ensemble run is: everything its numbers depend on."""

    replicates: int
    seed: int
    chunk_size: int
    record: str
    points: list[dict[str, float]]
    sweep_sets: dict[str, list[float]] = field(default_factory=dict)
    """Sweep values given outside the scenario (the command line's --set)."""

    @property
    def sweep_keys(self) -> list[str]:
        keys: list[str] = []
        for p in self.points:
            keys += [k for k in p if k not in keys]
        return keys

    @property
    def chunks_per_point(self) -> int:
        return len(chunk_bounds(self.replicates, self.chunk_size))

    def identity(self, scenario_hash: str) -> dict[str, Any]:
        """The values a resume must match (store.SETTINGS_KEYS)."""
        return {
            "scenario_sha256": scenario_hash,
            "seed": self.seed,
            "replicates": self.replicates,
            "chunk_size": self.chunk_size,
            "record": self.record,
            "points": self.points,
        }


def resolve_settings(
    scenario: Scenario,
    replicates: int | None = None,
    seed: int | None = None,
    chunk_size: int | None = None,
    record: str | None = None,
    sweep: Mapping[str, Sequence[float]] | None = None,
) -> Settings:
    """Settings from the scenario's ``run`` and ``sweep``, with the given overrides.

    Raises ValueError (with a clear message) on a bad record mode or sweep.
    """
    run = scenario.run
    reps = int(replicates or run.replicates)
    if reps < 1:
        raise ValueError(f"replicates must be >= 1, got {reps}")
    size = int(chunk_size or getattr(run, "chunk_size", 1000))
    if size < 1:
        raise ValueError(f"chunk size must be >= 1, got {size}")
    rec = check_record(record or "full")
    sets = {str(k): [float(v) for v in vs] for k, vs in (sweep or {}).items()}
    points = sweep_points(scenario, sets)
    return Settings(
        replicates=reps,
        seed=int(run.seed if seed is None else seed),
        chunk_size=size,
        record=rec,
        points=points,
        sweep_sets=sets,
    )


def sweep_points(scenario: Scenario, sets: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """The sweep points of the scenario (``[{}]`` without a sweep), with ``sets`` added."""
    if not getattr(scenario, "sweep", None) and not sets:
        return [{}]
    grid = sweep_grid(scenario, dict(sets) if sets else None)
    points = [{str(k): float(v) for k, v in p.items()} for p in grid]
    return points or [{}]


def describe_sampling(scenario: Scenario, seed: int) -> dict[str, Any]:
    """How the uncertain parameters were sampled (for the manifest)."""
    if not getattr(scenario, "uncertainties", None):
        return {}
    return dict(describe_draws(scenario, parameter_seed(seed)))


def make_plan(scenario: Scenario, settings: Settings) -> Plan:
    """The ensemble cut into chunk tasks, with every replicate's sampled parameters."""
    return Plan(
        scenario=scenario,
        replicates=settings.replicates,
        seed=settings.seed,
        chunk_size=settings.chunk_size,
        record=settings.record,
        points=settings.points,
        sampled=sample_all(scenario, settings.replicates, settings.seed),
    )


def new_ensemble(scenario: Scenario, settings: Settings) -> Ensemble:
    """An empty ensemble for ``settings``, ready to collect the chunks."""
    return Ensemble(
        scenario,
        replicates=settings.replicates,
        seed=settings.seed,
        chunk_size=settings.chunk_size,
        record=settings.record,
        recorded_steps=recorded_steps(settings.record, int(scenario.run.steps)),
        points=settings.points,
        sweep_keys=settings.sweep_keys,
        sampling=describe_sampling(scenario, settings.seed),
    )


# --------------------------------------------------------------------------- in memory


def run_in_memory(
    scenario: Scenario,
    settings: Settings,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    progress: ProgressSink | None = None,
    work: ChunkWork = run_chunk,
    backend: Backend | None = None,
) -> tuple[Ensemble, RunStats]:
    """Run the whole ensemble, keeping every history in memory.

    ``work`` runs each chunk (:func:`~sim.experiment.tasks.run_chunk`; a test gives one
    that fails). ``backend``: an open backend to run on (kept open, for an analysis that
    calls the engine many times); otherwise one is made from ``workers`` and
    ``scheduler`` and closed at the end. Raises :class:`EnsembleFailed` if a chunk fails
    and KeyboardInterrupt on Ctrl-C.
    """
    plan = make_plan(scenario, settings)
    ensemble = new_ensemble(scenario, settings)
    keys = plan.keys
    given = None if backend is None else contextlib.nullcontext(backend)
    with given or make_backend(workers, scheduler, len(keys), connect_timeout) as backend:
        try:
            stats = execute(plan, ensemble, backend, keys, progress=progress, work=work)
        except Interrupted:
            raise KeyboardInterrupt from None
    if stats.failures:
        raise EnsembleFailed(stats.failures)
    return ensemble, stats


# --------------------------------------------------------------------------- run folder


@dataclass
class FolderRun:
    """A run that streams its chunks to a partial folder (the command line's)."""

    scenario: Scenario
    settings: Settings
    partial: PartialRun
    resumed: bool
    plan: Plan
    ensemble: Ensemble
    todo: list[ChunkKey]
    unreadable: list[tuple[ChunkKey, str]]
    removed_temporary: int

    @property
    def started_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.partial.state["started_at"])

    @property
    def command(self) -> Any:
        return self.partial.state.get("command")

    def execute(
        self,
        backend: Backend,
        progress: ProgressSink | None = None,
        work: ChunkWork = run_chunk,
    ) -> RunStats:
        """Run the chunks still to do on ``backend``, each written to the partial folder
        as it finishes; the failures are recorded there (``failures.json``)."""
        skipped = len(self.plan.keys) - len(self.todo)
        stats = execute(
            self.plan,
            self.ensemble,
            backend,
            self.todo,
            store=self.partial,
            progress=progress,
            skipped=skipped,
            skipped_replicates=sum(
                p.done.sum()
                for p in self.ensemble.points  # replicates already done
            ),
            work=work,
        )
        self.partial.record_failures(stats.failures)
        return stats


def scenario_folder(root: Path, scenario: Scenario) -> Path:
    """Where the runs of ``scenario`` go under ``root`` (finished and partial)."""
    return Path(root) / safe_folder_name(scenario.name)


def find_resumable(
    root: Path,
    scenario: Scenario,
    requested: Mapping[str, Any],
) -> tuple[PartialRun, Settings]:
    """The interrupted run of ``scenario`` under ``root`` that a resume continues.

    ``requested`` holds the settings given on the command line (None where not given:
    the interrupted run's are used). Raises :class:`ResumeRefused` with a clear
    message when there is nothing to resume or the scenario or a setting has changed;
    nothing on disk is touched.
    """
    folder = scenario_folder(root, scenario)
    found = PartialRun.find(folder)
    if not found:
        raise ResumeRefused(
            f"nothing to resume: no interrupted run of '{scenario.name}' in {folder}; "
            "run without --resume to start one"
        )
    digest = scenario_sha256(scenario)
    problems: list[str] = []
    for partial in found:
        state = partial.state

        def pick(name: str, state_key: str, state: dict[str, Any] = state) -> Any:
            value = requested.get(name)
            return state.get(state_key) if value is None else value

        try:
            settings = resolve_settings(
                scenario,
                replicates=pick("replicates", "replicates"),
                seed=pick("seed", "seed"),
                chunk_size=pick("chunk_size", "chunk_size"),
                record=pick("record", "record"),
                sweep=pick("sweep", "sweep_sets") or None,
            )
        except ValueError as exc:
            problems.append(f"{partial.folder.name}: {exc}")
            continue
        differences = partial.differences(settings.identity(digest))
        if not differences:
            return partial, settings
        problems.append(f"{partial.folder}: " + "; ".join(differences))
    raise ResumeRefused(
        f"cannot resume '{scenario.name}': the interrupted run does not match this one "
        f"({problems[0]}). The interrupted run is left as it is: restore the scenario and "
        "settings it ran with to resume it, or run without --resume to start afresh."
    )


def open_folder_run(
    root: Path,
    scenario: Scenario,
    settings: Settings,
    *,
    partial: PartialRun | None,
    command: Any,
    source: Path | None = None,
) -> FolderRun:
    """Create a partial folder (``partial`` None) or take an existing one for a resume.

    A resume locks the folder, removes temporary files of killed writers, reads the
    finished chunks (summaries only) and lists what is left to do.
    """
    plan = make_plan(scenario, settings)
    ensemble = new_ensemble(scenario, settings)
    digest = scenario_sha256(scenario)
    resumed = partial is not None
    removed = 0
    unreadable: list[tuple[ChunkKey, str]] = []
    if partial is None:
        started = dt.datetime.now().astimezone()
        run_id = run_id_base_for(started, digest, settings.seed)
        partial = PartialRun.create(
            scenario_folder(root, scenario),
            run_id,
            {
                **settings.identity(digest),
                "sweep_sets": settings.sweep_sets,
                "scenario_name": scenario.name,
                "scenario_file": None if source is None else str(Path(source).resolve()),
                "run_id": run_id,
                "started_at": started.isoformat(timespec="milliseconds"),
                "command": command,
            },
        )
        partial.lock()
        done: list[Any] = []
    else:
        partial.lock()
        try:
            removed = partial.remove_temporary_files()
            done, unreadable = partial.finished(plan.bounds, len(plan.points))
            partial.add_command(command)
        except BaseException:
            partial.unlock()
            raise
    for result in done:
        ensemble.add(result)
    finished = {r.key for r in done}
    ensemble.history_loader = _loader(partial, plan)
    return FolderRun(
        scenario=scenario,
        settings=settings,
        partial=partial,
        resumed=resumed,
        plan=plan,
        ensemble=ensemble,
        todo=[k for k in plan.keys if k not in finished],
        unreadable=unreadable,
        removed_temporary=removed,
    )


def _loader(partial: PartialRun, plan: Plan) -> Callable[[ChunkKey], np.ndarray]:
    """Reads a chunk's history back from its chunk file."""
    bounds = plan.bounds

    def load(key: ChunkKey) -> np.ndarray:
        start, stop = bounds[key.chunk]
        return partial.read_history(key, start, stop - start)

    return load


__all__ = [
    "EnsembleFailed",
    "FolderRun",
    "ResumeRefused",
    "Settings",
    "find_resumable",
    "open_folder_run",
    "resolve_settings",
    "run_in_memory",
]
