"""Figures of a calibration: the profile of each parameter, the fit per observation
before and after, and the search's trace. Result in
(:class:`sim.analysis.calibration_result.CalibrationResult`), plotly Figures out."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.calibration_result import PROFILE_DROP, CalibrationResult, profile_frame
from sim.analysis.common import parameter_label
from sim.present.labels import label_text

DOT = "#1f3b73"
BEFORE = "#9a9a9a"
NEAR = "#c0392b"
BAND = "rgba(31,59,115,0.15)"
OBSERVED = "#2e7d32"
HELD = "#e08e0b"


def _grid(n: int, columns: int = 2) -> tuple[int, int]:
    cols = min(columns, n)
    return math.ceil(n / cols), cols


def profile_figure(result: CalibrationResult) -> go.Figure:
    """Per parameter: every evaluation's log-likelihood against its value (those within
    1.92 of the best in red), the profile (the best per bin) as a line, the best value
    and its 95% profile interval shaded."""
    paths = list(result.ranges)
    rows, cols = _grid(len(paths))
    titles = [label_text(parameter_label(result.scenario, p)) for p in paths]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles)
    frame = result.evaluations_frame()
    profile = profile_frame(result.evaluations, result.ranges)
    floor = result.best.fit - PROFILE_DROP
    for k, path in enumerate(paths):
        r, c = k // cols + 1, k % cols + 1
        iv = result.intervals[path]
        fig.add_vrect(x0=iv.low, x1=iv.high, fillcolor=BAND, line_width=0, row=r, col=c)
        near = frame["fit"] >= floor
        for mask, colour, name in ((~near, BEFORE, "evaluation"), (near, NEAR, "within 1.92")):
            part = frame[mask]
            fig.add_scatter(
                x=part[path],
                y=part["fit"],
                mode="markers",
                marker={"size": 5, "color": colour},
                name=name,
                legendgroup=name,
                showlegend=k == 0,
                hovertemplate=f"{label_text(path)} = %{{x:.4g}}<br>log-likelihood %{{y:.2f}}"
                "<extra></extra>",
                row=r,
                col=c,
            )
        line = profile[profile["parameter"] == path].dropna()
        fig.add_scatter(
            x=line["value"],
            y=line["profile"],
            mode="lines",
            line={"color": DOT},
            name="profile (best per bin)",
            legendgroup="profile",
            showlegend=k == 0,
            hoverinfo="skip",
            row=r,
            col=c,
        )
        fig.add_hline(y=floor, line={"dash": "dot", "color": NEAR, "width": 1}, row=r, col=c)
        fig.update_xaxes(range=list(result.ranges[path]), row=r, col=c)
    fig.update_yaxes(title_text="log-likelihood", col=1)
    fig.update_layout(
        title="Profile of each parameter: the evaluations' log-likelihood, with the 95% "
        "profile interval shaded (within 1.92 of the best)",
        height=320 * rows + 80,
        legend={"orientation": "h", "y": -0.12},
    )
    return fig


def fit_figure(result: CalibrationResult) -> go.Figure:
    """Per dyad with observations: each observation (a band as a bar, a point with its
    sd; held-out ones in orange) and the replicates' median with the 10th-90th
    percentile range at its date, as the scenario is (grey) and fitted (blue)."""
    frame = result.fit_frame()
    dyads = list(dict.fromkeys(frame["dyad"]))
    rows, cols = _grid(len(dyads))
    names = {k: a.name for k, a in result.scenario.actors.items()}
    titles = [label_text("-".join(names.get(x, x) for x in d.split("-"))) for d in dyads]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, shared_yaxes=True)
    for k, dyad in enumerate(dyads):
        r, c = k // cols + 1, k % cols + 1
        part = frame[frame["dyad"] == dyad]
        for held, colour, name in ((False, OBSERVED, "observed"), (True, HELD, "held out")):
            obs = part[part["held_out"] == held]
            if obs.empty:
                continue
            band = obs["kind"] == "band"
            mid = ((obs["low"] + obs["high"]) / 2).where(band, obs["relation"])
            half = ((obs["high"] - obs["low"]) / 2).where(band, obs["sd"])
            fig.add_scatter(
                x=obs["date"],
                y=mid,
                mode="markers",
                marker={"symbol": "line-ew", "size": 14, "color": colour, "line": {"width": 2}},
                error_y={"type": "data", "array": half, "color": colour, "thickness": 8},
                customdata=[label_text(s) for s in obs["source"]],
                hovertemplate="%{x}: %{customdata}<extra></extra>",
                name=name,
                legendgroup=name,
                showlegend=k == 0,
                opacity=0.55,
                row=r,
                col=c,
            )
        for when, colour, name, shift in (
            ("before", BEFORE, "as the scenario is", -1),
            ("after", DOT, "fitted", 1),
        ):
            fig.add_scatter(
                x=part["date"],
                y=part[f"median_{when}"],
                mode="markers",
                marker={"size": 7, "color": colour, "symbol": "circle" if shift > 0 else "diamond"},
                error_y={
                    "type": "data",
                    "array": part[f"p90_{when}"] - part[f"median_{when}"],
                    "arrayminus": part[f"median_{when}"] - part[f"p10_{when}"],
                    "color": colour,
                    "width": 3,
                },
                name=f"model median, 10-90% ({name})",
                legendgroup=name,
                showlegend=k == 0,
                hovertemplate="%{x}: median %{y:.2f}<extra></extra>",
                row=r,
                col=c,
            )
        fig.update_yaxes(range=[-1.05, 1.05], row=r, col=c)
    fig.update_layout(
        title="Fit per observation: the coded band (or point and sd) and the model at its "
        "date, before and after calibration",
        height=300 * rows + 100,
        legend={"orientation": "h", "y": -0.08},
    )
    return fig


def trace_figure(result: CalibrationResult) -> go.Figure:
    """The search: each evaluation's log-likelihood in order, and the best so far."""
    frame = result.evaluations_frame()
    fig = go.Figure()
    fig.add_scatter(
        x=frame["evaluation"],
        y=frame["fit"],
        mode="markers",
        marker={"size": 5, "color": BEFORE},
        name="evaluation",
    )
    fig.add_scatter(
        x=frame["evaluation"],
        y=frame["fit"].cummax(),
        mode="lines",
        line={"color": DOT},
        name="best so far",
    )
    fig.add_hline(
        y=result.before.fit,
        line={"dash": "dot", "color": BEFORE},
        annotation_text="as the scenario is",
    )
    fig.update_layout(
        title="The search: log-likelihood of the fitted observations per evaluation",
        xaxis={"title": "evaluation"},
        yaxis={"title": "log-likelihood"},
        height=360,
    )
    return fig


def calibration_figures(result: CalibrationResult) -> dict[str, go.Figure]:
    """'profile', 'fit' and 'trace'."""
    return {
        "profile": profile_figure(result),
        "fit": fit_figure(result),
        "trace": trace_figure(result),
    }
