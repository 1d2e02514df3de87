"""Behaviour pinned: a small baseline run gives the same bytes as when the hashes were taken.

The hashes were recorded with ``python run.py run scenarios/baseline.yaml --reps 200
--seed 7 --workers 1``, on 2 December 2026 after issue 10 changed the model on purpose
(aimed threat, responsive autonomy, dynamic trade and sanctions, distinct candidate
levels, the baseline's uncertain judgements and its recalibration), and again the same day
when the baseline came to list its actors USA, RUS, CHN, JPN (so dyads read as the files
write them; the draws are indexed by actor position, so the numbers moved by noise and
the old order still reproduces the old hashes), and on 3 December 2026 when issue 13
fused the step into one compiled kernel: each replicate now draws its choice uniforms
from its own counter-based stream (sim/model/streams.py) instead of one shared numpy
generator, so every number moved by noise (the ensemble's means and spreads agree with
the old code's within sampling error; the same hashes come with --workers 2), and on 4
December 2026 when every uncertain parameter came to draw from a stream of its own
(sim/experiment/uncertainty.py, parameter_stream), so that a what-if fixing one keeps the
others' draws: the baseline's end-state probabilities at 10,000 replicates moved within
their 95% intervals (bipolar blocs 0.763 -> 0.771, China isolated 0.180 -> 0.176), the
dyads' mean ends by at most 0.001. A change
that moves code must leave them alone; a change that means to alter the model's numbers updates them
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

OUTCOMES_SHA256 = "c400c3b1892c853c1190b7fafd853a052aca1acdff37750825fe56ba00fbd625"
TRAJECTORIES_SHA256 = "eac409a5b3ef1d947c56231beda237c38c68faea3d8fde4702f74a7ff2a20f60"
TRAJECTORIES_ROWS_SHA256 = "aa87bef4bb4a94d88cde5c6533f6cf3f2d3de276d31e8860986da99162e47c5c"
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
