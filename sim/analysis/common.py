"""What the analyses share: input checks, labels, seeds, numbers in words and the
manifest fields of a result folder (the folders and pages are written by
:mod:`sim.present`).

- :class:`AnalysisError`: a problem with what the user asked for (the command line
  reports it without a traceback and exits with 2).
- :func:`parse_range_option` / :func:`check_range`: ``--vary KEY=LO:HI``, checked as
  sweep keys are (``sim.scenario.checks.sweep_problems``: a numeric parameter path,
  both ends inside the parameter's range).
- :func:`parameter_label`: a parameter path in words ("China's assertiveness").
- :func:`derived_seed`: the seeds of the analysis libraries, derived from the run's.
- :func:`run_ensemble`: a scenario run in memory through the ensemble engine;
  :func:`open_backend` keeps one pool open over many runs, :func:`merge_stats` adds up
  their RunStats.
- :func:`result_manifest`: the manifest fields every analysis folder has.
- :func:`number` / :func:`signed` / :func:`distribution_text`: numbers in prose and tables.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.outcome_expr import OutcomeError
from sim.experiment.engine import Settings, run_in_memory
from sim.experiment.executors import DEFAULT_CONNECT_TIMEOUT, make_backend
from sim.experiment.runner import CallbackProgress
from sim.results.manifest import (
    command_record,
    iso_time,
    package_versions,
    scenario_dump,
    scenario_sha256,
)
from sim.scenario import Scenario, load_scenario
from sim.scenario.checks import canonical_path, sweep_problems

ANALYSIS_FORMAT = 1
"""Version of the analysis manifests' layout."""

ANALYSIS_STREAM = 3
"""First spawn-key element of the seeds derived for the analysis libraries (the engine
uses 0 for parameters and 1 for dynamics)."""

EXTRA_PACKAGES = ("SALib", "ema_workbench", "scikit-learn", "matplotlib", "scipy")

RANGE_EXAMPLE = "e.g. --vary actors.CHN.assertiveness=0.4:0.8"


class AnalysisError(ValueError):
    """A problem with the analysis asked for (bad option, outcome, or no factors)."""


# --------------------------------------------------------------------------- inputs


def load(scenario_or_path: Scenario | str | os.PathLike[str]) -> tuple[Scenario, Path | None]:
    """The scenario and the file it came from (None for a Scenario object).

    Raises ``sim.scenario.ScenarioError`` for an invalid file and OSError if unreadable.
    """
    if isinstance(scenario_or_path, Scenario):
        return scenario_or_path, None
    path = Path(scenario_or_path)
    return load_scenario(path), path


def parse_range_option(text: str, option: str = "--vary") -> tuple[str, float, float]:
    """Read ``KEY=LO:HI`` into (key, low, high); ValueError saying what is wrong.

    Only the form is checked here; :func:`check_range` checks the key and the range
    against the scenario.
    """
    key, eq, rest = str(text).partition("=")
    key = key.strip()
    if not eq or not key:
        raise ValueError(f"{option} {text!r}: expected KEY=LO:HI ({RANGE_EXAMPLE})")
    low_text, colon, high_text = rest.partition(":")
    if not colon:
        raise ValueError(f"{option} {key}: expected LO:HI after '=' ({RANGE_EXAMPLE})")
    values = []
    for word in (low_text.strip(), high_text.strip()):
        try:
            x = float(word)
        except ValueError:
            raise ValueError(f"{option} {key}: {word!r} is not a number") from None
        if not math.isfinite(x):
            raise ValueError(f"{option} {key}: {word!r} is not a finite number")
        values.append(x)
    low, high = values
    if not low < high:
        raise ValueError(f"{option} {key}: LO ({low:g}) must be below HI ({high:g})")
    return key, low, high


def check_range(
    scenario: Scenario, key: str, low: float, high: float, option: str = "--vary"
) -> str:
    """The canonical parameter path of ``key`` if ``low..high`` may be given to it.

    The same checks as a sweep key (``sweep_problems``): a numeric parameter path under
    actors, dyads, weights or model, both ends inside the parameter's range. Raises
    :class:`AnalysisError` naming the option and the key.
    """
    problems = sweep_problems(scenario, key, [low, high])
    if problems:
        raise AnalysisError("\n".join(f"{option} {key}: {msg}" for _, msg in problems))
    return canonical_path(list(scenario.actors), key)


