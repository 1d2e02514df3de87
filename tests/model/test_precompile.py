"""Compiling ahead (sim.model.precompile): after it, the runs and explanations of the
scenarios compile nothing more."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.model import precompile
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


# Run in a fresh process: which signatures each compiled function of sim.model holds after
# precompiling the baseline, after a run of another scenario with its report (the
# explanations call the decision rule from Python), and after a call with a layout that
# was not compiled ahead (the control: what the test would see if a run needed one).
PROBE = """
import json, sys
import numpy as np
from numba.core.dispatcher import Dispatcher
from sim.cli.main import main
from sim.model import precompile
from sim.model.choice import level_value


def signatures():
    found = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("sim.") and module is not None:
            for value in vars(module).values():
                if isinstance(value, Dispatcher):
                    key = value.py_func.__module__ + "." + value.py_func.__qualname__
                    found[key] = sorted(str(s) for s in value.signatures)
    return found


assert precompile.main(["scenarios/baseline.yaml"]) == 0
ahead = signatures()
run = ["run", "scenarios/extended-region.yaml", "--reps", "40", "--workers", "1"]
assert main([*run, "--out", sys.argv[1]]) == 0
after_run = signatures()
x, column = np.zeros((3, 5)), np.zeros((3, 1))
level_value(x, np.broadcast_to(column, (3, 5)), x, x, x, x)
print(json.dumps([ahead, after_run, signatures()]))
"""


@pytest.mark.slow
def test_after_precompiling_a_run_with_its_report_compiles_nothing(tmp_path: Path) -> None:
    """numba compiles (or loads from its cache) one variant per signature a compiled
    function is called with: if the run after precompiling calls nothing with a signature
    precompiling did not, a fresh clone's first run compiles nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "results")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr
    assert "one core, all cores, observed" in proc.stderr
    ahead, after_run, after_control = json.loads(proc.stdout.strip().splitlines()[-1])
    for name in ("kernel._serial", "kernel._parallel", "choice.level_value"):
        assert ahead[f"sim.model.{name}"], name
    assert after_run == ahead
    # the control: a layout not compiled ahead shows as a new signature
    new = after_control["sim.model.choice.level_value"]
    assert len(new) == len(ahead["sim.model.choice.level_value"]) + 1


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
