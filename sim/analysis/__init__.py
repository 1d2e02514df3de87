"""Analyses of ensembles: comparison of scenarios, global sensitivity (SALib) and
scenario discovery (PRIM).

- :mod:`sim.analysis.compare`: several what-ifs on common random numbers, side by side.
- :func:`sensitivity`: Morris or Sobol indices of an outcome (a dyad's relation or an
  end-state's probability) over the uncertain parameters; :class:`SensitivityResult`.
- :func:`discover`: the region of the uncertain parameters in which an end-state is
  likely (PRIM boxes, feature scores); :class:`DiscoveryResult`.
- :mod:`sim.analysis.outcome_expr`: the outcome expressions both read
  (``RUS-JPN@20``, ``P(russia_japan_rapprochement)``, ``P(RUS-CHN is allied)``).

docs/analysis.md ("Sensitivity analysis", "Scenario discovery") describes both; the
commands are ``python run.py sensitivity`` and ``python run.py discover``
(:mod:`sim.cli.analysis`).
"""

from sim.analysis.common import AnalysisError
from sim.analysis.discovery import DiscoveryPlan, DiscoveryResult, discover, plan_discovery
from sim.analysis.outcome_expr import OutcomeError, OutcomeExpr, parse_end_state, parse_outcome
from sim.analysis.sensitivity import (
    Factor,
    SensitivityPlan,
    SensitivityResult,
    plan_sensitivity,
    sensitivity,
)

__all__ = [
    "AnalysisError",
    "DiscoveryPlan",
    "DiscoveryResult",
    "Factor",
    "OutcomeError",
    "OutcomeExpr",
    "SensitivityPlan",
    "SensitivityResult",
    "discover",
    "parse_end_state",
    "parse_outcome",
    "plan_discovery",
    "plan_sensitivity",
    "sensitivity",
]
