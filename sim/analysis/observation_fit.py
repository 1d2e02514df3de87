"""How well an ensemble fits the observations: the observation model of calibration.

An observation (:mod:`sim.scenario.observations`) is compared with the relation of its dyad
at the end of its step in every replicate, r_1 .. r_R. Its **likelihood** is what the
replicates say on average of seeing it (a simulated likelihood: the model's randomness,
and its uncertain parameters where the scenario draws them, are integrated over the
replicates):

- a **point** ``relation`` y with ``sd``: measurement error, p(y | r) = N(y; r, sd);
- a **band** ``low .. high``: the true relation lies in the band, as read by a coder whose
  edges are blurred by a normal error of ``band_edge`` (0.05 on the -1..1 scale),
  p(band | r) = Phi((high - r) / h) - Phi((low - r) / h); an edge at -1 or +1 is no edge
  (the relation cannot pass it), so a band ending at a bound does not penalise the bound.

L_o = (1 - w) mean_k p(o | r_k) + w u_o, where w = ``gross_error`` (1%) is the chance that
the coding itself is wrong and u_o what a wrong coding would say (a relation uniform on
-1..1: density 1/2 for a point, the band's share of the scale for a band). The mixture is
why one observation that no replicate comes near costs a bounded amount (about
log(w u)) instead of dominating the fit: observations that conflict with each other, or
with anything the model can do, are outvoted rather than obeyed.

The **log-likelihood** of a set of observations is the sum of log L_o: observations are
treated as independent given the parameters. They are not (codings of one dyad a year
apart share most of their evidence), so a log-likelihood difference overstates how much
the data know; calibration says so where it reports intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from sim.scenario import Scenario
from sim.scenario.observations import Observation, observation_step

GROSS_ERROR = 0.01
"""The chance that a coding is wrong (the weight of the uniform part of the mixture)."""
BAND_EDGE = 0.05
"""The standard deviation of a coder's error at a band's edges (relation scale)."""

FIT_COLUMNS = [
    "line",
    "date",
    "step",
    "dyad",
    "kind",
    "low",
    "high",
    "relation",
    "sd",
    "held_out",
    "median",
    "p10",
    "p90",
    "inside",
    "log_likelihood",
    "source",
]


@dataclass(frozen=True)
class ObservationModel:
    """How observations are scored against replicates (module docstring)."""

    gross_error: float = GROSS_ERROR
    band_edge: float = BAND_EDGE

    def likelihoods(self, relations: np.ndarray, observations: Sequence[Observation]) -> np.ndarray:
        """(O,) likelihood L_o of each observation, from (R, O) replicate relations."""
        out = np.empty(len(observations))
        for k, obs in enumerate(observations):
            r = relations[:, k]
            if obs.kind == "point":
                assert obs.relation is not None and obs.sd is not None
                z = (obs.relation - r) / obs.sd
                p = np.exp(-0.5 * z * z) / (obs.sd * math.sqrt(2 * math.pi))
                uniform = 0.5
            else:
                assert obs.low is not None and obs.high is not None
                upper = 1.0 if obs.high >= 1 else ndtr((obs.high - r) / self.band_edge)
                lower = 0.0 if obs.low <= -1 else ndtr((obs.low - r) / self.band_edge)
                p = upper - lower
                uniform = (obs.high - obs.low) / 2
            out[k] = (1 - self.gross_error) * float(np.mean(p)) + self.gross_error * uniform
        return out

    def log_likelihood(self, relations: np.ndarray, observations: Sequence[Observation]) -> float:
        """The sum of log L_o (observations independent given the parameters)."""
        if not observations:
            return 0.0
        return float(np.log(self.likelihoods(relations, observations)).sum())

    def bootstrap_error(
        self,
        relations: np.ndarray,
        observations: Sequence[Observation],
        rng: np.random.Generator,
        resamples: int,
    ) -> float:
        """The Monte Carlo error of :meth:`log_likelihood`: its standard deviation over
        ``resamples`` resamples (with replacement) of the replicates."""
        n = relations.shape[0]
        if not observations or n < 2:
            return 0.0
        scores = [
            self.log_likelihood(relations[rng.integers(0, n, n)], observations)
            for _ in range(resamples)
        ]
        return float(np.std(scores, ddof=1))


@dataclass(frozen=True)
class ObservationIndex:
    """Where each observation is read in a recorded history: its step and dyad column."""

    observations: tuple[Observation, ...]
    steps: np.ndarray
    columns: np.ndarray

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        observations: Sequence[Observation],
        actor_ids: Sequence[str],
        dyads: Sequence[tuple[int, int]],
    ) -> ObservationIndex:
        """The index of ``observations`` in an ensemble of ``scenario`` with these actor
        ids and dyads ((i, j) actor indices, the history's columns)."""
        column = {frozenset((actor_ids[i], actor_ids[j])): c for c, (i, j) in enumerate(dyads)}
        steps = [observation_step(scenario, o) for o in observations]
        columns = [column[frozenset((o.dyad.a, o.dyad.b))] for o in observations]
        return cls(tuple(observations), np.asarray(steps, np.intp), np.asarray(columns, np.intp))

    @property
    def last_step(self) -> int:
        """The last step any observation reads (a run need not go further)."""
        return int(self.steps.max()) if len(self.steps) else 0

    def relations(self, history: np.ndarray) -> np.ndarray:
        """(R, O): each observation's relation in every replicate, from a full (S, R, D)
        history (row k is the end of step k)."""
        return history[self.steps, :, self.columns].T


def fit_table(
    index: ObservationIndex,
    relations: np.ndarray,
    model: ObservationModel,
    held_out: Sequence[bool],
) -> pd.DataFrame:
    """One row per observation: what it says, what the replicates did at its step (median,
    10th and 90th percentile; ``inside``: the share of replicates inside a band, or within
    one sd of a point) and its log-likelihood; in file order."""
    likelihood = model.likelihoods(relations, index.observations)
    rows = []
    for k, obs in enumerate(index.observations):
        r = relations[:, k]
        if obs.kind == "band":
            inside = float(np.mean((r >= obs.low) & (r <= obs.high)))
        else:
            inside = float(np.mean(np.abs(r - obs.relation) <= obs.sd))
        p10, median, p90 = np.percentile(r, [10, 50, 90])
        rows.append(
            {
                "line": obs.line,
                "date": obs.date.isoformat(),
                "step": int(index.steps[k]),
                "dyad": str(obs.dyad),
                "kind": obs.kind,
                "low": obs.low,
                "high": obs.high,
                "relation": obs.relation,
                "sd": obs.sd,
                "held_out": bool(held_out[k]),
                "median": float(median),
                "p10": float(p10),
                "p90": float(p90),
                "inside": inside,
                "log_likelihood": float(np.log(likelihood[k])),
                "source": obs.source or "",
            }
        )
    return pd.DataFrame(rows, columns=FIT_COLUMNS)
