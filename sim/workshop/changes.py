"""Parameter changes: what a move or an inject does to the world, by parameter path.

A change sets or shifts one quantity named by the scenario's parameter paths
(docs/scenarios.md, "events"): ``dyads.RUS-JPN.interdependence``, ``actors.CHN.assertiveness``,
``dyads.RUS-JPN.disputes.kurils`` ... In the move catalogue a path may hold the
placeholders SELF (the acting state) and TARGET (the state the move is aimed at), filled
in when a team plays the move. Values are kept in the quantity's range, as events keep
them; ``dyads.A-B.relation`` shocks the relation itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from sim.scenario import Scenario
from sim.scenario.paths import bounds, parse_target
from sim.workshop.errors import InvalidInput

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel

Op = Literal["set", "add"]
_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9_])(SELF|TARGET)(?![A-Za-z0-9_])")


class ParameterChange(BaseModel):
    """One change to the world: ``op`` (set or add) ``value`` at parameter ``path``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    op: Op
    value: float

    def __str__(self) -> str:
        if self.op == "set":
            return f"{self.path} = {self.value:g}"
        return f"{self.path} {'+' if self.value >= 0 else '-'} {abs(self.value):g}"


def fill_placeholders(path: str, actor: str, target: str | None) -> str:
    """``path`` with SELF replaced by ``actor`` and TARGET by ``target``."""

    def fill(match: re.Match[str]) -> str:
        if match.group(1) == "SELF":
            return actor
        return target if target is not None else match.group(1)

    return _PLACEHOLDER.sub(fill, path)


def has_placeholders(path: str) -> bool:
    """Whether a path still holds SELF or TARGET."""
    return _PLACEHOLDER.search(path) is not None


def change_problem(scenario: Scenario, path: str, op: str, value: float) -> str | None:
    """What is wrong with changing ``path`` by ``op`` ``value`` in this scenario, or None."""
    if op not in ("set", "add"):
        return f"unknown operation {op!r}: expected set or add"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    try:
        target = parse_target(scenario, path)
    except ValueError as exc:
        return str(exc)
    lo, hi = bounds(target)
    if op == "set" and not lo <= value <= hi:
        return f"'{path}' must be between {lo:g} and {hi:g}, got {value:g}"
    if op == "add" and math.isfinite(hi - lo) and abs(value) > hi - lo:
        return f"'{path}' spans {lo:g}..{hi:g}: a shift of {value:g} is out of all proportion"
    return None


def apply_change(model: AlignmentModel, change: ParameterChange) -> None:
    """Apply one change to the model's world (or its relations) in every replicate."""
    model.apply_change(change.path, change.op, float(change.value))


def as_change(
    change: ParameterChange | Mapping[str, Any] | tuple[str, str, float],
) -> ParameterChange:
    """A ParameterChange from an object, a ``{path, op, value}`` mapping or a tuple;
    InvalidInput saying what is wrong otherwise."""
    if isinstance(change, ParameterChange):
        return change
    if isinstance(change, Mapping):
        path, op, value = change.get("path"), change.get("op"), change.get("value")
    else:
        try:
            path, op, value = change
        except (TypeError, ValueError):
            raise InvalidInput(f"a change is (path, set or add, number), got {change!r}") from None
    if not isinstance(path, str) or not path.strip():
        raise InvalidInput(f"a change needs a parameter path, got {path!r}")
    if op not in ("set", "add"):
        raise InvalidInput(f"change of {path}: the operation is set or add, got {op!r}")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"change of {path}: expected a finite number, got {value!r}")
    return ParameterChange(path=path.strip(), op=op, value=float(value))
