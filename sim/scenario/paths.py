"""Parameter paths: the dotted names that say where a value lives in a scenario.

Events change the world through dotted paths, the same paths a what-if uses to override a
scenario and that uncertain parameters and sweeps name (``actors.CHN.assertiveness``,
``dyads.RUS-JPN.disputes.kurils``, ``dyads.USA-RUS.irritants.missile_defence.RUS``,
``weights.shared_threat``). :func:`parse_target` turns such a path into a
:class:`Target`, or says what is wrong; :func:`bounds` gives the valid range of the
quantity it names. A path of an event may also name a group of actors; it is expanded to
its members' paths first (:func:`sim.scenario.groups.parse_targets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.scenario.dyads import SEPARATOR, dyad_indices, known
from sim.scenario.keypaths import closest
from sim.scenario.schema import ModelSettings, Scenario, Weights

ACTOR_SCALARS = ("assertiveness", "offense", "autonomy", "size")
ACTOR_LEVERS = ("attention", "wedge", "assertiveness_toward", "sanctions")
"""Directed actor fields, one value per other actor: ``actors.<ID>.<lever>.<OTHER>``."""
#: Valid ranges of the levers (attention may be negative: deliberate disengagement).
LEVER_RANGES = {
    "attention": (-1.0, 1.0),
    "wedge": (0.0, 1.0),
    "assertiveness_toward": (0.0, 1.0),
    "sanctions": (0.0, 1.0),
}
CAPABILITIES = ("gdp", "military", "population")
DYAD_SCALARS = ("relation", "proximity", "interdependence", "institutions", "treaty")
WEIGHTS = tuple(Weights.model_fields)
SETTINGS = tuple(ModelSettings.model_fields)
# Valid ranges of the decision-rule settings (schema.ModelSettings); "greater than 0" is
# kept strictly positive by a floor far below any meaningful value.
SETTING_BOUNDS = {
    "temperature": (1e-9, 10.0),
    "responsiveness": (1e-9, 20.0),
    "step_length": (1e-9, 0.5),
    "inertia": (0.0, np.inf),
    "autonomy_threshold": (-1.0, 1.0),
    "dispute_threat": (0.0, np.inf),
    "hostility_threat": (0.0, np.inf),
    "autonomy_relief": (0.0, 1.0),
    "trade_lag": (0.0, 1000.0),
    "trade_elasticity": (0.0, np.inf),
    "trade_diversion": (0.0, 1.0),
}


@dataclass(frozen=True)
class Target:
    """Where an event's change lands.

    kind: 'actor' (field of actor i), 'capability' (component of actor i's capabilities),
    'lever' (attention, wedge, aimed assertiveness or sanctions of actor i toward actor j),
    'dyad' (symmetric field of pair i, j), 'dispute' (named dispute on pair i, j),
    'irritant' (named irritant felt by actor i on pair i, j), 'weight' (a driver weight),
    'setting' (a setting of the model).
    """

    kind: Literal[
        "actor", "capability", "lever", "dyad", "dispute", "irritant", "weight", "setting"
    ]
    name: str
    i: int = -1
    j: int = -1


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = closest(word, choices)
    hint = f"; did you mean '{close}'?" if close else ""
    return f"expected one of {', '.join(choices)}{hint}"


def _not_a_group(scenario: Scenario, actor: str) -> None:
    """Say so when a path names a group where only an actor fits (groups are for events)."""
    if actor not in scenario.actors and actor in scenario.groups:
        members = ", ".join(scenario.groups[actor])
        raise ValueError(
            f"'{actor}' is a group ({members}); only an event's set and add expand groups: "
            "name one actor here"
        )


def _actor_index(scenario: Scenario, actor: str) -> int:
    ids = list(scenario.actors)
    _not_a_group(scenario, actor)
    if actor not in ids:
        raise ValueError(f"unknown actor '{actor}'; {known(ids)}")
    return ids.index(actor)


def parse_target(scenario: Scenario, path: str) -> Target:
    """Resolve a parameter path against a scenario, or raise ValueError saying what is wrong.

    The same paths serve events (changes during a run), uncertain parameters (sampled
    per replicate) and sweeps; ``dyads.A-B.relation`` is the relation itself (a shock in
    an event, the starting relation as a parameter).
    """
    ids = list(scenario.actors)
    parts = path.split(".")
    head = parts[0]
    if head == "model":
        if len(parts) != 2 or parts[1] not in SETTINGS:
            raise ValueError(f"'{path}': model.<setting>, {_suggest(parts[-1], SETTINGS)}")
        return Target("setting", parts[1])
    if head == "weights":
        if len(parts) != 2 or parts[1] not in WEIGHTS:
            raise ValueError(f"'{path}': weights.<name>, {_suggest(parts[-1], WEIGHTS)}")
        return Target("weight", parts[1])
    if head == "actors":
        if len(parts) < 3:
            raise ValueError(f"'{path}': expected actors.<ID>.<field>")
        i = _actor_index(scenario, parts[1])
        fieldname = parts[2]
        if fieldname in ACTOR_SCALARS and len(parts) == 3:
            return Target("actor", fieldname, i)
        if fieldname == "capabilities" and len(parts) == 4 and parts[3] in CAPABILITIES:
            if any(a.capabilities is None for a in scenario.actors.values()):
                raise ValueError(
                    f"'{path}': this scenario gives sizes, not capabilities; "
                    f"change actors.{parts[1]}.size instead"
                )
            return Target("capability", parts[3], i)
        if fieldname in ACTOR_LEVERS and len(parts) == 4:
            j = _actor_index(scenario, parts[3])
            if j == i:
                raise ValueError(f"'{path}': an actor has no {fieldname} toward itself")
            return Target("lever", fieldname, i, j)
        choices = (
            *ACTOR_SCALARS,
            "capabilities.<gdp|military|population>",
            *(f"{lever}.<ID>" for lever in ACTOR_LEVERS),
        )
        raise ValueError(f"'{path}': unknown actor field; {_suggest(fieldname, choices)}")
    if head == "dyads":
        if len(parts) < 3:
            raise ValueError(f"'{path}': expected dyads.<A-B>.<field>")
        for side in parts[1].split(SEPARATOR):
            _not_a_group(scenario, side)
        i, j = dyad_indices(ids, parts[1])
        fieldname = parts[2]
        if fieldname in DYAD_SCALARS and len(parts) == 3:
            return Target("dyad", fieldname, i, j)
        if fieldname == "disputes" and len(parts) == 4:
            return Target("dispute", parts[3], i, j)
        if fieldname == "irritants" and len(parts) == 5:
            side = _actor_index(scenario, parts[4])
            if side not in (i, j):
                raise ValueError(f"'{path}': the side must be {ids[i]} or {ids[j]}")
            return Target("irritant", parts[3], side, j if side == i else i)
        choices = (*DYAD_SCALARS, "disputes.<name>", "irritants.<name>.<ID>")
        raise ValueError(f"'{path}': unknown dyad field; {_suggest(fieldname, choices)}")
    raise ValueError(f"'{path}': a path starts with actors, dyads, weights or model")


def bounds(target: Target) -> tuple[float, float]:
    """The valid range of the quantity a target names; events keep values inside it."""
    if target.kind == "setting":
        return SETTING_BOUNDS[target.name]
    if target.kind in ("weight", "capability") or target.name in ("size", "autonomy"):
        return 0.0, np.inf
    if target.kind == "lever":
        return LEVER_RANGES[target.name]
    if target.name == "relation":
        return -1.0, 1.0
    return 0.0, 1.0
