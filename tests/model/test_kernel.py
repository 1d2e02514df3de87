"""The compiled step (sim.model.kernel) against the numpy statement of every term.

An observer reads each step's decision as the kernel made it and recomputes it with the
readable numpy functions (sim.model.drivers, sim.model.choice, sim.model.trade,
sim.model.streams); after the step the resolution, trade and histogram are recomputed
too. Worlds: the baseline with per-replicate parameters, sanctions and levers in force,
relations driven to the edges, and six actors.
"""

from __future__ import annotations

import threading
from typing import Any

import numba
import numpy as np
import pytest
from factories import baseline, baseline_dict, scenario, six_actor_dict, with_changes

from sim.experiment.uncertainty import sample_parameters
from sim.model import kernel
from sim.model.choice import candidate_levels, level_value, logit_choice
from sim.model.drivers import effective_autonomy, propensity
from sim.model.model import HISTOGRAM_EDGES, AlignmentModel, histogram_bins
from sim.model.streams import decision_uniforms
from sim.model.trade import follow_trade

SANCTIONS = {
    "actors.USA.sanctions": {"RUS": 0.6},
    "actors.JPN.sanctions": {"RUS": 0.3},
    "actors.JPN.wedge": {"CHN": 0.4},
    "actors.USA.wedge": {"CHN": 0.2},
    "actors.RUS.attention": {"JPN": 0.3},
}


def _uncertain_baseline() -> AlignmentModel:
    """The baseline with its uncertain judgements sampled: settings differ per replicate."""
    spec = baseline()
    params = sample_parameters(spec, 300, np.random.SeedSequence(3, spawn_key=(0,)))
    return AlignmentModel(spec, replicates=300, seed=5, parameters=params)


class Statement:
    """A decision observer that recomputes each step with the numpy functions."""

    def __init__(self) -> None:
        self.checked: list[dict[str, Any]] = []
        self.expected: dict[str, np.ndarray] = {}

    def __call__(self, m: AlignmentModel) -> None:
        world, rel = m.world, m.relations
        n = rel.shape[1]
        worst_p = float(np.max(np.abs(propensity(world, rel) - m.propensity)))
        alpha = np.broadcast_to(effective_autonomy(world, rel), rel.shape)
        off = ~np.eye(n, dtype=bool)
        worst_a = float(np.max(np.abs(alpha - m.autonomy)[:, off]))
        stated = decision_uniforms(m.keys, m.steps, n)
        uniforms_equal = bool(np.array_equal(stated[:, off], m.uniforms[:, off]))
        # The choice, from the kernel's own propensity and autonomy cost.
        s = m.world.settings

        def per(name: str) -> np.ndarray:
            return np.broadcast_to(s[name], (m.replicates,))[:, None, None]

        d = np.broadcast_to(per("step_length"), rel.shape)
        levels, distinct = candidate_levels(rel, d)
        desired = np.tanh(per("responsiveness") * m.propensity)
        values = level_value(
            levels,
            desired[..., None],
            rel[..., None],
            m.autonomy[..., None],
            per("autonomy_threshold")[..., None],
            per("inertia")[..., None],
        )
        values = np.where(distinct, values, -np.inf)
        pick = logit_choice(values, per("temperature")[..., None], m.uniforms)
        moves = np.take_along_axis(levels, pick[..., None], axis=-1)[..., 0] - rel
        moves[:, ~off] = 0.0
        # exp() may differ in the last bit between numpy and compiled code (and the kernel
        # takes the logit weights as powers, decision_kernel.decide), which could flip a
        # draw that lands within rounding of a boundary: about 1e-15 of decisions.
        mismatch = int(np.sum(~np.isclose(moves, m.moves)[:, off]))
        # Which of the kernel's ways to the weights the decisions took: five unclipped
        # levels all short of the autonomy threshold (or no autonomy cost), all past it,
        # or neither (straddling theta, or clipped at an edge).
        theta = per("autonomy_threshold")
        even = (rel - 2 * d >= -1.0) & (rel + 2 * d <= 1.0)
        short = even & ((rel + 2 * d <= theta) | (m.autonomy == 0.0))
        past = even & ~short & (rel - 2 * d >= theta)
        ways = {"short": short, "past": past, "other": ~(short | past)}
        took = {way: int(np.sum(where[:, off])) for way, where in ways.items()}
        after = np.clip(rel + np.minimum(m.moves, np.swapaxes(m.moves, 1, 2)), -1.0, 1.0)
        trade = follow_trade(world, after)
        self.expected = {"relations": after, "trade": trade}
        self.checked.append(
            {"p": worst_p, "alpha": worst_a, "uniforms": uniforms_equal, "moves": mismatch} | took
        )


