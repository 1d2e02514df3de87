"""The scenario format: YAML files -> validated, resolved :class:`Scenario` objects.

``load_scenario(path)`` reads a scenario file (following ``extends``), validates it and
returns a :class:`Scenario`, or raises :class:`ScenarioError` whose ``problems`` name
the file, line, key path and what was expected, every one found, in file order. A file
larger than ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES`, 5 MB) is refused before it
is read. ``resolve_scenario_dict`` gives the merged mapping before validation (for run
manifests), ``scenario_json_schema`` the format as JSON Schema, and ``event_step`` the
step at which an event applies. ``load_observations(path, scenario)`` reads a CSV file
of dated relation codings checked against a scenario.

Modules: schema (the pydantic format), sourced_yaml (YAML that keeps every key's line),
loader (``extends``, dotted keys, deletions), errors (problems and their messages),
checks (cross-field checks), partial (the valid part of a scenario that does not
validate, which the checks still read), paths (parameter paths such as
``actors.CHN.assertiveness``), dyads (the :class:`~sim.scenario.dyads.Dyad` type: how a
pair of actors is written), calendar (dates and steps), grammar (the expression language
of conditions, end-states and analysis outcomes: syntax only), jsonschema,
uncertain_places (distributions written in place of numbers, and what overrides end),
observations (coded relations to hold a run against, from CSV).

May import: nothing of sim. It is the bottom layer (docs/architecture.md).
"""

from sim.scenario.calendar import add_months, event_step, months_between, run_end
from sim.scenario.checks import check_scenario
from sim.scenario.errors import Problem, ScenarioError, format_path
from sim.scenario.jsonschema import scenario_json_schema, write_json_schema
from sim.scenario.loader import (
    load_scenario,
    load_scenario_noted,
    load_scenario_text,
    resolve_scenario_dict,
)
from sim.scenario.observations import Observation, ObservationError, load_observations
from sim.scenario.schema import (
    Actor,
    Bands,
    Capabilities,
    Condition,
    DyadSettings,
    Event,
    ModelSettings,
    Outcome,
    RunSettings,
    Scenario,
    Weights,
)
from sim.scenario.sourced_yaml import DEFAULT_MAX_BYTES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Actor",
    "Bands",
    "Capabilities",
    "Condition",
    "DyadSettings",
    "Event",
    "ModelSettings",
    "Observation",
    "ObservationError",
    "Outcome",
    "Problem",
    "RunSettings",
    "Scenario",
    "ScenarioError",
    "Weights",
    "add_months",
    "check_scenario",
    "event_step",
    "format_path",
    "load_observations",
    "load_scenario",
    "load_scenario_noted",
    "load_scenario_text",
    "months_between",
    "resolve_scenario_dict",
    "run_end",
    "scenario_json_schema",
    "write_json_schema",
]
