"""The game's state, derived from its log: each record applied in order.

:class:`GameState` is everything a game is at a moment: the turn and phase, the orders of
the turn, the proposal and overrides, the injects and notes, the committed turns, and
the model standing at the last committed state (plus any inject made since).
:func:`apply_record` is the one place where a record changes the state; the live game
applies each record it has just written, and :func:`replay` applies a whole log, so a
reopened game is exactly the game that was closed. A commit is re-run on replay and its
state hash compared with the stored one (:class:`TurnCheck`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.model.model import AlignmentModel
from sim.scenario import Scenario, ScenarioError
from sim.scenario.dyads import dyad_indices
from sim.workshop.adjudication import DefaultMove, Proposal, TurnPlan, run_turn
from sim.workshop.catalogue import Catalogue, catalogue_from_json
from sim.workshop.changes import apply_change
from sim.workshop.errors import GameFileError, ReplayMismatch
from sim.workshop.injects import Inject
from sim.workshop.orders import Order
from sim.workshop.phases import Phase
from sim.workshop.snapshot import relations_of, state_hash
from sim.workshop.store import Record


class GameSetup(BaseModel):
    """How a game was set up: its scenario and catalogue (resolved, stored whole), teams
    (actor -> team name), seed, look-ahead (turns and replicates) and what a team's
    silence toward a state means (``default_move``: the state's own rule, or hold)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    scenario: dict[str, Any]
    catalogue: dict[str, Any]
    teams: dict[str, str]
    seed: int
    lookahead: int = 4
    fan_replicates: int = 200
    default_move: DefaultMove = "model"


class Override(BaseModel):
    """The white cell's edit of a proposed relation, with the reason it must give."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dyad: str
    value: float
    proposed: float
    reason: str
    by: str = "control"


class Note(BaseModel):
    """A white-cell note for the record (visible to the white cell and in the report)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    turn: int
    phase: str
    text: str


@dataclass
class CommittedTurn:
    """A turn as it was committed: its orders, the proposal, the overrides and the result."""

    turn: int
    seq: int
    orders: list[Order]
    proposal: Proposal | None
    overrides: dict[str, Override]
    relations: dict[str, float]
    hash: str


@dataclass(frozen=True)
class TurnCheck:
    """A committed turn's stored state hash and the one its replay gave."""

    turn: int
    seq: int
    stored: str
    replayed: str

    @property
    def ok(self) -> bool:
        return self.stored == self.replayed


@dataclass
class GameState:
    """Everything a game is at one moment (see the module docstring)."""

    setup: GameSetup
    scenario: Scenario
    catalogue: Catalogue
    model: AlignmentModel
    turn: int = 1
    phase: Phase = Phase.BRIEFING
    orders: dict[str, Order] = field(default_factory=dict)
    ready: set[str] = field(default_factory=set)
    proposal: Proposal | None = None
    proposal_stale: bool = False
    overrides: dict[str, Override] = field(default_factory=dict)
    injects: list[Inject] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    committed: dict[int, CommittedTurn] = field(default_factory=dict)
    forks: list[dict[str, Any]] = field(default_factory=list)
    checks: list[TurnCheck] = field(default_factory=list)
    ended: dict[str, Any] | None = None
    """The white cell's end of the game (turn, reason), when it ended before the last turn."""
    last_seq: int = 0

    @property
    def ids(self) -> list[str]:
        """The actors, in scenario order."""
        return list(self.scenario.actors)

    @property
    def team_actors(self) -> list[str]:
        """The actors played by teams, in scenario order."""
        return [a for a in self.ids if a in self.setup.teams]

    @property
    def total_turns(self) -> int:
        """The scenario's number of steps: the game's last turn."""
        return self.scenario.run.steps

    @property
    def relations(self) -> dict[str, float]:
        """The committed relations (as the last commit, and any inject since, left them)."""
        return relations_of(self.model)

    def plan(self) -> TurnPlan:
        """The current turn's plan: its orders as they stand, in the order written."""
        return TurnPlan(
            turn=self.turn,
            seed=self.setup.seed,
            orders=list(self.orders.values()),
            team_actors=self.team_actors,
            default_move=self.setup.default_move,
        )

    def start_turn(self, turn: int) -> None:
        """Open turn ``turn`` at its briefing, with nothing submitted."""
        self.turn = turn
        self.phase = Phase.BRIEFING
        self.orders = {}
        self.ready = set()
        self.proposal = None
        self.proposal_stale = False
        self.overrides = {}


def initial_state(record: Record) -> GameState:
    """The state a 'created' record describes: the scenario at turn 1's briefing."""
    if record.kind != "created":
        raise GameFileError(f"the log starts with '{record.kind}', not the creation of a game")
    setup = GameSetup.model_validate(record.payload["setup"])
    scenario = Scenario.model_validate(setup.scenario)
    catalogue = catalogue_from_json(setup.catalogue, scenario)
    model = AlignmentModel(scenario, replicates=1, seed=setup.seed)
    return GameState(setup, scenario, catalogue, model, last_seq=record.seq)


def commit_turn(state: GameState, model: AlignmentModel) -> str:
    """Run the current turn on ``model``, apply the overrides; return the state hash.

    ``model`` is the game's own model on commit and replay, a copy when the live game
    computes the hash it is about to store.
    """
    run_turn(model, state.plan())
    return settle(state, model)


def settle(state: GameState, model: AlignmentModel) -> str:
    """Apply the turn's overrides to a model that has run the turn; the state hash."""
    ids = state.ids
    for key, override in state.overrides.items():
        i, j = dyad_indices(ids, key)
        model.shock_relation(i, j, "set", override.value)
    return state_hash(model, state.turn, Phase.RESULTS)


def apply_record(state: GameState, record: Record, verify: bool = True) -> None:
    """Apply one (active) record to the state: the only way the state changes."""
    p = record.payload
    kind = record.kind
    if kind in ("move", "revise"):
        order = Order.model_validate(p["order"])
        state.orders[order.id] = order
        state.ready.discard(order.actor)
    elif kind == "withdraw":
        order = state.orders.pop(p["order"])
        state.ready.discard(order.actor)
    elif kind == "ready":
        (state.ready.add if p["ready"] else state.ready.discard)(p["actor"])
    elif kind == "phase":
        target = Phase(p["to"])
        if target is Phase.BRIEFING:
            state.start_turn(state.turn + 1)
        else:
            state.phase = target
    elif kind == "proposal":
        state.proposal = Proposal.model_validate(p["proposal"])
        state.proposal_stale = False
    elif kind == "override":
        override = Override.model_validate(p["override"])
        state.overrides[override.dyad] = override
    elif kind == "commit":
        _apply_commit(state, record, verify)
    elif kind == "inject":
        inject = Inject.model_validate(p["inject"])
        state.injects.append(inject)
        for change in inject.changes:
            apply_change(state.model, change)
        if inject.changes and state.proposal is not None:
            state.proposal_stale = True
    elif kind == "note":
        state.notes.append(Note.model_validate(p["note"]))
    elif kind in ("rollback", "forked"):
        state.start_turn(int(p["turn"]) + 1)
    elif kind == "fork":
        state.forks.append(dict(p))
    elif kind == "end":
        state.ended = {"turn": int(p["turn"]), "reason": str(p.get("reason") or "")}
    else:
        raise GameFileError(f"record {record.seq}: unknown kind '{kind}'")
    state.last_seq = record.seq


def _apply_commit(state: GameState, record: Record, verify: bool) -> None:
    digest = commit_turn(state, state.model)
    stored = record.hash or ""
    state.checks.append(TurnCheck(state.turn, record.seq, stored, digest))
    if verify and digest != stored:
        raise ReplayMismatch(
            f"replaying turn {state.turn} (record {record.seq}) did not reproduce the committed "
            f"state (hash {digest[:12]}... instead of {stored[:12]}...): the game file and this "
            "version of the engine disagree"
        )
    state.committed[state.turn] = CommittedTurn(
        turn=state.turn,
        seq=record.seq,
        orders=list(state.orders.values()),
        proposal=state.proposal,
        overrides=dict(state.overrides),
        relations=state.relations,
        hash=stored or digest,
    )
    state.phase = Phase.RESULTS


def replay(records: list[Record], verify: bool = True) -> GameState:
    """The state a log describes: its active records applied in order.

    With ``verify`` a commit whose replayed hash differs from the stored one raises
    ReplayMismatch; without, the differences are collected in ``state.checks``.
    """
    if not records:
        raise GameFileError("the game log is empty")
    try:
        state = initial_state(records[0])
        for record in records[1:]:
            if record.active:
                apply_record(state, record, verify)
            else:
                state.last_seq = max(state.last_seq, record.seq)
    except (ValidationError, KeyError, TypeError, ValueError, ScenarioError) as exc:
        raise GameFileError(
            f"the game log cannot be replayed: {type(exc).__name__}: {exc}"
        ) from None
    state.last_seq = records[-1].seq
    return state
