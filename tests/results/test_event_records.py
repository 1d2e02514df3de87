"""Event records on the results side: every firing travels from the model through chunk
results, chunk files and the collected ensemble to events.parquet, the event table and
the report; the same on every backend and after a resume."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from chunk_faults import interrupt_after
from conftest import SMALL_YAML, load_small
from factories import baseline

import sim
from sim.cli import main as cli
from sim.experiment.store import PartialRun
from sim.experiment.tasks import ChunkKey, ChunkResult, chunk_seed
from sim.model.model import AlignmentModel
from sim.results.events import event_cumulative, event_table, events_frame, firings_from_log
from sim.results.frames import DYAD_COLUMNS, OUTCOME_COLUMNS
from sim.results.manifest import load_manifest

RANDOM_EVENTS = {
    "incident": {
        "description": "A naval incident.",
        "probability": 0.15,
        "add": {"dyads.USA-CHN.relation": -0.1},
    },
    "summit": {
        "description": "A summit once relations warm.",
        "when": "USA-RUS > -0.15",
        "add": {"dyads.USA-RUS.institutions": 0.3},
        "duration": 4,
    },
}


def fake_log(model) -> list[tuple[str, int, np.ndarray]]:
    """Firings that depend only on the chunk's size (for the plumbing tests)."""
    r = model.replicates
    return [
        ("fake_a", 2, np.arange(0, r, 3, dtype=np.int32)),
        ("fake_b", 5, np.array([r - 1], dtype=np.int32)),
        ("fake_a", 7, np.array([1], dtype=np.int32)),
    ]


@pytest.fixture
def fake_events(monkeypatch) -> None:
    monkeypatch.setattr(AlignmentModel, "event_log", property(fake_log))


def events_yaml(folder: Path) -> Path:
    """The small scenario with a random and a conditional event, as a file."""
    data = yaml.safe_load(SMALL_YAML.read_text())
    data["events"].update(RANDOM_EVENTS)
    path = folder / "events.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_firings_from_log_offsets_replicates() -> None:
    log = [("a", 3, np.array([0, 2])), ("b", 4, np.array([1])), ("a", 5, np.array([2]))]
    out = firings_from_log(log, first_replicate=100)
    assert list(out) == ["a", "b"]
    np.testing.assert_array_equal(out["a"], [[3, 100], [3, 102], [5, 102]])
    np.testing.assert_array_equal(out["b"], [[4, 101]])
    assert out["a"].dtype == np.int32
    assert firings_from_log([]) == {}


def test_firings_reach_the_ensemble_in_ensemble_numbering(fake_events) -> None:
    result = sim.run(SMALL_YAML, replicates=50, seed=3, chunk_size=20, workers=1)
    ev = result.events
    assert list(ev.columns) == ["event", "replicate", "step", "date", "period"]
    assert list(ev["event"].cat.categories) == ["tension", "fake_a", "fake_b"]
    expected = []
    for start, count in ((0, 20), (20, 20), (40, 10)):
        expected += [("fake_a", start + r, 2) for r in range(0, count, 3)]
        expected += [("fake_b", start + count - 1, 5), ("fake_a", start + 1, 7)]
    expected.sort(key=lambda row: (row[1], row[2], row[0]))
    rows = list(zip(ev["event"].astype(str), ev["replicate"], ev["step"], strict=True))
    assert rows == expected
    assert (ev["date"] == pd.Timestamp(result.model.dates[2])).sum() == 7 + 7 + 4
    # step 2 of quarters from 2014-01-01 is 2014-Q2; its date is the day after it
    at_two = ev[ev["step"] == 2]
    assert set(at_two["period"].astype(str)) == {"2014-Q2"}
    assert set(at_two["date"]) == {pd.Timestamp("2014-07-01")}

    table = result.event_stats.set_index("event")
    assert list(table.index) == ["tension", "fake_a", "fake_b"]
    assert table.loc["tension", "replicates_fired"] == 0  # the fake log replaced it
    # fake_a fires at step 2 in every third replicate of each chunk, at 7 in its second
    fired_a = {s + r for s, c in ((0, 20), (20, 20), (40, 10)) for r in [*range(0, c, 3), 1]}
    assert table.loc["fake_a", "replicates_fired"] == len(fired_a)
    assert table.loc["fake_a", "share_fired"] == len(fired_a) / 50
    assert table.loc["fake_a", "mean_firings"] == (7 + 7 + 4 + 3) / 50
    assert table.loc["fake_a", "median_first_step"] == 2
    assert table.loc["fake_a", "median_first_period"] == "2014-Q2"
    assert table.loc["fake_a", "median_first_date"] == pd.Timestamp("2014-07-01")
    assert table.loc["fake_b", "replicates_fired"] == 3
    assert pd.isna(table.loc["tension", "median_first_step"])
    assert table.loc["tension", "median_first_period"] is None
    cum = event_cumulative(result.ensemble.point(0))
    a = cum[cum["event"] == "fake_a"].set_index("step")["share_fired"]
    assert a[1] == 0 and a[2] == 18 / 50 and a[7] == len(fired_a) / 50 and a[8] == a[7]
    periods = cum[cum["event"] == "fake_a"].set_index("step")["period"]
    assert (periods[0], periods[1], periods[8]) == ("start", "2014-Q1", "2015-Q4")
    # the trajectories and outcomes do not change
    assert "event" not in result.outcomes.columns


