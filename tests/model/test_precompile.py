"""Compiling ahead (sim.model.precompile): after it, the runs and explanations of the
scenarios compile nothing more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.model import precompile
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def _compiled(cache: Path) -> set[str]:
    return {p.name for p in cache.rglob("*.nbc")}


@pytest.mark.slow
def test_after_precompiling_a_run_with_its_report_compiles_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}

    def python(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )

    done = python("-m", "sim.model.precompile", "scenarios/baseline.yaml")
    assert done.returncode == 0, done.stderr
    assert "one core, all cores, observed" in done.stderr
    ahead = _compiled(cache)
    assert any(name.startswith("kernel._parallel") for name in ahead)
    assert any(name.startswith("kernel._serial") for name in ahead)
    assert any(name.startswith("choice.level_value") for name in ahead)
    # another scenario, its report (the explanations call the decision rule from Python)
    ran = python(
        "run.py",
        "run",
        "scenarios/extended-region.yaml",
        "--reps",
        "40",
        "--out",
        str(tmp_path / "results"),
    )
    assert ran.returncode == 0, ran.stderr
    assert _compiled(cache) == ahead


def test_a_file_that_does_not_load_exits_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nactors: 3\n")
    assert precompile.main([str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err


def test_every_way_a_step_runs_is_covered() -> None:
    ways = precompile.ways(load_scenario(ROOT / "tests" / "fixtures" / "small.yaml"))
    assert list(ways) == ["one core", "all cores", "observed"]
    wide = ways["all cores"]
    n = len(wide.actor_ids)
    assert wide.replicates * n * (n - 1) >= precompile.kernel.PARALLEL_MIN_DECISIONS
    assert ways["observed"].decision_observers
