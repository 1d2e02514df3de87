"""Relations over time: each dyad's median and the bands holding 50% and 90% of the
replicates, one small panel per dyad.

The quantiles come from the trajectories frame (:func:`relation_quantiles`) or, for an
ensemble of any size and record mode, from the per-step relation histograms the model
counts (:func:`histogram_relation_quantiles`). :func:`relation_panels`,
:func:`add_relation_bands` and :func:`finish_relation_panels` are the pieces of the
figure, shared with the comparison's overlaid bands and the observed series; they build
it as plain data (:class:`sim.present.panel_grid.Panels`), made into a figure once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.model.bands import BandBounds
from sim.present.colors import BAND_FILL, MEDIAN_COLOR
from sim.present.labels import label_text
from sim.present.panel_grid import Panels
from sim.results.histograms import histogram_quantiles
from sim.scenario.dyads import Dyad
from sim.scenario.schema import Bands

QUANTILE_COLUMNS = ["p05", "p25", "p50", "p75", "p95"]
"""The quantile columns of a quantiles frame, for the probabilities in QUANTILES."""
QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95]


def default_bands(bands: BandBounds | None) -> BandBounds:
    """``bands``, or the schema's default bands when None."""
    return Bands() if bands is None else bands


def bands_caption(bands: BandBounds | None) -> str:
    """The band rule as one line, e.g. 'hostile < -0.6 ≤ rivalry < -0.2 ≤ hedging ...'."""
    b = default_bands(bands)
    return (
        f"hostile < {b.hostile:g} ≤ rivalry < {b.rivalry:g} ≤ hedging ≤ {b.hedging:g}"
        f" < aligned ≤ {b.aligned:g} < allied"
    )


def pair_title(a: str, b: str, names: Mapping[str, str] | None) -> str:
    """A dyad as a figure label: 'Name A – Name B' (display names where given)."""
    return label_text(Dyad(a, b).named(names))


