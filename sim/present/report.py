"""The HTML report of a run.

:func:`write_report` puts the run's figures (:mod:`sim.present.figures`) and tables in one
self-contained HTML file that opens offline: plotly.js is embedded once, nothing is
loaded from the network, and every text that comes from a scenario (names,
descriptions) is HTML-escaped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sim.model.outcomes import BAND_NAMES
from sim.present.figures import bands_caption, build_figures
from sim.present.html_page import (
    esc,
    figure_div,
    fmt_signed,
    generated_note,
    html_page,
    summary_table,
    table_html,
)


def _fmt_pct(v: Any) -> str:
    return "" if pd.isna(v) else f"{float(v):.1%}"


def condition_text(cond: Any) -> str:
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


def outcome_rule_text(outcome: Any) -> str:
    """An end-state's rule in words: its ``when`` condition and its ``all`` list."""
    if outcome is None:
        return ""
    parts = []
    when = getattr(outcome, "when", None)
    if when:
        parts.append(str(when).strip())
    parts += [condition_text(c) for c in getattr(outcome, "all", None) or []]
    return " and ".join(parts)


def events_html(events: pd.DataFrame) -> str:
    """The event table (:func:`sim.results.frames.event_table`) as HTML (escaped)."""
    rows = []
    for rec in events.itertuples(index=False):
        fired = int(rec.replicates_fired)
        first = (
            ""
            if pd.isna(rec.median_first_step)
            else f"{pd.Timestamp(rec.median_first_date).date().isoformat()} "
            f"(step {int(rec.median_first_step)})"
        )
        rows.append(
            [
                rec.event,
                rec.trigger,
                rec.description,
                _fmt_pct(rec.share_fired),
                f"{_fmt_pct(rec.ci_low)} – {_fmt_pct(rec.ci_high)}",
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
        "first fired (median)",
    ]
    return table_html(header, rows, numeric={3, 4, 5, 6, 7})


def outcomes_html(scenario: Any, outcomes: pd.DataFrame) -> str:
    """The end-state table as HTML (escaped)."""
    rows = []
    for rec in outcomes.itertuples(index=False):
        outcome = scenario.outcomes.get(rec.outcome) if hasattr(scenario, "outcomes") else None
        rule = outcome_rule_text(outcome)
        rows.append(
            [
                rec.outcome,
                rec.description,
                rule,
                _fmt_pct(rec.probability),
                f"{_fmt_pct(rec.ci_low)} – {_fmt_pct(rec.ci_high)}",
                f"{rec.count} / {rec.replicates}",
            ]
        )
    header = ["end-state", "description", "rule", "probability", "95% interval", "replicates"]
    return table_html(header, rows, numeric={3, 4, 5})


def dyads_html(dyad_stats: pd.DataFrame, names: Mapping[str, str]) -> str:
    """The dyad table as HTML (escaped)."""
    rows = []
    for rec in dyad_stats.itertuples(index=False):
        rows.append(
            [
                f"{names.get(rec.actor_a, rec.actor_a)} – {names.get(rec.actor_b, rec.actor_b)}",
                fmt_signed(rec.start),
                fmt_signed(rec.end_median),
                f"{fmt_signed(rec.p05)} to {fmt_signed(rec.p95)}",
                f"{fmt_signed(rec.p25)} to {fmt_signed(rec.p75)}",
                fmt_signed(rec.end_mean),
                *[_fmt_pct(getattr(rec, f"share_{b}")) for b in BAND_NAMES],
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
    return table_html(header, rows, numeric=set(range(1, 6 + len(BAND_NAMES))))


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
        rows.append([f"P({col[2:]})", *[_fmt_pct(rec[col]) for rec in records]])
    for col in (c for c in sweep.columns if c.startswith("median_")):
        a, _, b = col.removeprefix("median_").partition("-")
        label = f"{names.get(a, a)} – {names.get(b, b)}, end median"
        rows.append([label, *[fmt_signed(rec[col]) for rec in records]])
    for col in (c for c in sweep.columns if c.startswith("fired_")):
        rows.append([f"{col[6:]} fired", *[_fmt_pct(rec[col]) for rec in records]])
    return header, rows


def sweep_html(sweep: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str]) -> str:
    """The sweep table as HTML (escaped), one column per point."""
    header, rows = sweep_rows(sweep, keys, names)
    table = table_html(header, rows, numeric=set(range(1, len(header))))
    return f'<div style="overflow-x:auto">{table}</div>'


def report_html(
    scenario: Any,
    model: Any,
    trajectories: pd.DataFrame | None,
    outcomes: pd.DataFrame,
    dyad_stats: pd.DataFrame,
    run_info: Mapping[str, Any] | None = None,
    figures: Mapping[str, go.Figure] | None = None,
    sweep: pd.DataFrame | None = None,
    sweep_keys: Sequence[str] = (),
    events: pd.DataFrame | None = None,
) -> str:
    """The whole report as one HTML string (see :func:`write_report`)."""
    info = dict(run_info or {})
    figs = (
        dict(figures)
        if figures is not None
        else build_figures(scenario, model, trajectories, outcomes)
    )
    ids = list(model.actor_ids)
    names = dict(zip(ids, model.actor_names, strict=True))
    steps = len(model.dates) - 1
    replicates = int(getattr(model, "replicates", 0) or 0)
    if not replicates and trajectories is not None:
        replicates = int(trajectories["replicate"].max()) + 1
    step_months = getattr(getattr(scenario, "run", None), "step_months", None)
    seed = model.seed
    seed_text = str(getattr(seed, "entropy", seed))
    summary_rows = [
        ["actors", ", ".join(f"{names[i]} ({i})" for i in ids)],
        [
            "replicates",
            f"{replicates:,}" + (f" per point, {len(sweep)} points" if sweep is not None else ""),
        ],
        [
            "steps",
            f"{steps}" + (f" of {step_months} month(s)" if step_months else ""),
        ],
        ["dates", f"{model.dates[0].isoformat()} to {model.dates[-1].isoformat()}"],
        ["seed", seed_text],
        ["bands", bands_caption(scenario.bands)],
    ]
    if info.get("record"):
        summary_rows.append(["kept per replicate", _record_text(str(info["record"]))])
    if info.get("chunk_size"):
        summary_rows.append(["chunk size", f"{int(info['chunk_size']):,} replicates"])
    uncertain = list(getattr(scenario, "uncertainties", {}) or {})
    if uncertain:
        summary_rows.append(["uncertain parameters", ", ".join(uncertain)])
    execution = info.get("execution") or {}
    if execution.get("backend"):
        summary_rows.append(
            [
                "ran on",
                f"{execution['backend']}, {execution.get('workers', 1)} worker(s), "
                f"{execution.get('seconds', 0):.1f} s",
            ]
        )
    if info.get("scenario_sha256"):
        summary_rows.append(["scenario SHA-256", str(info["scenario_sha256"])])
    if info.get("started_at"):
        summary_rows.append(["run started", str(info["started_at"])])
    if info.get("finished_at"):
        summary_rows.append(["run finished", str(info["finished_at"])])
    fig_html = {key: figure_div(fig, key) for key, fig in figs.items()}
    parts = [
        f"<h1>Scenario: {esc(scenario.name)}</h1>",
        f'<p class="description">{esc((scenario.description or "").strip())}</p>',
        "<h2>Run</h2>",
        summary_table(summary_rows),
    ]
    if sweep is not None:
        keys = list(sweep_keys)
        parts += [
            "<h2>Sweep</h2>",
            f"<p>{len(sweep)} points; each is an ensemble of {replicates:,} replicates with "
            "the same seeds (common random numbers), so differences between points come from "
            "the swept values. The sections after this one show point 0 ("
            + esc(", ".join(f"{k} = {sweep.iloc[0][k]:g}" for k in keys))
            + ").</p>",
        ]
        for key in ("sweep_end_states", "sweep_dyads"):
            if key in fig_html:
                parts.append(fig_html.pop(key))
        parts.append(sweep_html(sweep, keys, names))
    if "relations" in fig_html:
        parts += ["<h2>Relations over time</h2>", fig_html.pop("relations")]
    if "network" in fig_html:
        parts += ["<h2>Alignment network</h2>", fig_html.pop("network")]
    parts.append("<h2>End-states</h2>")
    if len(outcomes):
        if "end_states" in fig_html:
            parts.append(fig_html.pop("end_states"))
        parts.append(outcomes_html(scenario, outcomes))
    else:
        parts.append("<p>This scenario defines no named end-states.</p>")
    if events is None and getattr(scenario, "events", None):
        from sim.results.frames import event_table

        events = event_table(model, scenario)
    parts.append("<h2>Events</h2>")
    if events is not None and len(events):
        parts.append(
            f"<p>How often each of the scenario's events fired across the {replicates:,} "
            "replicates"
            + (" of point 0" if sweep is not None else "")
            + ": the share of replicates in which it fired at least once (a scheduled "
            "event fires in all of them), the firings per replicate (more than the share "
            "when it recurs) and when it first fired. Every firing is in events.parquet.</p>"
        )
        if "events" in fig_html:
            parts.append(fig_html.pop("events"))
        parts.append(events_html(events))
    else:
        fig_html.pop("events", None)
        parts.append("<p>This scenario has no events.</p>")
    if "why" in fig_html:
        parts += [
            "<h2>Why: the drivers behind each move</h2>",
            "<p>Each state's propensity toward another is a sum of named driver terms "
            "(docs/model.md); the bars show each term's mean contribution over the "
            "replicates at the first and at the last step, building up to the propensity "
            "the state acted on. Choose a state, a partner and a step from the menu. "
            "<code>python run.py explain FILE --actor ID</code> prints the same with the "
            "move probabilities.</p>",
            fig_html.pop("why"),
        ]
    if "landscape_start" in fig_html or "landscape_end" in fig_html:
        parts += [
            "<h2>Landscape of stable blocs</h2>",
            "<p>The Axelrod-Bennett landscape of the drivers (docs/analysis.md): the "
            "two-bloc alignments that no single state gains by leaving, with their energy "
            "(lower is more stable) and the share of starting alignments that slide into "
            "each (basin), at the start and, from the median relations, at the end.</p>",
        ]
        for key in ("landscape_start", "landscape_end"):
            if key in fig_html:
                parts.append(fig_html.pop(key))
    for key, div in fig_html.items():  # any further figures a caller passed
        parts += [f"<h2>{esc(key)}</h2>", div]
    parts += ["<h2>Dyads at the end</h2>", dyads_html(dyad_stats, names)]
    # plotly.js once, in the head, so that every figure finds it whatever the order
    return html_page(f"{scenario.name} – alignment scenario report", parts, plotly=bool(figs))


def _record_text(record: str) -> str:
    if record == "full":
        return "every step (full)"
    if record == "outcomes":
        return "start and end (outcomes)"
    return f"every {record.partition(':')[2]}th step and the end ({record})"


def write_report(
    path: str | os.PathLike[str],
    scenario: Any,
    model: Any,
    trajectories: pd.DataFrame | None,
    outcomes: pd.DataFrame,
    dyad_stats: pd.DataFrame,
    run_info: Mapping[str, Any] | None = None,
    figures: Mapping[str, go.Figure] | None = None,
    sweep: pd.DataFrame | None = None,
    sweep_keys: Sequence[str] = (),
    events: pd.DataFrame | None = None,
) -> Path:
    """Write the self-contained HTML report of a run and return its path.

    Contents: title, scenario description, a run summary (actors, replicates, steps,
    dates, seed, bands), the relations-over-time figure, the start/end network, the
    end-state figure and table, the events (:func:`sim.results.frames.event_table`: how often
    each fired and when, and a chart of the share fired over time; ``events`` defaults to
    the model's) and the dyad table. ``model`` supplies actor ids, names,
    sizes, dates and seed; ``run_info`` may add 'scenario_sha256', 'started_at' and
    'finished_at', 'record', 'chunk_size' and 'execution'; ``figures`` replaces the
    default figures (:func:`build_figures`). ``trajectories`` may be None when ``model``
    has histograms (every model and ensemble point does). In a sweep, ``sweep`` (the
    :func:`sim.results.frames.sweep_table`) adds a section with the sweep's table and figures,
    and the other sections show the first point.
    """
    path = Path(path)
    text = report_html(
        scenario,
        model,
        trajectories,
        outcomes,
        dyad_stats,
        run_info,
        figures,
        sweep=sweep,
        sweep_keys=sweep_keys,
        events=events,
    )
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- comparisons


def _cell_pct(p: Any, low: Any, high: Any) -> str:
    if pd.isna(p):
        return "–"
    return f"{_fmt_pct(p)} ({float(low):.0%}–{float(high):.0%})"


def comparison_end_states_html(comparison: Any) -> str:
    """End-states x scenarios: probability (95% interval), and the change in points from
    the reference (escaped)."""
    es = comparison.end_states
    labels = comparison.labels
    header = ["end-state", *labels]
    rows = []
    for outcome in dict.fromkeys(es["outcome"]):
        t = es[es["outcome"] == outcome].set_index("scenario")
        row = [str(outcome)]
        for k, label in enumerate(labels):
            if label not in t.index:
                row.append("not defined")
                continue
            rec = t.loc[label]
            cell = _cell_pct(rec["probability"], rec["ci_low"], rec["ci_high"])
            if k and pd.notna(rec["difference"]):
                cell += f", {round(100 * float(rec['difference'])):+d} pts"
            row.append(cell)
        rows.append(row)
    return table_html(header, rows, numeric=set(range(1, len(header))))


def comparison_events_html(comparison: Any) -> str:
    """Events x scenarios: the share of replicates in which each fired (and the firings
    per replicate when it recurs); '–' where a scenario has no such event."""
    ev = comparison.events
    labels = comparison.labels
    header = ["event", "description", *labels]
    rows = []
    for name in dict.fromkeys(ev["event"]):
        t = ev[ev["event"] == name].set_index("scenario")
        descriptions = [d for d in t["description"] if d]
        row = [str(name), descriptions[0] if descriptions else ""]
        for label in labels:
            if label not in t.index:
                row.append("–")
                continue
            rec = t.loc[label]
            cell = _fmt_pct(rec["share_fired"])
            if float(rec["mean_firings"]) > float(rec["share_fired"]) + 1e-9:
                cell += f" ({float(rec['mean_firings']):.2f} per replicate)"
            row.append(cell)
        rows.append(row)
    return table_html(header, rows, numeric=set(range(2, len(header))))


def comparison_blocs_html(comparison: Any, top: int = 5) -> str:
    """Per scenario, its most common start -> end bloc transitions (escaped)."""
    tr = comparison.transitions
    rows = []
    for label in comparison.labels:
        t = tr[tr["scenario"] == label].head(top)
        for k, rec in enumerate(t.itertuples(index=False)):
            rows.append(
                [
                    label if k == 0 else "",
                    rec.start,
                    rec.end,
                    f"{_fmt_pct(rec.share)} ({rec.replicates:,})",
                ]
            )
    return table_html(
        ["scenario", "blocs at the start", "blocs at the end", "replicates"], rows, {3}
    )


def comparison_html(comparison: Any) -> str:
    """The comparison report as one self-contained HTML string (see
    :func:`write_comparison_report`)."""
    c = comparison
    figs = c.figures()
    fig_html = {key: figure_div(fig, key) for key, fig in figs.items()}
    labels = c.labels
    ref = c.reference
    dates = c.dates
    scen_rows = []
    for e in c.entries:
        view = e.result.ensemble.point(0)
        scen_rows.append(
            [
                e.label + (" (reference)" if e.label == ref else ""),
                "" if e.source is None else Path(e.source).name,
                (e.scenario.description or "").strip(),
                f"{len(view.actor_ids)} actors, {len(getattr(e.scenario, 'events', {}) or {})} "
                "events",
            ]
        )
    crn = (
        f"All {len(labels)} scenarios ran with the same seed ({c.seed}) and the same "
        f"{c.replicates:,} replicates, in chunks of {c.chunk_size:,}: replicate r drew the "
        "same random numbers in every scenario (common random numbers). So a difference "
        "between the scenarios comes from what they change, not from noise: a scenario "
        "compared with itself differs by exactly zero. Differences are paired: for each "
        f"replicate, its value in a scenario minus its value in {ref}, the reference (the "
        "first scenario)."
    )
    parts = [
        f"<h1>Comparing scenarios: {esc(', '.join(labels))}</h1>",
        table_html(["scenario", "file", "description", "size"], scen_rows),
        f'<p class="description">{esc(crn)}</p>',
    ]
    if c.notes:
        parts.append("<p><b>Notes</b></p><ul>")
        parts += [f"<li>{esc(n)}</li>" for n in c.notes]
        parts.append("</ul>")

    parts.append("<h2>Largest differences</h2>")
    largest = c.largest
    if len(largest):
        for kind, title in (("dyad", "Relations at the end"), ("end_state", "End-states")):
            t = largest[largest["kind"] == kind]
            if len(t):
                parts.append(f"<p><b>{title}</b>, against {esc(ref)}:</p><ul>")
                parts += [f"<li>{esc(text)}</li>" for text in t["text"]]
                parts.append("</ul>")
        parts.append(
            '<p class="muted">A 90% interval says where 90% of the paired per-replicate '
            "differences fall; differences.csv also has a 95% interval of the mean.</p>"
        )
    else:
        parts.append("<p>No dyad or end-state to compare.</p>")

    parts.append("<h2>End-states</h2>")
    if len(c.end_states):
        if "end_states" in fig_html:
            parts.append(fig_html.pop("end_states"))
        parts.append(comparison_end_states_html(c))
        parts.append(
            '<p class="muted">Probability with its Wilson 95% interval; "pts": the change '
            f"from {esc(ref)} in percentage points (end_states.csv has a 95% interval of it, "
            "from the paired replicates).</p>"
        )
    else:
        parts.append("<p>The scenarios define no named end-states.</p>")

    parts.append(f"<h2>Difference from {esc(ref)}</h2>")
    if "differences" in fig_html:
        parts.append(
            f"<p>Each cell: the mean, over replicates, of the end relation ({esc(dates[-1])})"
            f" in that scenario minus the same replicate's in {esc(ref)}. Hover a cell for "
            "the 90% interval of the per-replicate differences and the shares of replicates "
            "that end warmer or colder.</p>"
        )
        parts.append(fig_html.pop("differences"))
    else:
        parts.append("<p>The scenarios share no dyad.</p>")

    if "relations" in fig_html:
        parts += ["<h2>Relations over time</h2>", fig_html.pop("relations")]

    parts.append("<h2>Blocs from start to end</h2>")
    parts.append(
        "<p>A bloc is a group of actors joined by relations above the hedging band "
        "(warmer than hedging), directly or through each other; a replicate's partition "
        "lists its blocs, e.g. 'USA+JPN | CHN+RUS'. The diagram shows how many replicates "
        "go from each partition at the start to each at the end.</p>"
    )
    if "blocs" in fig_html:
        parts.append(fig_html.pop("blocs"))
    parts.append(comparison_blocs_html(c))

    parts.append("<h2>Events</h2>")
    if len(c.events):
        parts.append(
            "<p>The share of replicates in which each event fired at least once, per "
            "scenario: which events drove the differences. A scheduled event fires in every "
            "replicate; a conditional or random one only in some.</p>"
        )
        parts.append(comparison_events_html(c))
    else:
        parts.append("<p>None of the scenarios has events.</p>")

    for key, div in fig_html.items():  # any further figures
        parts += [f"<h2>{esc(key)}</h2>", div]

    run_rows = [
        ["seed", str(c.seed)],
        ["replicates", f"{c.replicates:,} per scenario"],
        ["chunk size", f"{c.chunk_size:,} replicates"],
        ["steps", f"{len(dates) - 1}"],
        ["dates", f"{dates[0].isoformat()} to {dates[-1].isoformat()}"],
        ["dyads compared", ", ".join(f"{a}-{b}" for a, b in c.shared) or "none"],
    ]
    if c.backend:
        seconds = sum(s.seconds for s in c.stats)
        run_rows.append(["ran on", f"{c.backend}, {seconds:.1f} s"])
    if c.started_at is not None:
        run_rows.append(["started", c.started_at.isoformat(timespec="seconds")])
    parts += ["<h2>Run</h2>", summary_table(run_rows)]
    return html_page(
        f"{' vs '.join(labels)} – scenario comparison",
        parts,
        plotly=bool(figs),
        footer=generated_note(" The numbers are in the CSV files beside this report."),
    )


def write_comparison_report(path: str | os.PathLike[str], comparison: Any) -> Path:
    """Write the self-contained HTML report of a :class:`sim.analysis.compare.Comparison`.

    Contents: the scenarios, the statement that they share random numbers, notes (dyads
    left out ...), the largest differences in words, end-state probabilities (grouped
    bars and a table), the difference heatmap, relations over time overlaid, the bloc
    Sankey diagram, event firing shares per scenario, and the run settings. plotly.js is
    embedded once; every text from a scenario is escaped.
    """
    path = Path(path)
    path.write_text(comparison_html(comparison), encoding="utf-8")
    return path
