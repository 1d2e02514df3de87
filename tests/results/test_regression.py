"""Behaviour pinned: a small baseline run gives the same bytes as when the hashes were taken.

The hashes were recorded with ``python run.py run scenarios/baseline.yaml --reps 200
--seed 7 --workers 1``, last on 2 December 2026 after issue 10 changed the model on purpose
(aimed threat, responsive autonomy, dynamic trade and sanctions, distinct candidate
levels, the baseline's uncertain judgements and its recalibration), and again the same day
when the baseline came to list its actors USA, RUS, CHN, JPN (so dyads read as the files
write them; the draws are indexed by actor position, so the numbers moved by noise and
the old order still reproduces the old hashes). A change that moves
code must leave them alone; a change that means to alter the model's numbers updates them
here and says why in its commit.

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

OUTCOMES_SHA256 = "f65ad83c2dd59b435ce4204e217ec47e0c303528590a0a9797401579eb951b8c"
TRAJECTORIES_SHA256 = "df0a798cb6688909993c928b1d8d8d656221971db7e1011df110cc550d3a83fa"
TRAJECTORIES_ROWS_SHA256 = "efe3300564e62517e620a4c4693ebf9d65dd097480fbee3f6c2588b4b46c2e9b"
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