def parameter_label(scenario: Scenario, path: str) -> str:
    """A parameter path in words, e.g. 'China's assertiveness', 'the balance weight',
    'the kurils dispute's salience (Russia-Japan)'. Unknown forms are returned as given.
    """
    names = {k: a.name for k, a in scenario.actors.items()}
    parts = path.split(".")

    def name(actor: str) -> str:
        return names.get(actor, actor)

    def pair(dyad: str) -> str:
        a, _, b = dyad.partition("-")
        return f"{name(a)}-{name(b)}"

    words = [p.replace("_", " ") for p in parts]
    if parts[0] == "weights" and len(parts) == 2:
        return f"the {words[1]} weight"
    if parts[0] == "model" and len(parts) == 2:
        return f"the model's {words[1]}"
    if parts[0] == "actors" and len(parts) >= 3:
        who = name(parts[1])
        if len(parts) == 3:
            return f"{who}'s {words[2]}"
        if parts[2] == "capabilities" and len(parts) == 4:
            return f"{who}'s {words[3]} (capabilities)"
        if parts[2] == "attention" and len(parts) == 4:
            return f"{who}'s attention to {name(parts[3])}"
        if parts[2] == "wedge" and len(parts) == 4:
            return f"{who}'s wedge toward {name(parts[3])}"
    if parts[0] == "dyads" and len(parts) >= 3:
        between = pair(parts[1])
        if len(parts) == 3:
            if parts[2] == "relation":
                return f"the starting {between} relation"
            return f"{between} {words[2]}"
        if parts[2] == "disputes" and len(parts) == 4:
            return f"the {words[3]} dispute's salience ({between})"
        if parts[2] == "irritants" and len(parts) == 5:
            return f"the {words[3]} irritant felt by {name(parts[4])} ({between})"
    return path


def derived_seed(seed: int, purpose: int) -> int:
    """A positive 31-bit seed for an analysis library, from the run's seed.

    ``SeedSequence(entropy=seed, spawn_key=(3, purpose))``: independent of the
    engine's streams, the same for the same seed. Never 0 (SALib's Sobol analysis
    treats a seed of 0 as no seed).
    """
    state = np.random.SeedSequence(entropy=int(seed), spawn_key=(ANALYSIS_STREAM, int(purpose)))
    return int(state.generate_state(1, dtype=np.uint32)[0] % (2**31 - 2)) + 1


def chunk_size_of(scenario: Scenario, chunk_size: int | None) -> int:
    """Replicates per chunk of work: ``chunk_size``, or the scenario's run.chunk_size.
    Raises :class:`AnalysisError` below 1."""
    size = int(scenario.run.chunk_size if chunk_size is None else chunk_size)
    if size < 1:
        raise AnalysisError(f"chunk size must be >= 1, got {size}")
    return size


def parse_outcome_option(
    parse: Callable[[str, Scenario], Any], outcome: str, scenario: Scenario
) -> Any:
    """``parse(outcome, scenario)`` (an outcome_expr parser), its OutcomeError raised as
    :class:`AnalysisError`."""
    try:
        return parse(outcome, scenario)
    except OutcomeError as exc:
        raise AnalysisError(str(exc)) from None


def vary_ranges(
    scenario: Scenario, vary: Mapping[str, tuple[float, float]] | None
) -> Iterator[tuple[str, str, float, float]]:
    """The ``vary`` entries ``{key: (low, high)}`` checked (:func:`check_range`), as
    (key, canonical path, low, high). Raises :class:`AnalysisError` on a bad entry."""
    for key, (low, high) in (vary or {}).items():
        lo, hi = float(low), float(high)
        if not lo < hi:
            raise AnalysisError(f"--vary {key}: LO ({lo:g}) must be below HI ({hi:g})")
        yield key, check_range(scenario, key, lo, hi), lo, hi


def sweep_ignored_notes(scenario: Scenario) -> list[str]:
    """A note that the scenario's sweep is ignored, when it has one."""
    if not scenario.sweep:
        return []
    return [
        "the scenario's sweep (" + ", ".join(sorted(scenario.sweep)) + ") is ignored: "
        "those parameters keep the scenario's values"
    ]


def run_ensemble(
    scenario: Scenario,
    *,
    replicates: int,
    seed: int,
    chunk_size: int,
    record: str,
    points: list[dict[str, float]],
    workers: int | None,
    scheduler: str | None,
    connect_timeout: float | None,
    progress: Any,
    backend: Any = None,
) -> tuple[Any, Any, dt.datetime]:
    """Run ``scenario`` in memory through the ensemble engine; return the ensemble, its
    RunStats and when it started. ``progress`` as for :func:`progress_sink`; ``backend``
    an open one of :func:`open_backend` (else one is opened for this call).

    Raises ``sim.experiment.engine.EnsembleFailed`` if a chunk fails and
    ``sim.experiment.executors.SchedulerUnreachable`` without a Dask scheduler.
    """
    settings = Settings(
        replicates=replicates,
        seed=seed,
        chunk_size=chunk_size,
        record=record,
        points=points,
    )
    started = dt.datetime.now().astimezone()
    ensemble, stats = run_in_memory(
        scenario,
        settings,
        workers=workers,
        scheduler=scheduler,
        connect_timeout=connect_timeout or DEFAULT_CONNECT_TIMEOUT,
        progress=progress_sink(progress),
        backend=backend,
    )
    return ensemble, stats, started