def _run_checked(model: AlignmentModel, steps: int) -> Statement:
    statement = Statement()
    model.decision_observers.append(statement)
    for _ in range(steps):
        model.step()
        expected = statement.expected
        np.testing.assert_array_equal(model.relations, expected["relations"])
        if expected["trade"] is not None:
            np.testing.assert_allclose(
                model.world.interdependence, expected["trade"], rtol=0, atol=1e-14
            )
        pairs = model.relations[:, model._dyad_rows, model._dyad_cols]
        bins = len(HISTOGRAM_EDGES) - 1
        counts = np.stack([np.bincount(histogram_bins(pair), minlength=bins) for pair in pairs.T])
        np.testing.assert_array_equal(model.histograms[model.steps], counts)
    return statement


CASES = {
    "uncertain baseline": _uncertain_baseline,
    "sanctions and levers": lambda: AlignmentModel(
        scenario(with_changes(baseline_dict(), SANCTIONS)), replicates=200, seed=6
    ),
    "hot and cold edges": lambda: AlignmentModel(
        baseline({"model.temperature": 0.05, "model.step_length": 0.25}), replicates=200, seed=7
    ),
    "six actors": lambda: AlignmentModel(scenario(six_actor_dict()), replicates=150, seed=8),
    "past the autonomy threshold": lambda: AlignmentModel(
        baseline({"model.autonomy_threshold": 0.05, "actors.CHN.autonomy": 1.5}),
        replicates=200,
        seed=9,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_kernel_computes_what_the_numpy_functions_state(case: str) -> None:
    model = CASES[case]()
    statement = _run_checked(model, 12)
    assert len(statement.checked) == 12
    for step in statement.checked:
        assert step["p"] <= 1e-12
        assert step["alpha"] <= 1e-15
        assert step["uniforms"]
    assert sum(step["moves"] for step in statement.checked) <= 1
    if case == "past the autonomy threshold":  # every way to the weights was checked
        for way in ("short", "past", "other"):
            assert sum(step[way] for step in statement.checked) > 0, way
    if case == "hot and cold edges":  # the edges were reached, so clipping was exercised
        assert np.any(np.abs(model.relations) == 1.0)
    if case == "sanctions and levers":
        assert model.world.interdependence.shape[0] == model.replicates


def _history(make, threads: int | None = None, observed: bool = False) -> np.ndarray:
    model = make()
    if observed:
        model.decision_observers.append(lambda m: None)
    before = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(threads)
    try:
        model.run()
    finally:
        numba.set_num_threads(before)
    return np.concatenate([model.history.ravel(), model.histograms.ravel()])


@pytest.mark.parametrize("case", ["uncertain baseline", "sanctions and levers"])
def test_the_step_is_the_same_fused_or_observed_on_any_number_of_threads(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make = CASES[case]
    reference = _history(make, threads=1)
    # These worlds are small: made to run on every thread, as a large one does
    monkeypatch.setattr(kernel, "PARALLEL_MIN_DECISIONS", 0)
    assert np.array_equal(_history(make), reference)
    assert np.array_equal(_history(make, observed=True), reference)
    if numba.config.NUMBA_NUM_THREADS > 1:
        assert np.array_equal(_history(make, threads=2), reference)
    # From a thread other than the main one the kernel runs its serial twin.
    out: list[np.ndarray] = []
    worker = threading.Thread(target=lambda: out.append(_history(make)))
    worker.start()
    worker.join()
    assert np.array_equal(out[0], reference)


def test_each_replicate_draws_from_its_own_stream() -> None:
    # The first 50 replicates of a run are those of a run of 50 from the same keys: a
    # replicate's path depends on its key alone, not on how many replicates share the run.
    big = AlignmentModel(baseline(), replicates=200, seed=9)
    small = AlignmentModel(baseline(), replicates=50, seed=9)
    small.keys = big.keys[:50].copy()
    big.run()
    small.run()
    np.testing.assert_array_equal(big.history[:, :50], small.history)
    assert not np.array_equal(big.history[:, 50:100], small.history)
