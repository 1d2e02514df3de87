"""The small public Python API: load a scenario, run it, look at it, save it.

Example::

    import sim
    result = sim.run("scenarios/baseline.yaml", replicates=100)
    result.outcomes            # end-state probabilities, Wilson 95% intervals
    result.dyad_stats          # where each dyad ends up
    result.trajectories        # every relation at every step (long format)
    result.events              # every event firing (event, replicate, step, date)
    result.event_stats         # per event: share of replicates it fired in, when
    result.figures()["relations"].show()
    sim.save(result)           # results/<scenario>/<run-id>/

    sim.run(scenario, replicates=10_000, record="outcomes", workers=8)
    sim.run(scenario, sweep={"actors.CHN.assertiveness": [0.4, 0.6, 0.8]})

    cmp = sim.compare(["scenarios/baseline.yaml", "scenarios/kurils-settled.yaml"])
    cmp.largest                # the largest differences from the first, in words
    sim.save_comparison(cmp)   # results/compare/<id>/comparison.html and CSV files

    whatif = sim.load_scenario_text(yaml_text, base_dir="scenarios")  # extends: baseline.yaml

This module only wires the pieces together: the scenario loader, the ensemble engine
(:mod:`sim.experiment`), the tidy frames (:mod:`sim.results.frames`), the figures
(:mod:`sim.present.run_figures`) and comparisons (:mod:`sim.analysis.compare`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sim.analysis.compare import compare as compare_scenarios
from sim.analysis.comparison import Comparison
from sim.experiment.collect import Ensemble, PointView
from sim.experiment.engine import resolve_settings, run_in_memory
from sim.experiment.runner import CallbackProgress, RunStats
from sim.model.model import AlignmentModel
from sim.present.comparison_page import save_comparison as write_comparison
from sim.present.insights import insight_figures
from sim.present.report import write_report
from sim.present.run_figures import build_figures
from sim.present.sweeps import sweep_figures
from sim.results.events import event_table, events_frame
from sim.results.frames import (
    dyad_end_table,
    ensemble_batches,
    outcome_table,
    parameters_frame,
    per_point,
    sweep_table,
)
from sim.results.run_folder import write_run
from sim.scenario import Scenario
from sim.scenario import load_scenario as read_scenario
from sim.scenario import load_scenario_text as read_scenario_text

Progress = Callable[[int, int], None]


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, resolve (``extends``) and validate a scenario file.

    Raises ``sim.scenario.ScenarioError`` listing every problem as
    ``file:line: key.path: message``.
    """
    return read_scenario(path)


def load_scenario_text(
    text: str,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    name: str = "<text>",
) -> Scenario:
    """Read, resolve and validate a scenario written as YAML text (a what-if in a notebook
    cell) instead of a file.

    ``extends: baseline.yaml`` is found in ``base_dir`` (default: the working directory),
    so a short what-if can build on a scenario of the library without being saved first.
    ``name`` stands for the text in error messages (``name:line: key.path: message``, a
    ``sim.scenario.ScenarioError`` as for :func:`load_scenario`).
    """
    return read_scenario_text(text, name, base_dir)


