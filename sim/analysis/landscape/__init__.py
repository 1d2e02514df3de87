"""Landscape theory of aggregation (Axelrod & Bennett 1993) over the model's drivers.

Actors of sizes s_i with symmetric pairwise propensities P_ij (positive: drawn together,
negative: driven apart) split into two blocs A and B; a configuration X gives each
actor its bloc (and, with the neutral option of Florian & Galam, possibly no bloc). Its
**energy** is, as in Axelrod & Bennett (1993, British Journal of Political Science 23,
211-233):

    E(X) = sum over i, and j != i, of s_i s_j P_ij d_ij(X)

with d_ij(X) = 1 when i and j are in opposite blocs and 0 when they share a bloc (or
either is neutral). Each unordered pair counts twice. **Sign convention:** positive
propensity is attraction, so a configuration that separates friends (or unites enemies
in one bloc, whose separation would have lowered E) has high energy; the **local minima**
under single-actor switches are the predicted alignments, and the lowest is the global
minimum. An actor's **frustration** is Axelrod and Bennett's
F_i(X) = sum over j != i of s_j P_ij d_ij(X), so E = sum_i s_i F_i; its **switch cost**
is how much E rises if it alone moves (>= 0 at a minimum: small means one shock away).

Where the numbers come from: a scenario's drivers at a step (inputs.py), with
P_ij = (p_ij + p_ji) / 2 from :func:`sim.model.drivers.propensity` and s the capability shares,
or a case file that gives them directly (cases.py). The energy and switch gains
(energy.py); configurations, mirror images counted once (space.py); who may be neutral
in the report's landscape, by autonomy (neutrality.py); how minima and
basins are found (search.py): exhaustive steepest descent over every configuration, or a
multi-start local search; JSON and text (output.py); the figure (figure.py).
docs/analysis.md ("Landscape") states every rule.

Public API::

    data = load_input("scenarios/baseline.yaml", step=0)   # or load_case / scenario_input
    result = analyse(data, neutral=False)                  # LandscapeResult
    analyse(data, neutral=["RUS"])                         # neutral open to Russia only
    analyse(data, neutral=high_autonomy(data))             # ... to high autonomy (the report)
    to_dict(result)                                        # the JSON object of the command
    landscape_figure(result)                               # a plotly Figure
"""

from sim.analysis.landscape.cases import load_case, load_case_text, load_input
from sim.analysis.landscape.energy import energy, frustration, pair_weights, switch_costs
from sim.analysis.landscape.inputs import LandscapeError, LandscapeInput, scenario_input
from sim.analysis.landscape.neutrality import HIGH_AUTONOMY, autonomy_sentence, high_autonomy
from sim.analysis.landscape.output import summary_text, to_dict
from sim.analysis.landscape.search import (
    DEFAULT_STARTS,
    EXHAUSTIVE_LIMIT,
    NEUTRAL_EXHAUSTIVE_LIMIT,
    LandscapeResult,
    Minimum,
    analyse,
    fits_exhaustive,
)

__all__ = [
    "DEFAULT_STARTS",
    "EXHAUSTIVE_LIMIT",
    "HIGH_AUTONOMY",
    "NEUTRAL_EXHAUSTIVE_LIMIT",
    "LandscapeError",
    "LandscapeInput",
    "LandscapeResult",
    "Minimum",
    "analyse",
    "autonomy_sentence",
    "energy",
    "fits_exhaustive",
    "frustration",
    "high_autonomy",
    "load_case",
    "load_case_text",
    "load_input",
    "pair_weights",
    "scenario_input",
    "summary_text",
    "switch_costs",
    "to_dict",
]