def relation_quantiles(traj: pd.DataFrame, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Per dyad and step: date and the 5/25/50/75/95% quantiles of the relation.

    Columns actor_a, actor_b, step, date, p05, p25, p50, p75, p95; dyads in the order of
    the actor categories (scenario order), steps ascending. With ``labels`` (the period
    of every step, :func:`sim.results.views.step_labels_of`), a ``period`` column too.
    """
    if traj.empty:
        raise ValueError("the trajectories frame is empty")
    q = (
        traj.groupby(["actor_a", "actor_b", "step"], observed=True, sort=True)["relation"]
        .quantile(QUANTILES)
        .unstack()
    )
    q.columns = QUANTILE_COLUMNS
    q = q.reset_index()
    dates = traj.groupby("step", sort=True)["date"].first()
    q["date"] = q["step"].map(dates)
    out = q[["actor_a", "actor_b", "step", "date", *QUANTILE_COLUMNS]]
    if labels is not None:
        out = out.assign(period=[labels[k] for k in out["step"]])
    return out


def histogram_relation_quantiles(
    histograms: np.ndarray,
    edges: np.ndarray,
    dates: Sequence[Any],
    actor_ids: Sequence[str],
    dyads: Sequence[tuple[int, int]],
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The frame of :func:`relation_quantiles`, from (T+1, D, B) relation histograms
    (with ``labels``, the period of every step, a ``period`` column).

    Quantiles are read from the cumulative counts (the centre of the bin where the
    cumulative share reaches q), so no history is needed: this works in every record
    mode and for any number of replicates.
    """
    h = np.asarray(histograms)
    t1 = h.shape[0]
    q = histogram_quantiles(h, edges, QUANTILES)  # (T+1, D, 5)
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
                    **{col: q[:, k, n] for n, col in enumerate(QUANTILE_COLUMNS)},
                    **({} if labels is None else {"period": list(labels)}),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def relation_bands_figure(
    traj: pd.DataFrame | None,
    bands: BandBounds | None = None,
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
    b = default_bands(bands)
    if quantiles is None:
        if traj is None:
            raise ValueError("give the trajectories or their quantiles")
        q = relation_quantiles(traj)
    else:
        q = quantiles
    pairs = list(q[["actor_a", "actor_b"]].drop_duplicates().itertuples(index=False, name=None))
    panels = relation_panels([pair_title(str(a), str(c), names) for a, c in pairs], columns)
    ncols = panels.columns
    for k, (a, c) in enumerate(pairs):
        add_relation_bands(
            panels,
            q[(q["actor_a"] == a) & (q["actor_b"] == c)],
            k // ncols + 1,
            k % ncols + 1,
            median_column="p50",
            fills=BAND_FILL,
            color=MEDIAN_COLOR,
            name="median",
            show_legend=k == 0,
            hover_title=pair_title(str(a), str(c), names),
        )
    return finish_relation_panels(
        panels,
        b,
        "Relations over time (median, 50% and 90% of replicates)"
        f"<br><sup>bands: {label_text(bands_caption(b))}</sup>",
    )


def relation_panels(titles: Sequence[str], columns: int, min_rows: int = 0) -> Panels:
    """The grid of relation panels (one per title, ``columns`` at most per row, at
    least ``min_rows`` rows), x and y axes shared; its ``columns`` and ``rows``."""
    ncols = max(1, min(columns, len(titles)))
    nrows = max(min_rows, math.ceil(len(titles) / ncols))
    return Panels.grid(
        nrows,
        ncols,
        list(titles),
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=min(0.12, 0.5 / nrows),
    )


def add_relation_bands(
    panels: Panels,
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
    ``p75``, ``p95``, and optionally ``period``). A relation is read at the date of its
    step, the first day after the step: with ``period`` the hover says so ('end of
    2016-Q3 (2016-10-01)'), else it gives the date's month. Without ``group`` the bands
    have their own legend entries ('90% of replicates', in groups 'band90' / 'band50')
    and the line its own ('name'); with it, the three traces share that legend group and
    only the line has an entry.
    """
    x = d["date"].to_numpy()
    if "period" in d.columns:
        ends = ["start" if p == "start" else f"end of {p}" for p in d["period"]]
        when, at = [np.array(ends, dtype=object)], "%{customdata[2]} (%{x|%Y-%m-%d})"
    else:
        when, at = [], "%{x|%Y-%m}"
    x_loop = np.concatenate([x, x[::-1]])
    for width, lo, hi in (("90", "p05", "p95"), ("50", "p25", "p75")):
        panels.add_trace(
            {
                "type": "scatter",
                "x": x_loop,
                "y": np.concatenate([d[hi].to_numpy(), d[lo].to_numpy()[::-1]]),
                "fill": "toself",
                "fillcolor": fills[width],
                "line": {"width": 0},
                "mode": "lines",
                "name": f"{width}% of replicates"
                if group is None
                else f"{group}: {width}% of replicates",
                "legendgroup": f"band{width}" if group is None else group,
                "showlegend": show_legend if group is None else False,
                "hoverinfo": "skip",
            },
            row,
            col,
        )
    panels.add_trace(
        {
            "type": "scatter",
            "x": x,
            "y": d[median_column].to_numpy(),
            "mode": "lines",
            "line": {"color": color, "width": 2},
            "name": name,
            "legendgroup": name if group is None else group,
            "showlegend": show_legend,
            "customdata": np.stack(
                [d[c_].to_numpy(dtype=object) for c_ in ("p05", "p95")] + when, axis=1
            ),
            "hovertemplate": (
                f"{hover_title}<br>{at}: median %{{y:+.2f}}"
                "<br>90%: %{customdata[0]:+.2f} to %{customdata[1]:+.2f}<extra></extra>"
            ),
        },
        row,
        col,
    )


def finish_relation_panels(panels: Panels, bands: BandBounds, title: str) -> go.Figure:
    """The figure of relation panels: the band bounds as dotted lines, the relation
    axes, the title (HTML) and the legend below the panels."""
    line = {"color": "#888", "width": 0.7, "dash": "dot"}
    for y in (bands.hostile, bands.rivalry, bands.hedging, bands.aligned):
        panels.add_hline(y, line)
    axis = {"range": [-1.02, 1.02], "tickvals": [-1, -0.5, 0, 0.5, 1], "zeroline": False}
    panels.update_axes("y", axis)
    return finish_panels(panels, title, "relation")


def finish_panels(panels: Panels, title: str, y_title: str) -> go.Figure:
    """The figure of a grid of dyad panels in the house layout: the y axis title on the
    first column, the title (HTML), the height for its rows and the legend below the
    panels."""
    for r in range(1, panels.rows + 1):
        panels.update_axes("y", {"title": {"text": y_title}}, row=r)
    panels.layout |= {
        "title": {"text": title},
        "height": 140 + 240 * panels.rows,
        # Below the panels, clear of the subplot titles and of the mode bar.
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0.0,
            "yanchor": "bottom",
            "x": 1,
            "xanchor": "right",
        },
        "margin": {"t": 110, "l": 60, "r": 20, "b": 80},
    }
    return panels.figure("plotly_white")
