"""What each role may see of a game: the one filter every screen goes through.

- the white cell (control) sees everything: every order with its rationale, the
  proposal, overrides and their reasons, every inject, notes;
- a team sees its own orders (and rationales) while it plans, the injects meant for
  everyone or for it, and every committed turn's results: relations, the explanation,
  everyone's moves (without other teams' rationales), which relations the white cell
  set (without its reasons);
- an observer sees what is public, plus every rationale and override reason once a turn
  is committed;
- the projector sees what is public: relations, phase, who is ready, public injects,
  committed results.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.calendar import period_label
from sim.workshop.explanation import dyad_summary
from sim.workshop.injects import visible_to
from sim.workshop.orders import Order, legal_moves
from sim.workshop.phases import Phase
from sim.workshop.replay import CommittedTurn, GameState
from sim.workshop.roles import Role


def turn_period(state: GameState, turn: int) -> str:
    """The period turn ``turn`` (one step of the model) simulates, e.g. '2014-Q1': the
    scenario's events dated in it fire as it begins (docs/scenarios.md, "How steps map
    to dates")."""
    run = state.scenario.run
    return period_label(run.start, turn, run.step_months)


def visible_orders(state: GameState, role: Role) -> list[Order]:
    """The current turn's orders ``role`` may see."""
    if role.is_control:
        return list(state.orders.values())
    if role.kind == "team":
        return [o for o in state.orders.values() if o.actor == role.actor]
    return []


def _order_json(order: Order, role: Role) -> dict[str, Any]:
    data = order.model_dump(mode="json")
    if not (role.is_control or role.kind == "observer" or role.plays(order.actor)):
        data["rationale"] = None
    return data


def turn_result(turn: CommittedTurn, role: Role, period: str) -> dict[str, Any]:
    """A committed turn as ``role`` may see it; ``period`` is the one it simulated."""
    reasons = role.is_control or role.kind == "observer"
    proposal = turn.proposal
    return {
        "turn": turn.turn,
        "period": period,
        "relations": turn.relations,
        "proposed": proposal.relations if proposal else None,
        "explanations": {d.dyad: d.words for d in proposal.dyads} if proposal else {},
        "summaries": {d.dyad: dyad_summary(d) for d in proposal.dyads} if proposal else {},
        "events": proposal.events if proposal else [],
        "orders": [_order_json(o, role) for o in turn.orders],
        "overrides": {
            k: (o.model_dump(mode="json") if reasons else {"dyad": k, "value": o.value})
            for k, o in turn.overrides.items()
        },
    }


def view(state: GameState, role: Role, title: str) -> dict[str, Any]:
    """The game as ``role`` may see it now: one JSON-ready snapshot for a screen."""
    names = {k: a.name for k, a in state.scenario.actors.items()}
    out: dict[str, Any] = {
        "title": title,
        "role": str(role),
        "seq": state.last_seq,
        "scenario": state.scenario.name,
        "turn": state.turn,
        "turns": state.total_turns,
        "period": turn_period(state, state.turn),
        "phase": state.phase.value,
        "actors": [
            {
                "id": a,
                "name": names[a],
                "team": state.setup.teams.get(a),
                "played_by": "team" if a in state.setup.teams else "model",
                "ready": a in state.ready,
            }
            for a in state.ids
        ],
        "relations": state.relations,
        "injects": [
            i.model_dump(mode="json") | {"period": turn_period(state, i.turn)}
            for i in state.injects
            if visible_to(i, role)
        ],
        "orders": [_order_json(o, role) for o in visible_orders(state, role)],
        "results": [
            turn_result(t, role, turn_period(state, k)) for k, t in sorted(state.committed.items())
        ],
        "ended": dict(state.ended) if state.ended is not None else None,
    }
    if role.kind == "team" and role.actor is not None and state.phase is Phase.PLANNING:
        out["legal_moves"] = [
            m.model_dump(mode="json") for m in legal_moves(state.catalogue, state.ids, role.actor)
        ]
    if role.is_control:
        out["proposal"] = state.proposal.model_dump(mode="json") if state.proposal else None
        out["proposal_stale"] = state.proposal_stale
        out["overrides"] = {k: o.model_dump(mode="json") for k, o in state.overrides.items()}
        out["notes"] = [n.model_dump(mode="json") for n in state.notes]
        out["forks"] = state.forks
    return out
