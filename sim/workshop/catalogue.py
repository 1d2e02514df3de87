"""The move catalogue: the moves teams may make, what each means, and what it does.

A catalogue is a YAML file (the default is ``scenarios/workshop/moves.yaml``)::

    name: default
    moves:
      offer_investment:                  # the move's id
        label: Offer investment
        description: Lift barriers to business and offer investment.
        targets: other                   # any other state; or 'self'; or a list [RUS, JPN]
        players: [JPN, USA]              # who may use it (default: every team)
        intensities: {modest: 0.5, major: 1.0}   # scale the 'add' changes (default standard: 1)
        rationale: {required: true, max_length: 600}
        relation: engage                 # the relation move toward the target (optional)
        add:                             # parameter changes, SELF and TARGET filled in
          dyads.SELF-TARGET.interdependence: 0.04
        set: {}

A move's **relation** is one of the model's five moves (confront -2, pressure -1, hold 0,
engage +1, cooperate +2 step lengths) and replaces the state's own choice toward the
target that turn; its **changes** (``add`` scaled by the intensity, ``set`` as written)
land on the world before the turn is run. Every path is checked against the scenario
for every state that may play the move and every target it may aim at, and problems are
reported like a scenario's: file, line, key path and what was expected
(:class:`sim.scenario.ScenarioError`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.model.choice import MOVE_NAMES
from sim.scenario import Problem, Scenario, ScenarioError
from sim.scenario.checks import canonical_path
from sim.scenario.errors import KeyNode, KeyPath, plain_message
from sim.scenario.loader import display_name
from sim.scenario.sourced_yaml import parse_sourced, read_text
from sim.workshop.changes import ParameterChange, change_problem, fill_placeholders

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CATALOGUE = REPO_ROOT / "scenarios" / "workshop" / "moves.yaml"
MOVE_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Rationale(_Strict):
    """Whether a move must be explained in words, and how long the text may be."""

    required: bool = False
    max_length: int = Field(1000, ge=1, le=20_000)


class MoveType(_Strict):
    """One kind of move in the catalogue: who may make it, toward whom, and its effect."""

    label: str = Field(..., min_length=1, max_length=80)
    description: str = ""
    players: list[str] | None = None
    targets: str | list[str] = "other"
    intensities: dict[str, float] = Field(default_factory=lambda: {"standard": 1.0})
    rationale: Rationale = Rationale()
    relation: str | None = None
    add: dict[str, float] = Field(default_factory=dict)
    set: dict[str, float] = Field(default_factory=dict)

    @field_validator("targets", mode="before")
    @classmethod
    def _targets(cls, v: Any) -> Any:
        ok_list = isinstance(v, list) and v and all(isinstance(t, str) for t in v)
        if v in ("other", "self") or ok_list:
            return v
        raise ValueError("expected 'other', 'self' or a list of actor ids, e.g. [RUS, JPN]")

    @field_validator("relation")
    @classmethod
    def _relation(cls, v: str | None) -> str | None:
        if v is not None and v not in MOVE_NAMES:
            raise ValueError(f"expected one of {', '.join(MOVE_NAMES)}, got {v!r}")
        return v

    @field_validator("intensities")
    @classmethod
    def _intensities(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("give at least one intensity, e.g. {standard: 1}")
        for name, factor in v.items():
            if not MOVE_ID.match(name):
                raise ValueError(f"intensity {name!r}: use lower-case letters, digits and _")
            if factor <= 0:
                raise ValueError(f"intensity {name!r}: the factor must be above 0, got {factor}")
        return v

    @model_validator(mode="after")
    def _effect(self) -> MoveType:
        if self.relation is None and not self.add and not self.set:
            raise ValueError("a move needs an effect: a relation move, add or set")
        if self.relation is not None and self.targets == "self":
            raise ValueError("a move aimed at the acting state itself cannot move a relation")
        return self

    def targets_for(self, actor: str, ids: list[str]) -> list[str]:
        """The states ``actor`` may aim this move at, in scenario order."""
        if self.targets == "self":
            return [actor]
        allowed = ids if self.targets == "other" else self.targets
        return [t for t in ids if t in allowed and t != actor]

    def may_play(self, actor: str) -> bool:
        """Whether ``actor`` may make this move at all."""
        return self.players is None or actor in self.players

    def changes(
        self, actor: str, target: str, intensity: str, ids: Sequence[str] = ()
    ) -> list[ParameterChange]:
        """The parameter changes of this move by ``actor`` toward ``target``; with the
        scenario's actor ``ids``, a dyad in a path is written in their order (the one
        spelling of tables and the console), whichever way the catalogue wrote it."""
        factor = self.intensities[intensity]

        def path(p: str) -> str:
            return canonical_path(ids, fill_placeholders(p, actor, target))

        out = [
            ParameterChange(path=path(p), op="add", value=v * factor) for p, v in self.add.items()
        ]
        out += [ParameterChange(path=path(p), op="set", value=v) for p, v in self.set.items()]
        return out


class Catalogue(_Strict):
    """The moves of a game, keyed by id (``confront``, ``offer_investment`` ...)."""

    name: str = Field(..., min_length=1)
    description: str = ""
    moves: dict[str, MoveType] = Field(..., min_length=1)

    @field_validator("moves")
    @classmethod
    def _ids(cls, v: dict[str, MoveType]) -> dict[str, MoveType]:
        for move_id in v:
            if not MOVE_ID.match(move_id):
                raise ValueError(f"move id {move_id!r}: use lower-case letters, digits and _")
        return v


# --- loading ------------------------------------------------------------------------------


def load_catalogue(path: str | os.PathLike[str], scenario: Scenario) -> Catalogue:
    """Read, validate and check a catalogue file against a scenario.

    Raises :class:`ScenarioError` with every problem, each with file, line and key path.
    """
    shown = display_name(Path(path))
    data, root = parse_sourced(read_text(Path(path), shown, None), shown)
    return _validated(data, root, scenario)


def load_catalogue_text(text: str, scenario: Scenario, name: str = "<catalogue>") -> Catalogue:
    """Like :func:`load_catalogue` for YAML text (an upload); ``name`` is shown in errors."""
    data, root = parse_sourced(text, name)
    return _validated(data, root, scenario)


def catalogue_from_json(data: dict[str, Any], scenario: Scenario) -> Catalogue:
    """A catalogue stored in a game (already checked once); checked again all the same."""
    root = KeyNode("<game catalogue>", 0, "")
    return _validated(data, root, scenario, flatten=False)


def _validated(
    data: dict[str, Any], root: KeyNode, scenario: Scenario, flatten: bool = True
) -> Catalogue:
    if flatten:
        _flatten_changes(data, root)
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            [_problem(err, root) for err in exc.errors(include_url=False)]
        ) from None
    problems = [root.problem(p, msg) for p, msg in catalogue_problems(catalogue, scenario)]
    if problems:
        raise ScenarioError(problems)
    return catalogue


def _problem(err: Any, root: KeyNode) -> Problem:
    """A pydantic error as a located problem, with the keys allowed beside an unknown one."""
    loc = tuple(err["loc"])
    err = dict(err)
    if err["type"] == "extra_forbidden":
        parent = loc[:-1]
        model: type[BaseModel] = Catalogue
        if len(parent) == 2:
            model = MoveType
        elif len(parent) == 3:
            model = Rationale
        err["fields"] = list(model.model_fields)
    return root.problem(loc, plain_message(err))


def _flatten_changes(data: Any, root: KeyNode) -> None:
    """Make each move's add/set keys whole paths again (the YAML reader nests dotted keys)."""
    moves = data.get("moves") if isinstance(data, dict) else None
    if not isinstance(moves, dict) or "moves" not in root.kids:
        return
    for move_id, move in moves.items():
        at = root.kids["moves"].kids.get(move_id)
        if not isinstance(move, dict) or at is None:
            continue
        for op in ("add", "set"):
            if isinstance(move.get(op), dict) and op in at.kids:
                flat: dict[str, Any] = {}
                kids: dict[str | int, KeyNode] = {}
                _collect(move[op], at.kids[op], "", flat, kids)
                move[op] = flat
                at.kids[op].kids = kids


