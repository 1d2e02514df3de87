"""Figures of a run: pure functions, tidy frames or arrays in, a plotly Figure out.

They read no files and know nothing of the model's internals; :mod:`sim.present.report` puts
them in the HTML report and :class:`sim.api.RunResult` hands them out.

- :func:`relation_bands_figure`: each dyad's relation over time, median and the bands
  holding 50% and 90% of the replicates, one small panel per dyad.
- :func:`network_figure` / :func:`network_pair_figure`: the alignment network, actors on
  a circle sized by capability share, edges coloured from red (hostile) through grey
  (hedging) to blue (allied) and as thick as the relation is strong.
- :func:`end_state_figure`: how likely each named end-state is, with its 95% interval.
- :func:`event_share_figure`: the share of replicates in which each event has fired.
- :func:`sweep_end_state_figure` / :func:`sweep_dyad_figure`: a sweep's end-state
  probabilities and dyad end medians against the first swept parameter.
- :func:`build_figures`: the report's figures of one run, by name.

The relation bands come from the trajectories frame (:func:`relation_quantiles`) or,
for an ensemble of any size and record mode, from the per-step relation histograms the
model counts (:func:`histogram_relation_quantiles`).

Every text that comes from a scenario (names, descriptions) is HTML-escaped
(:func:`sim.present.html_page.esc`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from sim.model.outcomes import band_of
from sim.present.html_page import esc

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
    return f"{esc(names.get(a, a))} – {esc(names.get(b, b))}"


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


def histogram_relation_quantiles(
    histograms: np.ndarray,
    edges: np.ndarray,
    dates: Sequence[Any],
    actor_ids: Sequence[str],
    dyads: Sequence[tuple[int, int]],
) -> pd.DataFrame:
    """The frame of :func:`relation_quantiles`, from (T+1, D, B) relation histograms.

    Quantiles are read from the cumulative counts (the centre of the bin where the
    cumulative share reaches q), so no history is needed: this works in every record
    mode and for any number of replicates.
    """
    from sim.experiment.collect import histogram_quantiles

    h = np.asarray(histograms)
    t1 = h.shape[0]
    q = histogram_quantiles(h, edges, [0.05, 0.25, 0.5, 0.75, 0.95])  # (T+1, D, 5)
    ids = list(actor_ids)
    when = pd.to_datetime(pd.Series(list(dates))).astype("datetime64[ms]")
    frames = []
    for k, (i, j) in enumerate(dyads):
        frames.append(
            pd.DataFrame(
                {
                    "actor_a": pd.Categorical([ids[i]] * t1, categories=ids),
                    "actor_b": pd.Categorical([ids[j]] * t1, categories=ids),
                    "step": np.arange(t1),
                    "date": when.to_numpy(),
                    "p05": q[:, k, 0],
                    "p25": q[:, k, 1],
                    "p50": q[:, k, 2],
                    "p75": q[:, k, 3],
                    "p95": q[:, k, 4],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def relation_bands_figure(
    traj: pd.DataFrame | None,
    bands: Any = None,
    names: Mapping[str, str] | None = None,
    columns: int = 3,
    quantiles: pd.DataFrame | None = None,
) -> go.Figure:
    """Relation over time per dyad: median line, 50% and 90% bands across replicates.

    ``traj`` is :func:`sim.results.frames.trajectories_frame`; or give ``quantiles`` (the
    frame of :func:`relation_quantiles` or :func:`histogram_relation_quantiles`)
    instead. One panel per dyad, y from -1 (hostile) to +1 (allied), faint horizontal
    lines at the band bounds (``bands``, default the schema's). ``names`` maps actor ids
    to display names for panel titles. Traces per panel, in order: '90% of replicates',
    '50% of replicates', 'median'.
    """
    b = _default_bands(bands)
    if quantiles is None:
        if traj is None:
            raise ValueError("give the trajectories or their quantiles")
        q = relation_quantiles(traj)
    else:
        q = quantiles
    pairs = list(q[["actor_a", "actor_b"]].drop_duplicates().itertuples(index=False, name=None))
    fig, ncols, nrows = relation_panels(
        [_pair_title(str(a), str(c), names) for a, c in pairs], columns
    )
    for k, (a, c) in enumerate(pairs):
        add_relation_bands(
            fig,
            q[(q["actor_a"] == a) & (q["actor_b"] == c)],
            k // ncols + 1,
            k % ncols + 1,
            median_column="p50",
            fills=BAND_FILL,
            color=MEDIAN_COLOR,
            name="median",
            show_legend=k == 0,
            hover_title=_pair_title(str(a), str(c), names),
        )
    return finish_relation_panels(
        fig,
        b,
        nrows,
        "Relations over time (median, 50% and 90% of replicates)"
        f"<br><sup>bands: {esc(bands_caption(b))}</sup>",
    )


def relation_panels(
    titles: Sequence[str], columns: int, min_rows: int = 0
) -> tuple[go.Figure, int, int]:
    """The grid of relation panels (one per title, ``columns`` at most per row, at
    least ``min_rows`` rows): the figure, its columns and its rows."""
    ncols = max(1, min(columns, len(titles)))
    nrows = max(min_rows, math.ceil(len(titles) / ncols))
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=list(titles),
        horizontal_spacing=0.04,
        vertical_spacing=min(0.12, 0.5 / nrows),
    )
    return fig, ncols, nrows


def add_relation_bands(
    fig: go.Figure,
    d: pd.DataFrame,
    row: int,
    col: int,
    *,
    median_column: str,
    fills: Mapping[str, str],
    color: str,
    name: str,
    show_legend: bool,
    hover_title: str,
    group: str | None = None,
) -> None:
    """Add one relation's 90% band, 50% band (filled with ``fills['90']`` /
    ``fills['50']``) and median line (``color``, ``name``) to a panel.

    ``d``: the quantiles over time (``date``, ``p05``, ``p25``, ``median_column``,
    ``p75``, ``p95``). Without ``group`` the bands have their own legend entries
    ('90% of replicates', in groups 'band90' / 'band50') and the line its own ('name');
    with it, the three traces share that legend group and only the line has an entry.
    """
    x = d["date"].to_numpy()
    x_loop = np.concatenate([x, x[::-1]])
    for width, lo, hi in (("90", "p05", "p95"), ("50", "p25", "p75")):
        fig.add_trace(
            go.Scatter(
                x=x_loop,
                y=np.concatenate([d[hi].to_numpy(), d[lo].to_numpy()[::-1]]),
                fill="toself",
                fillcolor=fills[width],
                line={"width": 0},
                mode="lines",
                name=f"{width}% of replicates"
                if group is None
                else f"{group}: {width}% of replicates",
                legendgroup=f"band{width}" if group is None else group,
                showlegend=show_legend if group is None else False,
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=d[median_column].to_numpy(),
            mode="lines",
            line={"color": color, "width": 2},
            name=name,
            legendgroup=name if group is None else group,
            showlegend=show_legend,
            customdata=np.stack([d[c_].to_numpy() for c_ in ("p05", "p95")], axis=1),
            hovertemplate=(
                f"{hover_title}<br>%{{x|%Y-%m}}: median %{{y:+.2f}}"
                "<br>90%: %{customdata[0]:+.2f} to %{customdata[1]:+.2f}<extra></extra>"
            ),
        ),
        row=row,
        col=col,
    )


def finish_relation_panels(fig: go.Figure, bands: Any, nrows: int, title: str) -> go.Figure:
    """The band bounds as dotted lines, the relation axes, the title (HTML) and the
    legend below the panels; returns ``fig``."""
    for y in (bands.hostile, bands.rivalry, bands.hedging, bands.aligned):
        fig.add_hline(
            y=y, row="all", col="all", line={"color": "#888", "width": 0.7, "dash": "dot"}
        )
    fig.update_yaxes(range=[-1.02, 1.02], tickvals=[-1, -0.5, 0, 0.5, 1], zeroline=False)
    for r in range(1, nrows + 1):
        fig.update_yaxes(title_text="relation", row=r, col=1)
    fig.update_layout(
        title={"text": title},
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
            mid_text.append(f"{esc(names[i])} – {esc(names[j])}<br>relation {v:+.2f} ({band})")
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
            text=[esc(i) for i in ids],
            textfont={"size": 12, "color": "#111"},
            customdata=[[esc(nm), float(sh)] for nm, sh in zip(names, s, strict=True)],
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
        title={"text": esc(title)},
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
        rows=1, cols=2, subplot_titles=[esc(t) for t in titles], horizontal_spacing=0.06
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


def median_matrix(values: np.ndarray, n: int, dyads: Sequence[tuple[int, int]]) -> np.ndarray:
    """(N, N) median across replicates of (R, D) relations (diagonal NaN)."""
    med = np.median(np.asarray(values, dtype=np.float64), axis=0)
    out = np.full((n, n), np.nan)
    for k, (i, j) in enumerate(dyads):
        out[i, j] = out[j, i] = med[k]
    return out


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

    ``outcome_table`` is :func:`sim.results.frames.outcome_table`. One bar trace, first outcome
    at the top.
    """
    t = outcome_table
    p = t["probability"].to_numpy(dtype=float)
    lo = t["ci_low"].to_numpy(dtype=float)
    hi = t["ci_high"].to_numpy(dtype=float)
    labels = [esc(o) for o in t["outcome"]]
    custom = [
        [esc(d), float(a), float(b_), int(c), int(r)]
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


# --------------------------------------------------------------------------- events


def event_share_figure(
    cumulative: pd.DataFrame, descriptions: Mapping[str, str] | None = None
) -> go.Figure:
    """Share of replicates in which each event has fired at least once, over time.

    ``cumulative`` is :func:`sim.results.frames.event_cumulative` (event, step, date,
    share_fired). One stepped line per event, in the frame's order; the hover text gives
    the event's description (``descriptions``, escaped).
    """
    fig = go.Figure()
    for name, d in cumulative.groupby("event", sort=False):
        desc = (descriptions or {}).get(str(name), "")
        fig.add_trace(
            go.Scatter(
                x=d["date"].to_numpy(),
                y=d["share_fired"].to_numpy(dtype=float),
                mode="lines",
                line={"shape": "hv", "width": 2},
                name=esc(name),
                hovertemplate=f"<b>{esc(name)}</b>"
                + (f"<br>{esc(desc)}" if desc else "")
                + "<br>%{x|%Y-%m}: fired in %{y:.1%} of replicates<extra></extra>",
            )
        )
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title_text="replicates where it fired")
    fig.update_layout(
        title={"text": "Events: share of replicates in which each has fired, over time"},
        template="plotly_white",
        height=380,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom"},
    )
    return fig


