"""The run report's tables as plain rows: a header, rows of text cells, and which columns
are numbers (right-aligned).

The template's ``table`` macro (``templates/macros.html.j2``) escapes every cell; the
command line prints the same rows (:func:`sweep_rows`) in the terminal.

- :func:`outcome_table_rows`: the named end-states, their rules and probabilities;
- :func:`event_table_rows`: how often each event fired, and when first;
- :func:`dyad_table_rows`: every dyad at the end, its intervals and bands;
- :func:`sweep_rows`: the sweep's measures, one column per point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.common import signed
from sim.model.bands import BAND_NAMES
from sim.present.pages import percent
from sim.present.sweeps import dyad_column_label
from sim.scenario.dyads import Dyad

if TYPE_CHECKING:
    from sim.scenario.schema import Condition, Outcome, Scenario


@dataclass(frozen=True)
class Table:
    """A table for the ``table`` macro: ``header``, ``rows`` of cells, ``numeric`` columns."""

    header: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = field(default_factory=frozenset)


def interval(low: object, high: object) -> str:
    """A 95% interval of two shares, '12.0% – 18.5%'."""
    return f"{percent(low)} – {percent(high)}"


def condition_text(cond: Condition) -> str:
    """A schema.Condition in words, e.g. 'RUS-JPN above +0.20'."""
    if cond.dyad is not None:
        parts = [cond.dyad]
        if cond.band is not None:
            parts.append(f"is {cond.band}")
        if cond.above is not None:
            parts.append(f"above {cond.above:+.2f}")
        if cond.below is not None:
            parts.append(f"below {cond.below:+.2f}")
        return " ".join(parts)
    return f"every relation of {cond.actor} below {cond.all_below:+.2f}"


def outcome_rule_text(outcome: Outcome | None) -> str:
    """An end-state's rule in words: its ``when`` condition and its ``all`` list."""
    if outcome is None:
        return ""
    parts = []
    when = getattr(outcome, "when", None)
    if when:
        parts.append(str(when).strip())
    parts += [condition_text(c) for c in getattr(outcome, "all", None) or []]
    return " and ".join(parts)


def event_table_rows(events: pd.DataFrame) -> Table:
    """The event table (:func:`sim.results.frames.event_table`): one row per event."""
    rows = []
    for rec in events.itertuples(index=False):
        fired = int(rec.replicates_fired)
        # The step's own period ('2016-Q3'), not the model's date of the step (the day
        # after it), which read as a delay.
        first = (
            ""
            if pd.isna(rec.median_first_step)
            else f"{rec.median_first_period} (step {int(rec.median_first_step)})"
        )
        rows.append(
            [
                rec.event,
                rec.trigger,
                rec.description,
                percent(rec.share_fired),
                interval(rec.ci_low, rec.ci_high),
                f"{fired} / {rec.replicates}",
                f"{rec.mean_firings:.2f}",
                first,
            ]
        )
    header = [
        "event",
        "trigger",
        "description",
        "fired in",
        "95% interval",
        "replicates",
        "firings per replicate",
        "first fired in (median)",
    ]
    return Table(header, rows, frozenset({3, 4, 5, 6, 7}))


def outcome_table_rows(scenario: Scenario, outcomes: pd.DataFrame) -> Table:
    """The end-state table (:func:`sim.results.frames.outcome_table`) with each rule."""
    rows = []
    for rec in outcomes.itertuples(index=False):
        outcome = scenario.outcomes.get(rec.outcome) if hasattr(scenario, "outcomes") else None
        rows.append(
            [
                rec.outcome,
                rec.description,
                outcome_rule_text(outcome),
                percent(rec.probability),
                interval(rec.ci_low, rec.ci_high),
                f"{rec.count} / {rec.replicates}",
            ]
        )
    header = ["end-state", "description", "rule", "probability", "95% interval", "replicates"]
    return Table(header, rows, frozenset({3, 4, 5}))


def dyad_table_rows(dyad_stats: pd.DataFrame, names: Mapping[str, str]) -> Table:
    """The dyad table (:func:`sim.results.frames.dyad_end_table`), display names."""
    rows = []
    for rec in dyad_stats.itertuples(index=False):
        rows.append(
            [
                Dyad(rec.actor_a, rec.actor_b).named(names),
                signed(rec.start),
                signed(rec.end_median),
                f"{signed(rec.p05)} to {signed(rec.p95)}",
                f"{signed(rec.p25)} to {signed(rec.p75)}",
                signed(rec.end_mean),
                *[percent(getattr(rec, f"share_{b}")) for b in BAND_NAMES],
                rec.modal_band,
            ]
        )
    header = [
        "dyad",
        "start",
        "end median",
        "90% interval",
        "50% interval",
        "end mean",
        *BAND_NAMES,
        "modal band",
    ]
    return Table(header, rows, frozenset(range(1, 6 + len(BAND_NAMES))))


def sweep_rows(
    sweep: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str]
) -> tuple[list[str], list[list[str]]]:
    """The sweep table turned on its side: one column per point, one row per measure.

    Rows: the swept values, each end-state's probability, each dyad's end median, the
    share of replicates in which each event fired. Points
    are few and measures many, so this fits a page (and a terminal) where one row per
    point would not.
    """
    records = sweep.to_dict("records")
    header = ["", *[f"point {rec['point']}" for rec in records]]
    rows = [[key, *[f"{rec[key]:g}" for rec in records]] for key in keys]
    for col in (c for c in sweep.columns if c.startswith("p_")):
        rows.append([f"P({col[2:]})", *[percent(rec[col]) for rec in records]])
    for col in (c for c in sweep.columns if c.startswith("median_")):
        label = f"{dyad_column_label(col, names)}, end median"
        rows.append([label, *[signed(rec[col]) for rec in records]])
    for col in (c for c in sweep.columns if c.startswith("fired_")):
        rows.append([f"{col[6:]} fired", *[percent(rec[col]) for rec in records]])
    return header, rows


def sweep_table(sweep: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str]) -> Table:
    """:func:`sweep_rows` as a table, every point's column numeric."""
    header, rows = sweep_rows(sweep, keys, names)
    return Table(header, rows, frozenset(range(1, len(header))))