@dataclass(eq=False)
class RunResult:
    """One finished run: the scenario, its ensemble, and derived views.

    ``ensemble`` (:class:`sim.experiment.collect.Ensemble`) holds every sweep point's
    summaries and where the histories are; ``model`` is a model-like view of the first
    point (or the :class:`~sim.model.model.AlignmentModel` a result was made from), with
    ``history``, ``histograms``, ``starts``, ``ends``, ``actor_ids``, ``dates`` ...
    The frames are computed on first use and then kept. In a sweep, ``trajectories``,
    ``outcomes`` and ``dyad_stats`` cover every point, with a ``point`` column and one
    column per swept parameter first.
    """

    scenario: Scenario
    model: AlignmentModel | PointView | None = None
    """The model a result was made from, or a model-like view of the first point."""
    source: Path | None = None
    """The scenario file, if the run started from one."""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    ensemble: Ensemble | None = None
    stats: RunStats | None = None
    """How it ran (sim.experiment.runner.RunStats), when it ran through the engine."""
    sweep_sets: dict[str, list[float]] = field(default_factory=dict)
    run_id: str | None = None
    """The run-id to publish under (a resumed run keeps the one it started with)."""
    resumed: list[Any] = field(default_factory=list)
    """The earlier partial runs this one continued (their chunk records)."""
    _figures: dict[str, go.Figure] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.ensemble is None:
            if self.model is None:
                raise ValueError("a RunResult needs a model or an ensemble")
            self.ensemble = Ensemble.from_model(self.model)
        if self.model is None:
            self.model = self.ensemble.point(0)

    @property
    def points(self) -> list[PointView]:
        """A model-like view per sweep point (one without a sweep)."""
        return [self.ensemble.point(k) for k in range(len(self.ensemble.points))]

    @cached_property
    def trajectories(self) -> pd.DataFrame:
        """Every recorded relation of every dyad in every replicate (long format).

        Assembled in memory: for a large run read ``trajectories.parquet`` instead.
        """
        return pd.concat(list(ensemble_batches(self.ensemble)), ignore_index=True)

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """End-state probabilities with Wilson 95% intervals (one row per outcome)."""
        if self.ensemble.is_sweep:
            return per_point(self.ensemble, "outcomes")
        return self.first_outcomes

    @cached_property
    def first_outcomes(self) -> pd.DataFrame:
        """The end-state probabilities of the first sweep point (of the run, without a
        sweep), as the report and its figures show them."""
        return outcome_table(self.scenario, self.ensemble.point(0))

    @cached_property
    def dyad_stats(self) -> pd.DataFrame:
        """Per dyad: start, end mean/median/quantiles, share in each band, modal band."""
        if self.ensemble.is_sweep:
            return per_point(self.ensemble, "dyads")
        return self.first_dyad_stats

    @cached_property
    def first_dyad_stats(self) -> pd.DataFrame:
        """:attr:`dyad_stats` of the first sweep point (of the run, without a sweep), as the
        report shows them."""
        return dyad_end_table(self.ensemble.point(0), self.scenario)

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every event firing: one row per event, replicate and step it fired in
        (``events.parquet``; ``point`` first in a sweep). Empty when nothing fired."""
        return events_frame(self.ensemble)

    @cached_property
    def event_stats(self) -> pd.DataFrame:
        """Per event: share of replicates in which it fired (Wilson 95% interval), firings
        per replicate and the median first date (per point in a sweep)."""
        if self.ensemble.is_sweep:
            return per_point(self.ensemble, "events")
        return self.first_event_stats

    @cached_property
    def first_event_stats(self) -> pd.DataFrame:
        """:attr:`event_stats` of the first sweep point (of the run, without a sweep), as the
        report shows them."""
        return event_table(self.ensemble.point(0), self.scenario)

    @cached_property
    def sweep(self) -> pd.DataFrame:
        """Per sweep point: swept values, end-state probabilities, dyad end medians."""
        return sweep_table(self.ensemble)

    @cached_property
    def parameters(self) -> pd.DataFrame:
        """The sampled value of every uncertain parameter in every replicate."""
        return parameters_frame(self.ensemble)

    def figures(self) -> dict[str, go.Figure]:
        """The report's figures by name: 'relations', 'network', 'end_states' (if any),
        'events' (if the scenario has events), and in a sweep 'sweep_end_states' and
        'sweep_dyads'. The per-run figures show the first sweep point."""
        if self._figures is None:
            first = self.ensemble.point(0)
            figures = build_figures(self.scenario, first, None, self.first_outcomes)
            if self.ensemble.is_sweep:
                names = dict(zip(first.actor_ids, first.actor_names, strict=True))
                figures.update(sweep_figures(self.sweep, self.ensemble.sweep_keys, names))
            figures.update(
                insight_figures(self.scenario, self.ensemble.replicates, self.ensemble.seed)
            )
            self._figures = figures
        return dict(self._figures)


def run(
    scenario_or_path: Scenario | str | os.PathLike[str],
    replicates: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    *,
    record: str = "full",
    chunk_size: int | None = None,
    sweep: Mapping[str, Sequence[float]] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> RunResult:
    """Run a scenario (a Scenario or a path to its YAML file) as a Monte Carlo ensemble.

    ``replicates``, ``seed`` and ``chunk_size`` override the scenario's ``run``
    settings; ``record`` is 'full', 'steps:K' or 'outcomes' (what is kept per
    replicate); ``sweep`` adds sweep values to the scenario's (``{"model.temperature":
    [0.01, 0.02]}``). The work is cut into chunks of ``chunk_size`` replicates, each
    with its own seed (docs/performance.md), and run in this process when there is one
    chunk, else on ``workers`` local processes (default: all cores) or on the Dask
    scheduler at ``scheduler``: the numbers are the same whichever runs them.
    ``progress(done, total)`` is called after every chunk.

    Everything is kept in memory; the command line streams large runs to disk instead.
    Raises ``sim.experiment.engine.EnsembleFailed`` if a chunk fails.
    """
    source: Path | None = None
    if isinstance(scenario_or_path, str | os.PathLike):
        source = Path(scenario_or_path)
        scenario = load_scenario(source)
    else:
        scenario = scenario_or_path
    settings = resolve_settings(scenario, replicates, seed, chunk_size, record, sweep)
    started = dt.datetime.now().astimezone()
    ensemble, stats = run_in_memory(
        scenario,
        settings,
        workers=workers,
        scheduler=scheduler,
        progress=CallbackProgress(progress),
    )
    finished = dt.datetime.now().astimezone()
    return RunResult(
        scenario,
        None,
        source,
        started,
        finished,
        ensemble=ensemble,
        stats=stats,
        sweep_sets=settings.sweep_sets,
    )


def save(
    result: RunResult,
    results_root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``results_root/<scenario>/<run-id>/`` (never overwriting) and return it.

    The folder holds the run's files (:func:`sim.results.run_folder.write_run`) and its
    HTML report (``report.html``, :func:`sim.present.report.write_report`).
    """

    def report(path: Path, manifest: dict[str, Any]) -> None:
        write_run_report(result, path, manifest)

    return write_run(result, results_root, command, files={"report.html": report})


