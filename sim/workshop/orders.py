"""Orders: the moves teams submit in the planning phase, and the rules they must keep.

An :class:`Order` is one move of the catalogue made by one state toward one target in one
turn, with its intensity, the team's rationale and the parameter changes it resolves to.
:func:`check_order` says why a move is not legal (an :class:`IllegalMove` with the
reason); :func:`legal_moves` lists what a state may do, for the team's screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from sim.model.choice import MOVE_NAMES
from sim.scenario.keypaths import closest
from sim.workshop.catalogue import Catalogue, MoveType
from sim.workshop.changes import ParameterChange
from sim.workshop.errors import IllegalMove


class Order(BaseModel):
    """A move submitted by a team (or by the white cell on its behalf) for one turn.

    relation: the relation move toward the target (one of confront, pressure, hold,
    engage, cooperate) or None; changes: the parameter changes with SELF and TARGET
    filled in and the intensity applied; by: the role that submitted it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    turn: int
    actor: str
    move: str
    label: str
    target: str
    intensity: str
    rationale: str = ""
    relation: str | None = None
    changes: list[ParameterChange] = []
    by: str


class LegalMove(BaseModel):
    """A move a state may make this turn, as a team's screen lists it."""

    model_config = ConfigDict(frozen=True)

    move: str
    label: str
    description: str
    targets: list[str]
    intensities: list[str]
    relation: str | None
    rationale_required: bool
    rationale_max_length: int
    changes: dict[str, float]


def legal_moves(catalogue: Catalogue, ids: list[str], actor: str) -> list[LegalMove]:
    """Every catalogue move ``actor`` may make, with the targets it may aim each at."""
    out = []
    for move_id, move in catalogue.moves.items():
        targets = move.targets_for(actor, ids)
        if not move.may_play(actor) or not targets:
            continue
        shown = {f"add {p}": v for p, v in move.add.items()}
        shown |= {f"set {p}": v for p, v in move.set.items()}
        out.append(
            LegalMove(
                move=move_id,
                label=move.label,
                description=move.description,
                targets=targets,
                intensities=list(move.intensities),
                relation=move.relation,
                rationale_required=move.rationale.required,
                rationale_max_length=move.rationale.max_length,
                changes=shown,
            )
        )
    return out


def check_order(
    catalogue: Catalogue,
    ids: list[str],
    actor: str,
    move_id: str,
    target: str,
    intensity: str | None,
    rationale: str,
    others: Iterable[Order],
) -> tuple[MoveType, str]:
    """The move type and intensity of a legal order, or IllegalMove saying why not.

    ``others`` are the state's other orders this turn: a state makes at most one
    relation move toward each target, and a move at most once toward each target.
    """
    move = catalogue.moves.get(move_id)
    if move is None:
        guess = closest(move_id, list(catalogue.moves))
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise IllegalMove(f"'{move_id}' is not in the move catalogue{hint}")
    if not move.may_play(actor):
        raise IllegalMove(
            f"{actor} may not make '{move_id}': it is for {', '.join(move.players or [])}"
        )
    if target not in ids:
        raise IllegalMove(f"unknown target {target!r}; the states are {', '.join(ids)}")
    allowed = move.targets_for(actor, ids)
    if target not in allowed:
        if move.targets == "self":
            why = f"'{move_id}' is aimed at the acting state itself ({actor}), not {target}"
        elif target == actor:
            why = f"{actor} cannot aim '{move_id}' at itself"
        else:
            why = f"{actor} may aim '{move_id}' only at {', '.join(allowed)}, not {target}"
        raise IllegalMove(why)
    if intensity is None:
        intensity = next(iter(move.intensities))
    if intensity not in move.intensities:
        names = ", ".join(move.intensities)
        raise IllegalMove(f"'{move_id}' has the intensities {names}; got {intensity!r}")
    text = rationale.strip()
    if move.rationale.required and not text:
        raise IllegalMove(f"'{move_id}' needs a rationale: say why {actor} makes this move")
    if len(text) > move.rationale.max_length:
        raise IllegalMove(
            f"the rationale is {len(text)} characters; '{move_id}' allows at most "
            f"{move.rationale.max_length}"
        )
    for other in others:
        if other.target != target:
            continue
        if other.move == move_id:
            raise IllegalMove(
                f"{actor} already makes '{move_id}' toward {target} this turn "
                f"(order {other.id}): revise it instead"
            )
        if move.relation is not None and other.relation is not None:
            raise IllegalMove(
                f"{actor} already has a relation move toward {target} this turn "
                f"('{other.move}', order {other.id}): one relation move per target"
            )
    return move, intensity


def make_order(
    move_type: MoveType,
    order_id: str,
    turn: int,
    actor: str,
    move: str,
    target: str,
    intensity: str,
    rationale: str,
    by: object,
    ids: Sequence[str] = (),
) -> Order:
    """The order of a legal move (see :func:`check_order`), its changes resolved (dyads
    in the order of the actor ``ids``)."""
    return Order(
        id=order_id,
        turn=turn,
        actor=actor,
        move=move,
        label=move_type.label,
        target=target,
        intensity=intensity,
        rationale=rationale.strip(),
        relation=move_type.relation,
        changes=move_type.changes(actor, target, intensity, ids),
        by=str(by),
    )


def relation_step(name: str) -> int:
    """The relation move's length in step lengths: confront -2 ... cooperate +2."""
    return MOVE_NAMES.index(name) - 2
