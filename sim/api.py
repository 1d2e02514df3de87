"""The small public Python API: load a scenario, run it, look at it, save it.

Example::

    import sim
    result = sim.run("scenarios/baseline.yaml", replicates=100)
    result.outcomes            # end-state probabilities, Wilson 95% intervals
    result.dyad_stats          # where each dyad ends up
    result.trajectories        # every relation at every step (long format)
    result.figures()["relations"].show()
    sim.save(result)           # results/<scenario>/<run-id>/

This module only wires the pieces together: the scenario loader, the model, the tidy
frames (:mod:`sim.results`) and the figures (:mod:`sim.figures`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from sim.scenario import Scenario

Progress = Callable[[int, int], None]


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, resolve (``extends``) and validate a scenario file.

    Raises ``sim.scenario.ScenarioError`` listing every problem as
    ``file:line: key.path: message``.
    """
    from sim.scenario import load_scenario as _load

    return _load(path)


@dataclass(eq=False)
class RunResult:
    """One finished run: the scenario, the model (with its history) and derived views.

    The frames are computed on first use and then kept.
    """

    scenario: Scenario
    model: Any
    source: Path | None = None
    """The scenario file, if the run started from one."""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    _figures: dict[str, go.Figure] | None = field(default=None, repr=False)

    @cached_property
    def trajectories(self) -> pd.DataFrame:
        """Every relation of every dyad in every replicate at every step (long format)."""
        from sim.results import trajectories_frame

        return trajectories_frame(self.model, self.scenario.bands)

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """End-state probabilities with Wilson 95% intervals (one row per outcome)."""
        from sim.results import outcome_table

        return outcome_table(self.scenario, self.model)

    @cached_property
    def dyad_stats(self) -> pd.DataFrame:
        """Per dyad: start, end mean/median/quantiles, share in each band, modal band."""
        from sim.results import dyad_end_table

        return dyad_end_table(self.model, self.scenario)

    def figures(self) -> dict[str, go.Figure]:
        """The report's figures by name: 'relations', 'network', 'end_states' (if any)."""
        if self._figures is None:
            from sim.figures import build_figures

            self._figures = build_figures(
                self.scenario, self.model, self.trajectories, self.outcomes
            )
        return dict(self._figures)


def run(
    scenario_or_path: Scenario | str | os.PathLike[str],
    replicates: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run a scenario (a Scenario or a path to its YAML file) as a Monte Carlo ensemble.

    ``replicates`` and ``seed`` override the scenario's ``run`` settings;
    ``progress(done, total)`` is called after every step.
    """
    from sim.model import AlignmentModel

    source: Path | None = None
    if isinstance(scenario_or_path, str | os.PathLike):
        source = Path(scenario_or_path)
        scenario = load_scenario(source)
    else:
        scenario = scenario_or_path
    started = dt.datetime.now().astimezone()
    model = AlignmentModel(scenario, replicates=replicates, seed=seed)
    model.run(progress=progress)
    finished = dt.datetime.now().astimezone()
    return RunResult(scenario, model, source, started, finished)


def save(
    result: RunResult,
    results_root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``results_root/<scenario>/<run-id>/`` (never overwriting) and return it."""
    from sim.results import write_run

    return write_run(result, results_root, command)


__all__ = ["RunResult", "load_scenario", "run", "save"]
