"""Figures and the HTML report of a run.

Figure functions are pure: tidy frames or arrays in, a plotly Figure out; they read no
files and know nothing of the model's internals.

- :func:`relation_bands_figure`: each dyad's relation over time, median and the bands
  holding 50% and 90% of the replicates, one small panel per dyad.
- :func:`network_figure` / :func:`network_pair_figure`: the alignment network, actors on
  a circle sized by capability share, edges coloured from red (hostile) through grey
  (hedging) to blue (allied) and as thick as the relation is strong.
- :func:`end_state_figure`: how likely each named end-state is, with its 95% interval.

:func:`write_report` puts them in one self-contained HTML file that opens offline:
plotly.js is embedded once, nothing is loaded from the network, and every text that
comes from a scenario (names, descriptions) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from sim.outcomes import BAND_NAMES, band_of

RELATION_COLORSCALE: list[list[Any]] = [
    [0.0, "#b2182b"],  # hostile: red
    [0.25, "#e58a6f"],
    [0.5, "#9e9e9e"],  # hedging: grey
    [0.75, "#6fa3d0"],
    [1.0, "#2166ac"],  # allied: blue
]
"""Diverging colours for a relation in [-1, 1] (position = (r + 1) / 2)."""

MEDIAN_COLOR = "#1f3b73"
BAND_FILL = {"90": "rgba(33, 102, 172, 0.15)", "50": "rgba(33, 102, 172, 0.32)"}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _default_bands(bands: Any) -> Any:
    if bands is not None:
        return bands
    from sim.scenario.schema import Bands

    return Bands()


def relation_color(value: float) -> str:
    """The colour of a relation on the red-grey-blue scale (an 'rgb(...)' string)."""
    v = min(1.0, max(-1.0, float(value)))
    return sample_colorscale(RELATION_COLORSCALE, [(v + 1.0) / 2.0])[0]


def bands_caption(bands: Any) -> str:
    """The band rule as one line, e.g. 'hostile < -0.6 ≤ rivalry < -0.2 ≤ hedging ...'."""
    b = _default_bands(bands)
    return (
        f"hostile < {b.hostile:g} ≤ rivalry < {b.rivalry:g} ≤ hedging ≤ {b.hedging:g}"
        f" < aligned ≤ {b.aligned:g} < allied"
    )


def _pair_title(a: str, b: str, names: Mapping[str, str] | None) -> str:
    names = names or {}
    return f"{_esc(names.get(a, a))} – {_esc(names.get(b, b))}"


# --------------------------------------------------------------------------- relations


def relation_quantiles(traj: pd.DataFrame) -> pd.DataFrame:
    """Per dyad and step: date and the 5/25/50/75/95% quantiles of the relation.

    Columns actor_a, actor_b, step, date, p05, p25, p50, p75, p95; dyads in the order of
    the actor categories (scenario order), steps ascending.
    """
    if traj.empty:
        raise ValueError("the trajectories frame is empty")
    probs = [0.05, 0.25, 0.5, 0.75, 0.95]
    q = (
        traj.groupby(["actor_a", "actor_b", "step"], observed=True, sort=True)["relation"]
        .quantile(probs)
        .unstack()
    )
    q.columns = ["p05", "p25", "p50", "p75", "p95"]
    q = q.reset_index()
    dates = traj.groupby("step", sort=True)["date"].first()
    q["date"] = q["step"].map(dates)
    return q[["actor_a", "actor_b", "step", "date", "p05", "p25", "p50", "p75", "p95"]]


def relation_bands_figure(
    traj: pd.DataFrame,
    bands: Any = None,
    names: Mapping[str, str] | None = None,
    columns: int = 3,
) -> go.Figure:
    """Relation over time per dyad: median line, 50% and 90% bands across replicates.

    ``traj`` is :func:`sim.results.trajectories_frame`. One panel per dyad, y from -1
    (hostile) to +1 (allied), faint horizontal lines at the band bounds (``bands``,
    default the schema's). ``names`` maps actor ids to display names for panel titles.
    Traces per panel, in order: '90% of replicates', '50% of replicates', 'median'.
    """
    b = _default_bands(bands)
    q = relation_quantiles(traj)
    pairs = list(q[["actor_a", "actor_b"]].drop_duplicates().itertuples(index=False, name=None))
    ncols = max(1, min(columns, len(pairs)))
    nrows = math.ceil(len(pairs) / ncols)
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=[_pair_title(str(a), str(c), names) for a, c in pairs],
        horizontal_spacing=0.04,
        vertical_spacing=min(0.12, 0.5 / nrows),
    )
    for k, (a, c) in enumerate(pairs):
        row, col = k // ncols + 1, k % ncols + 1
        d = q[(q["actor_a"] == a) & (q["actor_b"] == c)]
        x = d["date"].to_numpy()
        x_loop = np.concatenate([x, x[::-1]])
        first = k == 0
        title = _pair_title(str(a), str(c), names)
        for width, lo, hi in (("90", "p05", "p95"), ("50", "p25", "p75")):
            fig.add_trace(
                go.Scatter(
                    x=x_loop,
                    y=np.concatenate([d[hi].to_numpy(), d[lo].to_numpy()[::-1]]),
                    fill="toself",
                    fillcolor=BAND_FILL[width],
                    line={"width": 0},
                    mode="lines",
                    name=f"{width}% of replicates",
                    legendgroup=f"band{width}",
                    showlegend=first,
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=d["p50"].to_numpy(),
                mode="lines",
                line={"color": MEDIAN_COLOR, "width": 2},
                name="median",
                legendgroup="median",
                showlegend=first,
                customdata=np.stack([d[c_].to_numpy() for c_ in ("p05", "p95")], axis=1),
                hovertemplate=(
                    f"{title}<br>%{{x|%Y-%m}}: median %{{y:+.2f}}"
                    "<br>90%: %{customdata[0]:+.2f} to %{customdata[1]:+.2f}<extra></extra>"
                ),
            ),
            row=row,
            col=col,
        )
    for y in (b.hostile, b.rivalry, b.hedging, b.aligned):
        fig.add_hline(
            y=y, row="all", col="all", line={"color": "#888", "width": 0.7, "dash": "dot"}
        )
    fig.update_yaxes(range=[-1.02, 1.02], tickvals=[-1, -0.5, 0, 0.5, 1], zeroline=False)
    for r in range(1, nrows + 1):
        fig.update_yaxes(title_text="relation", row=r, col=1)
    fig.update_layout(
        title={
            "text": "Relations over time (median, 50% and 90% of replicates)"
            f"<br><sup>bands: {_esc(bands_caption(b))}</sup>"
        },
        height=140 + 240 * nrows,
        template="plotly_white",
        # Below the panels, clear of the subplot titles and of the mode bar.
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0.0,
            "yanchor": "bottom",
            "x": 1,
            "xanchor": "right",
        },
        margin={"t": 110, "l": 60, "r": 20, "b": 80},
    )
    return fig


# --------------------------------------------------------------------------- network


def circle_layout(n: int) -> np.ndarray:
    """(n, 2) positions on the unit circle, first actor at the top, clockwise."""
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / max(n, 1)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _network_traces(
    rel: np.ndarray,
    ids: Sequence[str],
    names: Sequence[str],
    sizes: Sequence[float],
    bands: Any,
    showscale: bool,
) -> list[go.Scatter]:
    rel = np.asarray(rel, dtype=np.float64)
    n = len(ids)
    if rel.shape != (n, n):
        raise ValueError(f"relations should be ({n}, {n}), got {rel.shape}")
    pos = circle_layout(n)
    traces: list[go.Scatter] = []
    mid_x, mid_y, mid_v, mid_text = [], [], [], []
    for i in range(n):
        for j in range(i + 1, n):
            v = rel[i, j]
            if not np.isfinite(v):
                continue
            traces.append(
                go.Scatter(
                    x=[pos[i, 0], pos[j, 0]],
                    y=[pos[i, 1], pos[j, 1]],
                    mode="lines",
                    line={"color": relation_color(v), "width": 1 + 9 * abs(v)},
                    hoverinfo="skip",
                    showlegend=False,
                    name=f"{ids[i]}-{ids[j]}",
                )
            )
            mid_x.append((pos[i, 0] + pos[j, 0]) / 2)
            mid_y.append((pos[i, 1] + pos[j, 1]) / 2)
            mid_v.append(v)
            band = band_of(v, bands).item()
            mid_text.append(f"{_esc(names[i])} – {_esc(names[j])}<br>relation {v:+.2f} ({band})")
    traces.append(
        go.Scatter(
            x=mid_x,
            y=mid_y,
            mode="markers",
            marker={
                "size": 9,
                "color": mid_v,
                "colorscale": RELATION_COLORSCALE,
                "cmin": -1,
                "cmax": 1,
                "line": {"color": "white", "width": 1},
                "showscale": showscale,
                "colorbar": {
                    "title": {"text": "relation"},
                    "tickvals": [-1, -0.5, 0, 0.5, 1],
                    "ticktext": ["-1 hostile", "-0.5", "0 hedging", "+0.5", "+1 allied"],
                    "len": 0.8,
                },
            },
            text=mid_text,
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            name="relations",
        )
    )
    s = np.asarray(sizes, dtype=np.float64)
    smax = s.max() if s.size and s.max() > 0 else 1.0
    traces.append(
        go.Scatter(
            x=pos[:, 0],
            y=pos[:, 1],
            mode="markers+text",
            marker={
                "size": 26 + 44 * np.sqrt(s / smax),
                "color": "#f4f1ea",
                "line": {"color": "#333", "width": 1.5},
            },
            text=[_esc(i) for i in ids],
            textfont={"size": 12, "color": "#111"},
            customdata=[[_esc(nm), float(sh)] for nm, sh in zip(names, s, strict=True)],
            hovertemplate="%{customdata[0]}<br>capability share %{customdata[1]:.1%}"
            "<extra></extra>",
            showlegend=False,
            name="actors",
        )
    )
    return traces


def _style_network_axes(fig: go.Figure, count: int) -> None:
    for k in range(1, count + 1):
        suffix = "" if k == 1 else str(k)
        fig.update_layout(
            {
                f"xaxis{suffix}": {"visible": False, "range": [-1.4, 1.4]},
                f"yaxis{suffix}": {
                    "visible": False,
                    "range": [-1.4, 1.4],
                    "scaleanchor": f"x{suffix}",
                    "scaleratio": 1,
                },
            }
        )


def network_figure(
    relations_median: Any,
    ids: Sequence[str],
    names: Sequence[str],
    sizes: Sequence[float],
    title: str,
    bands: Any = None,
) -> go.Figure:
    """The alignment network at one moment.

    ``relations_median`` is an (N, N) symmetric matrix (e.g. the median across replicates),
    ``sizes`` the capability shares (node size). Edges: colour from red (hostile) via grey
    (hedging) to blue (allied), width by |relation|; hovering an edge's midpoint shows
    the value and its band. Traces: one line per edge, then the midpoints, then the nodes.
    """
    b = _default_bands(bands)
    fig = go.Figure(_network_traces(relations_median, ids, names, sizes, b, showscale=True))
    _style_network_axes(fig, 1)
    fig.update_layout(
        title={"text": _esc(title)},
        template="plotly_white",
        height=480,
        margin={"t": 60, "l": 10, "r": 10, "b": 10},
        hovermode="closest",
    )
    return fig


def network_pair_figure(
    start: Any,
    end: Any,
    ids: Sequence[str],
    names: Sequence[str],
    sizes: Sequence[float],
    titles: tuple[str, str] = ("Start", "End (median of replicates)"),
    bands: Any = None,
) -> go.Figure:
    """Two alignment networks side by side, start and end (see :func:`network_figure`)."""
    b = _default_bands(bands)
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=[_esc(t) for t in titles], horizontal_spacing=0.06
    )
    for col, rel in ((1, start), (2, end)):
        for trace in _network_traces(rel, ids, names, sizes, b, showscale=col == 2):
            fig.add_trace(trace, row=1, col=col)
    _style_network_axes(fig, 2)
    fig.update_layout(
        title={"text": "Alignment network"},
        template="plotly_white",
        height=500,
        margin={"t": 80, "l": 10, "r": 10, "b": 10},
        hovermode="closest",
    )
    return fig


def median_relations(traj: pd.DataFrame, ids: Sequence[str], step: int) -> np.ndarray:
    """(N, N) median relation across replicates at ``step`` (diagonal NaN)."""
    at = traj[traj["step"] == step]
    med = at.groupby(["actor_a", "actor_b"], observed=True)["relation"].median()
    index = {a: k for k, a in enumerate(ids)}
    out = np.full((len(ids), len(ids)), np.nan)
    for (a, b), v in med.items():
        i, j = index[str(a)], index[str(b)]
        out[i, j] = out[j, i] = v
    return out


# --------------------------------------------------------------------------- end-states


def end_state_figure(outcome_table: pd.DataFrame) -> go.Figure:
    """Horizontal bars: the probability of each named end-state, Wilson 95% error bars.

    ``outcome_table`` is :func:`sim.results.outcome_table`. One bar trace, first outcome
    at the top.
    """
    t = outcome_table
    p = t["probability"].to_numpy(dtype=float)
    lo = t["ci_low"].to_numpy(dtype=float)
    hi = t["ci_high"].to_numpy(dtype=float)
    labels = [_esc(o) for o in t["outcome"]]
    custom = [
        [_esc(d), float(a), float(b_), int(c), int(r)]
        for d, a, b_, c, r in zip(
            t["description"], lo, hi, t["count"], t["replicates"], strict=True
        )
    ]
    fig = go.Figure(
        go.Bar(
            x=p,
            y=labels,
            orientation="h",
            marker={"color": "#4a78b5"},
            error_x={
                "type": "data",
                "array": np.clip(hi - p, 0, None),
                "arrayminus": np.clip(p - lo, 0, None),
                "color": "#333",
                "thickness": 1.2,
            },
            customdata=custom,
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}<br>probability %{x:.1%}"
            " (95%: %{customdata[1]:.1%} to %{customdata[2]:.1%})"
            "<br>%{customdata[3]} of %{customdata[4]} replicates<extra></extra>",
            name="probability",
        )
    )
    fig.update_xaxes(range=[0, 1.0], tickformat=".0%", title_text="probability at the end")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title={"text": "End-states (with Wilson 95% intervals)"},
        template="plotly_white",
        height=140 + 44 * max(1, len(t)),
        margin={"t": 60, "l": 10, "r": 20, "b": 50},
    )
    return fig


# --------------------------------------------------------------------------- report


def build_figures(
    scenario: Any, model: Any, trajectories: pd.DataFrame, outcomes: pd.DataFrame
) -> dict[str, go.Figure]:
    """The report's figures by name: 'relations', 'network' and (if any) 'end_states'."""
    ids = list(model.actor_ids)
    names = list(model.actor_names)
    bands = scenario.bands
    last = int(trajectories["step"].max())
    figures = {
        "relations": relation_bands_figure(trajectories, bands, dict(zip(ids, names, strict=True))),
        "network": network_pair_figure(
            median_relations(trajectories, ids, 0),
            median_relations(trajectories, ids, last),
            ids,
            names,
            np.asarray(model.sizes, dtype=float),
            titles=(
                f"Start ({model.dates[0].isoformat()})",
                f"End ({model.dates[-1].isoformat()}, median of replicates)",
            ),
            bands=bands,
        ),
    }
    if len(outcomes):
        figures["end_states"] = end_state_figure(outcomes)
    return figures


def fmt_signed(v: Any, digits: int = 2) -> str:
    """A relation with its sign, '+0.25' / '-0.40'; never '-0.00'; '' for NaN."""
    if pd.isna(v):
        return ""
    x = round(float(v), digits)
    return f"{x + 0.0 if x != 0 else 0.0:+.{digits}f}"


def _fmt_pct(v: Any) -> str:
    return "" if pd.isna(v) else f"{float(v):.1%}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    thead = f"<thead><tr>{head}</tr></thead>" if any(header) else ""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_esc(c)}</td>' if k in numeric else f"<td>{_esc(c)}</td>"
            for k, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{thead}<tbody>{body}</tbody></table>"


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


def outcomes_html(scenario: Any, outcomes: pd.DataFrame) -> str:
    """The end-state table as HTML (escaped)."""
    rows = []
    for rec in outcomes.itertuples(index=False):
        outcome = scenario.outcomes.get(rec.outcome) if hasattr(scenario, "outcomes") else None
        rule = " and ".join(condition_text(c) for c in outcome.all) if outcome else ""
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
    return _table(header, rows, numeric={3, 4, 5})


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
    return _table(header, rows, numeric=set(range(1, 6 + len(BAND_NAMES))))


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#222;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.description{font-size:1.05rem;color:#333;max-width:60rem;white-space:pre-line}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.summary td:first-child{color:#555}.muted{color:#777;font-size:.85rem}
"""


def report_html(
    scenario: Any,
    model: Any,
    trajectories: pd.DataFrame,
    outcomes: pd.DataFrame,
    dyad_stats: pd.DataFrame,
    run_info: Mapping[str, Any] | None = None,
    figures: Mapping[str, go.Figure] | None = None,
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
    steps = int(trajectories["step"].max())
    replicates = int(trajectories["replicate"].max()) + 1
    step_months = getattr(getattr(scenario, "run", None), "step_months", None)
    summary_rows = [
        ["actors", ", ".join(f"{names[i]} ({i})" for i in ids)],
        ["replicates", f"{replicates:,}"],
        [
            "steps",
            f"{steps}" + (f" of {step_months} month(s)" if step_months else ""),
        ],
        ["dates", f"{model.dates[0].isoformat()} to {model.dates[-1].isoformat()}"],
        ["seed", str(model.seed)],
        ["bands", bands_caption(scenario.bands)],
    ]
    if info.get("scenario_sha256"):
        summary_rows.append(["scenario SHA-256", str(info["scenario_sha256"])])
    if info.get("started_at"):
        summary_rows.append(["run started", str(info["started_at"])])
    if info.get("finished_at"):
        summary_rows.append(["run finished", str(info["finished_at"])])
    summary = _table(["", ""], summary_rows, numeric=set()).replace(
        "<table>", '<table class="summary">', 1
    )

    divs: list[str] = []
    for k, (key, fig) in enumerate(figs.items()):
        divs.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs=k == 0,
                config=PLOTLY_CONFIG,
                div_id=f"figure-{key}",
            )
        )
    fig_html = dict(zip(figs, divs, strict=True))

    generated = dt.datetime.now().astimezone().isoformat("T", "seconds")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(scenario.name)} – alignment scenario report</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Scenario: {_esc(scenario.name)}</h1>",
        f'<p class="description">{_esc((scenario.description or "").strip())}</p>',
        "<h2>Run</h2>",
        summary,
    ]
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
    for key, div in fig_html.items():  # any further figures a caller passed
        parts += [f"<h2>{_esc(key)}</h2>", div]
    parts += [
        "<h2>Dyads at the end</h2>",
        dyads_html(dyad_stats, names),
        f'<p class="muted">Generated {_esc(generated)} by alignsim.</p>',
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(
    path: str | os.PathLike[str],
    scenario: Any,
    model: Any,
    trajectories: pd.DataFrame,
    outcomes: pd.DataFrame,
    dyad_stats: pd.DataFrame,
    run_info: Mapping[str, Any] | None = None,
    figures: Mapping[str, go.Figure] | None = None,
) -> Path:
    """Write the self-contained HTML report of a run and return its path.

    Contents: title, scenario description, a run summary (actors, replicates, steps,
    dates, seed, bands), the relations-over-time figure, the start/end network, the
    end-state figure and table, and the dyad table. ``model`` supplies actor ids, names,
    sizes, dates and seed; ``run_info`` may add 'scenario_sha256', 'started_at' and
    'finished_at'; ``figures`` replaces the default figures (:func:`build_figures`).
    """
    path = Path(path)
    text = report_html(scenario, model, trajectories, outcomes, dyad_stats, run_info, figures)
    path.write_text(text, encoding="utf-8")
    return path
