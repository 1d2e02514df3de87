"""The figures of one run's report, by name (:func:`build_figures`).

Figures are pure functions, tidy frames or arrays in, a plotly Figure out, one module per
subject: :mod:`sim.present.relations` (relations over time), :mod:`sim.present.network`
(the alignment network), :mod:`sim.present.end_states`, :mod:`sim.present.event_shares`,
:mod:`sim.present.sweeps` and :mod:`sim.present.observed` (observed series beside the
model). They read no files and know nothing of the model's internals (the observed
series a scenario asks for are read from the repository's data/observed/ by
:func:`sim.present.observed.observed_figures`, which hands them to its figure);
:mod:`sim.present.report` puts them in the HTML report and :class:`sim.api.RunResult`
hands them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.model.model import HISTOGRAM_EDGES
from sim.present.end_states import end_state_figure
from sim.present.event_shares import event_share_figure
from sim.present.network import median_matrix, median_relations, network_pair_figure
from sim.present.observed import observed_figures
from sim.present.relations import (
    histogram_relation_quantiles,
    relation_bands_figure,
    relation_quantiles,
)
from sim.results.events import event_cumulative
from sim.results.views import Run, ends_of, starts_of, step_labels_of

if TYPE_CHECKING:
    from sim.scenario import Scenario


def build_figures(
    scenario: Scenario,
    model: Run,
    trajectories: pd.DataFrame | None,
    outcomes: pd.DataFrame,
) -> dict[str, go.Figure]:
    """The report's figures by name: 'relations', 'network', 'end_states' (if the scenario
    names end-states), 'events' (if it has events) and 'observed_unga' (if it asks for
    UN voting in ``observed`` and the data overlap the run: :mod:`sim.present.observed`,
    which reads the shipped table).

    With a model that has histograms (every AlignmentModel and ensemble point) the
    relation bands come from them and the networks from every replicate's start and end
    relations, so ``trajectories`` may be None; otherwise they come from
    ``trajectories``.
    """
    ids = list(model.actor_ids)
    names = list(model.actor_names)
    bands = scenario.bands
    histograms = getattr(model, "histograms", None)
    labels = step_labels_of(model)
    if histograms is not None:
        edges = getattr(model, "edges", None)
        quantiles = histogram_relation_quantiles(
            histograms,
            HISTOGRAM_EDGES if edges is None else edges,
            model.dates,
            ids,
            model.dyads,
            labels,
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
        quantiles = relation_quantiles(trajectories, labels)
        relations = relation_bands_figure(
            None, bands, dict(zip(ids, names, strict=True)), quantiles=quantiles
        )
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
                f"End of {labels[-1]} ({model.dates[-1].isoformat()}, median of replicates)",
            ),
            bands=bands,
        ),
    }
    if len(outcomes):
        figures["end_states"] = end_state_figure(outcomes)
    if getattr(scenario, "events", None):
        descriptions = {str(k): e.description for k, e in scenario.events.items()}
        figures["events"] = event_share_figure(event_cumulative(model), descriptions)
    figures.update(
        observed_figures(scenario, quantiles, ids, dict(zip(ids, names, strict=True)), model.dates)
    )
    return figures
