"""Compiling the model's kernels into the cache before the first run needs them.

``python -m sim.model.precompile FILE...`` (``./dev setup`` runs it on the baseline after
installing) runs a few steps of a small model of each scenario in every way a step can
run: on one core, on all cores (a model wide enough to pass
:data:`sim.model.kernel.PARALLEL_MIN_DECISIONS`) and with decision observers (the
explanations), and the decision rule as the explanations call it from Python
(:func:`sim.model.choice.level_values`). numba compiles each kernel the first time it is
called with new types and keeps the result in this version's cache folder
(:mod:`sim.model.compile_cache`); what is compiled depends on the types of the arrays, not
on the scenario's values, so the baseline covers the scenarios shipped with the project
(tests/model/test_precompile.py checks that a run and its report afterwards compile
nothing). Without it the first run on a fresh clone compiles for 15-30 s in silence, and
every process of a first parallel run compiles at once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np

from sim.model import kernel
from sim.model.choice import level_values
from sim.model.model import AlignmentModel
from sim.scenario import Scenario, ScenarioError, load_scenario

#: Steps run in each way: enough to reach every branch that changes the kernels' types.
STEPS = 2


def ways(scenario: Scenario) -> dict[str, AlignmentModel]:
    """A small model of ``scenario`` for every way a step runs, by name."""
    n = len(scenario.actors)
    wide = -(-kernel.PARALLEL_MIN_DECISIONS // (n * (n - 1)))
    observed = AlignmentModel(scenario, replicates=4, seed=0)
    observed.decision_observers.append(lambda model: None)
    return {
        "one core": AlignmentModel(scenario, replicates=4, seed=0),
        "all cores": AlignmentModel(scenario, replicates=wide, seed=0),
        "observed": observed,
    }


def precompile(scenario: Scenario) -> list[str]:
    """Run :data:`STEPS` steps of every model of :func:`ways`; the ways run, in order."""
    done = []
    for name, model in ways(scenario).items():
        for _ in range(min(STEPS, scenario.run.steps)):
            model.step()
        done.append(name)
    level_values(*(np.zeros((1, 5)) for _ in range(6)))
    done.append("the decision rule from Python")
    return done


def main(argv: Sequence[str] | None = None) -> int:
    """Precompile for every scenario file named; 2 if one does not load."""
    files = list(sys.argv[1:] if argv is None else argv)
    for file in files:
        start = time.perf_counter()
        try:
            scenario = load_scenario(file)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            return 2
        done = precompile(scenario)
        print(
            f"{file}: compiled for {', '.join(done)} in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
