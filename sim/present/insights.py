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

They depend on the scenario, the number of replicates and the seed, not on the ensemble,
so the command line computes them while the ensemble runs (:func:`insights_ahead`).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

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


def insights_ahead(scenario: Scenario, replicates: int, seed: int) -> Future[dict[str, go.Figure]]:
    """:func:`insight_figures` computed on a background thread, from now on.

    The ensemble's compiled step runs without holding the interpreter, mostly on one
    core for a run of small chunks, so on a machine with a second core the report's
    explanations and landscapes cost the command almost nothing (docs/performance.md).
    The figures are the same as computed in sequence: they have their own seed, and a
    step run off the main thread runs the single-core kernel (sim.model.kernel). The
    future's ``result()`` raises what the computation raised.
    """
    future: Future[dict[str, go.Figure]] = Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(insight_figures(scenario, replicates, seed))
        except BaseException as exc:  # handed to whoever waits for the figures
            future.set_exception(exc)

    # A daemon: an interrupted run exits without waiting for figures nobody will see.
    threading.Thread(target=work, name="insight-figures", daemon=True).start()
    return future
