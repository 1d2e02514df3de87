"""Recover known parameters by calibration, at the project's default scale.

    .venv/bin/python benchmarks/calibration_recovery.py [--budget 200] [--reps 200]
        [--seed 202] [--workers 1] [--truth-reps 400] [--truth-seed 101]

The model makes the data: scenarios/baseline-point.yaml (no uncertain parameters) run at
known values of the responsiveness, the threat weight and China's assertiveness on
``--truth-seed`` with ``--truth-reps`` replicates; each of the 6 dyads' ensemble mean at
8 steps (2015-Q1, then every 5 quarters to 2023-Q4) is a point observation with sd 0.05
(a stated measurement error: the means' own Monte Carlo error is about 0.003). Then
``calibrate`` fits the three over ranges that hold the true values off their centres, on
``--seed`` (not the truth's, so the fit does not see the random numbers that made the
data). Prints, per parameter, the true value, the best, the 95% profile interval and the
error as a share of the range; the log-likelihoods; the wall time of the calibration and
the command. tests/analysis/test_calibration.py runs the same recovery smaller.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from sim.analysis.calibration import calibrate
from sim.analysis.recovery import model_observations

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline-point.yaml"
TRUE = {"model.responsiveness": 1.3, "weights.threat": 0.55, "actors.CHN.assertiveness": 0.75}
RANGES = {
    "model.responsiveness": (0.8, 3.0),
    "weights.threat": (0.1, 0.8),
    "actors.CHN.assertiveness": (0.2, 1.0),
}
STEPS = (5, 10, 15, 20, 25, 30, 35, 40)
SD = 0.05


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=202, help="the calibration's seed")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--truth-reps", type=int, default=400)
    parser.add_argument("--truth-seed", type=int, default=101)
    args = parser.parse_args()
    # also the warm-up: numba compiles the choice kernel once per process
    data = model_observations(BASELINE, TRUE, STEPS, SD, args.truth_reps, args.truth_seed)
    t0 = time.perf_counter()
    result = calibrate(
        BASELINE,
        data,
        RANGES,
        budget=args.budget,
        replicates=args.reps,
        seed=args.seed,
        workers=args.workers,
    )
    wall = time.perf_counter() - t0
    header = ("parameter", "true", "best", "95% interval", "error / range", "inside")
    rows = []
    for path, iv in result.intervals.items():
        lo, hi = RANGES[path]
        rows.append(
            (
                path,
                f"{TRUE[path]:g}",
                f"{iv.best:.3f}",
                f"{iv.low:.3f} .. {iv.high:.3f}",
                f"{(iv.best - TRUE[path]) / (hi - lo):+.1%}",
                "yes" if iv.low <= TRUE[path] <= iv.high else "no",
            )
        )
    widths = [max(len(r[k]) for r in (header, *rows)) for k in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(
        f"{len(result.observations)} point observations (sd {SD:g}) from {args.truth_reps} "
        f"replicates on seed {args.truth_seed}; fitted on seed {args.seed}"
    )
    print(
        f"log-likelihood {result.before.fit:.2f} at the scenario's own values, "
        f"{result.best.fit:.2f} fitted (Monte Carlo error {result.monte_carlo_error:.2f})"
    )
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(
        f"calibration of {len(RANGES)} parameters, {args.budget} evaluations x {args.reps} "
        f"replicates, {args.workers} worker(s): {wall:.1f} s wall"
    )
    print(
        "command:",
        shlex.join([".venv/bin/python", "benchmarks/calibration_recovery.py", *sys.argv[1:]]),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
