"""Observed series beside the model: UN General Assembly voting agreement, as changes.

When a scenario asks for it (``observed: [unga]``), the run's report has a section
"Observed: UN voting": per dyad, the model's median relation change since step 0 (with
the bands holding 50% and 90% of the replicates) and the change of UN voting agreement
since the base year, on the same axes by date. The observation model (changes, not
levels; no scale between the two) is :mod:`sim.results.observed`'s; docs/analysis.md,
"Observed: UN voting", says how to read it.

- :func:`observed_change_figure`: the figure (pure: frames in, figure out);
- :func:`observed_figures`: the figures a scenario asks for, by report key;
- :func:`observed_section`: what the report's section says (None when not asked for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.common import join_words
from sim.present.colors import BAND_FILL, MEDIAN_COLOR, OBSERVED_COLOR
from sim.present.panel_grid import Panels
from sim.present.relations import (
    QUANTILE_COLUMNS,
    add_relation_bands,
    finish_panels,
    pair_title,
    relation_panels,
)
from sim.results.observed import UNGA, load_unga, overlap_years, unga_changes
from sim.scenario import Scenario
from sim.scenario.dyads import Dyad

UNGA_FIGURE = "observed_unga"
"""The report's key of the UN voting figure."""
MODEL_NAME = "model: median relation change since the start"
"""The legend name of the model's line."""


def since_text(base_years: Sequence[int]) -> str:
    """'change since 2013', or 'change since each dyad's base year' when they differ."""
    years = sorted(set(int(y) for y in base_years))
    since = str(years[0]) if len(years) == 1 else "each dyad's base year"
    return f"change since {since}"


def observed_label(base_years: Sequence[int]) -> str:
    """The legend name of the UN voting line: 'UN General Assembly voting agreement
    (change since 2013; a coarse proxy)' (:func:`since_text`)."""
    return f"{UNGA.title} ({since_text(base_years)}; a coarse proxy)"


def observed_change_figure(
    observed: pd.DataFrame,
    relations: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    columns: int = 3,
) -> go.Figure:
    """Per dyad of ``observed``, the model's relation change since step 0 and the observed
    change of UN voting agreement since the base year, on the same axes by date.

    ``observed``: :func:`sim.results.observed.unga_changes` (one panel per dyad in it, in
    its order). ``relations``: per dyad and step, ``actor_a``, ``actor_b``, ``step``,
    ``date`` and the median ``p50``, as :func:`sim.present.relations.relation_quantiles`
    or :func:`~sim.present.relations.histogram_relation_quantiles` make it; when it also
    has ``p05``, ``p25``, ``p75`` and ``p95`` the 90% and 50% bands are drawn. Every
    quantile is shifted by the dyad's median at step 0, so the model's curve starts at 0
    like the observed one (when every replicate starts at the same relation, as without
    an uncertain starting relation, the shifted quantiles are those of the change).
    Traces per panel, in order: ['90% of replicates', '50% of replicates',] the model's
    line (:data:`MODEL_NAME`), the observed line (:func:`observed_label`); each has one
    legend entry. The y axis is a change (from -1 to +1 at least), not a relation level.
    """
    pairs = list(observed[["actor_a", "actor_b"]].drop_duplicates().itertuples(index=False))
    titles = [pair_title(str(a), str(b), names) for a, b in pairs]
    panels = relation_panels(titles, columns)
    ncols = panels.columns
    banded = all(c in relations.columns for c in QUANTILE_COLUMNS)
    label = observed_label(observed["base_year"])
    since = since_text(observed["base_year"])
    largest = 0.0
    for k, (a, b) in enumerate(pairs):
        row, col = k // ncols + 1, k % ncols + 1
        first = k == 0
        model = _model_change(relations, str(a), str(b), banded)
        if model is not None and not model.empty:
            value_columns = QUANTILE_COLUMNS if banded else ["p50"]
            largest = max(largest, float(np.nanmax(np.abs(model[value_columns].to_numpy()))))
            _add_model(panels, model, row, col, banded, first, titles[k])
        seen = observed[(observed["actor_a"] == a) & (observed["actor_b"] == b)]
        largest = max(largest, float(np.abs(seen["change"].to_numpy()).max()))
        panels.add_trace(
            {
                "type": "scatter",
                "x": pd.to_datetime(pd.Series(list(seen["date"]))).to_numpy(),
                "y": seen["change"].to_numpy(dtype=float),
                "mode": "lines+markers",
                "line": {"color": OBSERVED_COLOR, "width": 2, "dash": "dash"},
                "marker": {"size": 6, "symbol": "diamond"},
                "name": label,
                "legendgroup": "observed",
                "showlegend": first,
                "customdata": np.stack(
                    [seen["year"].to_numpy(), seen["agreement"].to_numpy(), seen["votes"]],
                    axis=1,
                ),
                "hovertemplate": (
                    f"{titles[k]}<br>UN votes %{{customdata[0]}}: change %{{y:+.2f}}"
                    " (agreement %{customdata[1]:+.2f} over %{customdata[2]} votes)"
                    "<extra></extra>"
                ),
            },
            row,
            col,
        )
    reach = max(1.0, round(largest * 1.1 + 0.05, 1))
    panels.add_hline(0, {"color": "#888", "width": 0.7})
    panels.update_axes("y", {"range": [-reach, reach], "zeroline": False})
    title = (
        f"Model relations beside {UNGA.title}"
        f"<br><sup>model: change since step 0; UN votes: {since}; compare directions"
        " and timing within a panel, not sizes</sup>"
    )
    return finish_panels(panels, title, "change since the start")