def test_chunk_files_keep_the_firings(tmp_path) -> None:
    partial = PartialRun.create(
        tmp_path / "s",
        "run",
        {"scenario_sha256": "x", "seed": 1, "record": "full", "replicates": 4, "chunk_size": 4},
    )
    events = firings_from_log([("e", 3, np.array([0, 3])), ("f", 1, np.array([], dtype=int))])
    result = ChunkResult(
        key=ChunkKey(0, 0),
        start=0,
        count=4,
        recorded_steps=np.array([0, 1], dtype=np.int32),
        history=np.zeros((2, 4, 3)),
        histograms=np.zeros((2, 3, 5), dtype=np.int32),
        parameters={},
        events=events,
    )
    partial.write_chunk(result)
    back = partial.read_chunk(ChunkKey(0, 0), 0, 4)
    assert list(back.events) == ["e", "f"]
    np.testing.assert_array_equal(back.events["e"], [[3, 0], [3, 3]])
    assert back.events["f"].shape == (0, 2)
    # a chunk file written before chunks carried events is not counted as finished
    import io
    import json

    with np.load(partial.chunk_path(ChunkKey(0, 0))) as data:
        arrays = {k: data[k] for k in data.files if not k.startswith("event_")}
    meta = json.loads(bytes(arrays["meta"]).decode())
    del meta["events"]
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    partial.chunk_path(ChunkKey(0, 0)).write_bytes(buf.getvalue())
    done, bad = partial.finished([(0, 4)], 1)
    assert done == [] and "no event records" in bad[0][1]


def test_events_parquet_has_a_stable_schema(tmp_path) -> None:
    quiet = load_small().model_copy(update={"events": {}})
    folder = sim.save(sim.run(quiet, replicates=10, seed=1, workers=1), tmp_path)
    empty = pq.read_table(folder / "events.parquet")
    assert empty.num_rows == 0
    loud = sim.save(sim.run(SMALL_YAML, replicates=10, seed=1, workers=1), tmp_path)
    table = pq.read_table(loud / "events.parquet")
    assert table.num_rows == 10  # the scheduled event, in every replicate
    assert table.schema.remove_metadata() == empty.schema.remove_metadata()
    assert [f.name for f in table.schema] == ["event", "replicate", "step", "date", "period"]
    frame = pd.read_parquet(loud / "events.parquet")
    assert frame["event"].astype(str).unique().tolist() == ["tension"]
    assert frame["step"].unique().tolist() == [4]
    # step 4 covers 2014-Q4; the model's date of the step is the first day after it
    assert frame["date"].iloc[0] == pd.Timestamp("2015-01-01")
    assert frame["period"].astype(str).unique().tolist() == ["2014-Q4"]
    html = (loud / "report.html").read_text()
    assert "<h2>Events</h2>" in html and "tension" in html and "100.0%" in html
    assert "This scenario has no events." in (folder / "report.html").read_text()
    manifest = load_manifest(loud)
    assert "events.parquet" in manifest["files"]
    # outcomes.csv keeps its columns: events have their own file
    columns = set(pd.read_csv(loud / "outcomes.csv").columns)
    assert columns == {"kind", *OUTCOME_COLUMNS, *DYAD_COLUMNS}


