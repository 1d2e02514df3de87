"""The index of a results folder (sim.results.run_index): every published folder from its
manifest, newest first, and what it skips and why."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import SMALL_YAML, load_small

import sim
from sim.analysis.common import base_manifest
from sim.results.index_entry import read_entry
from sim.results.publish import publish_folder
from sim.results.run_folder import write_run
from sim.results.run_index import folder_listing, read_index

SWEEP = {"model.temperature": [0.01, 0.2]}


@pytest.fixture(scope="module")
def sweep_run() -> sim.RunResult:
    return sim.run(SMALL_YAML, replicates=20, seed=3, sweep=SWEEP)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, sweep_run) -> tuple[Path, Path, Path]:
    """A results root with two runs of the small scenario (seeds 1 and 2) and a sweep;
    only the first has its report (the others are written without pages: faster)."""
    root = tmp_path_factory.mktemp("results")
    first = sim.save(sim.run(SMALL_YAML, replicates=40, seed=1), root)
    second = write_run(sim.run(SMALL_YAML, replicates=30, seed=2), root)
    return first, second, write_run(sweep_run, root)


def _restart(folder: Path, started: str) -> None:
    """Give a run folder another start time (as if it had run then)."""
    path = folder / "manifest.json"
    m = json.loads(path.read_text())
    m["started_at"] = started
    path.write_text(json.dumps(m))


def test_runs_are_listed_from_their_manifests_newest_first(saved, tmp_path) -> None:
    first, second, sweep = (shutil.copytree(f, tmp_path / "small-test" / f.name) for f in saved)
    _restart(first, "2030-01-02T10:00:00.000+00:00")
    _restart(second, "2029-05-06T10:00:00.000+09:00")
    _restart(sweep, "2028-01-01T00:00:00.000+00:00")
    index = read_index(tmp_path)
    assert [e.path for e in index.entries] == [
        f"small-test/{first.name}", f"small-test/{second.name}", f"small-test/{sweep.name}",
    ]  # fmt: skip
    assert index.skipped == ()
    top = index.entries[0]
    manifest = json.loads((first / "manifest.json").read_text())
    assert (top.kind, top.scenarios, top.seed, top.replicates) == ("run", ("small-test",), 1, 40)
    assert top.scenario_sha256 == (manifest["scenario_sha256"],)
    assert top.scenario_files == (str(SMALL_YAML.resolve()),)
    assert top.description == load_small().description
    assert top.started_text == "2030-01-02 10:00"
    assert top.report == f"small-test/{first.name}/report.html"
    assert top.run_shape == "8 steps of 3 months from 2014-01-01, chunks of 1000"
    # the end-states are outcomes.csv's, in the scenario's order
    csv = (first / "outcomes.csv").read_text().splitlines()
    shares = {e.outcome: e.probability for e in top.end_states}
    assert list(shares) == ["entente", "thaw", "russia_free"]
    for line in csv[1:4]:
        kind, outcome, _desc, probability, *_ = line.split(",")
        assert kind == "end_state" and shares[outcome] == pytest.approx(float(probability))
    assert [e.outcome for e in top.headline(2)] == sorted(shares, key=lambda o: -shares[o])[:2]


def test_a_sweep_lists_each_end_state_over_its_points(saved, sweep_run) -> None:
    entry = read_entry(saved[2].parent.parent, saved[2])
    assert entry.sweep_points == 2
    assert entry.report is None  # written without its page
    by_name = {e.outcome: e for e in entry.end_states}
    assert list(by_name) == ["entente", "thaw", "russia_free"]
    for name, rows in sweep_run.outcomes.groupby("outcome"):
        share = by_name[name]
        assert share.probability is None
        assert (share.low, share.high) == (rows["probability"].min(), rows["probability"].max())
        expected = (
            f"{share.low:.1%}" if share.low == share.high else f"{share.low:.1%}–{share.high:.1%}"
        )
        assert share.text == expected


def test_damaged_partial_and_half_written_folders_are_skipped_with_a_reason(
    saved, tmp_path
) -> None:
    good = shutil.copytree(saved[0], tmp_path / "small-test" / saved[0].name)
    broken = {
        "20240101-000000-aaaaaa": "{not json",
        "20240101-000000-bbbbbb": "[1, 2]",
        "20240101-000000-cccccc": json.dumps({"format": "alignsim-run", "run_id": "x"}),
        "20240101-000000-dddddd": json.dumps({"format": "something else"}),
    }
    for name, text in broken.items():
        (tmp_path / "small-test" / name).mkdir()
        (tmp_path / "small-test" / name / "manifest.json").write_text(text)
    (tmp_path / "small-test" / "20240101-000000-eeeeee").mkdir()  # no manifest at all
    (tmp_path / "small-test" / ".partial-20240101-000000-ffffff").mkdir()
    (tmp_path / "small-test" / ".20240101-000000-abcdef.tmp-999").mkdir()
    (tmp_path / "workshop").mkdir()  # not result folders: passed over in silence
    (tmp_path / "workshop" / "game.sqlite").write_bytes(b"")
    (tmp_path / "README.md").write_text("outputs")
    index = read_index(tmp_path)
    assert [e.path for e in index.entries] == [f"small-test/{good.name}"]
    reasons = {s.path.split("/")[1]: s.reason for s in index.skipped}
    assert reasons == {
        "20240101-000000-aaaaaa": "manifest.json is damaged (not JSON: Expecting property name "
        "enclosed in double quotes at line 1)",
        "20240101-000000-bbbbbb": "manifest.json is damaged (not a JSON object)",
        "20240101-000000-cccccc": "manifest.json is damaged ('replicates' is missing)",
        "20240101-000000-dddddd": "manifest.json is not one alignsim writes (no known 'format')",
        "20240101-000000-eeeeee": "no manifest.json (not a complete result folder)",
        ".partial-20240101-000000-ffffff": "an unfinished run (the same command with --resume "
        "continues it)",
        ".20240101-000000-abcdef.tmp-999": "being written now, or left by a process that was "
        "killed",
    }
    assert all(s.line.startswith(f"skipped {s.path}: ") for s in index.skipped)
    assert index.folders == folder_listing(tmp_path)


def test_an_unreadable_manifest_is_skipped(saved, tmp_path, monkeypatch) -> None:
    folder = shutil.copytree(saved[0], tmp_path / "small-test" / saved[0].name)
    real = Path.read_text

    def read_text(self: Path, *args, **kwargs):
        if self == folder / "manifest.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    index = read_index(tmp_path)
    assert index.entries == ()
    (skipped,) = index.skipped
    assert skipped.reason == "manifest.json cannot be read (Permission denied)"


def test_a_wrong_type_and_a_damaged_outcomes_csv(saved, tmp_path) -> None:
    folder = shutil.copytree(saved[0], tmp_path / "small-test" / saved[0].name)
    m = json.loads((folder / "manifest.json").read_text())
    (folder / "outcomes.csv").write_text("not,the,columns\n1,2,3\n")
    entry = read_entry(tmp_path, folder)
    assert entry.end_states == ()
    assert entry.notes and entry.notes[0].startswith("outcomes.csv cannot be read")
    m["seed"] = "seven"
    (folder / "manifest.json").write_text(json.dumps(m))
    index = read_index(tmp_path)
    assert [s.reason for s in index.skipped] == [
        "manifest.json is damaged ('seed' is not a whole number)"
    ]


def test_comparisons_and_analyses_are_known_by_their_manifests(saved, tmp_path) -> None:
    cmp = sim.compare([SMALL_YAML, SMALL_YAML], replicates=20, seed=4)
    folder = sim.save_comparison(cmp, tmp_path)
    scenario = load_small()
    now = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)

    def fill(tmp: Path, run_id: str):
        m = base_manifest("sensitivity", scenario, SMALL_YAML, 9, now, now, None, ["run.py"])
        m.update({"replicates": 20, "outcome": {"text": "P(entente)"}})
        (tmp / "sensitivity.html").write_text("<p>indices</p>")
        return m, ["sensitivity.html"]

    # an analysis of a scenario called 'compare' sits where comparisons do: the manifest says
    analysis = publish_folder(tmp_path / "sensitivity" / "compare", "20310101-000000-aaaaaa", fill)
    index = read_index(tmp_path)
    by_kind = {e.kind: e for e in index.entries}
    assert set(by_kind) == {"compare", "sensitivity"}
    comparison = by_kind["compare"]
    assert comparison.path == f"compare/{folder.name}"
    assert comparison.scenarios == ("small-test", "small-test")
    assert (comparison.seed, comparison.replicates) == (4, 20)
    assert comparison.report == f"compare/{folder.name}/comparison.html"
    largest = cmp.largest["text"]
    assert comparison.detail == (f"largest difference: {largest.iloc[0]}" if len(largest) else "")
    sensitivity = by_kind["sensitivity"]
    assert sensitivity.path == f"sensitivity/compare/{analysis.name}"
    assert (sensitivity.seed, sensitivity.replicates) == (9, 20)
    assert sensitivity.detail == "outcome: P(entente)"
    assert sensitivity.report == f"sensitivity/compare/{analysis.name}/sensitivity.html"
    assert index.entries[0] is sensitivity  # started in 2031
    assert index.of_scenario("small-test") == index.entries
    assert index.of_scenario("other") == ()


def test_a_root_that_does_not_exist_has_no_folders(tmp_path) -> None:
    index = read_index(tmp_path / "nothing")
    assert (index.entries, index.skipped, index.folders) == ((), (), frozenset())
