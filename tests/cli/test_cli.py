"""The command line, end to end (subprocess from the repo root) and in-process."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SMALL_YAML

from sim.cli import main as cli
from sim.cli import options, paths
from sim.cli import run as run_command

BAD_YAML = """\
name: bad
actors:
  USA:
    name: United States
    size: 1
    assertiveness: 2.0
  CHN:
    name: China
    size: 1
"""


def run_cli(*args: object, cwd: Path = REPO_ROOT, env: dict | None = None):
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "run.py"), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **(env or {})},
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def bad_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_YAML)
    return path


@pytest.mark.slow
def test_run_writes_results_and_prints_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # from another working directory: paths are the user's, run.py finds its own package
    proc = run_cli("run", SMALL_YAML, "--out", out, "--reps", 20, "--seed", 5, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("report: ")
    report = Path(last.removeprefix("report: "))
    assert report.is_file() and report.parent.parent == out / "small-test"
    assert sorted(p.name for p in report.parent.iterdir()) == [
        "events.parquet", "manifest.json", "outcomes.csv", "report.html", "trajectories.parquet",
    ]  # fmt: skip
    manifest = json.loads((report.parent / "manifest.json").read_text())
    assert manifest["replicates"] == 20 and manifest["seed"] == 5 and manifest["steps"] == 8
    assert manifest["command"][1:] == ["run", str(SMALL_YAML), "--out", str(out), "--reps",
                                       "20", "--seed", "5"]  # fmt: skip
    assert manifest["scenario_file"] == str(SMALL_YAML.resolve())
    assert "United States" in proc.stdout and "entente" in proc.stdout  # summary tables

    # a failing run afterwards leaves the earlier results exactly as they were (in this
    # process: a second interpreter would only import the model again to refuse the file)
    before = snapshot(out)
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_YAML)
    assert cli.main(["run", str(bad), "--out", str(out)]) == 2
    assert snapshot(out) == before


def test_validate_ok() -> None:
    proc = run_cli("validate", SMALL_YAML)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{SMALL_YAML}: ok (3 actors, 3 dyads, 1 event, 8 steps)"


def test_validate_bad_and_missing_files(bad_yaml: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    proc = run_cli("validate", SMALL_YAML, bad_yaml, missing)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{SMALL_YAML}: ok" in proc.stdout  # the good file is still reported
    assert f"{bad_yaml}:6:" in proc.stderr  # file:line of 'assertiveness: 2.0'
    assert "assertiveness" in proc.stderr
    assert f"{missing}: no such file" in proc.stderr


def test_run_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    proc = run_cli("run", tmp_path / "nope.yaml", "--out", tmp_path)
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("run", SMALL_YAML, "--reps", "0")
    assert proc.returncode == 2
    assert "--reps" in proc.stderr and "Traceback" not in proc.stderr
    assert not any(tmp_path.iterdir())


def test_schema_prints_json() -> None:
    proc = run_cli("schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert "actors" in json.dumps(schema)


# ---------------------------------------------------------------- in-process (fast)


def test_no_arguments_runs_the_default_scenario(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(run_command, "DEFAULT_SCENARIO", SMALL_YAML)
    monkeypatch.setattr(run_command, "DEFAULT_RESULTS", tmp_path)
    assert cli.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(f"report: {tmp_path / 'small-test'}")


def test_default_paths_are_beside_run_py() -> None:
    assert paths.REPO_ROOT == REPO_ROOT
    assert paths.DEFAULT_SCENARIO == REPO_ROOT / "scenarios" / "baseline.yaml"
    assert paths.DEFAULT_RESULTS == REPO_ROOT / "results"
    assert paths.WORKSHOP_RESULTS == REPO_ROOT / "results" / "workshop"


def test_internal_error_is_one_line_without_traceback(tmp_path, monkeypatch, capsys) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("the engine fell over\nsecond line")

    monkeypatch.setattr("sim.experiment.engine.open_folder_run", broken)
    monkeypatch.delenv("ALIGNSIM_DEBUG", raising=False)
    assert cli.main(["run", str(SMALL_YAML), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "please report" in err and "RuntimeError: the engine fell over" in err
    assert "Traceback" not in err and "second line" not in err
    monkeypatch.setenv("ALIGNSIM_DEBUG", "1")
    assert cli.main(["run", str(SMALL_YAML), "--out", str(tmp_path)]) == 1
    assert "Traceback" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_interrupt_exits_130_and_writes_nothing(tmp_path, monkeypatch, capsys) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.experiment.engine.open_folder_run", interrupted)
    assert cli.main(["run", str(SMALL_YAML), "--out", str(tmp_path)]) == 130
    assert "interrupted; no results written" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_interrupt_while_publishing_keeps_the_chunks(tmp_path, monkeypatch, capsys) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.api.save", interrupted)
    assert cli.main(["run", str(SMALL_YAML), "--out", str(tmp_path)]) == 130
    err = capsys.readouterr().err
    assert "the finished chunks are kept in" in err and "--resume" in err
    (partial,) = (tmp_path / "small-test").glob(".partial-*")
    assert [p.name for p in (tmp_path / "small-test").iterdir()] == [partial.name]
    monkeypatch.undo()
    assert cli.main(["run", str(SMALL_YAML), "--out", str(tmp_path), "--resume"]) == 0
    assert "0 to run" in capsys.readouterr().err  # every chunk was there
    (final,) = (tmp_path / "small-test").iterdir()
    assert not final.name.startswith(".")


# ---------------------------------------------------------------- the parser


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_command_dispatches_to_its_own_module() -> None:
    commands = _commands()
    assert list(commands) == [
        "run", "compare", "runs", "validate", "schema", "landscape", "explain", "sensitivity",
        "discover", "tipping", "calibrate", "explore", "workshop", "aar",
    ]  # fmt: skip
    for name, parser in commands.items():
        assert parser.get_default("func").__module__ == f"sim.cli.{name}", name
    assert cli.build_parser().get_default("func") is run_command.run_baseline


def test_a_shared_option_is_defined_once() -> None:
    """The same spelling, metavar, default and (where the default does not depend on the
    command) help in every command that takes it."""

    def seen(option: str, *fields: str) -> set[tuple]:
        return {
            tuple(getattr(action, f) for f in fields)
            for parser in _commands().values()
            for action in parser._actions
            if option in action.option_strings
        }

    for option in ("--workers", "--scheduler", "--connect-timeout", "--chunk-size", "--vary"):
        assert len(seen(option, "metavar", "default", "help")) == 1, option
    assert len(seen("--json", "help")) == 1
    for option in ("--reps", "--seed", "--out"):
        assert len(seen(option, "metavar")) == 1, option


def test_the_record_option_uses_the_model_parser() -> None:
    for mode in ("full", "outcomes", "steps:3"):
        assert options.record_mode(mode) == mode
    for bad in ("steps:0", "steps", "every", "steps:-1"):
        with pytest.raises(argparse.ArgumentTypeError, match="steps:K"):
            options.record_mode(bad)