def _model_change(relations: pd.DataFrame, a: str, b: str, banded: bool) -> pd.DataFrame | None:
    """The dyad's quantiles over time minus its median at step 0 (either order of a, b)."""
    for x, y in ((a, b), (b, a)):
        d = relations[(relations["actor_a"] == x) & (relations["actor_b"] == y)]
        if not d.empty:
            break
    else:
        return None
    d = d.sort_values("step")
    start = float(d.loc[d["step"] == d["step"].min(), "p50"].iloc[0])
    shifted = d[["date"]].copy()
    for column in QUANTILE_COLUMNS if banded else ["p50"]:
        shifted[column] = d[column].to_numpy(dtype=float) - start
    return shifted


def _add_model(
    panels: Panels, model: pd.DataFrame, row: int, col: int, banded: bool, first: bool, title: str
) -> None:
    """The model's change in one panel: bands and median, or the median alone."""
    if banded:
        add_relation_bands(
            panels,
            model,
            row,
            col,
            median_column="p50",
            fills=BAND_FILL,
            color=MEDIAN_COLOR,
            name=MODEL_NAME,
            show_legend=first,
            hover_title=title,
        )
        return
    panels.add_trace(
        {
            "type": "scatter",
            "x": model["date"].to_numpy(),
            "y": model["p50"].to_numpy(),
            "mode": "lines",
            "line": {"color": MEDIAN_COLOR, "width": 2},
            "name": MODEL_NAME,
            "legendgroup": MODEL_NAME,
            "showlegend": first,
            "hovertemplate": f"{title}<br>%{{x|%Y-%m}}: median change %{{y:+.2f}}<extra></extra>",
        },
        row,
        col,
    )


def unga_overlay(actor_ids: Sequence[str], dates: Sequence[dt.date]) -> pd.DataFrame:
    """The UN voting changes of a run's dyads and dates (reads the shipped table)."""
    return unga_changes(load_unga(), actor_ids, dates)


def observed_figures(
    scenario: Scenario,
    relations: pd.DataFrame,
    actor_ids: Sequence[str],
    names: Mapping[str, str],
    dates: Sequence[dt.date],
) -> dict[str, go.Figure]:
    """The observed figures ``scenario`` asks for (``observed``), by report key
    (:data:`UNGA_FIGURE`); none for a series without a dyad and year in the run."""
    figures: dict[str, go.Figure] = {}
    if UNGA.name in scenario.observed:
        changes = unga_overlay(actor_ids, dates)
        if not changes.empty:
            figures[UNGA_FIGURE] = observed_change_figure(changes, relations, names)
    return figures


def years_text(years: Sequence[int]) -> str:
    """Years in words: '2014–2019' when they run on, else '2014, 2016 and 2017'."""
    ys = sorted(set(int(y) for y in years))
    if not ys:
        return ""
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}"
    return join_words([str(y) for y in ys])


def observed_section(
    scenario: Scenario,
    actor_ids: Sequence[str],
    dates: Sequence[dt.date],
    names: Mapping[str, str],
) -> dict[str, Any] | None:
    """What the report's "Observed: UN voting" section says, or None when the scenario
    does not ask for it. Keys: ``figure`` (the report key of its figure), ``years``
    (the overlapping years in words, '' when none), ``base_year``, ``start`` and
    ``end`` (the run's first and last dates), ``dyads`` (the dyads drawn, in display
    names), ``left_out`` (the run's dyads with an actor outside the data, in display
    names), ``source`` and ``data_years`` (the years the data cover). Plain text: the
    template escapes it."""
    if UNGA.name not in scenario.observed:
        return None
    table = load_unga()
    changes = unga_changes(table, actor_ids, dates)
    ids = list(actor_ids)
    drawn = list(changes[["actor_a", "actor_b"]].drop_duplicates().itertuples(index=False))
    in_data = set(table["actor_a"]) | set(table["actor_b"])
    left_out = [
        Dyad.of(ids, i, j)
        for i in range(len(ids))
        for j in range(i + 1, len(ids))
        if not {ids[i], ids[j]} <= in_data
    ]
    bases = sorted({int(y) for y in changes["base_year"]})
    return {
        "figure": UNGA_FIGURE,
        "years": years_text(overlap_years(changes)),
        "base_year": join_words([str(y) for y in bases]),
        "start": dates[0].isoformat(),
        "end": dates[-1].isoformat(),
        "dyads": join_words([Dyad(str(a), str(b)).named(names) for a, b in drawn]),
        "left_out": join_words([d.named(names) for d in left_out]),
        "source": UNGA.source,
        "data_years": years_text(table["year"]),
    }
