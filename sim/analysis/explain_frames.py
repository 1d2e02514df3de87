"""The frames of an explanation: what was captured in every replicate
(:func:`sim.analysis.explain_capture.capture_decision`) summed up as means and 5%-95%
ranges, and each decision in one sentence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from sim.analysis.common import signed
from sim.analysis.explanation import TERM_LABELS, Explanation
from sim.model.choice import MOVE_NAMES, MOVES
from sim.model.drivers import TERMS
from sim.scenario import Scenario
from sim.scenario.calendar import period_label

_PAST = {
    "confront": "confronted",
    "pressure": "pressured",
    "hold": "held steady",
    "engage": "engaged",
    "cooperate": "cooperated",
}


def _stats(arrays: list[np.ndarray]) -> list[tuple[float, float, float]]:
    """The mean, 5th and 95th percentiles of each of ``arrays`` (one value per replicate
    each), in one call: the same numbers as one call per array, which cost a report's
    explanations 470 calls."""
    if not arrays:
        return []
    x = np.asarray(arrays, dtype=float)
    lo, hi = np.percentile(x, [5, 95], axis=1)
    return [(float(m), float(a), float(b)) for m, a, b in zip(x.mean(axis=1), lo, hi, strict=True)]


def explanation_of(
    scenario: Scenario,
    file: str | None,
    actor: str,
    ids: list[str],
    names: dict[str, str],
    captured: dict[str, dict[str, Any]],
    step: int,
    start: dt.date,
    end: dt.date,
    replicates: int,
    seed: int,
    events: list[dict[str, Any]],
    parameters: dict[str, list[str]],
    notes: list[str],
) -> Explanation:
    run = scenario.run
    period = period_label(run.start, step, run.step_months)
    term_rows, part_rows, move_rows, summary_rows, rep_columns = [], [], [], [], []
    for target in [k for k in ids if k in captured]:
        c = captured[target]
        rows = []
        for term, (mean, lo, hi) in zip(
            TERMS, _stats([c["terms"][t.name] for t in TERMS]), strict=True
        ):
            rows.append(
                {
                    "target": target,
                    "term": term.name,
                    "label": _term_label(term.name, names[target]),
                    "mean": mean,
                    "p05": lo,
                    "p95": hi,
                    "theory": term.theory,
                    "meaning": term.meaning,
                }
            )
        rows.sort(key=lambda r: -abs(r["mean"]))
        term_rows.extend(rows)
        order = {t.name: k for k, t in enumerate(TERMS)}
        parts = sorted(c["parts"].items(), key=lambda kv: (order[kv[0][0]], -abs(kv[1].mean())))
        for ((term, part), _), (mean, lo, hi) in zip(
            parts, _stats([values for _, values in parts]), strict=True
        ):
            part_rows.append(
                {
                    "target": target,
                    "term": term,
                    "part": part,
                    "label": _part_label(term, part, names),
                    "mean": mean,
                    "p05": lo,
                    "p95": hi,
                }
            )
        for side_key, side in (("actor", actor), ("other", target)):
            s = c[side_key]
            for m, move in enumerate(MOVE_NAMES):
                move_rows.append(
                    {
                        "target": target,
                        "side": side,
                        "move": move,
                        "shift": int(MOVES[m]),
                        "utility": float(s["utility"][:, m].mean()),
                        "probability": float(s["probability"][:, m].mean()),
                        "share_chosen": float(np.mean(s["pick"] == m)),
                    }
                )
        total = sum((c["terms"][t.name] for t in TERMS), np.zeros(replicates))
        (p, p_lo, p_hi), (x, x_lo, x_hi), (a, a_lo, a_hi), (r, r_lo, r_hi), (ch, ch_lo, ch_hi) = (
            _stats([c[k] for k in ("propensity", "desired", "autonomy", "relation", "change")])
        )
        chose, chose_share = _modal(c["actor"]["pick"])
        other, other_share = _modal(c["other"]["pick"])
        summary = {
            "target": target,
            "name": names[target],
            "propensity": p,
            "propensity_p05": p_lo,
            "propensity_p95": p_hi,
            "terms_sum": float(total.mean()),
            "max_sum_error": float(np.max(np.abs(total - c["propensity"]))),
            "desired": x,
            "desired_p05": x_lo,
            "desired_p95": x_hi,
            "autonomy": a,
            "autonomy_p05": a_lo,
            "autonomy_p95": a_hi,
            "autonomy_stated": float(c["autonomy_stated"].mean()),
            "relation": r,
            "relation_p05": r_lo,
            "relation_p95": r_hi,
            "change": ch,
            "change_p05": ch_lo,
            "change_p95": ch_hi,
            "relation_after": float(np.mean(c["relation"] + c["change"])),
            "chose": chose,
            "chose_share": chose_share,
            "other_chose": other,
            "other_chose_share": other_share,
            "held_back_share": float(np.mean(c["change"] < c["actor"]["change"] - 1e-12)),
        }
        summary["words"] = _words(
            names[actor],
            names[target],
            period,
            summary,
            rows,
            [p for p in part_rows if p["target"] == target],
        )
        summary_rows.append(summary)
        # The columns made first and the frame once, when it is read (Explanation): a frame
        # grown column by column copied itself each time.
        columns = {"target": target, "replicate": np.arange(replicates)}
        columns |= {term.name: c["terms"][term.name] for term in TERMS}
        columns |= {
            "terms_sum": total,
            "propensity": c["propensity"],
            "desired": c["desired"],
            "autonomy": c["autonomy"],
            "relation": c["relation"],
            "move": np.asarray(MOVE_NAMES)[c["actor"]["pick"]],
            "move_change": c["actor"]["change"],
            "other_move": np.asarray(MOVE_NAMES)[c["other"]["pick"]],
            "other_move_change": c["other"]["change"],
            "change": c["change"],
        }
        rep_columns.append(columns)
    return Explanation(
        scenario=scenario.name,
        file=file,
        actor=actor,
        names=names,
        step=step,
        period=period,
        start=start,
        end=end,
        replicates=replicates,
        seed=seed,
        term_rows=term_rows,
        part_rows=part_rows,
        move_rows=move_rows,
        summary_rows=summary_rows,
        replicate_columns=rep_columns,
        events=events,
        parameters=parameters,
        notes=notes,
    )


def _modal(pick: np.ndarray) -> tuple[str, float]:
    """The most frequent move (ties: the milder, nearer hold) and its share of replicates."""
    counts = np.bincount(pick, minlength=len(MOVE_NAMES))
    order = sorted(range(len(MOVE_NAMES)), key=lambda m: (-counts[m], abs(MOVES[m])))
    best = order[0]
    return MOVE_NAMES[best], float(counts[best] / len(pick))


def _term_label(term: str, target_name: str) -> str:
    if term == "threat":
        return f"threat from {target_name}"
    return TERM_LABELS[term]


def _part_label(term: str, part: str, names: dict[str, str]) -> str:
    if term in ("dispute", "irritant"):
        return _pretty(part)
    if term == "shared_threat":
        return f"from {names.get(part, part)}"
    if term == "balance":
        return f"via {names.get(part, part)}"
    return " ".join(names.get(word, word) for word in part.split(" "))


def _pretty(name: str) -> str:
    """A dispute's or irritant's key as words: 'missile_defence' -> 'Missile defence'."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _words(
    actor_name: str,
    target_name: str,
    period: str,
    summary: dict[str, Any],
    term_rows: list[dict[str, Any]],
    part_rows: list[dict[str, Any]],
) -> str:
    """'Russia toward Japan at 2014-Q1: propensity +0.21 (shared threat from China ...) ...'."""
    items: list[tuple[str, float]] = []
    for row in term_rows:
        term = row["term"]
        if row["mean"] == 0 and row["p05"] == 0 and row["p95"] == 0:
            continue
        parts = [p for p in part_rows if p["term"] == term]
        if term in ("dispute", "irritant") and parts:
            items.extend((p["label"], p["mean"]) for p in parts)
        elif term == "shared_threat" and parts:
            top = max(parts, key=lambda p: abs(p["mean"]))
            items.append((f"shared threat {top['label']}", row["mean"]))
        else:
            items.append((row["label"], row["mean"]))
    items.sort(key=lambda item: -abs(item[1]))
    shown = [f"{label} {signed(v)}" for label, v in items if abs(v) >= 0.005][:6]
    if len(shown) < len([v for _, v in items if v != 0]):
        shown.append("...")
    because = f" ({', '.join(shown)})" if shown else ""
    change = summary["change"]
    moved = (
        "the relation did not move"
        if change == 0
        else f"the relation moved {signed(change, 2 if abs(change) >= 0.01 else 3)} on average"
    )
    stated, felt = summary["autonomy_stated"], summary["autonomy"]
    autonomy = ""
    if stated > 0 and felt < stated - 0.005:  # the refusal to take sides relaxed
        autonomy = f"; autonomy cost {felt:.2f} of {stated:.2f} (its other ties have cooled)"
    return (
        f"{actor_name} toward {target_name} at {period}: propensity "
        f"{signed(summary['propensity'])}{because}; desired level {signed(summary['desired'])}"
        f"{autonomy}; chose {summary['chose']} in {summary['chose_share']:.0%} of replicates; "
        f"{target_name} {_PAST[summary['other_chose']]} in {summary['other_chose_share']:.0%}; "
        f"{moved}."
    )