def test_a_sweep_numbers_the_points(tmp_path) -> None:
    key = "actors.CHN.assertiveness"
    result = sim.run(SMALL_YAML, replicates=6, seed=1, workers=1, sweep={key: [0.3, 0.9]})
    ev = result.events
    assert list(ev.columns) == ["point", "event", "replicate", "step", "date", "period"]
    assert ev.groupby("point").size().tolist() == [6, 6]
    assert "fired_tension" in result.sweep.columns
    assert list(result.event_stats["point"]) == [0, 1]
    folder = sim.save(result, tmp_path)
    assert pq.read_schema(folder / "events.parquet").field("point").type == "int32"


def test_real_events_are_identical_on_every_backend(tmp_path, dask_scheduler) -> None:
    path = events_yaml(tmp_path)
    kw = {"replicates": 60, "seed": 4, "chunk_size": 15}
    serial = sim.run(path, workers=1, **kw)
    table = serial.event_stats.set_index("event")
    assert table.loc["tension", "share_fired"] == 1.0
    assert 0 < table.loc["incident", "share_fired"] < 1
    assert table.loc["incident", "mean_firings"] > table.loc["incident", "share_fired"]
    assert table.loc["summit", "mean_firings"] == table.loc["summit", "share_fired"]
    for other in (
        sim.run(path, workers=2, **kw),
        sim.run(path, scheduler=dask_scheduler, **kw),
    ):
        pd.testing.assert_frame_equal(other.events, serial.events)
        pd.testing.assert_frame_equal(other.event_stats, serial.event_stats)
        np.testing.assert_array_equal(other.model.history, serial.model.history)
    # each chunk's firings are those of the model of that chunk alone
    model = AlignmentModel(
        sim.load_scenario(path), replicates=15, seed=chunk_seed(4, 2), record="outcomes"
    ).run()
    chunk2 = serial.events[serial.events["replicate"].between(30, 44)]
    direct = events_frame(sim.RunResult(sim.load_scenario(path), model).ensemble)
    assert len(chunk2) == len(direct)
    np.testing.assert_array_equal(chunk2["replicate"].to_numpy() - 30, direct["replicate"])
    np.testing.assert_array_equal(chunk2["step"].to_numpy(), direct["step"])
    assert event_table(serial.ensemble.point(0)).equals(serial.event_stats)


def test_resume_gives_the_same_events(tmp_path, monkeypatch) -> None:
    path = events_yaml(tmp_path)
    args = ["--reps", "60", "--chunk-size", "15", "--seed", "4", "--workers", "1"]

    def run(out: Path, *extra: str) -> int:
        return cli.main(["run", str(path), "--out", str(out), *args, *extra])

    assert run(tmp_path / "a") == 0
    with interrupt_after(2):
        assert run(tmp_path / "b") == 130
    assert run(tmp_path / "b", "--resume") == 0
    (a,) = (tmp_path / "a" / "small-test").iterdir()
    (b,) = (p for p in (tmp_path / "b" / "small-test").iterdir() if not p.name.startswith("."))
    for name in ("events.parquet", "trajectories.parquet", "outcomes.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert len(pd.read_parquet(a / "events.parquet")) > 60
    shutil.rmtree(tmp_path / "a")


def test_an_event_in_july_2016_is_recorded_in_its_quarter() -> None:
    """Quarterly steps from 2014-01-01: an event at 2016-07-01 fires at step 11, which
    covers 2016-Q3; the model's date of step 11 is 2016-10-01, the first day after it."""
    event = {"description": "A July summit.", "at": dt.date(2016, 7, 1)}
    event["add"] = {"actors.CHN.assertiveness": 0.05}
    scenario = baseline({"run.steps": 12, "events": {"summit": event}})
    model = AlignmentModel(scenario, replicates=6, seed=5).run()
    assert [(name, step) for name, step, _ in model.event_log] == [("summit", 11)]
    assert model.dates[10] == dt.date(2016, 7, 1) and model.dates[11] == dt.date(2016, 10, 1)
    row = event_table(model, scenario).set_index("event").loc["summit"]
    assert row["median_first_step"] == 11
    assert row["median_first_period"] == "2016-Q3"
    assert row["median_first_date"] == pd.Timestamp("2016-10-01")  # kept as it was
    frame = events_frame(sim.RunResult(scenario, model).ensemble)
    assert list(frame.columns) == ["event", "replicate", "step", "date", "period"]
    assert frame["period"].astype(str).tolist() == ["2016-Q3"] * 6
    assert frame["step"].tolist() == [11] * 6
