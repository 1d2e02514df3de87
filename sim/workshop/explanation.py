"""Why a turn's relations changed: each side's move, its drivers, and who held back.

For every dyad the proposal says what each side played (a team's order, the state's own
decision rule, or a hold), what the state's own rule would have chosen and with what
probabilities, the terms of each side's propensity (sim.model.drivers via
:func:`sim.analysis.explain.capture_decision`, read at the moment of decision), the desired level
x* = tanh(beta p), and, since warming needs both sides, who held back a warming.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sim.analysis.common import signed
from sim.analysis.explain import TERM_LABELS
from sim.model.choice import MOVE_NAMES

Source = Literal["team", "model", "hold"]
PAST = {
    "confront": "confronted",
    "pressure": "pressured",
    "hold": "held",
    "engage": "engaged",
    "cooperate": "cooperated",
}


class Side(BaseModel):
    """One state's decision toward the other in a turn.

    played: the move made and ``change`` its shift of the relation; source: who chose it
    ('team': the team's order ``order``, 'model': the state's own decision rule, 'hold':
    a team that gave no relation move toward this state); model_choice and probabilities:
    what the state's own rule drew and how likely each move was; propensity, terms (each
    driver term's contribution, summing to the propensity), parts (named parts of terms,
    e.g. 'dispute: kurils'), desired: x* = tanh(beta p).
    """

    model_config = ConfigDict(frozen=True)

    actor: str
    toward: str
    played: str
    change: float
    source: Source
    order: str | None = None
    model_choice: str
    probabilities: dict[str, float]
    propensity: float
    desired: float
    terms: dict[str, float]
    parts: dict[str, float]


class DyadChange(BaseModel):
    """A dyad's proposed change in a turn, with both sides' decisions and the reason."""

    model_config = ConfigDict(frozen=True)

    dyad: str
    before: float
    proposed: float
    sides: list[Side]
    held_back_by: str | None = None
    words: str


def side_of(
    capture: dict[str, Any],
    actor: str,
    toward: str,
    played_change: float,
    source: Source,
    played_move: str | None,
    order: str | None,
) -> Side:
    """``actor``'s side of a decision captured toward ``toward`` (replicate 0)."""
    decision = capture["actor"]
    pick = MOVE_NAMES[int(decision["pick"][0])]
    return Side(
        actor=actor,
        toward=toward,
        played=played_move or pick,
        change=float(played_change),
        source=source,
        order=order,
        model_choice=pick,
        probabilities={
            m: float(p) for m, p in zip(MOVE_NAMES, decision["probability"][0], strict=True)
        },
        propensity=float(capture["propensity"][0]),
        desired=float(decision["desired"][0]),
        terms={name: float(v[0]) for name, v in capture["terms"].items()},
        parts={f"{term}: {label}": float(v[0]) for (term, label), v in capture["parts"].items()},
    )


def held_back(a: Side, b: Side) -> str | None:
    """The state that held back a warming: the other wanted more, and it moved less."""
    if max(a.change, b.change) > 0 and a.change != b.change:
        return a.actor if a.change < b.change else b.actor
    return None


def dyad_words(change: DyadChange, names: dict[str, str]) -> str:
    """The dyad's turn in one sentence, e.g. 'Russia-Japan +0.00 -> +0.05: ...'."""
    a, b = change.sides
    name = {s.actor: names.get(s.actor, s.actor) for s in (a, b)}
    out = (
        f"{name[a.actor]}-{name[b.actor]} {signed(change.before)} -> {signed(change.proposed)}: "
        + "; ".join(f"{name[s.actor]} {PAST[s.played]} ({_who(s)})" for s in (a, b))
    )
    if change.held_back_by:
        out += f"; {name[change.held_back_by]} held back the warming (warming needs both)"
    for s in (a, b):
        top = sorted(s.terms.items(), key=lambda kv: -abs(kv[1]))
        shown = ", ".join(
            f"{TERM_LABELS.get(k, k)} {signed(v)}" for k, v in top[:3] if abs(v) >= 0.005
        )
        out += (
            f". {name[s.actor]} leans {signed(s.propensity)} toward {name[s.toward]}"
            + (f" ({shown})" if shown else "")
            + f", wants {signed(s.desired)}"
        )
    return out + "."


def dyad_summary(change: DyadChange, top: int = 3) -> str:
    """A dyad's proposed turn in one short line: its change, what each side did and the
    strongest driver terms of both sides, e.g. '+0.05: JPN engaged (team), RUS held
    (model); drivers: dispute -0.31 (RUS), trade +0.12 (JPN)'."""
    moves = ", ".join(
        f"{s.actor} {PAST.get(s.played, s.played)} ({s.source})" for s in change.sides
    )
    out = f"{change.proposed - change.before:+.2f}: {moves}"
    if change.held_back_by:
        out += f"; {change.held_back_by} held back the warming"
    terms = sorted(
        ((s.actor, k, v) for s in change.sides for k, v in s.terms.items() if abs(v) >= 0.005),
        key=lambda t: -abs(t[2]),
    )
    if terms:
        out += "; drivers: " + ", ".join(
            f"{TERM_LABELS.get(k, k)} {v:+.2f} ({actor})" for actor, k, v in terms[:top]
        )
    return out


def _who(side: Side) -> str:
    if side.source == "team":
        return (
            "team"
            if side.model_choice == side.played
            else f"team; the model would {side.model_choice}"
        )
    if side.source == "hold":
        return "team, no relation move"
    return "model"
