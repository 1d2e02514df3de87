"""A report's insight figures: why the states moved as they did, and which alignments are
stable.

'why': every state's moves decomposed into driver terms at the first and the last step
(:mod:`sim.analysis.explain`; up to :data:`WHY_ACTORS` actors); 'landscape_start',
'landscape_end': the Axelrod-Bennett landscape of the drivers at the start and at the
end (:mod:`sim.analysis.landscape`: two blocs, and a neutral position open to the states
of high autonomy, :func:`sim.analysis.landscape.neutrality.high_autonomy`; up to its
exhaustive limit), with a reading in words under the title
(:func:`sim.analysis.landscape.reading.reading`: the global minimum, who could be neutral
and why, and where it disagrees with the relations). Both re-run the
scenario's model on at most :data:`INSIGHT_REPLICATES` replicates with the run's seed.
"""

from __future__ import annotations

import plotly.graph_objects as go

from sim.analysis.explain import explain_steps
from sim.analysis.landscape import (
    EXHAUSTIVE_LIMIT,
    analyse,
    fits_exhaustive,
    high_autonomy,
    scenario_input,
)
from sim.analysis.landscape.reading import reading
from sim.present.explain_figures import why_figure
from sim.present.landscape_figure import landscape_figure
from sim.scenario import Scenario

#: Explanations and landscapes re-run the model on at most this many replicates.
INSIGHT_REPLICATES = 200
#: Beyond this many actors the "why" figure would be unreadable; it is left out.
WHY_ACTORS = 8


def insight_figures(scenario: Scenario, replicates: int, seed: int) -> dict[str, go.Figure]:
    """The 'why' and landscape figures of a run of ``scenario`` (see the module text)."""
    reps = min(int(replicates), INSIGHT_REPLICATES)
    last = scenario.run.steps
    figures: dict[str, go.Figure] = {}
    if len(scenario.actors) <= WHY_ACTORS:
        figures["why"] = why_figure(explain_steps(scenario, sorted({1, last}), reps, seed))
    names = {i: a.name or i for i, a in scenario.actors.items()}
    if len(scenario.actors) <= EXHAUSTIVE_LIMIT:
        for label, step in (("start", 0), ("end", last)):
            data = scenario_input(scenario, step=step, replicates=reps, seed=seed)
            neutral = high_autonomy(data)
            # Too many configurations with the neutral position: two blocs, and the reading
            # says nothing of neutrality.
            by_autonomy = fits_exhaustive(data, neutral)
            result = analyse(data, neutral=neutral if by_autonomy else ())
            words = reading(
                result, data.relations, scenario.bands, names, neutral_by_autonomy=by_autonomy
            )
            figure = landscape_figure(result, words=words)
            when = data.source.get("date", "")
            figure.update_layout(title_text=f"At the {label} ({when}): {figure.layout.title.text}")
            figures[f"landscape_{label}"] = figure
    return figures
