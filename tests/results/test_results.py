"""Tidy frames, the end-state table, and the result folder (atomic, never overwritten)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import SMALL_YAML, load_small, make_fake_model

import sim
from sim.api import RunResult
from sim.experiment.tasks import chunk_seed
from sim.model.bands import BAND_NAMES
from sim.model.model import AlignmentModel
from sim.results import run_folder
from sim.results.frames import (
    DYAD_COLUMNS,
    OUTCOME_COLUMNS,
    dyad_end_table,
    outcome_table,
    trajectories_frame,
)
from sim.results.intervals import wilson_interval
from sim.results.manifest import load_manifest, scenario_sha256
from sim.results.outcomes_csv import read_outcomes_csv
from sim.scenario import Scenario

STARTED = dt.datetime(2024, 5, 1, 12, 0, 0).astimezone()


def make_result(model, scenario) -> RunResult:
    return RunResult(scenario, model, None, STARTED, STARTED + dt.timedelta(seconds=2))


def write_run(result: RunResult, root, command=None):
    """A run folder as sim.save writes it: the results layer's files and the report."""
    return sim.save(result, root, command)


def test_trajectories_frame_shape_columns_dtypes(fake_model) -> None:
    df = trajectories_frame(fake_model)
    t1, r, d = fake_model.history.shape
    assert len(df) == t1 * r * d
    assert list(df.columns) == [
        "replicate", "step", "date", "actor_a", "actor_b", "relation", "band",
    ]  # fmt: skip
    assert df["replicate"].dtype == np.int32
    assert df["step"].dtype == np.int32
    assert df["date"].dtype == "datetime64[ms]"
    assert df["relation"].dtype == np.float64
    assert isinstance(df["actor_a"].dtype, pd.CategoricalDtype)
    assert list(df["actor_a"].cat.categories) == fake_model.actor_ids
    assert list(df["band"].cat.categories) == list(BAND_NAMES)
    assert df["band"].cat.ordered


def test_trajectories_frame_values_match_history(fake_model) -> None:
    df = trajectories_frame(fake_model)
    ids = fake_model.actor_ids
    for rep, step, k in [(0, 0, 0), (5, 3, 2), (19, 8, 1)]:
        i, j = fake_model.dyads[k]
        row = df[(df.replicate == rep) & (df.step == step)
                 & (df.actor_a == ids[i]) & (df.actor_b == ids[j])]  # fmt: skip
        assert len(row) == 1
        assert row["relation"].item() == fake_model.history[step, rep, k]
        assert row["date"].item() == pd.Timestamp(fake_model.dates[step])
    # rows ordered by replicate, then step, then dyad
    assert df["replicate"].is_monotonic_increasing
    assert (df[df.replicate == 0]["step"].diff().dropna() >= 0).all()


def test_outcome_table_probability_and_wilson(small_scenario) -> None:
    model = make_fake_model(small_scenario, replicates=40)
    # RUS-CHN (indices 1, 2 -> dyad 2) allied in exactly 10 of 40 replicates at the end
    model.history[-1, :, 2] = np.where(np.arange(40) < 10, 0.9, 0.0)
    t = outcome_table(small_scenario, model)
    assert list(t.columns) == OUTCOME_COLUMNS
    assert list(t["outcome"]) == list(small_scenario.outcomes)
    row = t.set_index("outcome").loc["entente"]
    assert row["probability"] == 0.25 and row["count"] == 10 and row["replicates"] == 40
    # Wilson 95% for 10/40: 0.1419 .. 0.4019
    assert row["ci_low"] == pytest.approx(0.14187, abs=1e-4)
    assert row["ci_high"] == pytest.approx(0.40194, abs=1e-4)
    assert (t["ci_low"] <= t["probability"]).all() and (t["probability"] <= t["ci_high"]).all()


def test_wilson_edges() -> None:
    low, high = wilson_interval(np.array([0, 20]), 20)
    assert low[0] == 0.0 and 0 < high[0] < 0.2
    assert high[1] == 1.0 and 0.8 < low[1] < 1


