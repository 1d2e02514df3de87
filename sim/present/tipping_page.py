"""The tipping-point report (``tipping.html``) and the result folder it goes in.

- :func:`tipping_html`: the page, from ``templates/tipping.html.j2``;
- :func:`save_tipping`: ``<root>/tipping/<scenario>/<run-id>/`` with tipping.csv,
  evaluations.csv, pair.csv (with a pair), tipping.html and manifest.json.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.common import number
from sim.analysis.tipping_result import TippingResult
from sim.present.analysis_folder import publish_analysis
from sim.present.pages import figure, render_page, steps_text
from sim.present.tipping_figures import tipping_figures

HEADER = ["parameter", "in words", "range", "at LO", "at HI", "crossing", "95% interval"]


def _fmt(v: Any) -> str:
    return "" if pd.isna(v) else number(float(v), 3)


def _rows(frame: pd.DataFrame, first: str | None = None) -> list[list[str]]:
    rows = []
    for r in frame.itertuples(index=False):
        interval = ""
        if r.status == "crossing":
            interval = f"{_fmt(r.interval_low)} to {_fmt(r.interval_high)}"
            interval += " (clipped)" if r.clipped else ""
        row = [
            r.parameter,
            r.label,
            f"{_fmt(r.low)}..{_fmt(r.high)}",
            _fmt(r.at_low),
            _fmt(r.at_high),
            _fmt(r.crossing) if r.status == "crossing" else "no crossing",
            interval,
        ]
        rows.append(([_fmt(getattr(r, first))] if first else []) + row)
    return rows


def _summary_rows(result: TippingResult) -> list[tuple[str, str]]:
    s = result.scenario
    rows = [
        ("outcome", f"{result.outcome.label}: {result.outcome.meaning}"),
        ("level", number(result.level, 3)),
        ("evaluations", f"{result.points:,} points, each an ensemble of {result.replicates:,}"),
        ("seed", f"{result.seed} (every evaluation on the same seeds: common random numbers)"),
        ("tolerance", f"{result.tolerance:g} of each range"),
        ("steps", steps_text(s.run.start, s.run.steps, s.run.step_months)),
    ]
    stats = result.stats
    if stats is not None:
        rows.append(
            ("ran on", f"{stats.backend}, {stats.workers} worker(s), {stats.seconds:.1f} s")
        )
    return rows


def tipping_html(result: TippingResult) -> str:
    """The whole tipping-point report as one self-contained HTML page (every value
    escaped)."""
    s = result.scenario
    figs = tipping_figures(result)
    numeric = {3, 4, 5}
    pair = None
    if result.pair is not None:
        pair = {
            "header": ["A: " + result.pair[0], *HEADER],
            "rows": _rows(result.pair_table(), "a_value"),
            "numeric": {0, 4, 5, 6},
        }
    return render_page(
        "tipping.html.j2",
        title=f"{s.name} – tipping points of {result.outcome.label}",
        plotly=True,
        name=s.name,
        description=(s.description or "").strip(),
        summary_rows=_summary_rows(result),
        words=[w for w in result.table()["words"]],
        figures={key: figure(fig, key) for key, fig in figs.items()},
        crossings={"header": HEADER, "rows": _rows(result.table()), "numeric": numeric},
        pair=pair,
        pair_words=list(result.pair_table()["words"]) if pair else [],
        notes=list(result.notes),
    )


def save_tipping(
    result: TippingResult,
    root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``<root>/tipping/<scenario>/<run-id>/`` and return it: tipping.csv,
    evaluations.csv, pair.csv (with a pair), tipping.html and manifest.json (never over
    an existing run)."""

    def write(tmp: Path) -> list[str]:
        result.table().to_csv(tmp / "tipping.csv", index=False)
        result.evaluations.to_csv(tmp / "evaluations.csv", index=False)
        names = ["tipping.csv", "evaluations.csv"]
        if result.pair is not None:
            result.pair_table().to_csv(tmp / "pair.csv", index=False)
            names.append("pair.csv")
        (tmp / "tipping.html").write_text(tipping_html(result), encoding="utf-8")
        return [*names, "tipping.html"]

    return publish_analysis("tipping", result, root, command, write)
