"""Scenarios built in code for the model's tests (files live in tests/fixtures)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def baseline_dict() -> dict[str, Any]:
    """The baseline scenario as a plain dict (it extends nothing)."""
    return yaml.safe_load(BASELINE.read_text())


def with_changes(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of a scenario dict with dotted paths set, e.g. {'actors.CHN.assertiveness': 0.8}."""
    out = copy.deepcopy(data)
    for path, value in changes.items():
        node = out
        *head, last = path.split(".")
        for key in head:
            node = node.setdefault(key, {})
        node[last] = value
    return out


def scenario(data: dict[str, Any], **changes: Any) -> Scenario:
    """Validate a scenario dict, with dotted changes given as keyword pairs via a dict."""
    return Scenario.model_validate(with_changes(data, changes))


def baseline(changes: dict[str, Any] | None = None) -> Scenario:
    """The baseline scenario, optionally with dotted-path changes."""
    return Scenario.model_validate(with_changes(baseline_dict(), changes or {}))


def six_actor_dict() -> dict[str, Any]:
    """The baseline plus Vietnam and South Korea (Russia's outreach in the bulletin)."""
    data = baseline_dict()
    data["name"] = "six-actors"
    data["actors"]["VNM"] = {
        "name": "Vietnam",
        "capabilities": {"gdp": 0.17, "military": 4.0, "population": 90},
        "assertiveness": 0.2,
        "offense": 0.2,
        "autonomy": 0.5,
    }
    data["actors"]["KOR"] = {
        "name": "South Korea",
        "capabilities": {"gdp": 1.3, "military": 34, "population": 50},
        "assertiveness": 0.2,
        "offense": 0.3,
    }
    data["dyads"].update(
        {
            "RUS-VNM": {"relation": 0.4, "proximity": 0.3, "institutions": 0.3},
            "RUS-KOR": {"relation": 0.1, "proximity": 0.5, "interdependence": 0.1},
            "CHN-VNM": {"relation": -0.3, "proximity": 1.0, "disputes": {"paracels": 0.7}},
            "USA-KOR": {"relation": 0.8, "proximity": 0.6, "treaty": 1.0, "institutions": 0.8},
            "JPN-KOR": {"relation": 0.1, "proximity": 0.9, "disputes": {"dokdo": 0.4}},
        }
    )
    return data
