"""An explanation as text (the ``explain`` command's tables) and as one JSON-ready
object (``explain --json``; docs/analysis.md, "Explain", lists its keys)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.analysis.common import signed
from sim.model.choice import MOVE_NAMES

if TYPE_CHECKING:
    from sim.analysis.explanation import Explanation

DEFINITION = (
    "actor i's decision toward each other actor j at step T (the T-th step of the run; "
    "relations are those the previous step left, events of step T have fired): each driver "
    "term's contribution to the propensity p_ij (they sum to the propensity the model "
    "used), the desired level x* = tanh(beta p_ij), the value U and logit probability of "
    "each move, the move i chose, the move j chose toward i, and the change of the "
    "relation (the smaller of the two moves); means and 5%-95% ranges over replicates"
)


def summary_text(explanation: Explanation) -> str:
    """The readable tables: per target, the terms, the moves and the sentence."""
    e = explanation
    lines = [
        f"Explain: {e.actor_name} ({e.actor}) in {e.scenario}, step {e.step} = {e.period} "
        f"({e.start.isoformat()} to {e.end.isoformat()}), {e.replicates} replicates, seed {e.seed}",
        "Each term's contribution to the propensity p (they sum to the p the model used); "
        "mean and 5%..95% over replicates.",
    ]
    if e.events:
        fired = "; ".join(
            f"{ev['event']} (first at step {ev['first_step']}, fired in {ev['share']:.0%} of "
            "replicates so far)"
            for ev in e.events
        )
        lines.append(f"Events so far: {fired}")
    if e.parameters.get("sampled"):
        lines.append(
            "Uncertain parameters drawn per replicate: " + ", ".join(e.parameters["sampled"])
        )
    lines.extend(f"Note: {note}" for note in e.notes)
    for target in e.targets:
        lines.extend(["", *_target_text(e, target)])
    return "\n".join(lines)


def _range(lo: float, hi: float, digits: int = 3) -> str:
    return f"{signed(lo, digits)}..{signed(hi, digits)}"


def _target_text(e: Explanation, target: str) -> list[str]:
    s = e._row(target)
    tname = e.names[target]
    terms = e.terms[e.terms["target"] == target]
    parts = e.parts[e.parts["target"] == target]
    width = max([26, *(len(x) for x in terms["label"]), *(len(x) + 2 for x in parts["label"])])

    def line(label: str, mean: float, lo: float, hi: float, extra: str = "") -> str:
        text = f"  {label:<{width}} {signed(mean, 3):>7}  {_range(lo, hi):<15}  {extra}"
        return text.rstrip()

    out = [f"{e.actor_name} toward {tname} ({e.actor} -> {target})"]
    header = f"  {'term':<{width}} {'mean':>7}  {'5%..95%':<15}  theory: meaning"
    rule = "  " + "-" * (len(header) - 2)
    out.extend([header, rule])
    zero = []
    for row in terms.itertuples():
        if row.mean == 0 and row.p05 == 0 and row.p95 == 0:
            zero.append(row.label)
            continue
        out.append(line(row.label, row.mean, row.p05, row.p95, f"{row.theory}: {row.meaning}"))
        mine = parts[parts["term"] == row.term].sort_values("mean", key=abs, ascending=False)
        out.extend(line("  " + p.label, p.mean, p.p05, p.p95) for p in mine.itertuples())
    if zero:
        out.append(f"  zero in every replicate: {', '.join(zero)}")
    out.append(rule)
    out.append(
        f"  {'sum of the terms':<{width}} {signed(s['terms_sum'], 3):>7}  "
        f"(largest difference from the model's p over replicates: {s['max_sum_error']:.1e})"
    )
    for label, key in (
        ("propensity p (model)", "propensity"),
        ("desired level tanh(beta p)", "desired"),
        ("relation before the step", "relation"),
    ):
        out.append(line(label, s[key], s[f"{key}_p05"], s[f"{key}_p95"]))
    if s["autonomy_stated"] > 0:
        # The refusal to take sides, as it weighed in this decision (it falls as the
        # state's other ties cool: docs/model.md, "Autonomy that responds").
        note = f"stated {s['autonomy_stated']:.2f}; lower when its other ties have cooled"
        out.append(line("autonomy cost alpha", s["autonomy"], s["autonomy_p05"],
                        s["autonomy_p95"], note))  # fmt: skip
    out.append("")
    moves = e.moves[e.moves["target"] == target]
    mine = moves[moves["side"] == e.actor].set_index("move")
    theirs = moves[moves["side"] == target].set_index("move")
    out.append(
        f"  {'move':<10} {'shift':>5} {'U (mean)':>9} {'Pr ' + e.actor:>8} "
        f"{e.actor + ' chose':>10} {'Pr ' + target:>8} {target + ' chose':>10}"
    )
    for move in MOVE_NAMES:
        a, b = mine.loc[move], theirs.loc[move]
        out.append(
            f"  {move:<10} {int(a['shift']):>+5d} {a['utility']:>9.4f} {a['probability']:>8.0%} "
            f"{a['share_chosen']:>10.0%} {b['probability']:>8.0%} {b['share_chosen']:>10.0%}"
        )
    out.append(
        f"  relation change (the smaller of the two moves): mean {signed(s['change'], 3)}, "
        f"5%..95% {_range(s['change_p05'], s['change_p95'])}; after the step "
        f"{signed(s['relation_after'], 3)}; {tname} held {e.actor_name} back in "
        f"{s['held_back_share']:.0%} of replicates"
    )
    out.append("")
    out.append(f"  In words: {s['words']}")
    return out


def to_dict(explanation: Explanation) -> dict[str, Any]:
    """The explanation as one JSON-ready object (docs/analysis.md, "Explain", lists the keys)."""
    e = explanation
    # The explanation's rows, not its frames (a lookup per value in the frames cost 0.1 s
    # per actor; building the frames only to read them back, 0.07 s of a report).
    summary = {row["target"]: row for row in e.summary_rows}
    parts: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in e.part_rows:
        parts.setdefault((row["target"], row["term"]), []).append(row)
    moves = {(m["target"], m["side"], m["move"]): m for m in e.move_rows}
    terms: dict[str, list[dict[str, Any]]] = {}
    for row in e.term_rows:
        terms.setdefault(row["target"], []).append(row)
    targets = []
    for target in e.targets:
        s = summary[target]
        targets.append(
            {
                "id": target,
                "name": e.names[target],
                "words": s["words"],
                "propensity": _triple(s, "propensity"),
                "terms_sum": float(s["terms_sum"]),
                "max_sum_error": float(s["max_sum_error"]),
                "desired": _triple(s, "desired"),
                "relation": _triple(s, "relation"),
                "change": _triple(s, "change"),
                "relation_after": float(s["relation_after"]),
                "terms": [
                    {
                        "term": row["term"],
                        "label": row["label"],
                        "mean": float(row["mean"]),
                        "p05": float(row["p05"]),
                        "p95": float(row["p95"]),
                        "theory": row["theory"],
                        "meaning": row["meaning"],
                        "parts": [
                            {
                                "part": part["part"],
                                "label": part["label"],
                                "mean": float(part["mean"]),
                                "p05": float(part["p05"]),
                                "p95": float(part["p95"]),
                            }
                            for part in parts.get((target, row["term"]), [])
                        ],
                    }
                    for row in terms.get(target, [])
                ],
                "moves": [
                    _move(move, moves[(target, e.actor, move)], moves[(target, target, move)])
                    for move in MOVE_NAMES
                ],
                "chose": {"move": s["chose"], "share": float(s["chose_share"])},
                "other_chose": {"move": s["other_chose"], "share": float(s["other_chose_share"])},
                "held_back_share": float(s["held_back_share"]),
            }
        )
    return {
        "scenario": e.scenario,
        "file": e.file,
        "actor": {"id": e.actor, "name": e.actor_name},
        "step": e.step,
        "period": {"label": e.period, "start": e.start.isoformat(), "end": e.end.isoformat()},
        "replicates": e.replicates,
        "seed": e.seed,
        "what": DEFINITION,
        "parameters": e.parameters,
        "events": e.events,
        "notes": e.notes,
        "targets": targets,
    }


def _move(move: str, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """One move of both sides, as :func:`to_dict` lists it."""
    return {
        "move": move,
        "shift": int(mine["shift"]),
        "utility": float(mine["utility"]),
        "probability": float(mine["probability"]),
        "share_chosen": float(mine["share_chosen"]),
        "other_utility": float(theirs["utility"]),
        "other_probability": float(theirs["probability"]),
        "other_share_chosen": float(theirs["share_chosen"]),
    }


def _triple(row: Mapping[str, Any], key: str) -> dict[str, float]:
    return {
        "mean": float(row[key]),
        "p05": float(row[f"{key}_p05"]),
        "p95": float(row[f"{key}_p95"]),
    }
