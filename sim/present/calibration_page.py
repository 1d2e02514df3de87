"""The calibration report (``calibration.html``) and the result folder it goes in.

- :func:`calibration_html`: the page, from ``templates/calibration.html.j2``;
- :func:`save_calibration`: ``<root>/calibration/<scenario>/<run-id>/`` with
  calibrated.yaml, parameters.csv, fit.csv, evaluations.csv, profile.csv,
  calibration.html and manifest.json, written atomically (never over an existing run).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.calibration_result import CalibrationResult, profile_frame
from sim.analysis.common import number
from sim.present.analysis_folder import publish_analysis
from sim.present.calibration_figures import calibration_figures
from sim.present.pages import figure, render_page, steps_text

PARAMETER_HEADER = ["parameter", "in words", "range", "best", "95% profile interval"]
FIT_HEADER = [
    "date",
    "dyad",
    "observed",
    "median before",
    "inside before",
    "median after",
    "inside after",
    "log-lik. before",
    "log-lik. after",
    "source",
]


def _fmt(v: Any, digits: int = 3) -> str:
    return "" if v is None or pd.isna(v) else number(float(v), digits)


def _parameter_rows(result: CalibrationResult) -> list[list[str]]:
    rows = []
    for r in result.parameters().itertuples(index=False):
        interval = f"{_fmt(r.interval_low)} to {_fmt(r.interval_high)}"
        if r.reaches_low or r.reaches_high:
            interval += " (reaches the range's end)"
        rows.append(
            [r.parameter, r.words, f"{_fmt(r.low)}..{_fmt(r.high)}", _fmt(r.best), interval]
        )
    return rows


def _fit_rows(result: CalibrationResult) -> list[list[str]]:
    rows = []
    for r in result.fit_frame().itertuples(index=False):
        if r.kind == "band":
            observed = f"{_fmt(r.low, 2)}..{_fmt(r.high, 2)}"
        else:
            observed = f"{_fmt(r.relation, 2)} ± {_fmt(r.sd, 2)}"
        if r.held_out:
            observed += " (held out)"
        rows.append(
            [
                r.date,
                r.dyad,
                observed,
                _fmt(r.median_before, 2),
                f"{r.inside_before:.0%}",
                _fmt(r.median_after, 2),
                f"{r.inside_after:.0%}",
                _fmt(r.log_likelihood_before, 2),
                _fmt(r.log_likelihood_after, 2),
                r.source,
            ]
        )
    return rows


def _summary_rows(result: CalibrationResult) -> list[tuple[str, str]]:
    s = result.scenario
    obs = result.observations_file.name if result.observations_file else "given in Python"
    held = ""
    if result.held_out_count:
        held = f"; {result.held_out_count} held out (dated after {result.holdout_after})"
    rows = [
        ("observations", f"{len(result.observations)} from {obs}{held}"),
        ("optimiser", result.optimiser),
        (
            "evaluations",
            f"{len(result.evaluations):,} of the budget {result.budget:,}, and the scenario "
            f"as it is; each an ensemble of {result.replicates:,} replicates",
        ),
        ("seed", f"{result.seed} (every evaluation on the same seeds: common random numbers)"),
        (
            "observation model",
            f"band edges blurred by {result.model.band_edge:g}; a coding wrong with "
            f"probability {result.model.gross_error:g}",
        ),
        ("steps", steps_text(s.run.start, s.run.steps, s.run.step_months)),
    ]
    stats = result.stats
    if stats is not None:
        rows.append(
            ("ran on", f"{stats.backend}, {stats.workers} worker(s), {stats.seconds:.1f} s")
        )
    return rows


def calibration_html(result: CalibrationResult, calibrated: str) -> str:
    """The whole calibration report as one self-contained HTML page (every value
    escaped); ``calibrated``: the calibrated scenario's text, shown on the page."""
    s = result.scenario
    figs = calibration_figures(result)
    return render_page(
        "calibration.html.j2",
        title=f"{s.name} – calibration",
        plotly=True,
        name=s.name,
        description=(s.description or "").strip(),
        summary_rows=_summary_rows(result),
        warnings=list(result.warnings),
        words=result.words(),
        figures={key: figure(fig, key) for key, fig in figs.items()},
        parameters={"header": PARAMETER_HEADER, "rows": _parameter_rows(result), "numeric": {3}},
        fit={"header": FIT_HEADER, "rows": _fit_rows(result), "numeric": {3, 4, 5, 6, 7, 8}},
        calibrated=calibrated,
        notes=list(result.notes),
    )


def save_calibration(
    result: CalibrationResult,
    root: str | os.PathLike[str] = "results",
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write ``<root>/calibration/<scenario>/<run-id>/`` and return it (module docstring).
    The calibrated scenario's ``extends`` is relative to that folder."""

    def write(tmp: Path) -> list[str]:
        # tmp is a sibling of the final folder, so a path relative to it stays right
        calibrated = result.calibrated_yaml(tmp)
        (tmp / "calibrated.yaml").write_text(calibrated, encoding="utf-8")
        result.parameters().to_csv(tmp / "parameters.csv", index=False)
        result.fit_frame().to_csv(tmp / "fit.csv", index=False)
        result.evaluations_frame().to_csv(tmp / "evaluations.csv", index=False)
        profile_frame(result.evaluations, result.ranges).to_csv(tmp / "profile.csv", index=False)
        html = calibration_html(result, calibrated)
        (tmp / "calibration.html").write_text(html, encoding="utf-8")
        names = ["calibrated.yaml", "parameters.csv", "fit.csv", "evaluations.csv"]
        return [*names, "profile.csv", "calibration.html"]

    return publish_analysis("calibration", result, root, command, write)