def write_run_report(result: RunResult, path: Path, manifest: Mapping[str, Any]) -> Path:
    """Write the HTML report of a run (the first sweep point, and the sweep's section)
    with the run's facts from its ``manifest``; return its path."""
    ens = result.ensemble
    first = ens.point(0)
    return write_report(
        path,
        result.scenario,
        first,
        None,
        result.first_outcomes,
        result.first_dyad_stats,
        run_info={
            "scenario_sha256": manifest["scenario_sha256"],
            "started_at": manifest["started_at"],
            "finished_at": manifest["finished_at"],
            "chunk_size": ens.chunk_size,
            "record": ens.record,
            "execution": manifest["execution"],
        },
        figures=result.figures(),
        sweep=sweep_table(ens) if ens.is_sweep else None,
        sweep_keys=ens.sweep_keys,
        events=result.first_event_stats,
    )


def compare(
    paths_or_scenarios: Sequence[Scenario | str | os.PathLike[str]],
    replicates: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    *,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Comparison:
    """Run two or more scenarios on the same random numbers and compare them with the first.

    Every scenario runs with the same seed and replicates (the first scenario's, unless
    ``seed`` / ``replicates`` are given), so replicate r draws the same random numbers in
    each and the differences come from the scenarios, not from noise. They must share
    ``run.steps``, ``step_months``, ``start`` and ``chunk_size`` and have no sweep
    (``sim.analysis.compare.ComparisonError`` says what differs). Returns a
    :class:`~sim.analysis.compare.Comparison`: ``bands``, ``end_states``,
    ``differences``, ``transitions``, ``events``, ``largest`` (frames), ``entries`` (each
    scenario's label, file and ensemble) and ``notes``; its figures are
    ``sim.present.compare_figures.comparison_figures(comparison)``.
    """
    return compare_scenarios(
        paths_or_scenarios,
        replicates,
        seed,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )


def save_comparison(
    comparison: Comparison,
    results_root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``results_root/compare/<id>/`` (comparison.html, CSV files, manifest.json;
    never overwriting) and return it."""
    return write_comparison(comparison, results_root, command)


__all__ = [
    "RunResult",
    "compare",
    "load_scenario",
    "load_scenario_text",
    "run",
    "save",
    "save_comparison",
]
