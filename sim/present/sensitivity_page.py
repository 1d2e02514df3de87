"""The sensitivity report (``sensitivity.html``) and the result folder it goes in.

- :func:`sensitivity_html`: the page, from ``templates/sensitivity.html.j2``;
- :func:`save_sensitivity`: ``<root>/sensitivity/<scenario>/<run-id>/`` with indices.csv,
  samples.csv, sensitivity.html and manifest.json.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.common import distribution_text, number
from sim.analysis.sensitivity import SensitivityResult
from sim.present.analysis_folder import publish_analysis
from sim.present.pages import figure, render_page, steps_text
from sim.present.sensitivity_figures import sensitivity_figures


def _fmt(v: Any, digits: int = 3) -> str:
    return "" if pd.isna(v) else f"{float(v):.{digits}f}"


def _summary_rows(result: SensitivityResult) -> list[tuple[str, str]]:
    s = result.scenario
    method = "Morris elementary effects" if result.method == "morris" else "Sobol indices"
    n_text = (
        f"{result.n} trajectories, {result.levels} levels"
        if result.method == "morris"
        else f"{result.n} (Saltelli design without second-order indices)"
    )
    rows = [
        ("outcome", f"{result.outcome.label}: {result.outcome.meaning}"),
        ("method", method),
        ("N", n_text),
        ("points", f"{result.points:,}, each an ensemble of {result.replicates:,} replicates"),
        ("seed", f"{result.seed} (every point on the same seeds: common random numbers)"),
        ("steps", steps_text(s.run.start, s.run.steps, s.run.step_months)),
    ]
    stats = result.stats
    if stats is not None:
        rows.append(
            ("ran on", f"{stats.backend}, {stats.workers} worker(s), {stats.seconds:.1f} s")
        )
    return rows


def _indices(result: SensitivityResult) -> dict[str, Any]:
    """The table of indices: header, rows and the numeric columns."""
    idx = result.indices
    if result.method == "morris":
        header = ["rank", "factor", "parameter", "mu*", "95% +/-", "mu", "sigma"]
        rows = [
            [
                r.rank,
                r.label,
                r.factor,
                _fmt(r.mu_star),
                _fmt(r.mu_star_conf),
                _fmt(r.mu),
                _fmt(r.sigma),
            ]
            for r in idx.itertuples(index=False)
        ]
    else:
        header = ["rank", "factor", "parameter", "S1", "95% +/-", "ST", "95% +/-"]
        rows = [
            [r.rank, r.label, r.factor, _fmt(r.S1), _fmt(r.S1_conf), _fmt(r.ST), _fmt(r.ST_conf)]
            for r in idx.itertuples(index=False)
        ]
    return {"header": header, "rows": rows, "numeric": {0, 3, 4, 5, 6}}


def sensitivity_html(result: SensitivityResult) -> str:
    """The whole sensitivity report as one self-contained HTML page (every value escaped)."""
    s = result.scenario
    figs = sensitivity_figures(result)
    factor_rows = [
        [
            f.path,
            f.label,
            distribution_text(f.distribution),
            f"{f.salib_dist} {', '.join(number(b, 3) for b in f.salib_bounds)}",
            "scenario" if f.source == "scenario" else "--vary",
        ]
        for f in result.factors
    ]
    return render_page(
        "sensitivity.html.j2",
        title=f"{s.name} – sensitivity of {result.outcome.label}",
        plotly=True,
        name=s.name,
        description=(s.description or "").strip(),
        method=result.method,
        summary_rows=_summary_rows(result),
        figures={key: figure(fig, key) for key, fig in figs.items()},
        indices=_indices(result),
        factor_rows=factor_rows,
        notes=list(result.notes),
        mean_se=_fmt(result.samples["outcome_se"].mean()),
    )


def save_sensitivity(
    result: SensitivityResult,
    root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``<root>/sensitivity/<scenario>/<run-id>/`` and return it: indices.csv,
    samples.csv, sensitivity.html and manifest.json (never over an existing run)."""

    def write(tmp: Path) -> list[str]:
        result.indices.to_csv(tmp / "indices.csv", index=False)
        result.samples.to_csv(tmp / "samples.csv", index=False)
        (tmp / "sensitivity.html").write_text(sensitivity_html(result), encoding="utf-8")
        return ["indices.csv", "samples.csv", "sensitivity.html"]

    return publish_analysis("sensitivity", result, root, command, write)
