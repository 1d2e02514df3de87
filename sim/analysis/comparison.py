"""A comparison of scenarios run on the same random numbers: :class:`Comparison`.

Made by :func:`sim.analysis.compare.compare`; its frames are computed by
:mod:`sim.analysis.comparison_frames`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import comparison_frames as frames
from sim.experiment.collect import Ensemble
from sim.experiment.runner import RunStats
from sim.results.views import Run
from sim.scenario import Scenario
from sim.scenario.dyads import Dyad, dyad_label


@dataclass
class Compared:
    """One scenario of a comparison: its label, where it came from and its run."""

    label: str
    """The scenario's name (with ' (2)', ' (3)' ... when names repeat)."""
    scenario: Scenario
    source: Path | None
    ensemble: Ensemble
    """Its ensemble (the replicates' starts, ends and per-step histograms)."""


@dataclass(eq=False)
class Comparison:
    """Scenarios run on the same random numbers, and what differs between them.

    ``entries[0]`` is the reference every difference is taken against. The frames
    (:mod:`sim.analysis.compare`) are computed on first use and kept (the figures and the
    page are :mod:`sim.present`'s). Only the dyads every scenario has are compared (``shared``); the
    others are listed in ``left_out`` and ``notes``.
    """

    entries: list[Compared]
    seed: int
    replicates: int
    chunk_size: int
    notes: list[str] = field(default_factory=list)
    """Things the reader should know (settings taken from the first scenario, dyads left
    out, pairing caveats), in words."""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stats: list[RunStats] = field(default_factory=list)
    backend: str = ""

    # ------------------------------------------------------------------ basics

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    @property
    def reference(self) -> str:
        """The label of the first scenario, which differences are taken against."""
        return self.entries[0].label

    def view(self, k: int) -> Run:
        """The model-like view of scenario k's ensemble."""
        return self.entries[k].ensemble.point(0)

    @property
    def dates(self) -> list[dt.date]:
        return list(self.view(0).dates)

    @cached_property
    def names(self) -> dict[str, str]:
        """Actor id -> display name (the first scenario that has the actor names it)."""
        out: dict[str, str] = {}
        for k in range(len(self.entries)):
            v = self.view(k)
            for i, name in zip(v.actor_ids, v.actor_names, strict=True):
                out.setdefault(i, name)
        return out

    def _dyad_columns(self, k: int) -> dict[frozenset[str], int]:
        v = self.view(k)
        ids = v.actor_ids
        return {frozenset((ids[i], ids[j])): c for c, (i, j) in enumerate(v.dyads)}

    @cached_property
    def shared(self) -> list[tuple[str, str]]:
        """The dyads every scenario has, as (actor a, actor b) in the first's order."""
        columns = [self._dyad_columns(k) for k in range(len(self.entries))]
        v = self.view(0)
        ids = v.actor_ids
        return [
            (ids[i], ids[j])
            for i, j in v.dyads
            if all(frozenset((ids[i], ids[j])) in c for c in columns)
        ]

    @cached_property
    def left_out(self) -> dict[str, list[str]]:
        """Per scenario label, its dyads ('A-B') that are not compared (not in every
        scenario); only scenarios with such dyads appear."""
        shared = {frozenset(p) for p in self.shared}
        out: dict[str, list[str]] = {}
        for k, entry in enumerate(self.entries):
            v = self.view(k)
            ids = v.actor_ids
            missing = [
                dyad_label(ids, i, j)
                for i, j in v.dyads
                if frozenset((ids[i], ids[j])) not in shared
            ]
            if missing:
                out[entry.label] = missing
        return out

    def columns(self, k: int) -> list[int]:
        """Scenario k's dyad columns of the shared dyads, in the order of ``shared``."""
        cols = self._dyad_columns(k)
        return [cols[frozenset(p)] for p in self.shared]

    def dyad_label(self, a: str, b: str) -> str:
        """'Russia – Japan'."""
        return Dyad(a, b).named(self.names)

    # ------------------------------------------------------------------ frames

    @cached_property
    def bands(self) -> pd.DataFrame:
        """See :func:`sim.analysis.comparison_frames.bands_frame`."""
        return frames.bands_frame(self)

    @cached_property
    def holds(self) -> list[dict[str, np.ndarray]]:
        """Per scenario, end-state name -> (R,) whether it holds at the end of each replicate."""
        return frames.holds_of(self)

    @cached_property
    def end_states(self) -> pd.DataFrame:
        """See :func:`sim.analysis.comparison_frames.end_states_frame`."""
        return frames.end_states_frame(self)

    @cached_property
    def differences(self) -> pd.DataFrame:
        """See :func:`sim.analysis.comparison_frames.differences_frame`."""
        return frames.differences_frame(self)

    @cached_property
    def transitions(self) -> pd.DataFrame:
        """See :func:`sim.analysis.comparison_frames.transitions_frame`."""
        return frames.transitions_frame(self)

    @cached_property
    def events(self) -> pd.DataFrame:
        """See :func:`sim.analysis.comparison_frames.events_frame`."""
        return frames.events_frame(self)

    @cached_property
    def largest(self) -> pd.DataFrame:
        """See :func:`sim.analysis.comparison_frames.largest_frame`."""
        return frames.largest_frame(self)
