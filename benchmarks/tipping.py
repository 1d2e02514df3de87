"""Time a tipping-point table of five parameters on the point-estimate baseline.

    .venv/bin/python benchmarks/tipping.py [--reps 200] [--workers 1] [--tolerance 0.01]

Runs ``tipping`` of P(russia_japan_rapprochement) at 0.5 over five parameters (China's
assertiveness, the attention and shared-threat weights, the model's temperature and
Russia's autonomy) and prints the wall time, the number of ensembles evaluated, and the
ratio to a reference measured in the same run: the time of one ensemble of the same
replicates (so the ratio is about the number of sequential bisection rounds and their
points, independent of the machine). Prints the crossings in words and the command.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from sim.analysis.common import run_ensemble
from sim.analysis.tipping import tipping
from sim.scenario import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline-point.yaml"
OUTCOME = "russia_japan_rapprochement"
VARY = {
    "actors.CHN.assertiveness": (0.2, 1.0),
    "weights.attention": (0.0, 2.0),
    "weights.shared_threat": (0.0, 6.0),
    "model.temperature": (0.005, 0.05),
    "actors.RUS.autonomy": (0.0, 1.0),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=20140306)
    args = parser.parse_args()
    scenario = load_scenario(BASELINE)
    # warm up (numba compiles the choice kernel once per process), then the reference
    run_ensemble(
        scenario, replicates=10, seed=args.seed, chunk_size=1000, record="outcomes",
        points=[{}], workers=1, scheduler=None, connect_timeout=None, progress=None,
    )  # fmt: skip
    t0 = time.perf_counter()
    run_ensemble(
        scenario, replicates=args.reps, seed=args.seed, chunk_size=1000, record="outcomes",
        points=[{}], workers=1, scheduler=None, connect_timeout=None, progress=None,
    )  # fmt: skip
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = tipping(
        scenario,
        OUTCOME,
        VARY,
        replicates=args.reps,
        seed=args.seed,
        tolerance=args.tolerance,
        workers=args.workers,
    )
    wall = time.perf_counter() - t0
    for sentence in result.words():
        print(f"- {sentence}")
    print(
        f"tipping table of {len(VARY)} parameters, {args.reps} replicates, tolerance "
        f"{args.tolerance:g}, {args.workers} worker(s): {wall:.2f} s wall, "
        f"{result.points} ensembles; one ensemble {one:.3f} s; ratio {wall / one:.0f}"
    )
    print("command:", shlex.join([".venv/bin/python", "benchmarks/tipping.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
