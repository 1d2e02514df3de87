"""The controls of a scenario: each value an analyst may move, its key, range and words.

A control names one value of the scenario by the dotted key a what-if file writes
(docs/scenarios.md, "extends and overrides"): every actor's ``assertiveness`` and
``autonomy``, every dispute's salience, every driver weight, and every event, which is
on or off. :func:`controls_for` reads them from a scenario, in the order the scenario
lists its actors, dyads and events; their ranges come from the format's own schema
(:func:`sim.scenario.keypaths.bounds_at`), so the page refuses exactly what the file
would. :func:`read_value` turns what was typed into a number, or says why not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sim.scenario import Scenario, Weights
from sim.scenario.dyads import Dyad
from sim.scenario.keypaths import bounds_at

ACTOR_FIELDS = ("assertiveness", "autonomy")
"""The actor fields the explorer offers, each one control per actor."""

GROUPS = ("actors", "disputes", "weights", "events")
"""The sections of the controls, in the order the page shows them."""


class OutOfRange(ValueError):
    """A typed value that the control does not take; the message names the control and
    its range."""


@dataclass(frozen=True)
class Control:
    """One value an analyst may change.

    ``key`` is the dotted key of a what-if file (``actors.CHN.assertiveness``,
    ``dyads.RUS-JPN.disputes.kurils``, ``weights.threat``, ``events.NAME``); ``value`` is
    the base scenario's (an event's is 1.0: on). ``low`` and ``high`` bound a number
    (``high`` is infinite where the format sets no upper bound); ``uncertain`` says how
    the base spreads the value over replicates, '' when it does not.
    """

    key: str
    label: str
    group: Literal["actors", "disputes", "weights", "events"]
    value: float
    low: float = 0.0
    high: float = math.inf
    help: str = ""
    uncertain: str = ""

    @property
    def is_switch(self) -> bool:
        """An event: on (in the what-if) or off (removed from it)."""
        return self.group == "events"

    @property
    def range_words(self) -> str:
        """'0 to 1', or '0 or more' where the format sets no upper bound."""
        if math.isinf(self.high):
            return f"{self.low:g} or more"
        return f"{self.low:g} to {self.high:g}"


def _bounds(path: tuple[str, ...]) -> tuple[float, float]:
    """The closed range the format allows at a key path (every control's is closed)."""
    found = bounds_at(path)
    return float(found.get("ge", -math.inf)), float(found.get("le", math.inf))


def _spread(scenario: Scenario, key: str) -> str:
    """How the base spreads ``key`` over replicates, in words ('' when it is fixed)."""
    dist = (scenario.uncertainties or {}).get(key)
    if dist is None:
        return ""
    fields = dist.model_dump(exclude={"dist"}, exclude_none=True)
    inside = ", ".join(
        f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in fields.items()
    )
    return f"uncertain in the base ({dist.dist}: {inside}); a value typed here fixes it"


def controls_for(scenario: Scenario) -> list[Control]:
    """The controls of ``scenario``: per actor its assertiveness and autonomy, per dyad
    each dispute's salience, each driver weight, each event (on/off)."""
    names = {i: a.name for i, a in scenario.actors.items()}
    out: list[Control] = []
    for actor_id, actor in scenario.actors.items():
        for field in ACTOR_FIELDS:
            low, high = _bounds(("actors", actor_id, field))
            key = f"actors.{actor_id}.{field}"
            out.append(
                Control(
                    key,
                    f"{actor.name}: {field}",
                    "actors",
                    float(getattr(actor, field)),
                    low,
                    high,
                    _description(type(actor).model_fields[field].description),
                    _spread(scenario, key),
                )
            )
    for dyad_key, dyad in scenario.dyads.items():
        pair = Dyad.split(dyad_key)
        shown = pair.named(names) if pair is not None else dyad_key
        for dispute, salience in dyad.disputes.items():
            low, high = _bounds(("dyads", dyad_key, "disputes", dispute))
            key = f"dyads.{dyad_key}.disputes.{dispute}"
            out.append(
                Control(
                    key,
                    f"{shown}: {dispute} (salience)",
                    "disputes",
                    float(salience),
                    low,
                    high,
                    "how much the dispute weighs on the relation and on the threat each "
                    "side reads in the other",
                    _spread(scenario, key),
                )
            )
    for weight, info in Weights.model_fields.items():
        low, high = _bounds(("weights", weight))
        key = f"weights.{weight}"
        out.append(
            Control(
                key,
                f"weight: {weight}",
                "weights",
                float(getattr(scenario.weights, weight)),
                low,
                high,
                _description(info.description),
                _spread(scenario, key),
            )
        )
    for name, event in scenario.events.items():
        out.append(
            Control(
                f"events.{name}",
                f"event: {name}",
                "events",
                1.0,
                0.0,
                1.0,
                event.description or "",
            )
        )
    return out


def _description(text: str | None) -> str:
    return (text or "").strip()


def read_value(control: Control, typed: object) -> float:
    """The number typed into ``control``, or :class:`OutOfRange` saying which control,
    what was typed and what it takes."""
    text = "" if typed is None else str(typed).strip()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        shown = repr(text) if text else "nothing"
        raise OutOfRange(
            f"{control.label}: {shown} is not a number; expected {control.range_words}"
        )
    if not control.low <= value <= control.high:
        raise OutOfRange(f"{control.label}: {value:g} is outside its range, {control.range_words}")
    return value


def shown_value(value: float) -> str:
    """A value as the page shows it in its box: the shortest text that reads back exactly
    (so an untouched box is no change)."""
    text = repr(float(value))
    return text.removesuffix(".0") if text.endswith(".0") else text


def changed_values(
    controls: Sequence[Control], typed: Mapping[str, object], switches: Mapping[str, bool]
) -> tuple[dict[str, float | None], list[str]]:
    """What the page's boxes and switches change, and what they refuse.

    ``typed``: key -> the text of each number box; ``switches``: key -> whether each event
    is on. Returns the changes (key -> new value; an event turned off -> None) and one
    message per refused box (an empty box is refused too); a box that reads as the base's
    value is no change.
    """
    changes: dict[str, float | None] = {}
    refused: list[str] = []
    for control in controls:
        if control.is_switch:
            if not switches.get(control.key, True):
                changes[control.key] = None
            continue
        try:
            value = read_value(control, typed.get(control.key, shown_value(control.value)))
        except OutOfRange as exc:
            refused.append(str(exc))
            continue
        if value != control.value:
            changes[control.key] = value
    return changes, refused
