"""Adjudication: the model runs a turn with the teams' moves and proposes what happens.

A turn is one model step. Before it, the parameter changes of the turn's orders land on
the world. During it, the states decide as usual, and then a decision observer
(:class:`TeamMoves`) puts each team's relation moves in place of its state's own choice:
``model.moves[:, i, j]`` for a team-played state i. The other side's move still comes
from its own team or its own decision rule, and warming still needs both
(r <- r + min(move_ij, move_ji)). A team that gives no relation move toward a state
leaves it to its state's own rule, or holds (the game's ``default_move``).

The random numbers of turn t come from SeedSequence([game seed, t]): replaying a turn,
or playing it again after a rollback, draws the same numbers.

:func:`propose` runs the turn on a copy of the game's model and returns a
:class:`Proposal`: the new relations, each dyad's explanation, the scenario events that
fired, the look-ahead fan and the stable alignments of the landscape (Axelrod-Bennett)
at the moment of decision. :func:`run_turn` is what a commit (and its replay) does to the
game's own model.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.analysis.explain import capture_decision
from sim.analysis.landscape import LandscapeInput, analyse
from sim.scenario import ScenarioError
from sim.workshop.changes import ParameterChange, apply_change
from sim.workshop.explanation import DyadChange, Source, dyad_words, held_back, side_of
from sim.workshop.lookahead import Fan, look_ahead
from sim.workshop.orders import Order, relation_step
from sim.workshop.snapshot import dyad_key, relations_of

if TYPE_CHECKING:
    from sim.model.model import AlignmentModel

DefaultMove = Literal["model", "hold"]


@dataclass(frozen=True)
class TurnPlan:
    """What a turn is run with: its number, the game's seed, the locked orders, who plays."""

    turn: int
    seed: int
    orders: list[Order]
    team_actors: list[str]
    default_move: DefaultMove = "model"


def turn_seed(seed: int, turn: int) -> np.random.SeedSequence:
    """The seed of turn ``turn``'s random numbers."""
    return np.random.SeedSequence([int(seed), int(turn)])


@dataclass
class Played:
    """Who chose the move of state i toward j: steps (-2..2), source and order id."""

    steps: int | None
    source: Source
    order: str | None = None
    move: str | None = None


@dataclass
class TeamMoves:
    """Decision observer: the teams' relation moves replace their states' own choices.

    With ``capture`` it first records every decision as the states made it (terms,
    desired levels, move probabilities, the move drawn) for the explanation.
    """

    played: dict[tuple[int, int], Played]
    capture: bool = False
    captures: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    propensity: np.ndarray | None = None
    moves: np.ndarray | None = None

    def __call__(self, model: AlignmentModel) -> None:
        if self.capture:
            n = len(model.actor_ids)
            self.captures = {
                (i, j): capture_decision(model, i, j) for i in range(n) for j in range(n) if i != j
            }
            self.propensity = np.array(model.propensity[0], dtype=float)
        d = np.broadcast_to(model.world.settings["step_length"], (model.replicates,))
        for (i, j), who in self.played.items():
            if who.steps is None:
                continue
            now = model.relations[:, i, j]
            model.moves[:, i, j] = np.clip(now + d * who.steps, -1.0, 1.0) - now
        self.moves = np.array(model.moves[0], dtype=float)


def who_plays(ids: list[str], plan: TurnPlan) -> dict[tuple[int, int], Played]:
    """For every team-played state and target: the team's relation move, or the default."""
    out: dict[tuple[int, int], Played] = {}
    for order in plan.orders:
        if order.relation is not None:
            key = (ids.index(order.actor), ids.index(order.target))
            out[key] = Played(relation_step(order.relation), "team", order.id, order.relation)
    for actor in plan.team_actors:
        i = ids.index(actor)
        for j in range(len(ids)):
            if j != i and (i, j) not in out:
                held = plan.default_move == "hold"
                out[(i, j)] = Played(0 if held else None, "hold" if held else "model")
    return out


def run_turn(model: AlignmentModel, plan: TurnPlan, capture: bool = False) -> TeamMoves:
    """Run turn ``plan.turn`` on ``model`` (which must stand at the turn before)."""
    if model.steps != plan.turn - 1:
        raise RuntimeError(f"the model is at step {model.steps}, not before turn {plan.turn}")
    model.reseed(turn_seed(plan.seed, plan.turn))
    for order in plan.orders:
        for change in order.changes:
            apply_change(model, change)
    observer = TeamMoves(who_plays(model.actor_ids, plan), capture=capture)
    model.decision_observers.append(observer)
    try:
        model.step()
    finally:
        model.decision_observers.remove(observer)
    return observer


