"""The ensemble engine: chunks and seeds, identical results on every backend, sweeps,
record modes, sampled parameters and failing chunks (in memory, through sim.run)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chunk_faults import INJECTED, failing_work
from conftest import FIXTURES, SMALL_YAML, load_small

import sim
from sim.experiment.collect import Ensemble
from sim.experiment.engine import EnsembleFailed, resolve_settings, run_in_memory
from sim.experiment.tasks import chunk_bounds, chunk_seed, parameter_seed
from sim.model.model import HISTOGRAM_EDGES, AlignmentModel
from sim.results.histograms import histogram_quantiles, histograms_from_history
from sim.results.manifest import load_manifest
from sim.scenario import load_scenario

UNCERTAIN = FIXTURES / "scenarios" / "uncertain.yaml"


def small_run(**kw) -> sim.RunResult:
    kw = {"replicates": 100, "seed": 3, "chunk_size": 25, "workers": 1, **kw}
    return sim.run(SMALL_YAML, **kw)


def test_chunks_and_seeds_follow_the_scheme() -> None:
    assert chunk_bounds(100, 25) == [(0, 25), (25, 50), (50, 75), (75, 100)]
    assert chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert chunk_seed(5, 3).entropy == 5 and chunk_seed(5, 3).spawn_key == (1, 3)
    assert parameter_seed(5).spawn_key == (0,)
    # chunk c of the ensemble is exactly a model of that chunk's replicates and seed
    result = small_run()
    for c, (start, stop) in enumerate(chunk_bounds(100, 25)):
        model = AlignmentModel(load_small(), replicates=stop - start, seed=chunk_seed(3, c))
        np.testing.assert_array_equal(result.model.history[:, start:stop], model.run().history)


def test_one_chunk_runs_in_process_and_matches_a_direct_model() -> None:
    result = sim.run(SMALL_YAML, replicates=12, seed=11)
    assert result.stats.backend == "serial" and result.stats.chunks == 1
    direct = AlignmentModel(load_small(), replicates=12, seed=chunk_seed(11, 0)).run()
    np.testing.assert_array_equal(result.model.history, direct.history)
    np.testing.assert_array_equal(result.model.histograms, direct.histograms)


def test_serial_pool_and_dask_give_identical_results(dask_scheduler) -> None:
    serial = small_run()
    pool = small_run(workers=2)
    dask = small_run(scheduler=dask_scheduler)
    assert (serial.stats.backend, pool.stats.backend, dask.stats.backend) == (
        "serial", "processes", "dask",
    )  # fmt: skip
    for other in (pool, dask):
        np.testing.assert_array_equal(other.model.history, serial.model.history)
        np.testing.assert_array_equal(other.model.histograms, serial.model.histograms)
        pd.testing.assert_frame_equal(other.trajectories, serial.trajectories)
        pd.testing.assert_frame_equal(other.outcomes, serial.outcomes)
        pd.testing.assert_frame_equal(other.dyad_stats, serial.dyad_stats)
        pd.testing.assert_frame_equal(other.events, serial.events)
        pd.testing.assert_frame_equal(other.event_stats, serial.event_stats)


def test_results_depend_on_chunk_size_and_seed_but_not_on_workers() -> None:
    a = small_run(chunk_size=25)
    b = small_run(chunk_size=50)
    c = small_run(seed=4)
    assert not np.array_equal(a.model.history, b.model.history)
    assert not np.array_equal(a.model.history, c.model.history)
    np.testing.assert_array_equal(a.model.history, small_run(workers=3).model.history)


@pytest.mark.parametrize(
    ("record", "steps"), [("full", list(range(9))), ("steps:3", [0, 3, 6, 8]), ("outcomes", [0, 8])]
)
def test_record_modes_keep_what_they_say(record, steps, tmp_path) -> None:
    full = small_run()
    result = small_run(record=record)
    assert result.model.recorded_steps == steps
    traj = result.trajectories
    assert len(traj) == 100 * len(steps) * 3  # rows per replicate: recorded steps x dyads
    assert sorted(traj["step"].unique()) == steps
    expected = full.trajectories[full.trajectories["step"].isin(steps)].reset_index(drop=True)
    pd.testing.assert_frame_equal(traj, expected)
    # the end-state table and dyad table do not depend on the record mode
    pd.testing.assert_frame_equal(result.outcomes, full.outcomes)
    pd.testing.assert_frame_equal(result.dyad_stats, full.dyad_stats)
    np.testing.assert_array_equal(result.model.histograms, full.model.histograms)
    # and the report renders
    out = sim.save(result, tmp_path)
    html = (out / "report.html").read_text()
    assert (
        html.count("Plotly.newPlot(") == 7
    )  # relations, network, end-states, events, why, 2 landscapes
    assert pd.read_parquet(out / "trajectories.parquet")["step"].nunique() == len(steps)


def test_bad_record_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="record mode 'steps:0'"):
        resolve_settings(load_small(), record="steps:0")


def test_sweep_is_one_ensemble_per_point_with_common_random_numbers(tmp_path) -> None:
    key = "actors.CHN.assertiveness"
    result = small_run(sweep={key: [0.3, 0.9]})
    ens = result.ensemble
    assert ens.sweep_keys == [key] and [p.values for p in ens.points] == [{key: 0.3}, {key: 0.9}]
    # each point is the ensemble of the scenario with that value, with the same seeds
    for k, value in enumerate((0.3, 0.9)):
        changed = load_small().model_copy(deep=True)
        changed.actors["CHN"].assertiveness = value
        alone = sim.run(changed, replicates=100, seed=3, chunk_size=25, workers=1)
        np.testing.assert_array_equal(result.points[k].history, alone.model.history)
    traj = result.trajectories
    assert list(traj.columns[:3]) == ["point", key, "replicate"]
    assert len(traj) == 2 * 100 * 9 * 3
    assert traj.groupby("point")[key].unique().map(list).tolist() == [[0.3], [0.9]]
    assert list(result.outcomes.columns[:3]) == ["point", key, "outcome"]
    assert len(result.outcomes) == 2 * 3 and len(result.dyad_stats) == 2 * 3
    sweep = result.sweep
    assert list(sweep["point"]) == [0, 1] and list(sweep[key]) == [0.3, 0.9]
    assert {"p_entente", "median_USA-CHN"} <= set(sweep.columns)
    figs = result.figures()
    assert {"relations", "network", "sweep_end_states", "sweep_dyads"} <= set(figs)
    out = sim.save(result, tmp_path)
    html = (out / "report.html").read_text()
    assert "<h2>Sweep</h2>" in html and html.count("Plotly.newPlot(") == 9
    back = pd.read_parquet(out / "trajectories.parquet")
    pd.testing.assert_frame_equal(back, traj)
    csv = pd.read_csv(out / "outcomes.csv")
    assert list(csv.columns[:3]) == ["point", key, "kind"]
    assert csv.groupby("point").size().tolist() == [6, 6]


def test_uncertain_parameters_are_sampled_once_and_sliced(tmp_path) -> None:
    scenario = load_scenario(UNCERTAIN).model_copy(update={"sweep": {}})
    a = sim.run(scenario, replicates=40, seed=2, chunk_size=10, workers=1)
    b = sim.run(scenario, replicates=40, seed=2, chunk_size=40, workers=1)
    from sim.experiment.uncertainty import sample_parameters

    drawn = sample_parameters(scenario, 40, parameter_seed(2))
    params = a.parameters
    assert list(params["replicate"]) == list(range(40))
    for path, values in drawn.items():
        np.testing.assert_array_equal(params[path].to_numpy(), values)
        np.testing.assert_array_equal(b.parameters[path].to_numpy(), values)
    # chunk 1 ran with the slice of the draws that belongs to its replicates
    chunk1 = AlignmentModel(
        scenario,
        replicates=10,
        seed=chunk_seed(2, 1),
        parameters={p: v[10:20] for p, v in drawn.items()},
    ).run()
    np.testing.assert_array_equal(a.model.history[:, 10:20], chunk1.history)
    out = sim.save(a, tmp_path)
    assert (out / "parameters.parquet").is_file()
    m = load_manifest(out)
    assert m["sampling"] and m["seeds"]["parameters"] == {"entropy": 2, "spawn_key": [0]}


def test_a_failing_chunk_is_reported_with_its_seed() -> None:
    scenario = load_small()
    settings = resolve_settings(scenario, replicates=100, seed=3, chunk_size=25)
    with pytest.raises(EnsembleFailed) as info:
        run_in_memory(scenario, settings, workers=1, work=failing_work(2))
    (failure,) = info.value.failures
    assert failure.key.chunk == 2 and failure.start == 50 and failure.count == 25
    assert (failure.entropy, failure.spawn_key) == (3, (1, 2))
    assert INJECTED in failure.error
    assert "spawn_key=(1, 2)" in str(info.value)


def test_histogram_quantiles_match_numpy_on_the_lattice() -> None:
    rng = np.random.default_rng(0)
    values = rng.integers(-20, 21, size=(3, 500, 2)) * 0.05  # the 0.05 lattice of moves
    counts = histograms_from_history(values)
    probs = [0.05, 0.25, 0.5, 0.75, 0.95]
    q = histogram_quantiles(counts, HISTOGRAM_EDGES, probs)
    expected = np.quantile(values, probs, axis=1, method="inverted_cdf")  # (5, 3, 2)
    np.testing.assert_allclose(q, np.moveaxis(expected, 0, -1), atol=1e-12)
    # the model counts the same way
    model = AlignmentModel(load_small(), replicates=30, seed=1).run()
    np.testing.assert_array_equal(histograms_from_history(model.history), model.histograms)


def test_ensemble_from_a_model_gives_the_same_tables() -> None:
    model = AlignmentModel(load_small(), replicates=30, seed=1).run()
    via_model = sim.RunResult(load_small(), model)
    assert isinstance(via_model.ensemble, Ensemble)
    assert via_model.model is model
    assert len(via_model.trajectories) == 9 * 30 * 3
    assert via_model.outcomes["replicates"].tolist() == [30, 30, 30]


def test_pool_workers_share_the_cores_instead_of_each_taking_all() -> None:
    import numba

    from sim.experiment.executors import ProcessBackend

    cores = numba.config.NUMBA_NUM_THREADS
    with ProcessBackend(2) as backend:
        threads = {backend.submit(numba.get_num_threads).result(timeout=600) for _ in range(4)}
    assert threads == {max(1, cores // 2)}
