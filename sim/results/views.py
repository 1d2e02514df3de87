"""What the frames read: a finished model, or one point of an ensemble.

The tables of :mod:`sim.results` are computed from a "run view": a finished
:class:`~sim.model.model.AlignmentModel`, or one sweep point of an ensemble (the
experiment layer's ``PointView``, which this layer may not import). Both have the
attributes of :class:`RunView`; an ensemble point adds ``starts`` and ``ends`` (every
replicate's relations at the first and the last step) so that the tables never need
every history in memory, and ``event_firings``. The accessors below take either.

The whole-ensemble frames (``trajectories.parquet``, ``events.parquet``, the sweep table)
read an :class:`EnsembleView`; the run folder reads a :class:`RunRecord`
(``sim.api.RunResult``). These Protocols say exactly what is read, nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from sim.model.bands import BandBounds, relation_matrices
from sim.scenario import Bands, Scenario
from sim.scenario.calendar import step_labels
from sim.scenario.dyads import dyad_label

if TYPE_CHECKING:
    import pandas as pd

    from sim.model.model import AlignmentModel

EventFirings = dict[str, np.ndarray]
"""Event name -> (K, 2) int32 array of (step, replicate) rows: every firing of the event,
one row per replicate it fired in, replicates numbered as in the whole ensemble."""


class RunView(Protocol):
    """The attributes every run view has (a finished model or an ensemble point)."""

    spec: Scenario
    actor_ids: list[str]
    actor_names: list[str]
    dyads: list[tuple[int, int]]
    """Pairs (i, j), i < j, in scenario order."""
    dates: list[dt.date]
    """The date of every step, 0 .. steps."""
    history: np.ndarray
    """(S, R, D): each dyad's relation at each recorded step."""
    recorded_steps: list[int]
    replicates: int
    seed: int | np.random.SeedSequence


class EnsemblePoint(RunView, Protocol):
    """One sweep point of an ensemble (``sim.experiment.collect.PointView``)."""

    starts: np.ndarray
    """(R, D): every replicate's relations at step 0."""
    ends: np.ndarray
    """(R, D): every replicate's relations at the last step."""
    event_firings: EventFirings
    """Every firing of every event (the scenario's events all have an entry)."""


type Run = AlignmentModel | EnsemblePoint
"""What a per-run table reads: a finished model or one point of an ensemble."""


class PointSummary(Protocol):
    """What the ensemble-wide frames read of one sweep point's summary."""

    values: dict[str, float]
    """The swept values of the point ({} without a sweep)."""
    replicates: int
    parameters: dict[str, np.ndarray]
    """Path -> (replicates,) values the replicates ran with."""

    def event_firings(self, names: Sequence[str] = ()) -> EventFirings: ...


class ChunkKeyView(Protocol):
    point: int
    chunk: int


class EnsembleView(Protocol):
    """What the ensemble-wide frames and the manifest read (``sim.experiment.collect.Ensemble``)."""

    spec: Scenario
    replicates: int
    seed: int
    chunk_size: int
    record: str
    recorded_steps: list[int]
    steps: int
    dates: list[dt.date]
    actor_ids: list[str]
    dyads: list[tuple[int, int]]
    sweep_keys: list[str]
    event_names: list[str]
    sampling: dict[str, Any]
    points: Sequence[PointSummary]

    @property
    def is_sweep(self) -> bool: ...

    @property
    def seeds(self) -> dict[str, Any]:
        """The seed scheme and every chunk's seed, as the manifest records them."""
        ...

    def point(self, index: int = 0) -> EnsemblePoint: ...

    def history_chunks(
        self, point: int | None = None
    ) -> Iterator[tuple[ChunkKeyView, int, np.ndarray]]: ...


class RunStatsView(Protocol):
    """How an ensemble ran (``sim.experiment.runner.RunStats``)."""

    backend: str
    workers: int
    chunks: int
    skipped: int
    seconds: float


class RunRecord(Protocol):
    """A finished run as the run folder reads it (``sim.api.RunResult``)."""

    scenario: Scenario
    ensemble: EnsembleView
    source: Any
    """The scenario file (a path), or None."""
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    stats: RunStatsView | None
    sweep_sets: dict[str, list[float]]
    run_id: str | None
    resumed: list[Any]

    @property
    def outcomes(self) -> pd.DataFrame: ...

    @property
    def dyad_stats(self) -> pd.DataFrame: ...


# --------------------------------------------------------------------------- accessors


def bands_of(model: Run, bands: BandBounds | None = None) -> BandBounds:
    """The band bounds to use: given, else the model's scenario's, else the defaults."""
    if bands is not None:
        return bands
    for attr in ("spec", "scenario_spec", "scenario"):
        spec = getattr(model, attr, None)
        if spec is not None and hasattr(spec, "bands"):
            return spec.bands
    return Bands()


def history_of(model: Run) -> np.ndarray:
    """(S, R, D): the recorded history, checked against the model's dyads."""
    hist = np.asarray(model.history, dtype=np.float64)
    if hist.ndim != 3 or hist.shape[2] != len(model.dyads):
        raise ValueError(f"model.history should be (S, R, D), got {hist.shape}")
    return hist


def starts_of(model: Run) -> np.ndarray:
    """(R, D): every replicate's relations at step 0."""
    starts = getattr(model, "starts", None)
    return np.asarray(starts if starts is not None else history_of(model)[0], dtype=np.float64)


def ends_of(model: Run) -> np.ndarray:
    """(R, D): every replicate's relations at the last step."""
    ends = getattr(model, "ends", None)
    return np.asarray(ends if ends is not None else history_of(model)[-1], dtype=np.float64)


def recorded_steps_of(model: Run) -> list[int]:
    """The steps kept per replicate (every step unless a record mode says otherwise)."""
    steps = getattr(model, "recorded_steps", None)
    if steps is None:
        return list(range(history_of(model).shape[0]))
    return [int(s) for s in steps]


def step_labels_of(view: Run | EnsembleView) -> list[str]:
    """The period of every step of a run view, as people name it, index k for step k:
    'start', then '2014-Q1', '2014-Q2' ... (:func:`sim.scenario.calendar.step_labels`)."""
    run = view.spec.run
    return step_labels(run.start, len(view.dates) - 1, run.step_months)


def seed_of(model: Run | EnsembleView) -> int:
    """The integer seed of a model or ensemble (a SeedSequence's entropy)."""
    seed = model.seed
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.entropy)  # type: ignore[arg-type]
    return int(seed)


def dyad_labels(model: Run) -> list[str]:
    """'A-B' for every dyad of the model, in its order (ids, lower index first)."""
    return [dyad_label(model.actor_ids, i, j) for i, j in model.dyads]


def end_relations(model: Run) -> np.ndarray:
    """The (R, N, N) relation matrices at the last step (diagonal NaN)."""
    return relation_matrices(ends_of(model), len(model.actor_ids), model.dyads)


def swept_values(values: Mapping[str, float], keys: Sequence[str]) -> dict[str, float]:
    """A point's value of every swept parameter (NaN where the point does not set it)."""
    return {k: values.get(k, np.nan) for k in keys}
