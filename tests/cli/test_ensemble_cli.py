"""Ensembles on the command line: chunks streamed to a partial folder, resume after an
interruption, half-written chunks, failing chunks, refusals (exit 2), sweeps, record
modes, a Dask cluster, and the progress lines."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from chunk_faults import INJECTED, fail_chunks, interrupt_after
from conftest import REPO_ROOT, SMALL_YAML

from sim.cli import main as cli
from sim.cli.progress import EnsembleProgress

ARGS = ["--reps", "100", "--chunk-size", "25", "--seed", "5"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(root.rglob("*"))
    }


def finals(out: Path) -> list[Path]:
    folder = out / "small-test"
    return (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []
    )


def partials(out: Path) -> list[Path]:
    folder = out / "small-test"
    return sorted(folder.glob(".partial-*")) if folder.exists() else []


def run(out: Path, *extra: str, file: Path = SMALL_YAML, workers: str = "1") -> int:
    return cli.main(["run", str(file), "--out", str(out), "--workers", workers, *ARGS, *extra])


def same_results(a: Path, b: Path) -> None:
    for name in ("trajectories.parquet", "outcomes.csv", "events.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted run of the small scenario (100 replicates, 4 chunks)."""
    out = tmp_path_factory.mktemp("reference")
    assert run(out) == 0
    (folder,) = finals(out)
    return folder


@pytest.mark.slow
def test_run_from_a_script_on_a_process_pool(tmp_path, reference) -> None:
    """run.py as a subprocess, 2 worker processes: the same bytes as a serial run."""
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "run.py"), "run", str(SMALL_YAML), "--out", str(out),
         "--workers", "2", *ARGS],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("report: ")
    assert lines[-2].startswith("run: 100 replicates in 4 chunks") and "2 local worker" in lines[-2]
    assert "chunks 4/4" in proc.stderr  # the plain progress line (stderr is not a TTY)
    (folder,) = finals(out)
    assert not partials(out)
    assert sorted(p.name for p in folder.iterdir()) == [
        "events.parquet", "manifest.json", "outcomes.csv", "report.html", "trajectories.parquet",
    ]  # fmt: skip
    same_results(folder, reference)
    m = json.loads((folder / "manifest.json").read_text())
    assert m["chunk_size"] == 25 and m["record"] == "full" and m["seed"] == 5
    assert m["execution"]["backend"] == "processes" and m["execution"]["workers"] == 2
    assert m["seeds"]["chunks"][3] == {"chunk": 3, "entropy": 5, "spawn_key": [1, 3]}
    assert "SeedSequence(entropy=seed, spawn_key=(1, c))" in m["seeds"]["scheme"]


def test_interrupted_run_resumes_to_the_same_result(tmp_path, monkeypatch, capsys, reference):
    out = tmp_path / "out"
    with interrupt_after(2):
        assert run(out) == 130
    err = capsys.readouterr().err
    assert "interrupted after 2 of 4 chunks" in err
    assert "continue with: " in err and err.rstrip().endswith("--resume")
    assert finals(out) == []  # nothing published
    (partial,) = partials(out)
    assert sorted(p.name for p in (partial / "chunks").iterdir()) == [
        "p0000-c000000.npz", "p0000-c000001.npz",
    ]  # fmt: skip

    assert run(out, "--resume") == 0
    captured = capsys.readouterr()
    assert "2 chunks done, 2 to run" in captured.err
    assert "2 chunk(s) from the interrupted run" in captured.out
    (folder,) = finals(out)
    assert not partials(out)
    same_results(folder, reference)
    m = json.loads((folder / "manifest.json").read_text())
    assert m["command"][-1] != "--resume"  # the command that started it
    assert m["execution"]["resumed"][0]["command"][-1] == "--resume"
    assert m["execution"]["chunks_from_earlier_attempts"] == 2


def test_resume_takes_the_settings_of_the_interrupted_run(tmp_path, monkeypatch, reference):
    out = tmp_path / "out"
    with interrupt_after(1):
        assert run(out) == 130
    # no --reps/--seed/--chunk-size given: the interrupted run's are used
    assert cli.main(["run", str(SMALL_YAML), "--out", str(out), "--resume"]) == 0
    (folder,) = finals(out)
    same_results(folder, reference)


