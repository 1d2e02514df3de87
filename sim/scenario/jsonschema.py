"""The scenario format as JSON Schema, for editors (yaml-language-server) and docs.

Scenario files start with ``# yaml-language-server: $schema=../docs/scenario.schema.json``
so editors complete and check keys. The schema is pydantic's schema of
:class:`~sim.scenario.schema.Scenario`, loosened only where the loader accepts more than
the models: keys containing a dot are overrides (``actors.CHN.assertiveness: 0.8``), a
file with ``extends`` need not repeat the base's required keys, and a distribution
(``{dist: uniform, low: 0.4, high: 0.8}``, ``$defs/Distribution``) may stand wherever a
number is accepted under actors, dyads, weights and model (the loader lifts it into
``uncertainties``).

Regenerate docs/scenario.schema.json with
``python -c "from sim.scenario import write_json_schema; write_json_schema()"``; a test
fails when the committed file is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.scenario.schema import Scenario

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "scenario.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DISTRIBUTION_DEFS = ("Uniform", "Normal", "Triangular", "Choice")
# Models under actors, dyads, weights and model, whose numbers may be distributions.
PARAMETER_DEFS = ("Actor", "Capabilities", "DyadSettings", "Weights", "ModelSettings")
DISTRIBUTION_REF = {"$ref": "#/$defs/Distribution"}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (a dict ready for ``json.dump``)."""
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    for name, sub in [("", schema), *defs.items()]:
        if sub.get("additionalProperties") is False and name not in DISTRIBUTION_DEFS:
            # Dotted keys are overrides of nested fields; the loader checks them.
            sub["patternProperties"] = {r"\.": {}}
    _allow_distributions(schema)
    required = schema.pop("required", [])
    if required:  # a what-if that extends a base need not repeat name and actors
        schema["if"] = {"required": ["extends"]}
        schema["then"] = {}
        schema["else"] = {"required": required}
    return {
        "$schema": DRAFT,
        "title": "Scenario",
        "description": (
            "A scenario of the regional alignment simulator: actors, dyads, driver weights, "
            "model and run settings, events and named outcomes. Keys with dots override "
            "nested fields of the base named by 'extends' (null deletes a key). "
            "See docs/scenarios.md."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _allow_distributions(schema: dict[str, Any]) -> None:
    """Name the distributions ``$defs/Distribution`` and accept one wherever a number is."""
    defs = schema["$defs"]
    table = schema["properties"]["uncertainties"]
    defs["Distribution"] = {
        "description": "An uncertain parameter, sampled once per replicate: "
        + ", ".join(d.lower() for d in DISTRIBUTION_DEFS)
        + " (docs/scenarios.md, Uncertainty).",
        **table["additionalProperties"],
    }
    table["additionalProperties"] = dict(DISTRIBUTION_REF)
    for name in PARAMETER_DEFS:
        for prop in defs[name]["properties"].values():
            _widen(prop)


def _widen(node: dict[str, Any]) -> None:
    """Let the number(s) a property schema accepts also be a distribution (in place)."""
    if node.get("type") == "number":
        # Numeric keywords (minimum, maximum) constrain numbers only, so they stay put.
        del node["type"]
        node["anyOf"] = [{"type": "number"}, dict(DISTRIBUTION_REF)]
    elif any(sub.get("type") == "number" for sub in node.get("anyOf", [])):
        node["anyOf"].append(dict(DISTRIBUTION_REF))
    elif isinstance(node.get("additionalProperties"), dict):
        _widen(node["additionalProperties"])


def schema_text() -> str:
    """The schema as the committed file holds it (2-space indented JSON, final newline)."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_json_schema(path: str | Path = SCHEMA_FILE) -> Path:
    """Write the schema to ``path`` (default docs/scenario.schema.json); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8")
    return target
