"""Comparing scenarios: several what-ifs run on the same random numbers, side by side.

:func:`compare` runs every scenario as an ensemble with the same seed, the same number
of replicates and the same chunks, so replicate r of every scenario draws the same
random numbers (common random numbers, docs/performance.md): the dynamics' uniforms of
chunk c come from ``SeedSequence(seed, spawn_key=(1, c))`` whatever the scenario, and
random events draw from streams of their own. A difference between two scenarios in
replicate r therefore comes from what the scenarios say, not from noise, and the
differences are *paired*: for every replicate, its end relation in a scenario minus its
end relation in the first scenario (the reference).

A :class:`Comparison` holds the runs and tidy frames:

- ``bands``: per scenario, shared dyad and step, the 5/25/50/75/95% quantiles of the
  relation (from the per-step histograms);
- ``end_states``: per scenario and named end-state, the probability with its Wilson 95%
  interval, and its difference from the reference (in points, with a 95% interval of the
  paired difference);
- ``differences``: per scenario (after the first) and shared dyad, the mean paired
  difference of the end relation and the 90% interval of the per-replicate differences;
- ``transitions``: per scenario, how many replicates went from each bloc partition at the
  start to each at the end (blocs: groups in which every pair is above ``bands.hedging``);
- ``events``: per scenario and event, the share of replicates in which it fired;
- ``largest``: the largest differences, in words.

The comparison itself is :mod:`sim.analysis.comparison` (its frames
:mod:`sim.analysis.comparison_frames`, its manifest :mod:`sim.analysis.comparison_manifest`);
:func:`sim.present.comparison_page.save_comparison` writes ``results/compare/<id>/``
(comparison.html, the frames as CSV files, manifest.json).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sim.analysis.bloc_partitions import bloc_partitions, partition_texts
from sim.analysis.comparison import Compared, Comparison
from sim.experiment.collect import Ensemble
from sim.experiment.engine import EnsembleFailed, make_plan, new_ensemble, resolve_settings
from sim.experiment.executors import DEFAULT_CONNECT_TIMEOUT, make_backend
from sim.experiment.runner import CallbackProgress, Interrupted, ProgressSink, execute
from sim.experiment.tasks import ChunkKey, ChunkResult, ChunkTask, Plan
from sim.scenario import Scenario, load_scenario

MUST_MATCH = ("steps", "step_months", "start", "chunk_size")
"""Run settings every compared scenario must share: the dates depend on the first three
and the random numbers on the chunk size."""


class ComparisonError(ValueError):
    """Scenarios that cannot be compared: fewer than two, a sweep, or run settings that
    differ where they must match. The message says which and why."""


def _describe(source: Path | None, scenario: Scenario) -> str:
    return str(source) if source is not None else f"scenario '{scenario.name}'"


def check_comparable(
    scenarios: Sequence[Any],
    sources: Sequence[Path | None] = (),
    chunk_size: int | None = None,
) -> None:
    """Refuse (ComparisonError) what cannot be compared.

    At least two scenarios; none with a sweep (each scenario is one ensemble); and the
    same ``run.steps``, ``step_months``, ``start`` and ``chunk_size`` as the first (the
    chunk size only when ``chunk_size`` does not set it for all). The message lists every
    difference.
    """
    if len(scenarios) < 2:
        raise ComparisonError(
            f"compare needs at least two scenarios (the first is the reference), got "
            f"{len(scenarios)}"
        )
    srcs = [*sources, *[None] * (len(scenarios) - len(sources))]
    where = [_describe(src, sc) for src, sc in zip(srcs, scenarios, strict=True)]
    problems: list[str] = []
    for k, scenario in enumerate(scenarios):
        if getattr(scenario, "sweep", None):
            keys = ", ".join(scenario.sweep)
            problems.append(
                f"{where[k]}: has a sweep ({keys}); compare runs each scenario as one "
                "ensemble: remove the sweep (in a what-if, 'sweep: ~') or compare one file "
                "per value"
            )
    first = scenarios[0].run
    keys = [k for k in MUST_MATCH if not (k == "chunk_size" and chunk_size)]
    for k, scenario in enumerate(scenarios[1:], start=1):
        for key in keys:
            mine, theirs = getattr(scenario.run, key), getattr(first, key)
            if mine != theirs:
                problems.append(f"{where[k]}: run.{key} is {mine}, but {theirs} in {where[0]}")
    if problems:
        raise ComparisonError(
            "cannot compare these scenarios: they must share run.steps, run.step_months, "
            "run.start and run.chunk_size (the dates depend on the first three, the random "
            "numbers on the chunk size) and have no sweep:\n  " + "\n  ".join(problems)
        )


def unique_labels(names: Sequence[str]) -> list[str]:
    """The scenario names, made unique: a repeated name gets ' (2)', ' (3)' ..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


