"""Issue 14, the command line: an estimate before huge work, output folders that cannot be
written, a mistyped command, the --out default, the progress line's words, and one
resume at a time. In-process through ``sim.cli.main.main`` except where a real second
process is the point."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SMALL_YAML
from test_ensemble_cli import finals as finished_runs
from test_ensemble_cli import snapshot as tree

from sim.cli import main as cli
from sim.experiment import estimate
from sim.experiment.store import PartialRun
from sim.scenario import load_scenario


def interrupted_run(out: Path, monkeypatch) -> Path:
    """A run of the small scenario interrupted while publishing: its partial folder."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr("sim.api.save", interrupted)
        assert cli.main(["run", str(SMALL_YAML), "--out", str(out), "--workers", "1"]) == 130
    (partial,) = (out / "small-test").glob(".partial-*")
    return partial


# ---------------------------------------------------------------- the estimate


def test_a_huge_run_stops_before_it_starts_and_says_what_it_would_take(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["run", str(SMALL_YAML), "--out", str(out), "--reps", "10000000"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "this run is larger than the limits" in err
    assert "270,000,000 rows (limit 100,000,000)" in err  # 10^7 x 9 recorded steps x 3 dyads
    assert "of disk" in err and "of memory" in err and "about" in err
    assert "--yes" in err and "Nothing was started" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_million_point_sweep_stops_and_validate_warns(tmp_path, capsys):
    values = ",".join(f"{0.1 + k * 0.0008:.4f}" for k in range(1000))
    argv = ["run", str(SMALL_YAML), "--out", str(tmp_path / "out")]
    argv += ["--set", f"actors.CHN.assertiveness={values}"]
    argv += ["--set", f"actors.RUS.assertiveness={values}"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "this sweep is larger than the limits" in err and "1,000,000 points" in err
    assert not (tmp_path / "out").exists()

    huge = tmp_path / "huge.yaml"
    huge.write_text(
        f"extends: {SMALL_YAML}\nname: huge\nsweep:\n"
        f"  actors.CHN.assertiveness: [{values}]\n  actors.RUS.assertiveness: [{values}]\n"
    )
    assert cli.main(["validate", str(huge), str(SMALL_YAML)]) == 0  # valid, but warned
    captured = capsys.readouterr()
    assert f"{huge}: ok" in captured.out and f"{SMALL_YAML}: ok" in captured.out
    (warning,) = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert str(huge) in warning and "1,000,000 points" in warning and "--yes" in warning


def test_yes_goes_ahead_above_the_limits_and_big_runs_say_their_estimate(
    tmp_path, monkeypatch, capsys
):
    out = tmp_path / "out"
    argv = ["run", str(SMALL_YAML), "--out", str(out), "--workers", "1"]
    monkeypatch.setattr(estimate, "LIMITS", estimate.Limits(rows=10))
    assert cli.main(argv) == 2
    assert "540 rows (limit 10)" in capsys.readouterr().err  # 20 x 9 steps x 3 dyads
    assert not out.exists()
    assert cli.main([*argv, "--yes"]) == 0
    err = capsys.readouterr().err
    assert "estimate for 20 replicates x 8 steps: 540 rows" in err
    assert "above the limits (540 rows (limit 10)), going ahead (--yes)" in err
    assert len(finished_runs(out)) == 1

    monkeypatch.setattr(estimate, "LIMITS", estimate.Limits())
    assert cli.main(argv) == 0  # small: no estimate line
    assert "estimate for" not in capsys.readouterr().err
    monkeypatch.setattr(estimate, "NOTICE", estimate.Notice(rows=100))
    assert cli.main(argv) == 0  # big enough to say so, under the limits: runs
    err = capsys.readouterr().err
    assert "estimate for 20 replicates x 8 steps: 540 rows" in err and "going ahead" not in err


def test_compare_and_the_analyses_check_their_estimate(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(estimate, "LIMITS", estimate.Limits(memory_share=1e-12))
    out = tmp_path / "out"
    argv = ["compare", str(SMALL_YAML), str(SMALL_YAML), "--out", str(out), "--reps", "4"]
    assert cli.main(argv) == 2
    assert "this comparison is larger than the limits" in capsys.readouterr().err
    argv = ["sensitivity", str(SMALL_YAML), "--outcome", "USA-CHN", "--n", "2", "--reps", "2"]
    argv += ["--vary", "actors.CHN.assertiveness=0.4:0.8", "--out", str(out)]
    assert cli.main(argv) == 2
    assert "this sensitivity analysis is larger than the limits" in capsys.readouterr().err
    assert not out.exists()


def test_estimate_counts_rows_and_disk_exactly_enough() -> None:
    scenario = load_scenario(SMALL_YAML)
    work = estimate.count_work(scenario, 1000, 3, 100, "steps:4", 2)
    assert (work.recorded, work.dyads, work.chunks) == (3, 3, 30)  # steps 0, 4, 8
    est = estimate.estimate(work, scenario)
    assert est.rows == 1000 * 3 * 3 * 3
    assert est.disk_bytes >= 8 * est.rows  # the chunk files' float64 histories at least
    assert est.seconds is None  # too small to time
    assert est.over() == [] and not est.notable


@pytest.mark.parametrize(
    ("file", "replicates", "record"),
    [
        ("scenarios/baseline.yaml", None, None),  # python run.py
        ("scenarios/kurils-settled.yaml", 500, None),  # the README's what-if
        ("scenarios/baseline.yaml", 100_000, "full"),  # docs/performance.md's benchmarks
        ("scenarios/baseline.yaml", 100_000, "outcomes"),
    ],
)
def test_the_limits_do_not_trip_for_the_baseline_and_the_documented_runs(
    file, replicates, record
) -> None:
    from sim.cli.limits import estimate_ensemble

    scenario = load_scenario(REPO_ROOT / file)
    est = estimate_ensemble(scenario, replicates, 1, None, record, 2)
    assert est.over() == [], est.line()
    if replicates == 100_000:
        assert est.seconds is not None and est.seconds > 0  # timed: worth saying


# ---------------------------------------------------------------- output folders


def test_an_out_that_is_a_file_or_under_a_file_is_bad_input(tmp_path, capsys):
    file = tmp_path / "results.txt"
    file.write_text("not a folder")
    for out, words in ((file, "is a file, not a folder"), (file / "sub", f"{file} is a file")):
        assert cli.main(["run", str(SMALL_YAML), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert str(out) in err and words in err and "--out DIR" in err
        assert "internal error" not in err and "Traceback" not in err
    assert file.read_text() == "not a folder"
    argv = ["compare", str(SMALL_YAML), str(SMALL_YAML), "--out", str(file)]
    assert cli.main(argv) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_read_only_out_is_bad_input(tmp_path, monkeypatch, capsys):
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: answer as the folder's mode says
        real = os.access
        monkeypatch.setattr(
            "sim.cli.out_folder.os.access",
            lambda p, mode: False if Path(p) == out else real(p, mode),
        )
    try:
        assert cli.main(["run", str(SMALL_YAML), "--out", str(out / "runs")]) == 2
        err = capsys.readouterr().err
        assert f"{out} is read-only" in err and "--out DIR" in err
        assert "internal error" not in err
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


def test_a_folder_made_read_only_while_running_is_bad_input(tmp_path, monkeypatch, capsys):
    def refused(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr("sim.experiment.store.PartialRun.create", classmethod(refused))
    assert cli.main(["run", str(SMALL_YAML), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "it is read-only (permission denied)" in err and "--out DIR" in err


def _enospc_after(real, count: int, suffix: str):
    """``real`` with ENOSPC from its ``count``-th call on a path ending in ``suffix``,
    after half the file is written."""
    calls = []

    def write(path, *args, **kwargs):
        if str(path).endswith(suffix):
            calls.append(path)
            if len(calls) >= count:
                Path(path).write_bytes(b"half a file")
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, *args, **kwargs)

    return write


def test_a_full_disk_while_publishing_leaves_no_folder_and_earlier_results_as_they_were(
    tmp_path, monkeypatch, capsys
):
    from sim.results import run_folder

    out = tmp_path / "out"
    argv = ["run", str(SMALL_YAML), "--out", str(out), "--workers", "1"]
    assert cli.main(argv) == 0
    (earlier,) = finished_runs(out)
    before = tree(earlier)
    capsys.readouterr()

    # the run folder writes trajectories.parquet, then outcomes.csv: the disk fills there
    full = _enospc_after(run_folder.write_outcomes_csv, 1, "outcomes.csv")
    monkeypatch.setattr(run_folder, "write_outcomes_csv", full)
    assert cli.main([*argv, "--seed", "8"]) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "outcomes.csv" in err and str(out) in err
    assert "--resume" in err and "internal error" not in err
    assert finished_runs(out) == [earlier] and tree(earlier) == before
    names = [p.name for p in (out / "small-test").iterdir()]
    assert not [n for n in names if ".tmp-" in n]  # no half-written result folder
    (partial,) = [n for n in names if n.startswith(".partial-")]  # the chunks, for --resume

    monkeypatch.undo()
    assert cli.main([*argv, "--seed", "8", "--resume"]) == 0
    assert len(finished_runs(out)) == 2 and tree(earlier) == before
    assert not (out / "small-test" / partial).exists()


def test_a_full_disk_while_writing_chunks_keeps_the_finished_ones(tmp_path, monkeypatch, capsys):
    from sim.experiment import store

    out = tmp_path / "out"
    argv = ["run", str(SMALL_YAML), "--out", str(out), "--workers", "1", "--chunk-size", "5"]
    monkeypatch.setattr(
        store, "atomic_write_bytes", _enospc_after(store.atomic_write_bytes, 3, ".npz")
    )
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and ".npz" in err and "--resume" in err
    (partial,) = (out / "small-test").glob(".partial-*")
    assert finished_runs(out) == []
    monkeypatch.undo()
    assert cli.main([*argv, "--resume"]) == 0
    assert "2 chunks done, 2 to run" in capsys.readouterr().err
    assert len(finished_runs(out)) == 1 and not partial.exists()


def test_a_full_disk_at_the_start_leaves_nothing(tmp_path, monkeypatch, capsys):
    from sim.experiment import store

    out = tmp_path / "out"
    monkeypatch.setattr(
        store, "atomic_write_bytes", _enospc_after(store.atomic_write_bytes, 1, "state.json")
    )
    assert cli.main(["run", str(SMALL_YAML), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "state.json" in err
    assert not (out / "small-test").exists()


# ---------------------------------------------------------------- small things


def test_a_mistyped_command_gets_the_closest_one(capsys):
    assert cli.main(["rnu", str(SMALL_YAML)]) == 2
    err = capsys.readouterr().err
    assert "'rnu' is not a command; did you mean 'run'?" in err
    assert "commands: run, compare, runs, validate" in err and "Traceback" not in err
    assert cli.main(["valdate"]) == 2
    assert "did you mean 'validate'?" in capsys.readouterr().err
    assert cli.main([str(SMALL_YAML)]) == 2
    assert f"python run.py run {SMALL_YAML}" in capsys.readouterr().err


def test_help_shows_the_out_default_relative_to_the_current_folder(tmp_path, monkeypatch):
    def out_help() -> str:
        (run_parser,) = [
            a.choices["run"] for a in cli.build_parser()._actions if hasattr(a, "choices")
            and a.choices and "run" in a.choices
        ]  # fmt: skip
        (action,) = [a for a in run_parser._actions if "--out" in a.option_strings]
        return action.help

    monkeypatch.chdir(REPO_ROOT)
    assert out_help() == "results root folder (default: results)"
    monkeypatch.chdir(tmp_path)
    assert out_help().endswith(f"(default: {os.path.relpath(REPO_ROOT / 'results')})")
    assert f"(default: {REPO_ROOT}" not in out_help()  # not the checkout's absolute path


def test_the_start_line_reads_as_english(tmp_path, capsys):
    argv = ["run", str(SMALL_YAML), "--out", str(tmp_path), "--workers", "1"]
    assert cli.main([*argv, "--record", "steps:4"]) == 0
    err = capsys.readouterr().err
    assert "keeping one step in 4 and the last (record steps:4), in this process" in err
    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert "keeping every step (record full), in this process" in err
    assert ", on in this process" not in err


# ---------------------------------------------------------------- one resume at a time


def test_a_second_resume_of_a_run_in_progress_is_refused(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    partial = interrupted_run(out, monkeypatch)
    before = tree(partial)
    first = PartialRun.open(partial)
    first.lock()  # the first resume, going on
    try:
        argv = ["run", str(SMALL_YAML), "--out", str(out), "--resume"]
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert "another process is running this run now" in err and str(partial) in err
        assert "Traceback" not in err
        assert tree(partial) == before
    finally:
        first.unlock()  # the first ends
    assert cli.main(argv) == 0
    assert len(finished_runs(out)) == 1


HOLDER = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("holding", flush=True)
    time.sleep(600)
    """
)


def test_the_lock_of_a_process_that_dies_is_released(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    partial = interrupted_run(out, monkeypatch)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(partial / ".lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        argv = ["run", str(SMALL_YAML), "--out", str(out), "--resume"]
        assert cli.main(argv) == 2
        assert "another process is running this run now" in capsys.readouterr().err
    finally:
        holder.send_signal(signal.SIGKILL)  # it dies; the OS lets go of its lock
        holder.wait(timeout=60)
    assert cli.main(argv) == 0
    assert len(finished_runs(out)) == 1 and not partial.exists()


# ---------------------------------------------------------------- --max-file-size


@pytest.fixture
def six_megabytes(tmp_path: Path) -> Path:
    """The small scenario padded with a comment to 6 MB, over the default limit of 5."""
    big = tmp_path / "big.yaml"
    big.write_text(SMALL_YAML.read_text() + "\n# " + "x" * 6_000_000 + "\n")
    return big


def test_a_file_over_the_limit_says_how_to_raise_it(six_megabytes, tmp_path, capsys):
    hint = "hint: raise the limit with --max-file-size MB"
    out = str(tmp_path / "out")
    for argv in (
        ["validate", str(six_megabytes)],
        ["run", str(six_megabytes), "--out", out],
        ["compare", str(SMALL_YAML), str(six_megabytes), "--out", out],
        ["sensitivity", str(six_megabytes), "--outcome", "USA-CHN", "--out", out],
        ["explain", str(six_megabytes), "--actor", "RUS"],
        ["landscape", str(six_megabytes)],
        ["workshop", str(six_megabytes), "--game", str(tmp_path / "out" / "game.sqlite")],
    ):
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "larger than the limit of 5 MB" in err and hint in err, argv
    assert not (tmp_path / "out").exists()

    # raised (and lowered) with the option: the small file is 1,095 bytes
    assert cli.main(["validate", str(SMALL_YAML), "--max-file-size", "0.001"]) == 2
    err = capsys.readouterr().err
    assert "larger than the limit of 1,000 bytes" in err and hint in err
    assert cli.main(["validate", str(SMALL_YAML), "--max-file-size", "0.002"]) == 0
    for command in (["explain", str(SMALL_YAML), "--actor", "RUS"], ["landscape", str(SMALL_YAML)]):
        assert cli.main([*command, "--max-file-size", "0.001"]) == 2
        err = capsys.readouterr().err
        assert "larger than the limit of 1,000 bytes" in err and hint in err, command
        assert cli.main([*command, "--max-file-size", "0.002", "--reps", "2"]) == 0, command
    capsys.readouterr()

    # the limit reaches the files a scenario extends
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {SMALL_YAML}\nname: child\n")
    assert cli.main(["validate", str(child), "--max-file-size", "0.001"]) == 2
    err = capsys.readouterr().err
    assert "extends: base scenario" in err and "1,095 bytes" in err and hint in err
    assert cli.main(["validate", str(child), "--max-file-size", "0.002"]) == 0


def test_max_file_size_is_one_option_on_every_command_that_reads_a_scenario_file(capsys):
    from sim.cli import options
    from sim.scenario.sourced_yaml import DEFAULT_MAX_BYTES

    assert options.DEFAULT_MAX_FILE_MB * 1_000_000 == DEFAULT_MAX_BYTES
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if hasattr(a, "choices") and a.choices]
    seen = set()
    commands = ("run", "compare", "validate", "sensitivity", "discover", "tipping", "calibrate")
    for name in (*commands, "explain", "landscape", "workshop"):
        (action,) = [a for a in sub.choices[name]._actions if "--max-file-size" in a.option_strings]
        seen.add((action.metavar, action.default, action.help))
    assert seen == {("MB", 5, "refuse a scenario file, or a file it extends, larger than MB "
                     "megabytes (default: 5)")}  # fmt: skip
    for bad in ("0", "-1", "many"):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["validate", str(SMALL_YAML), "--max-file-size", bad])
        assert exit_.value.code == 2
        assert "--max-file-size" in capsys.readouterr().err
