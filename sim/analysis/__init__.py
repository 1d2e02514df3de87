"""Analyses of ensembles: computation only (plans, results, numbers and frames).

- :mod:`sim.analysis.compare`: several what-ifs on common random numbers, side by side
  (:class:`~sim.analysis.comparison.Comparison`, its frames and manifest).
- :func:`sensitivity`: Morris or Sobol indices of an outcome (a dyad's relation or an
  end-state's probability) over the uncertain parameters; :class:`SensitivityResult`.
- :func:`discover`: the region of the uncertain parameters in which an end-state is
  likely (PRIM boxes, feature scores); :class:`DiscoveryResult`.
- :mod:`sim.analysis.explain`: a decision split into its driver terms.
- :mod:`sim.analysis.landscape`: the Axelrod-Bennett landscape of alignments.
- :mod:`sim.analysis.outcome_expr`: the outcome expressions the analyses read
  (``RUS-JPN@20``, ``P(russia_japan_rapprochement)``, ``P(RUS-CHN is allied)``).

Their figures and pages are in :mod:`sim.present` (``*_figures``, ``*_page``), which
also writes their result folders. docs/analysis.md describes them; the commands are in
:mod:`sim.cli`.

May import: :mod:`sim.experiment`, :mod:`sim.results`, :mod:`sim.model`,
:mod:`sim.scenario` (never :mod:`sim.present`, :mod:`sim.api` or :mod:`sim.cli`).
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
