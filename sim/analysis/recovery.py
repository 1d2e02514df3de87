"""Observations made by the model itself: the data of a parameter-recovery check.

Before trusting a calibration of some parameters, see whether it can find them when the
answer is known: run the scenario at chosen values, take each dyad's ensemble mean at
chosen steps as a point observation with a stated sd, and calibrate to those
(docs/analysis.md, "Parameter recovery"; ``benchmarks/calibration_recovery.py``). A
parameter the calibration cannot recover from its own model's output will not be learnt
from the record either.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence

from sim.analysis.common import AnalysisError, load, run_ensemble
from sim.scenario import Scenario
from sim.scenario.dyads import Dyad
from sim.scenario.observations import Observation

SOURCE = "the model's ensemble mean"


def model_observations(
    scenario_or_path: Scenario | str | os.PathLike[str],
    values: Mapping[str, float],
    steps: Sequence[int],
    sd: float,
    replicates: int,
    seed: int,
) -> tuple[Observation, ...]:
    """Each dyad's mean relation over ``replicates`` runs of the scenario at ``values``
    (parameter path -> value) on ``seed``, at every step of ``steps``, as a point
    observation with ``sd``, dated on the last day of the step (so it reads that step's
    end). In the order :func:`sim.scenario.observations.format_observations` writes them:
    by step, then by dyad; ``line`` is the row's line in that file (the header is 1).
    """
    scenario, _ = load(scenario_or_path)
    if sd <= 0:
        raise AnalysisError(f"sd must be greater than 0, got {sd}")
    bad = [k for k in steps if not 1 <= k <= scenario.run.steps]
    if bad:
        raise AnalysisError(f"steps {bad} are outside the run's 1..{scenario.run.steps}")
    ensemble, _, _ = run_ensemble(
        scenario.model_copy(update={"sweep": {}}),
        replicates=replicates,
        seed=seed,
        chunk_size=replicates,
        record="full",
        points=[dict(values)],
        workers=1,
        scheduler=None,
        connect_timeout=None,
        progress=None,
    )
    view = ensemble.point(0)
    mean = view.history.mean(axis=1)
    found = []
    for k in steps:
        day = view.dates[k] - dt.timedelta(days=1)
        for c, (i, j) in enumerate(view.dyads):
            found.append(
                Observation(
                    date=day,
                    dyad=Dyad(view.actor_ids[i], view.actor_ids[j]),
                    kind="point",
                    relation=round(float(mean[k, c]), 5),
                    sd=float(sd),
                    low=None,
                    high=None,
                    source=SOURCE,
                    file="<model>",
                    line=len(found) + 2,
                )
            )
    return tuple(found)