def open_backend(
    workers: int | None, scheduler: str | None, chunks: int, connect_timeout: float | None
) -> Any:
    """A backend to keep open over many engine calls (a context manager): the process
    pool (at most ``chunks`` workers, the most one call runs at once) or the Dask client
    starts once, not once per call."""
    return make_backend(workers, scheduler, chunks, connect_timeout or DEFAULT_CONNECT_TIMEOUT)


def merge_stats(total: Any, stats: Any) -> Any:
    """The RunStats of two engine calls together (``total`` None: the first call's)."""
    if total is None:
        return replace(stats, failures=list(stats.failures))
    return replace(
        stats,
        chunks=total.chunks + stats.chunks,
        done=total.done + stats.done,
        skipped=total.skipped + stats.skipped,
        replicates_done=total.replicates_done + stats.replicates_done,
        seconds=total.seconds + stats.seconds,
        failures=[*total.failures, *stats.failures],
    )


def progress_sink(progress: Any) -> Any:
    """The engine's progress sink for ``progress``: a sink (has ``advance``) as it is,
    a ``callback(done_chunks, total_chunks)`` wrapped, or None."""
    if progress is None or hasattr(progress, "advance"):
        return progress
    return CallbackProgress(progress)


# --------------------------------------------------------------------------- folders


def execution_info(stats: Any) -> dict[str, Any]:
    """Where and how fast the ensemble ran (from the engine's RunStats)."""
    if stats is None:
        return {}
    return {
        "backend": stats.backend,
        "workers": stats.workers,
        "chunks": stats.chunks,
        "seconds": round(float(stats.seconds), 3),
        "replicate_runs": int(stats.replicates_done),
    }


def base_manifest(
    kind: str,
    scenario: Scenario,
    source: Path | None,
    seed: int,
    started: dt.datetime,
    finished: dt.datetime,
    stats: Any,
    command: Sequence[str] | str | None,
) -> dict[str, Any]:
    """The manifest fields every analysis has (its own fields are added by the caller),
    from the pieces of the one manifest builder (:mod:`sim.results.manifest`)."""
    return {
        "format": ANALYSIS_FORMAT,
        "kind": kind,
        "run_id": None,
        "scenario_name": scenario.name,
        "scenario_file": None if source is None else str(Path(source).resolve()),
        "scenario_sha256": scenario_sha256(scenario),
        "seed": int(seed),
        "started_at": iso_time(started),
        "finished_at": iso_time(finished),
        "command": command_record(command),
        "execution": execution_info(stats),
        "versions": package_versions(EXTRA_PACKAGES),
        "files": {},
        "scenario": scenario_dump(scenario),
    }


def result_manifest(kind: str, result: Any, command: Sequence[str] | str | None) -> dict[str, Any]:
    """:func:`base_manifest` of a finished analysis (a result with ``scenario``,
    ``source``, ``seed``, ``started_at``, ``finished_at`` and ``stats``)."""
    started = result.started_at or dt.datetime.now().astimezone()
    return base_manifest(
        kind,
        result.scenario,
        result.source,
        result.seed,
        started,
        result.finished_at or started,
        result.stats,
        command,
    )


def number(x: float, digits: int = 2) -> str:
    """A parameter value for prose and tables: 0.62, 1.5, 1e-05."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    value = float(x)
    if value == 0:
        return "0"
    if abs(value) >= 0.01:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    return f"{value:.{digits - 1}g}"


def distribution_text(d: Mapping[str, Any]) -> str:
    """A distribution (as the scenario states it, a dict) in a few words."""
    kind = d.get("dist")
    if kind == "uniform":
        return f"uniform {number(d['low'])} to {number(d['high'])}"
    if kind == "triangular":
        return f"triangular {number(d['low'])}, mode {number(d['mode'])}, {number(d['high'])}"
    if kind == "normal":
        text = f"normal mean {number(d['mean'])}, sd {number(d['sd'])}"
        if d.get("low") is not None or d.get("high") is not None:
            text += f", within {number(d.get('low'))}..{number(d.get('high'))}"
        return text
    if kind == "choice":
        return "choice of " + ", ".join(number(v) for v in d["values"])
    return str(d)


def signed(x: Any, digits: int = 2) -> str:
    """A relation (or a change of one) with its sign: '+0.25' / '-0.40'; never '-0.00';
    '' for a missing value (None, NaN, or anything that is not a number). The one
    formatter of signed relations: words, tables and pages all use it."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        return ""
    if math.isnan(value):
        return ""
    value = round(value, digits)
    return f"{value + 0.0 if value != 0 else 0.0:+.{digits}f}"


def join_words(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c': items joined as a sentence lists them."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
