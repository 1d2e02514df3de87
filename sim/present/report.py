"""The HTML report of a run.

:func:`write_report` puts the run's figures (:func:`sim.present.run_figures.build_figures`)
and tables (:mod:`sim.present.report_tables`) in one self-contained HTML file made from
``templates/report.html.j2``: plotly.js is embedded once, nothing is loaded from the
network, and every text that comes from a scenario (names, descriptions) is escaped by
the template (autoescape).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from sim.model.model import describe_record
from sim.present.observed import observed_section
from sim.present.pages import figure, render_page, steps_text
from sim.present.relations import bands_caption
from sim.present.report_tables import (
    dyad_table_rows,
    event_table_rows,
    outcome_table_rows,
    sweep_table,
)
from sim.present.run_figures import build_figures
from sim.results.events import event_table
from sim.results.views import Run

if TYPE_CHECKING:
    from sim.scenario import Scenario

SWEEP_FIGURES = ("sweep_end_states", "sweep_dyads")
"""The sweep section's figures, in order."""
LANDSCAPE_FIGURES = ("landscape_start", "landscape_end")
"""The landscape section's figures, in order."""


def summary_rows(
    scenario: Scenario,
    model: Run,
    replicates: int,
    info: Mapping[str, Any],
    sweep_points: int | None,
) -> list[list[str]]:
    """The 'Run' table: actors, replicates, steps, dates, seed, bands, and what
    ``info`` tells (record mode, chunk size, where it ran, hashes and times)."""
    names = dict(zip(model.actor_ids, model.actor_names, strict=True))
    steps = len(model.dates) - 1
    step_months = getattr(getattr(scenario, "run", None), "step_months", None)
    seed = model.seed
    rows = [
        ["actors", ", ".join(f"{names[i]} ({i})" for i in model.actor_ids)],
        [
            "replicates",
            f"{replicates:,}"
            + (f" per point, {sweep_points} points" if sweep_points is not None else ""),
        ],
        [
            "steps",
            steps_text(scenario.run.start, steps, step_months) if step_months else f"{steps}",
        ],
        ["dates", f"{model.dates[0].isoformat()} to {model.dates[-1].isoformat()}"],
        ["seed", str(getattr(seed, "entropy", seed))],
        ["bands", bands_caption(scenario.bands)],
    ]
    if info.get("record"):
        rows.append(["kept per replicate", describe_record(str(info["record"]))])
    if info.get("chunk_size"):
        rows.append(["chunk size", f"{int(info['chunk_size']):,} replicates"])
    uncertain = list(getattr(scenario, "uncertainties", {}) or {})
    if uncertain:
        rows.append(["uncertain parameters", ", ".join(uncertain)])
    execution = info.get("execution") or {}
    if execution.get("backend"):
        rows.append(
            [
                "ran on",
                f"{execution['backend']}, {execution.get('workers', 1)} worker(s), "
                f"{execution.get('seconds', 0):.1f} s",
            ]
        )
    for key, label in (
        ("scenario_sha256", "scenario SHA-256"),
        ("started_at", "run started"),
        ("finished_at", "run finished"),
    ):
        if info.get(key):
            rows.append([label, str(info[key])])
    return rows


def report_html(
    scenario: Scenario,
    model: Run,
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
    figs = (
        dict(figures)
        if figures is not None
        else build_figures(scenario, model, trajectories, outcomes)
    )
    names = dict(zip(model.actor_ids, model.actor_names, strict=True))
    replicates = int(getattr(model, "replicates", 0) or 0)
    if not replicates and trajectories is not None:
        replicates = int(trajectories["replicate"].max()) + 1
    if events is None and getattr(scenario, "events", None):
        events = event_table(model, scenario)
    has_events = events is not None and len(events) > 0
    shown = {key: figure(fig, key) for key, fig in figs.items()}
    # Each figure shows in its section; the end-state figure only beside its table, the
    # sweep's only in a sweep; the events figure never without the event table. The rest
    # follow under their own key.
    placed = {"relations", "network", "why", *LANDSCAPE_FIGURES}
    # The observed section (only when the scenario asks for it) holds its own figure.
    observed = observed_section(scenario, model.actor_ids, model.dates, names)
    if observed is not None:
        placed.add(observed["figure"])
    if sweep is not None:
        placed.update(SWEEP_FIGURES)
    if len(outcomes):
        placed.add("end_states")
    if not has_events:
        shown.pop("events", None)
    placed.add("events")
    sweep_section = None
    if sweep is not None:
        keys = list(sweep_keys)
        sweep_section = {
            "points": len(sweep),
            "first_point": ", ".join(f"{k} = {sweep.iloc[0][k]:g}" for k in keys),
            "figures": [shown[key] for key in SWEEP_FIGURES if key in shown],
            "table": sweep_table(sweep, keys, names),
        }
    return render_page(
        "report.html.j2",
        title=f"{scenario.name} – alignment scenario report",
        plotly=bool(figs),  # plotly.js once, in the head, so every figure finds it
        name=scenario.name,
        description=(scenario.description or "").strip(),
        summary_rows=summary_rows(
            scenario, model, replicates, run_info or {}, None if sweep is None else len(sweep)
        ),
        replicates=replicates,
        sweep=sweep_section,
        observed=observed,
        figures={key: div for key, div in shown.items() if key in placed},
        more_figures=[key for key in shown if key not in placed],
        outcomes=outcome_table_rows(scenario, outcomes) if len(outcomes) else None,
        events=event_table_rows(events) if has_events else None,
        dyads=dyad_table_rows(dyad_stats, names),
    )


def write_report(
    path: str | os.PathLike[str],
    scenario: Scenario,
    model: Run,
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
    dates, seed, bands), the relations-over-time figure, the observed series beside the
    model's relations when the scenario asks for them (``observed``:
    :func:`sim.present.observed.observed_section`), the start/end network, the
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