# --------------------------------------------------------------------------- running


class JoinedPlans:
    """Several scenarios' plans as one for the runner: scenario k is the runner's point k.

    Each task is the scenario's own (its seeds depend on the chunk only, so they are the
    same for every scenario), with the key's point set to the scenario's index.
    """

    def __init__(self, plans: Sequence[Plan]) -> None:
        self.plans = list(plans)
        self.replicates = self.plans[0].replicates
        self.points = [{} for _ in self.plans]

    @property
    def keys(self) -> list[ChunkKey]:
        return [ChunkKey(k, c) for k, p in enumerate(self.plans) for c in range(len(p.bounds))]

    def task(self, key: ChunkKey) -> ChunkTask:
        task = self.plans[key.point].task(ChunkKey(0, key.chunk))
        task.key = key
        return task


class JoinedEnsembles:
    """Routes each chunk result to its scenario's ensemble (see :class:`JoinedPlans`)."""

    def __init__(self, ensembles: Sequence[Ensemble]) -> None:
        self.ensembles = list(ensembles)

    def add(self, result: ChunkResult, keep_history: bool = False) -> None:
        scenario = result.key.point
        result.key = ChunkKey(0, result.key.chunk)
        self.ensembles[scenario].add(result, keep_history=keep_history)


def _resolve(item: Any) -> tuple[Scenario, Path | None]:
    """A scenario and its file from a path, a Scenario, or a (Scenario, path) pair."""
    if isinstance(item, str | os.PathLike):
        return load_scenario(item), Path(item)
    if isinstance(item, tuple) and len(item) == 2:
        return item[0], None if item[1] is None else Path(item[1])
    return item, None


def comparison_notes(
    scenarios: Sequence[Any],
    sources: Sequence[Path | None],
    replicates: int | None,
    seed: int | None,
) -> list[str]:
    """What a reader should know before the numbers: the seed and replicates taken from
    the first scenario where others say otherwise, and where the random numbers are only
    approximately shared (different actors or uncertain parameters)."""
    notes = []
    where = [_describe(s, sc) for s, sc in zip(sources, scenarios, strict=True)]
    first = scenarios[0].run
    for key, given, what in (("seed", seed, "seed"), ("replicates", replicates, "replicates")):
        if given is not None:
            continue
        other = [
            f"{where[k]} ({getattr(s.run, key)})"
            for k, s in enumerate(scenarios[1:], start=1)
            if getattr(s.run, key) != getattr(first, key)
        ]
        if other:
            notes.append(
                f"every scenario ran with the first's {what}, {getattr(first, key)} (set in "
                f"{where[0]}), not its own: {', '.join(other)}"
            )
    actor_sets = [tuple(s.actors) for s in scenarios]
    if len(set(actor_sets)) > 1:
        notes.append(
            "the scenarios have different actors, so the random numbers of their decisions "
            "do not line up (one is drawn for every decision of every pair of actors, and "
            "the pairs differ): differences between them include noise, which more "
            "replicates narrow"
        )
    uncertain = [set(getattr(s, "uncertainties", None) or {}) for s in scenarios]
    differing = sorted(set.union(*uncertain) - set.intersection(*uncertain))
    if differing:
        # Each parameter draws from a stream of its own (sim.experiment.uncertainty), so
        # the ones all scenarios sample stay paired, replicate by replicate.
        notes.append(
            f"the scenarios sample different uncertain parameters ({', '.join(differing)} "
            "uncertain in some, fixed in others): that is part of their difference; the "
            "uncertain parameters they share draw the same value in each replicate"
        )
    for name in dict.fromkeys(n for s in scenarios for n in s.outcomes):
        defs = {repr(s.outcomes[name].model_dump()) for s in scenarios if name in s.outcomes}
        if len(defs) > 1:
            notes.append(
                f"end-state '{name}' is defined differently in some scenarios; each is "
                "scored on its own definition"
            )
    return notes