class AppliedChange(BaseModel):
    """A parameter change a turn's order made before the turn was run."""

    model_config = ConfigDict(frozen=True)

    order: str
    actor: str
    change: ParameterChange


class Alignment(BaseModel):
    """A stable alignment of the landscape (a local minimum of the Axelrod-Bennett energy).

    blocs: the two blocs; energy: its energy (lower is more stable); basin_share: the
    share of configurations whose descent ends here.
    """

    model_config = ConfigDict(frozen=True)

    blocs: list[list[str]]
    energy: float
    basin_share: float


class Proposal(BaseModel):
    """What the model proposes for a turn, and why.

    relations_before / relations: every dyad before and after the turn; dyads: each
    dyad's change explained; events: the scenario's events that fired this turn;
    changes: the orders' parameter changes; fan: the look-ahead; alignments: the stable
    alignments of the landscape at the moment of decision, most stable first.
    """

    model_config = ConfigDict(frozen=True)

    turn: int
    relations_before: dict[str, float]
    relations: dict[str, float]
    dyads: list[DyadChange]
    events: list[str]
    changes: list[AppliedChange]
    fan: Fan | None = None
    alignments: list[Alignment] = []

    def dyad(self, key: str) -> DyadChange:
        """The change of one dyad ('RUS-JPN')."""
        for change in self.dyads:
            if change.dyad == key:
                return change
        raise KeyError(key)


def propose(
    model: AlignmentModel,
    plan: TurnPlan,
    lookahead: int = 4,
    fan_replicates: int = 200,
) -> Proposal:
    """Run the turn on a copy of ``model`` and explain the result; ``model`` is untouched."""
    scratch = copy.deepcopy(model)
    before = relations_of(scratch)
    observer = run_turn(scratch, plan, capture=True)
    ids, names = scratch.actor_ids, dict(zip(scratch.actor_ids, scratch.actor_names, strict=True))
    assert observer.moves is not None
    dyads = []
    for i, j in scratch.dyads:
        sides = []
        for a, b in ((i, j), (j, i)):
            who = observer.played.get((a, b), Played(None, "model"))
            sides.append(
                side_of(
                    observer.captures[(a, b)],
                    ids[a],
                    ids[b],
                    observer.moves[a, b],
                    who.source,
                    who.move,
                    who.order,
                )
            )
        key = dyad_key(scratch, i, j)
        draft = DyadChange(
            dyad=key,
            before=before[key],
            proposed=float(scratch.relations[0, i, j]),
            sides=sides,
            held_back_by=held_back(*sides),
            words="",
        )
        dyads.append(draft.model_copy(update={"words": dyad_words(draft, names)}))
    fan = None
    if lookahead > 0:
        fan = look_ahead(scratch, plan.turn, lookahead, fan_replicates, [plan.seed, plan.turn, 1])
    return Proposal(
        turn=plan.turn,
        relations_before=before,
        relations=relations_of(scratch),
        dyads=dyads,
        events=[name for name, step, _ in scratch.event_log if step == plan.turn],
        changes=[
            AppliedChange(order=o.id, actor=o.actor, change=c)
            for o in plan.orders
            for c in o.changes
        ],
        fan=fan,
        alignments=_alignments(scratch, observer.propensity),
    )


def _alignments(
    model: AlignmentModel, propensity: np.ndarray | None, top: int = 3
) -> list[Alignment]:
    """The most stable alignments of the landscape the states decided on (none if too big)."""
    if propensity is None:
        return []
    pair = (propensity + propensity.T) / 2.0
    np.fill_diagonal(pair, 0.0)
    try:
        data = LandscapeInput.from_arrays(model.actor_ids, np.asarray(model.world.size[0]), pair)
        result = analyse(data)
    except ScenarioError:  # e.g. too many actors for the exhaustive search
        return []
    out = []
    for minimum in result.minima[:top]:
        a, b, _ = result.blocs(minimum.positions)
        out.append(
            Alignment(
                blocs=[a, b],
                energy=round(float(minimum.energy), 9),
                basin_share=round(float(minimum.basin_share), 9),
            )
        )
    return out