def test_dyad_end_table(fake_model) -> None:
    t = dyad_end_table(fake_model, fake_model.spec)
    assert list(t.columns) == DYAD_COLUMNS
    assert len(t) == len(fake_model.dyads)
    end = fake_model.history[-1]
    assert np.allclose(t["end_median"], np.median(end, axis=0))
    assert np.allclose(t["p05"], np.quantile(end, 0.05, axis=0))
    assert np.allclose(t["start"], fake_model.history[0].mean(axis=0))
    shares = t[[f"share_{b}" for b in BAND_NAMES]].to_numpy()
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert set(t["modal_band"]) <= set(BAND_NAMES)
    assert t["dyad"].tolist() == ["USA-CHN", "USA-RUS", "CHN-RUS"]


def test_write_run_complete_folder(tmp_path, fake_model, small_scenario) -> None:
    result = make_result(fake_model, small_scenario)
    out = write_run(result, tmp_path, ["run.py", "run", "x.yaml"])
    assert out.parent == tmp_path / "small-test"
    assert sorted(p.name for p in out.iterdir()) == [
        "events.parquet", "manifest.json", "outcomes.csv", "report.html", "trajectories.parquet",
    ]  # fmt: skip
    # no temporary folder is left behind
    assert [p.name for p in out.parent.iterdir()] == [out.name]
    # run-id: YYYYmmdd-HHMMSS-<6 hex>
    stamp, clock, digest = out.name.split("-")
    assert stamp == "20240501" and clock == "120000" and len(digest) == 6
    int(digest, 16)

    back = pd.read_parquet(out / "trajectories.parquet")
    pd.testing.assert_frame_equal(back, result.trajectories)
    assert pq.read_schema(out / "trajectories.parquet").field("relation").type == "double"

    end, dyads = read_outcomes_csv(out / "outcomes.csv")
    raw = pd.read_csv(out / "outcomes.csv")
    assert list(raw["kind"].unique()) == ["end_state", "dyad"]
    assert raw.loc[raw.kind == "dyad", "probability"].isna().all()
    assert raw.loc[raw.kind == "end_state", "end_median"].isna().all()
    assert list(end["outcome"]) == list(small_scenario.outcomes)
    assert np.allclose(end["probability"], result.outcomes["probability"])
    assert np.allclose(dyads["end_median"], result.dyad_stats["end_median"])


def test_manifest_fields_and_hash(tmp_path, fake_model, small_scenario) -> None:
    result = make_result(fake_model, small_scenario)
    out = write_run(result, tmp_path, ["run.py", "run", "x.yaml"])
    m = json.loads((out / "manifest.json").read_text())
    assert m["run_id"] == out.name
    assert m["scenario"] == small_scenario.model_dump(mode="json")
    assert m["scenario_sha256"] == scenario_sha256(small_scenario)
    assert m["seed"] == fake_model.seed and m["replicates"] == 20 and m["steps"] == 8
    assert m["command"] == ["run.py", "run", "x.yaml"]
    assert m["started_at"].startswith("2024-05-01T12:00:00")
    assert m["finished_at"].startswith("2024-05-01T12:00:02")
    assert set(m["versions"]) >= {
        "python", "mesa", "numpy", "pandas", "plotly", "pydantic", "pyyaml", "pyarrow",
    }  # fmt: skip
    assert all(m["versions"][k] for k in ("python", "numpy", "pandas", "plotly", "pyarrow"))
    assert set(m["files"]) == {
        "trajectories.parquet",
        "outcomes.csv",
        "events.parquet",
        "report.html",
    }
    assert m["dates"] == {"start": "2014-01-01", "end": "2016-01-01"}


def test_scenario_hash_stable_and_sensitive(small_scenario) -> None:
    h = scenario_sha256(small_scenario)
    assert h == scenario_sha256(load_small())  # same scenario, loaded again
    assert len(h) == 64
    changed = small_scenario.model_copy(deep=True)
    changed.actors["CHN"].assertiveness = 0.61
    assert scenario_sha256(changed) != h


def test_second_run_never_overwrites(tmp_path, fake_model, small_scenario) -> None:
    result = make_result(fake_model, small_scenario)
    first = write_run(result, tmp_path)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    second = write_run(result, tmp_path)  # same start second, same hash and seed
    third = write_run(result, tmp_path)
    assert second != first and third not in (first, second)
    assert second.name == f"{first.name}-2" and third.name == f"{first.name}-3"
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    assert json.loads((second / "manifest.json").read_text())["run_id"] == second.name