def compare(
    paths_or_scenarios: Sequence[Any],
    replicates: int | None = None,
    seed: int | None = None,
    *,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    sink: ProgressSink | None = None,
) -> Comparison:
    """Run scenarios on the same random numbers and compare them with the first.

    ``paths_or_scenarios``: two or more scenario files or Scenario objects (or
    (Scenario, file) pairs of scenarios already loaded); the first is the reference.
    All run with the same seed and replicates: the first scenario's ``run.seed`` and
    ``run.replicates`` unless ``seed`` / ``replicates`` say otherwise
    (a note says so when another scenario sets different ones). They must share
    ``run.steps``, ``step_months``, ``start`` and ``chunk_size`` (``chunk_size`` here
    sets it for all) and have no sweep, else :class:`ComparisonError`. Chunks run in this
    process, on ``workers`` local processes or on the Dask ``scheduler``; what is kept
    per replicate is its start and end (record mode 'outcomes'): the bands come from the
    per-step histograms.

    The chunks of all scenarios go to the workers together (scenario k is the runner's
    "point" k), so several small scenarios run at once. ``progress(done, total)`` is
    called after every chunk of every scenario; ``sink`` may instead take the runner's
    progress (the command line's bar). A failed chunk's ``key.point`` is the index of
    its scenario. Raises ``sim.scenario.ScenarioError`` for a bad file and
    ``sim.experiment.engine.EnsembleFailed`` if a chunk fails.
    """
    loaded = [_resolve(item) for item in paths_or_scenarios]
    scenarios = [s for s, _ in loaded]
    sources = [p for _, p in loaded]
    check_comparable(scenarios, sources, chunk_size)
    first = scenarios[0].run
    reps = int(replicates or first.replicates)
    seed_ = int(first.seed if seed is None else seed)
    size = int(chunk_size or first.chunk_size)
    notes = comparison_notes(scenarios, sources, replicates, seed)
    settings = [resolve_settings(s, reps, seed_, size, "outcomes", None) for s in scenarios]
    labels = unique_labels([s.name for s in scenarios])
    plans = JoinedPlans([make_plan(s, st) for s, st in zip(scenarios, settings, strict=True)])
    ensembles = JoinedEnsembles(
        [new_ensemble(s, st) for s, st in zip(scenarios, settings, strict=True)]
    )
    started = dt.datetime.now().astimezone()
    timeout = connect_timeout or DEFAULT_CONNECT_TIMEOUT
    with make_backend(workers, scheduler, len(plans.keys), timeout) as backend:
        backend_name = backend.description
        try:
            stats = execute(
                plans,  # type: ignore[arg-type]
                ensembles,  # type: ignore[arg-type]
                backend,
                plans.keys,
                progress=sink or CallbackProgress(progress),
            )
        except Interrupted:
            raise KeyboardInterrupt from None
    if stats.failures:
        raise EnsembleFailed(stats.failures)
    finished = dt.datetime.now().astimezone()
    entries = [
        Compared(label, scenario, source, ensemble)
        for label, scenario, source, ensemble in zip(
            labels, scenarios, sources, ensembles.ensembles, strict=True
        )
    ]
    comparison = Comparison(
        entries,
        seed=seed_,
        replicates=reps,
        chunk_size=size,
        notes=notes,
        started_at=started,
        finished_at=finished,
        stats=[stats],
        backend=backend_name,
    )
    if comparison.left_out:
        parts = [f"{label}: {', '.join(d)}" for label, d in comparison.left_out.items()]
        comparison.notes.append(
            "only the dyads every scenario has are compared; left out: " + "; ".join(parts)
        )
    return comparison


__all__ = [
    "Compared",
    "Comparison",
    "ComparisonError",
    "bloc_partitions",
    "check_comparable",
    "compare",
    "comparison_notes",
    "partition_texts",
    "unique_labels",
]