# --------------------------------------------------------------------------- all figures


def build_figures(
    scenario: Any, model: Any, trajectories: pd.DataFrame | None, outcomes: pd.DataFrame
) -> dict[str, go.Figure]:
    """The report's figures by name: 'relations', 'network', 'end_states' (if the scenario
    names end-states) and 'events' (if it has events).

    With a model that has histograms (every AlignmentModel and ensemble point) the
    relation bands come from them and the networks from every replicate's start and end
    relations, so ``trajectories`` may be None; otherwise they come from
    ``trajectories``.
    """
    from sim.results.frames import ends_of, starts_of

    ids = list(model.actor_ids)
    names = list(model.actor_names)
    bands = scenario.bands
    histograms = getattr(model, "histograms", None)
    if histograms is not None:
        from sim.experiment.collect import histogram_edges

        edges = getattr(model, "edges", None)
        quantiles = histogram_relation_quantiles(
            histograms,
            histogram_edges() if edges is None else edges,
            model.dates,
            ids,
            model.dyads,
        )
        relations = relation_bands_figure(
            None, bands, dict(zip(ids, names, strict=True)), quantiles=quantiles
        )
        start = median_matrix(starts_of(model), len(ids), model.dyads)
        end = median_matrix(ends_of(model), len(ids), model.dyads)
    else:
        if trajectories is None:
            raise ValueError("a model without histograms needs its trajectories")
        last = int(trajectories["step"].max())
        relations = relation_bands_figure(trajectories, bands, dict(zip(ids, names, strict=True)))
        start = median_relations(trajectories, ids, 0)
        end = median_relations(trajectories, ids, last)
    figures = {
        "relations": relations,
        "network": network_pair_figure(
            start,
            end,
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
    if getattr(scenario, "events", None):
        from sim.results.frames import event_cumulative

        descriptions = {str(k): e.description for k, e in scenario.events.items()}
        figures["events"] = event_share_figure(event_cumulative(model), descriptions)
    return figures


# --------------------------------------------------------------------------- sweeps


def _sweep_lines(
    sweep: pd.DataFrame, keys: Sequence[str], columns: Sequence[str], labels: Sequence[str]
) -> list[go.Scatter]:
    """One line per column (and per combination of the other swept values)."""
    x_key = keys[0]
    others = list(keys[1:])
    groups = [((), sweep)] if not others else list(sweep.groupby(others, sort=True, dropna=False))
    traces = []
    for values, frame in groups:
        frame = frame.sort_values(x_key)
        vals = values if isinstance(values, tuple) else (values,)
        suffix = (
            " (" + ", ".join(f"{esc(k)}={v:g}" for k, v in zip(others, vals, strict=True)) + ")"
            if others
            else ""
        )
        for col, label in zip(columns, labels, strict=True):
            traces.append(
                go.Scatter(
                    x=frame[x_key].to_numpy(dtype=float),
                    y=frame[col].to_numpy(dtype=float),
                    mode="lines+markers",
                    name=f"{esc(label)}{suffix}",
                    hovertemplate=f"{esc(label)}{suffix}<br>{esc(x_key)} = %{{x:g}}: "
                    "%{y:.3f}<extra></extra>",
                )
            )
    return traces


def sweep_end_state_figure(sweep: pd.DataFrame, keys: Sequence[str]) -> go.Figure:
    """Each end-state's probability against the first swept parameter (one line each;
    with several swept parameters, one line per combination of the others).

    ``sweep`` is :func:`sim.results.frames.sweep_table`.
    """
    cols = [c for c in sweep.columns if c.startswith("p_")]
    fig = go.Figure(_sweep_lines(sweep, keys, cols, [c[2:] for c in cols]))
    fig.update_yaxes(range=[0, 1.0], tickformat=".0%", title_text="probability at the end")
    fig.update_xaxes(title_text=esc(keys[0]))
    fig.update_layout(
        title={"text": f"End-states across the sweep of {esc(keys[0])}"},
        template="plotly_white",
        height=460,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
    )
    return fig


def sweep_dyad_figure(
    sweep: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str] | None = None
) -> go.Figure:
    """Each dyad's end median against the first swept parameter."""
    cols = [c for c in sweep.columns if c.startswith("median_")]
    labels = []
    for c in cols:
        a, _, b = c.removeprefix("median_").partition("-")
        labels.append(f"{(names or {}).get(a, a)} – {(names or {}).get(b, b)}")
    fig = go.Figure(_sweep_lines(sweep, keys, cols, labels))
    fig.update_yaxes(range=[-1.02, 1.02], title_text="relation at the end (median)")
    fig.update_xaxes(title_text=esc(keys[0]))
    fig.update_layout(
        title={"text": f"Dyads at the end across the sweep of {esc(keys[0])}"},
        template="plotly_white",
        height=460,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
    )
    return fig


def sweep_figures(
    sweep: pd.DataFrame, keys: Sequence[str], names: Mapping[str, str] | None = None
) -> dict[str, go.Figure]:
    """'sweep_end_states' (if the scenario names end-states) and 'sweep_dyads'."""
    figures = {}
    if any(c.startswith("p_") for c in sweep.columns):
        figures["sweep_end_states"] = sweep_end_state_figure(sweep, keys)
    figures["sweep_dyads"] = sweep_dyad_figure(sweep, keys, names)
    return figures
