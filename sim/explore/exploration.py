"""An exploration: a base scenario's ensemble, and each change's on the same random numbers.

:class:`Explorer` runs the base scenario once, then, for every change the analyst makes,
the what-if that change is (:func:`sim.explore.what_if.what_if_scenario`, the very file
"save" would write) as an ensemble of the same replicates with the same seed and chunk
size, so that replicate r of the what-if draws the random numbers replicate r of the base
drew (common random numbers, docs/performance.md): with no change the difference is zero,
and with one it is the change's. Both ensembles keep each replicate's start and end and
the per-step histograms (record mode 'outcomes'), as ``run.py compare`` does, and their
comparison (:class:`~sim.analysis.comparison.Comparison`) gives the figures.

One ensemble runs at a time (the model's kernel already uses every core), in the thread
of the request that asked for it. A newer change supersedes the one in flight
(:mod:`sim.explore.generations`): the older run stops at its next chunk, or before it
draws, and its result is dropped.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import plotly.graph_objects as go

from sim.analysis.compare import comparison_notes, unique_labels
from sim.analysis.comparison import Compared, Comparison
from sim.experiment.collect import Ensemble
from sim.experiment.engine import resolve_settings, run_in_memory
from sim.experiment.runner import ProgressSink
from sim.explore.controls import Control, controls_for
from sim.explore.figures import what_if_figures
from sim.explore.generations import Generations, SupersededBetweenChunks
from sim.explore.what_if import Changes, what_if_scenario
from sim.scenario import Scenario

DEFAULT_REPLICATES = 1000
"""Replicates of every ensemble the explorer runs, unless ``--reps`` says otherwise."""
WHAT_IF = "what-if"
"""The label of the changed scenario in the figures (the base keeps its name)."""


@dataclass(frozen=True)
class Explored:
    """One change and what it does: the comparison of the what-if with the base, its
    figures, and how long the work took (the ensemble alone, and up to the figures)."""

    generation: int
    changes: dict[str, float | None]
    comparison: Comparison
    figures: dict[str, go.Figure]
    ensemble_seconds: float
    seconds: float

    @property
    def notes(self) -> list[str]:
        """What a reader should know before the numbers (as ``run.py compare`` says it)."""
        return list(self.comparison.notes)


class Explorer:
    """A base scenario file explored: its controls, its ensemble, and every change's.

    ``replicates``, ``seed`` and ``chunk_size`` are shared by the base and every what-if
    (defaults: :data:`DEFAULT_REPLICATES`, and the base's ``run.seed`` and
    ``run.chunk_size``), so ``run.py compare BASE WHAT-IF --reps R --seed S`` reproduces
    what the page shows.
    """

    def __init__(
        self,
        base_path: Path,
        base: Scenario,
        replicates: int = DEFAULT_REPLICATES,
        seed: int | None = None,
        chunk_size: int | None = None,
        max_bytes: int | None = None,
        program: str = "python run.py",
    ) -> None:
        self.base_path = Path(base_path)
        self.program = program
        """What the page tells the analyst to type to run a saved what-if (``alignsim``
        when the explorer was started by it)."""
        self.base = base
        self.max_bytes = max_bytes
        self.settings = resolve_settings(base, replicates, seed, chunk_size, "outcomes")
        self.controls: list[Control] = controls_for(base)
        self.generations = Generations()
        self.labels = unique_labels([base.name, WHAT_IF])
        self._compute = threading.Lock()
        self._base_ensemble: Ensemble | None = None
        self._last: Explored | None = None

    @property
    def replicates(self) -> int:
        return self.settings.replicates

    @property
    def seed(self) -> int:
        return self.settings.seed

    @property
    def chunk_size(self) -> int:
        return self.settings.chunk_size

    def control(self, key: str) -> Control:
        """The control of ``key`` (KeyError when the scenario has none)."""
        for control in self.controls:
            if control.key == key:
                return control
        raise KeyError(key)

    def ensemble(self, scenario: Scenario, progress: ProgressSink | None = None) -> Ensemble:
        """``scenario`` run as an ensemble with the explorer's settings, in this process.
        ``progress`` may stop it between chunks (by raising); a failed chunk raises
        :class:`~sim.experiment.engine.EnsembleFailed`."""
        s = self.settings
        settings = resolve_settings(scenario, s.replicates, s.seed, s.chunk_size, s.record)
        ensemble, _ = run_in_memory(scenario, settings, workers=1, progress=progress)
        return ensemble

    def base_ensemble(self) -> Ensemble:
        """The base scenario's ensemble (run on first use, then kept)."""
        with self._compute:
            if self._base_ensemble is None:
                self._base_ensemble = self.ensemble(self.base)
            return self._base_ensemble

    def explore(self, changes: Changes, generation: int | None = None) -> Explored:
        """The what-if of ``changes`` against the base: run, compared and drawn.

        ``generation`` (from :attr:`generations`) ties the work to one change in the page:
        a newer one makes it raise :class:`~sim.explore.generations.Superseded` between
        chunks or before it draws. A value the format refuses raises
        ``sim.scenario.ScenarioError``.
        """
        base_ensemble = self.base_ensemble()
        wanted = dict(changes)
        with self._compute:
            gen = self.generations.next() if generation is None else generation
            self.generations.check(gen)
            if self._last is not None and self._last.changes == wanted:
                return replace(self._last, generation=gen)  # a page reloaded: nothing new
            started = time.perf_counter()
            scenario = what_if_scenario(self.base_path, wanted, self.max_bytes)
            ensemble = self.ensemble(scenario, SupersededBetweenChunks(self.generations, gen))
            ran = time.perf_counter() - started
            comparison = self.comparison(scenario, ensemble, base_ensemble)
            self.generations.check(gen)
            figures = what_if_figures(comparison)
            self.generations.check(gen)
            self._last = Explored(
                gen, wanted, comparison, figures, ran, time.perf_counter() - started
            )
            return self._last

    def comparison(
        self, scenario: Scenario, ensemble: Ensemble, base_ensemble: Ensemble
    ) -> Comparison:
        """The base and the what-if ``scenario`` (with its ``ensemble``) side by side."""
        scenarios = [self.base, scenario]
        notes = comparison_notes(scenarios, [self.base_path, None], self.replicates, self.seed)
        return Comparison(
            [
                Compared(self.labels[0], self.base, self.base_path, base_ensemble),
                Compared(self.labels[1], scenario, None, ensemble),
            ],
            seed=self.seed,
            replicates=self.replicates,
            chunk_size=self.chunk_size,
            notes=notes,
        )
