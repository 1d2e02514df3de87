"""The comparison report (``comparison.html``) and the folder it goes in.

- :func:`comparison_html`: the page, from ``templates/comparison.html.j2``: the scenarios,
  the statement that they share random numbers, notes (dyads left out ...), the largest
  differences in words, end-state probabilities (grouped bars and a table), the
  difference heatmap, relations over time overlaid, the bloc Sankey diagram, event
  firing shares per scenario, and the run settings;
- :func:`save_comparison`: ``<root>/compare/<id>/`` with comparison.html, the frames as
  CSV files (:data:`sim.analysis.comparison_manifest.CSV_FILES`) and manifest.json.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.comparison import Comparison
from sim.analysis.comparison_manifest import CSV_FILES, comparison_id_base, comparison_manifest
from sim.present.compare_figures import comparison_figures
from sim.present.pages import figure, percent, render_page, steps_text
from sim.present.report_tables import Table
from sim.results.publish import publish_folder
from sim.scenario.dyads import Dyad

KNOWN_FIGURES = ("end_states", "differences", "relations", "blocs")
"""The figures the page shows in their own sections; any other follows under its key."""

BLOC_ROWS = 5
"""Transitions listed per scenario in the bloc table."""


def _cell_pct(p: Any, low: Any, high: Any) -> str:
    if pd.isna(p):
        return "–"
    return f"{percent(p)} ({float(low):.0%}–{float(high):.0%})"


def end_states_table(comparison: Comparison) -> Table:
    """End-states x scenarios: probability (95% interval), and the change in points from
    the reference."""
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
    return Table(header, rows, frozenset(range(1, len(header))))


def events_table(comparison: Comparison) -> Table:
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
            cell = percent(rec["share_fired"])
            if float(rec["mean_firings"]) > float(rec["share_fired"]) + 1e-9:
                cell += f" ({float(rec['mean_firings']):.2f} per replicate)"
            row.append(cell)
        rows.append(row)
    return Table(header, rows, frozenset(range(2, len(header))))


def blocs_table(comparison: Comparison, top: int = BLOC_ROWS) -> Table:
    """Per scenario, its most common start -> end bloc transitions."""
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
                    f"{percent(rec.share)} ({rec.replicates:,})",
                ]
            )
    header = ["scenario", "blocs at the start", "blocs at the end", "replicates"]
    return Table(header, rows, frozenset({3}))


def _scenario_rows(c: Comparison) -> list[list[str]]:
    rows = []
    for k, e in enumerate(c.entries):
        view = c.view(k)
        rows.append(
            [
                e.label + (" (reference)" if e.label == c.reference else ""),
                "" if e.source is None else Path(e.source).name,
                (e.scenario.description or "").strip(),
                f"{len(view.actor_ids)} actors, {len(getattr(e.scenario, 'events', {}) or {})} "
                "events",
            ]
        )
    return rows


def _crn(c: Comparison) -> str:
    """The paragraph saying that the scenarios share their random numbers."""
    return (
        f"All {len(c.labels)} scenarios ran with the same seed ({c.seed}) and the same "
        f"{c.replicates:,} replicates, in chunks of {c.chunk_size:,}: replicate r drew the "
        "same random numbers in every scenario (common random numbers). So a difference "
        "between the scenarios comes from what they change, not from noise: a scenario "
        "compared with itself differs by exactly zero. Differences are paired: for each "
        f"replicate, its value in a scenario minus its value in {c.reference}, the reference "
        "(the first scenario)."
    )


def _largest(c: Comparison) -> dict[str, list[str]]:
    """Section title -> the largest differences of that kind, in words."""
    largest = c.largest
    out = {}
    for kind, title in (("dyad", "Relations at the end"), ("end_state", "End-states")):
        texts = list(largest[largest["kind"] == kind]["text"])
        if texts:
            out[title] = texts
    return out


def _run_rows(c: Comparison) -> list[tuple[str, str]]:
    dates = c.dates
    run = c.entries[0].scenario.run  # the scenarios share start and step_months
    rows = [
        ("seed", str(c.seed)),
        ("replicates", f"{c.replicates:,} per scenario"),
        ("chunk size", f"{c.chunk_size:,} replicates"),
        ("steps", steps_text(run.start, len(dates) - 1, run.step_months)),
        ("dates", f"{dates[0].isoformat()} to {dates[-1].isoformat()}"),
        ("dyads compared", ", ".join(str(Dyad(a, b)) for a, b in c.shared) or "none"),
    ]
    if c.backend:
        seconds = sum(s.seconds for s in c.stats)
        rows.append(("ran on", f"{c.backend}, {seconds:.1f} s"))
    if c.started_at is not None:
        rows.append(("started", c.started_at.isoformat(timespec="seconds")))
    return rows


def comparison_html(comparison: Comparison) -> str:
    """The comparison report as one self-contained HTML page (every value escaped)."""
    c = comparison
    figs = comparison_figures(c)
    return render_page(
        "comparison.html.j2",
        title=f"{' vs '.join(c.labels)} – scenario comparison",
        plotly=bool(figs),
        labels=c.labels,
        reference=c.reference,
        scenario_rows=_scenario_rows(c),
        crn=_crn(c),
        notes=list(c.notes),
        largest=_largest(c) if len(c.largest) else {},
        end_states=end_states_table(c) if len(c.end_states) else None,
        end_date=c.dates[-1].isoformat(),
        figures={key: figure(fig, key) for key, fig in figs.items()},
        blocs=blocs_table(c),
        events=events_table(c) if len(c.events) else None,
        more_figures=[key for key in figs if key not in KNOWN_FIGURES],
        run_rows=_run_rows(c),
    )


def _csv(frame: pd.DataFrame, path: Path) -> None:
    """A frame as CSV, dates as YYYY-mm-dd."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False)


def save_comparison(
    comparison: Comparison,
    results_root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``<results_root>/compare/<id>/`` and return it.

    The folder holds ``comparison.html`` (the self-contained report), the frames as CSV
    files (:data:`~sim.analysis.comparison_manifest.CSV_FILES`) and ``manifest.json``. Like
    a run folder it is written into a hidden temporary folder and renamed into place when
    complete (:func:`sim.results.publish.publish_folder`), never over an existing one.
    """

    def fill(tmp: Path, comparison_id: str) -> tuple[dict[str, Any], list[str]]:
        names = []
        for name, attr in CSV_FILES.items():
            _csv(getattr(comparison, attr), tmp / name)
            names.append(name)
        manifest = comparison_manifest(comparison, comparison_id, command)
        (tmp / "comparison.html").write_text(comparison_html(comparison), encoding="utf-8")
        names.append("comparison.html")
        return manifest, names

    return publish_folder(
        Path(results_root) / "compare",
        comparison_id_base(comparison),
        fill,
        id_key="comparison_id",
    )