def test_failed_write_leaves_nothing(tmp_path, fake_model, small_scenario, monkeypatch) -> None:
    result = make_result(fake_model, small_scenario)
    first = write_run(result, tmp_path)

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    # the report (or any file the caller adds) fails half-way: no folder is published
    with pytest.raises(KeyboardInterrupt):
        run_folder.write_run(result, tmp_path, files={"report.html": boom})
    assert [p.name for p in (tmp_path / "small-test").iterdir()] == [first.name]


def test_stale_tmp_folders_cleaned_fresh_ones_kept(tmp_path, fake_model, small_scenario) -> None:
    folder = tmp_path / "small-test"
    stale = folder / ".20200101-000000-abcdef.tmp-999"
    fresh = folder / ".20240101-000000-abcdef.tmp-998"
    stale.mkdir(parents=True)
    fresh.mkdir()
    old = time.time() - 3 * 24 * 3600
    os.utime(stale, (old, old))
    write_run(make_result(fake_model, small_scenario), tmp_path)
    assert not stale.exists() and fresh.exists()


def test_scenario_name_cannot_escape_results_root(tmp_path, fake_model, small_scenario) -> None:
    evil = small_scenario.model_copy(update={"name": "../../etc/x y"})
    out = write_run(make_result(fake_model, evil), tmp_path / "results")
    assert out.parent.parent == tmp_path / "results"
    assert out.parent.name == "_.._etc_x_y"


def test_public_api_and_manifest_alone_reproduces_the_run(tmp_path) -> None:
    """sim.run / sim.save on the real model; the manifest alone gives the same run back."""
    result = sim.run(SMALL_YAML, replicates=12, seed=11)
    assert result.source == SMALL_YAML
    assert result.model.history.shape == (9, 12, 3)
    assert len(result.trajectories) == 9 * 12 * 3
    assert list(result.outcomes["outcome"]) == ["entente", "thaw", "russia_free"]
    out = sim.save(result, tmp_path, command="notebook")
    m = load_manifest(out)
    assert m["command"] == "notebook" and m["replicates"] == 12 and m["seed"] == 11
    assert m["chunk_size"] == 1000 and m["record"] == "full"
    assert m["seeds"]["chunks"] == [{"chunk": 0, "entropy": 11, "spawn_key": [1, 0]}]

    scenario = Scenario.model_validate(m["scenario"])
    assert scenario_sha256(scenario) == m["scenario_sha256"]
    again = sim.run(
        scenario,
        replicates=m["replicates"],
        seed=m["seed"],
        chunk_size=m["chunk_size"],
        record=m["record"],
        sweep=m["sweep"]["sets"],
    )
    np.testing.assert_array_equal(again.model.history, result.model.history)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "trajectories.parquet"), again.trajectories)
    # the engine's one chunk is the model run with the chunk's seed
    direct = AlignmentModel(scenario, replicates=12, seed=chunk_seed(11, 0)).run()
    np.testing.assert_array_equal(direct.history, result.model.history)


def test_trajectories_parquet_round_trip_keeps_every_category(tmp_path, small_scenario) -> None:
    """Written chunk by chunk, read back whole: categories (bands that never occur too)
    and their order survive."""
    model = make_fake_model(small_scenario, replicates=30)
    model.history[:] = 0.0  # every relation hedging: four bands never occur
    result = make_result(model, small_scenario)
    out = write_run(result, tmp_path)
    back = pd.read_parquet(out / "trajectories.parquet")
    assert list(back["band"].cat.categories) == list(BAND_NAMES) and back["band"].cat.ordered
    assert list(back["actor_a"].cat.categories) == model.actor_ids
    pd.testing.assert_frame_equal(back, result.trajectories)


def test_outcomes_csv_of_a_sweep_reads_back(tmp_path) -> None:
    key = "actors.CHN.assertiveness"
    result = sim.run(SMALL_YAML, replicates=10, seed=1, sweep={key: [0.4, 0.8]}, workers=1)
    out = sim.save(result, tmp_path)
    end, dyads = read_outcomes_csv(out / "outcomes.csv")
    assert list(end.columns) == ["point", key, *OUTCOME_COLUMNS]
    assert list(dyads.columns) == ["point", key, *DYAD_COLUMNS]
    assert end["point"].tolist() == [0, 0, 0, 1, 1, 1]
    assert np.allclose(end["probability"], result.outcomes["probability"])
