"""alignsim: an agent-based scenario simulator of regional alignments.

The public API (see :mod:`sim.api`)::

    import sim
    scenario = sim.load_scenario("scenarios/baseline.yaml")
    result = sim.run(scenario, replicates=500, seed=1)
    result.outcomes, result.dyad_stats, result.trajectories, result.figures()
    sim.save(result)
    comparison = sim.compare(["scenarios/baseline.yaml", "scenarios/kurils-settled.yaml"])
    sim.save_comparison(comparison)
    whatif = sim.load_scenario_text(yaml_text, base_dir="scenarios")  # a what-if in a cell

The names are imported on first use, so that ``import sim.scenario`` (or the model)
does not pull in the API, plotly or pandas, and no import cycle can form.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.api import (
        RunResult,
        compare,
        load_scenario,
        load_scenario_text,
        run,
        save,
        save_comparison,
    )

__all__ = [
    "RunResult",
    "compare",
    "load_scenario",
    "load_scenario_text",
    "run",
    "save",
    "save_comparison",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("sim.api"), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
