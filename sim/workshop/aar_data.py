"""The after-action report's tables: tidy frames built from a game and its log.

- :func:`relations_frame`: turn, period, dyad, before, proposed, committed, overridden,
  reason (turn 0 is the start; period: the one the turn simulated, '2014-Q1', 'start' for
  turn 0);
- :func:`moves_frame`: every state's move toward every other in every committed turn:
  who chose it (team, model, hold), the move, its change, what the state's own rule
  would have chosen, and the order and rationale when a team chose it; orders that
  change parameters only have a row of their own;
- :func:`texts_frame`: every text people wrote (rationales, override reasons, injects,
  notes), from the whole log, rolled-back records included and marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.workshop.store import Record

if TYPE_CHECKING:
    from sim.workshop.game import Game

RELATION_COLUMNS = [
    "turn", "period", "dyad", "before", "proposed", "committed", "overridden", "reason",
]  # fmt: skip
MOVE_COLUMNS = [
    "turn", "period", "actor", "toward", "source", "move", "change", "model_choice", "order",
    "catalogue_move", "intensity", "rationale",
]  # fmt: skip
TEXT_COLUMNS = ["seq", "turn", "by", "rolled_back", "kind", "subject", "text"]


def relations_frame(game: Game) -> pd.DataFrame:
    """Every dyad's relation before, as proposed and as committed, turn by turn."""
    rows: list[list[Any]] = []
    committed = game.committed
    first = committed[min(committed)] if committed else None
    if first is not None and first.proposal is not None:
        for dyad, value in first.proposal.relations_before.items():
            rows.append([0, "start", dyad, None, None, value, False, ""])
    for turn, record in sorted(committed.items()):
        proposal = record.proposal
        for dyad, value in record.relations.items():
            override = record.overrides.get(dyad)
            rows.append(
                [
                    turn,
                    game.period(turn),
                    dyad,
                    proposal.relations_before.get(dyad) if proposal else None,
                    proposal.relations.get(dyad) if proposal else None,
                    value,
                    override is not None,
                    override.reason if override else "",
                ]
            )
    return pd.DataFrame(rows, columns=RELATION_COLUMNS)


def moves_frame(game: Game) -> pd.DataFrame:
    """Every state's move toward every other, per committed turn, and who chose it."""
    rows = []
    for turn, record in sorted(game.committed.items()):
        orders = {o.id: o for o in record.orders}
        for dyad in record.proposal.dyads if record.proposal else []:
            for side in dyad.sides:
                order = orders.get(side.order or "")
                rows.append(
                    {
                        "turn": turn,
                        "period": game.period(turn),
                        "actor": side.actor,
                        "toward": side.toward,
                        "source": side.source,
                        "move": side.played,
                        "change": side.change,
                        "model_choice": side.model_choice,
                        "order": side.order or "",
                        "catalogue_move": order.move if order else "",
                        "intensity": order.intensity if order else "",
                        "rationale": order.rationale if order else "",
                    }
                )
        for order in record.orders:
            if order.relation is None:  # a move that changes parameters only
                rows.append(
                    {
                        "turn": turn,
                        "period": game.period(turn),
                        "actor": order.actor,
                        "toward": order.target,
                        "source": "team",
                        "move": "",
                        "change": 0.0,
                        "model_choice": "",
                        "order": order.id,
                        "catalogue_move": order.move,
                        "intensity": order.intensity,
                        "rationale": order.rationale,
                    }
                )
    return pd.DataFrame(rows, columns=MOVE_COLUMNS)


def texts_frame(records: list[Record]) -> pd.DataFrame:
    """Every text written in the game: rationales, override reasons, injects and notes."""
    rows = []
    for rec in records:
        p = rec.payload
        base = {"seq": rec.seq, "turn": rec.turn, "by": rec.role, "rolled_back": not rec.active}
        if rec.kind in ("move", "revise") and p["order"].get("rationale"):
            o = p["order"]
            subject = f"{o['actor']} {o['move']} toward {o['target']} (order {o['id']})"
            rows.append({**base, "kind": "rationale", "subject": subject, "text": o["rationale"]})
        elif rec.kind == "override":
            o = p["override"]
            subject = f"{o['dyad']} set to {o['value']:+.3f} (proposed {o['proposed']:+.3f})"
            rows.append(
                {**base, "kind": "override reason", "subject": subject, "text": o["reason"]}
            )
        elif rec.kind == "inject":
            i = p["inject"]
            subject = f"{i['title']} (visible to {audience(i)})"
            rows.append({**base, "kind": "inject", "subject": subject, "text": i["text"]})
        elif rec.kind == "note":
            rows.append({**base, "kind": "note", "subject": "", "text": p["note"]["text"]})
    return pd.DataFrame(rows, columns=TEXT_COLUMNS)


def audience(inject: dict[str, Any]) -> str:
    """Who may read an inject, in words."""
    if inject["visibility"] == "teams":
        return "teams " + ", ".join(inject["teams"])
    return "everyone" if inject["visibility"] == "all" else "the white cell only"


def record_summary(record: Record) -> str:
    """One line saying what a record did (for the list of rolled-back records)."""
    p = record.payload
    kind = record.kind
    if kind in ("move", "revise"):
        o = p["order"]
        return f"{kind}: {o['actor']} {o['move']} toward {o['target']}"
    if kind == "withdraw":
        return f"withdraw order {p['order']}"
    if kind == "phase":
        return f"phase {p['from']} -> {p['to']}"
    if kind == "override":
        return f"override {p['override']['dyad']} to {p['override']['value']:+.3f}"
    if kind == "commit":
        return f"commit turn {p['turn']}"
    if kind == "inject":
        return f"inject: {p['inject']['title']}"
    if kind == "ready":
        return f"{p['actor']} {'ready' if p['ready'] else 'not ready'}"
    if kind in ("rollback", "fork", "forked"):
        return f"{kind} at turn {p['turn']}"
    if kind == "end":
        reason = f": {p['reason']}" if p["reason"] else ""
        return f"the game ended after turn {p['turn']}{reason}"
    return kind