def _collect(
    value: dict[str, Any], at: KeyNode, prefix: str, flat: dict[str, Any], kids: dict
) -> None:
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        node = at.kids.get(key, at)
        if isinstance(item, dict) and item:
            _collect(item, node, path, flat, kids)
        else:
            flat[path] = item
            kids[path] = KeyNode(node.file, node.line, path)


# --- checks against the scenario ----------------------------------------------------------


def catalogue_problems(catalogue: Catalogue, scenario: Scenario) -> list[tuple[KeyPath, str]]:
    """Every way the catalogue does not fit the scenario: (key path, message)."""
    ids = list(scenario.actors)
    known = ", ".join(ids)
    out: list[tuple[KeyPath, str]] = []
    for move_id, move in catalogue.moves.items():
        here: KeyPath = ("moves", move_id)
        for field in ("players", "targets"):
            listed = getattr(move, field)
            for k, actor in enumerate(listed if isinstance(listed, list) else []):
                if actor not in ids:
                    out.append(((*here, field, k), f"unknown actor {actor!r}; known: {known}"))
        if out:
            continue
        players = [a for a in ids if move.may_play(a)]
        for actor in players:
            if not move.targets_for(actor, ids):
                out.append(((*here, "targets"), f"{actor} may play it but has no target"))
        for op in ("add", "set"):
            for path, value in getattr(move, op).items():
                problem = _path_problem(move, scenario, players, path, op, value)
                if problem:
                    out.append(((*here, op, path), problem))
    return out


def _path_problem(
    move: MoveType, scenario: Scenario, players: list[str], path: str, op: str, value: float
) -> str | None:
    """The first problem of one change path for any player and target, or None."""
    ids = list(scenario.actors)
    factors = move.intensities.values() if op == "add" else [1.0]
    for actor in players:
        for target in move.targets_for(actor, ids):
            filled = fill_placeholders(path, actor, target)
            for factor in factors:
                problem = change_problem(scenario, filled, op, value * factor)
                if problem:
                    return f"with SELF={actor}, TARGET={target}: {problem}"
    return None
