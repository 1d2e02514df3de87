"""Behaviour pinned: a small baseline run gives the same bytes as before the restructuring.

The hashes were recorded on the code before the packages were moved (issue 9) with
``python run.py run scenarios/baseline.yaml --reps 200 --seed 7 --workers 1``. A change
that moves code must leave them alone; a change that means to alter the model's numbers
updates them here and says why in its commit.

``outcomes.csv`` is plain text, so its bytes are compared. A Parquet file also carries the
writer's version in its metadata, so its bytes are compared only under the pyarrow that
recorded them; its decoded rows are compared under any version.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow
from conftest import REPO_ROOT

OUTCOMES_SHA256 = "42928fe4cb6982f39597e0f387306525496ea007408d6768740fee0a9672906d"
TRAJECTORIES_SHA256 = "a97c31d6acffb101e7f85c1186db33eee5cfb1f7c78ad76f850d7cc6d8045f1c"
TRAJECTORIES_ROWS_SHA256 = "82ae359bccfca101c237bbcfdfec75304b6966124b5d4cdd21af8acbeea62eea"
RECORDED_WITH_PYARROW = "26.0.1"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_small_baseline_run_is_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "results"
    command = [sys.executable, str(REPO_ROOT / "run.py"), "run", "scenarios/baseline.yaml"]
    command += ["--reps", "200", "--seed", "7", "--workers", "1", "--out", str(out)]
    proc = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    (run_dir,) = (out / "baseline").iterdir()

    assert _sha256((run_dir / "outcomes.csv").read_bytes()) == OUTCOMES_SHA256

    rows = pd.read_parquet(run_dir / "trajectories.parquet")
    assert len(rows) == 200 * 41 * 6
    text = rows.to_csv(index=False, float_format="%.17g").encode()
    assert _sha256(text) == TRAJECTORIES_ROWS_SHA256
    if pyarrow.__version__ == RECORDED_WITH_PYARROW:
        assert _sha256((run_dir / "trajectories.parquet").read_bytes()) == TRAJECTORIES_SHA256
