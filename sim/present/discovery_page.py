"""The discovery report (``discovery.html``) and the result folder it goes in.

- :func:`discovery_html`: the page, from ``templates/discovery.html.j2``;
- :func:`save_discovery`: ``<root>/discover/<scenario>/<run-id>/`` with replicates.csv,
  trajectory.csv, box.csv, feature_scores.csv, discovery.html and manifest.json.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from sim.analysis.common import distribution_text, number, parameter_label
from sim.analysis.discovery import DiscoveryResult
from sim.present.analysis_folder import publish_analysis
from sim.present.discovery_figures import discovery_figures
from sim.present.pages import CSS, figure, render_page, steps_text

FINDING_CSS = ".finding{font-size:1.1rem;max-width:60rem}"
"""The box in words stands out a little."""


def _qp_text(low: float, high: float) -> str:
    parts = []
    if not pd.isna(low):
        parts.append(f"low {low:.2g}")
    if not pd.isna(high):
        parts.append(f"high {high:.2g}")
    return ", ".join(parts)


def _summary_rows(result: DiscoveryResult) -> list[tuple[str, str]]:
    s = result.scenario
    rows = [
        ("end-state", f"{result.outcome.label}: {result.outcome.meaning}"),
        (
            "replicates",
            f"{result.replicates:,}, each drawing its own parameter values "
            f"({result.sampling.replace('_', ' ')})",
        ),
        (
            "end-state follows in",
            f"{result.count:,} of {result.replicates:,} runs "
            f"({result.count / result.replicates:.1%})",
        ),
        ("density threshold", f"{result.threshold:.0%}"),
        ("seed", str(result.seed)),
        ("steps", steps_text(s.run.start, s.run.steps, s.run.step_months)),
    ]
    stats = result.stats
    if stats is not None:
        rows.append(
            ("ran on", f"{stats.backend}, {stats.workers} worker(s), {stats.seconds:.1f} s")
        )
    return rows


def discovery_html(result: DiscoveryResult) -> str:
    """The whole discovery report as one self-contained HTML page (every value escaped)."""
    s = result.scenario
    figs = discovery_figures(result)
    box_rows = [
        [
            r.label,
            r.parameter,
            "" if pd.isna(r.low) else number(r.low, 3),
            "" if pd.isna(r.high) else number(r.high, 3),
            f"{number(r.range_low, 3)} to {number(r.range_high, 3)}",
            _qp_text(r.qp_low, r.qp_high),
        ]
        for r in result.box.itertuples(index=False)
    ]
    return render_page(
        "discovery.html.j2",
        title=f"{s.name} – discovery of {result.outcome.label}",
        plotly=True,
        css=Markup(CSS + FINDING_CSS),
        name=s.name,
        description=(s.description or "").strip(),
        finding=result.description,
        threshold=f"{result.threshold:.0%}",
        summary_rows=_summary_rows(result),
        figures={key: figure(fig, key) for key, fig in figs.items()},
        box_rows=box_rows,
        uncertain_rows=[
            [p, parameter_label(s, p), distribution_text(d)]
            for p, d in sorted(result.uncertainties.items())
        ],
        notes=list(result.notes),
    )


def save_discovery(
    result: DiscoveryResult,
    root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``<root>/discover/<scenario>/<run-id>/`` and return it: replicates.csv,
    trajectory.csv, box.csv, feature_scores.csv, discovery.html, manifest.json (never
    over an existing run)."""

    def write(tmp: Path) -> list[str]:
        result.data.to_csv(tmp / "replicates.csv", index=False)
        result.trajectory.to_csv(tmp / "trajectory.csv", index=False)
        result.box.to_csv(tmp / "box.csv", index=False)
        result.feature_scores.to_csv(tmp / "feature_scores.csv", index=False)
        (tmp / "discovery.html").write_text(discovery_html(result), encoding="utf-8")
        return [
            "replicates.csv",
            "trajectory.csv",
            "box.csv",
            "feature_scores.csv",
            "discovery.html",
        ]

    return publish_analysis("discover", result, root, command, write)