def test_half_written_chunks_are_not_counted(tmp_path, monkeypatch, capsys, reference):
    out = tmp_path / "out"
    with interrupt_after(3):
        assert run(out) == 130
    (partial,) = partials(out)
    chunks = partial / "chunks"
    # a killed writer's temporary file, and a chunk file cut short
    (chunks / ".p0000-c000003.npz.tmp-999").write_bytes(b"PK\x03\x04 half a chunk")
    data = (chunks / "p0000-c000001.npz").read_bytes()
    (chunks / "p0000-c000001.npz").write_bytes(data[: len(data) // 2])
    capsys.readouterr()
    assert run(out, "--resume") == 0
    err = capsys.readouterr().err
    assert "2 chunks done, 2 to run" in err
    assert "point 0, chunk 1 is incomplete or unreadable" in err
    assert "removed 1 half-written chunk file" in err
    (folder,) = finals(out)
    same_results(folder, reference)


def test_resume_of_a_changed_scenario_is_refused(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    scenario = tmp_path / "small.yaml"
    shutil.copy(SMALL_YAML, scenario)
    with interrupt_after(2):
        assert run(out, file=scenario) == 130
    before = snapshot(out)
    capsys.readouterr()

    # another setting than the interrupted run's
    assert run(out, "--resume", "--record", "outcomes", file=scenario) == 2
    err = capsys.readouterr().err
    assert "cannot resume 'small-test'" in err and "record mode: full then, outcomes now" in err
    assert snapshot(out) == before

    # the scenario itself changed
    scenario.write_text(scenario.read_text().replace("assertiveness: 0.6", "assertiveness: 0.65"))
    assert run(out, "--resume", file=scenario) == 2
    err = capsys.readouterr().err
    assert "the scenario has changed since the interrupted run" in err
    assert "Traceback" not in err
    assert snapshot(out) == before  # the partial run is untouched


def test_resume_with_nothing_to_resume_is_refused(tmp_path, capsys) -> None:
    assert run(tmp_path, "--resume") == 2
    assert "nothing to resume" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_a_failing_chunk_is_reported_and_the_rest_completes(
    tmp_path, monkeypatch, capsys, reference
):
    out = tmp_path / "out"
    with fail_chunks([1]):
        assert run(out) == 1
    err = capsys.readouterr().err
    assert "1 of 4 chunks failed" in err
    assert (
        "point 0, chunk 1 (replicates 25..49; seed SeedSequence(entropy=5, spawn_key=(1, 1)))"
        in err
    )
    assert INJECTED in err and "--resume" in err
    assert finals(out) == []
    (partial,) = partials(out)
    assert len(list((partial / "chunks").glob("*.npz"))) == 3  # the others completed
    failures = json.loads((partial / "failures.json").read_text())
    assert failures[0]["seed"] == {"entropy": 5, "spawn_key": [1, 1]}

    assert run(out, "--resume") == 0  # the chunk works this time
    (folder,) = finals(out)
    same_results(folder, reference)
    assert not partials(out)


def test_a_failing_chunk_on_a_process_pool(tmp_path, monkeypatch, capsys) -> None:
    with fail_chunks([(0, 2)]):
        assert run(tmp_path, workers="2") == 1
    assert "point 0, chunk 2 (" in capsys.readouterr().err
    (partial,) = partials(tmp_path)
    assert len(list((partial / "chunks").glob("*.npz"))) == 3


def test_unreachable_scheduler_exits_2_and_writes_nothing(tmp_path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "run.py"), "run", str(SMALL_YAML), "--out", str(out),
         "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_run_on_a_dask_cluster(tmp_path, dask_scheduler, capsys, reference) -> None:
    assert run(tmp_path, "--scheduler", dask_scheduler) == 0
    assert "Dask at " in capsys.readouterr().out
    (folder,) = finals(tmp_path)
    same_results(folder, reference)
    m = json.loads((folder / "manifest.json").read_text())
    assert m["execution"]["backend"] == "dask"


def test_sweep_on_the_command_line(tmp_path, capsys) -> None:
    key = "actors.CHN.assertiveness"
    assert run(tmp_path, "--set", f"{key}=0.3,0.9", workers="2") == 0
    stdout = capsys.readouterr().out
    assert "small-test: 2 sweep points" in stdout and "P(entente)" in stdout
    (folder,) = finals(tmp_path)
    traj = pd.read_parquet(folder / "trajectories.parquet")
    assert list(traj.columns[:3]) == ["point", key, "replicate"]
    assert traj.groupby("point").size().tolist() == [100 * 9 * 3] * 2
    m = json.loads((folder / "manifest.json").read_text())
    assert m["sweep"]["points"] == [{key: 0.3}, {key: 0.9}]
    assert m["sweep"]["sets"] == {key: [0.3, 0.9]}
    assert len(m["seeds"]["chunks"]) == 4  # points share the chunks' seeds


def test_bad_sweep_and_record_options_exit_2(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        run(tmp_path, "--set", "actors.CHN.assertiveness")
    assert info.value.code == 2
    assert "expected KEY=V1,V2" in capsys.readouterr().err
    assert run(tmp_path, "--set", "actors.XXX.assertiveness=0.1") == 2
    assert "XXX" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(tmp_path, "--record", "steps:0")
    assert "steps:K" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_record_outcomes_keeps_start_and_end(tmp_path) -> None:
    assert run(tmp_path, "--record", "outcomes", workers="2") == 0
    (folder,) = finals(tmp_path)
    traj = pd.read_parquet(folder / "trajectories.parquet")
    assert len(traj) == 100 * 2 * 3 and sorted(traj["step"].unique()) == [0, 8]
    assert "Plotly.newPlot(" in (folder / "report.html").read_text()


def test_plain_progress_lines() -> None:
    stream = io.StringIO()
    progress = EnsembleProgress("demo", stream=stream, tty=False, interval=0.0)
    progress.start(chunks=20, replicates=2000, done_chunks=0, done_reps=0)
    for _ in range(20):
        progress.advance(100)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert 2 <= len(lines) <= 11
    assert lines[-1].startswith("demo: chunks 20/20, ") and "replicates/s" in lines[-1]
    assert "left" in lines[0]


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_a_partial_run_in_use_cannot_be_resumed(tmp_path, monkeypatch, capsys) -> None:
    from sim.experiment.store import PartialRun

    with interrupt_after(1):
        assert run(tmp_path) == 130
    (folder,) = partials(tmp_path)
    other = PartialRun.open(folder)
    other.lock()
    try:
        assert run(tmp_path, "--resume") == 2
        assert "another process is running this run now" in capsys.readouterr().err
    finally:
        other.unlock()
