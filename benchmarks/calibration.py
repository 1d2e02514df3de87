"""Time a calibration of three parameters to the observations of 2014-2024.

    .venv/bin/python benchmarks/calibration.py [--scenario scenarios/history/2014-2024.yaml]
        [--observations scenarios/history/observations-2014-2024.csv] [--budget 200]
        [--reps 200] [--workers 1] [--seed 20140306]

Runs ``calibrate`` of the model's responsiveness, the weight of threat and the relief of
autonomy by outside options against the dated observations, and prints the wall time,
the evaluations and replicate runs per second, how the time splits between the ensemble
engine (the result's RunStats.seconds) and the rest (the optimiser, the likelihood and the
assembly of each point's histories), and the ratio to a reference measured in the same
run: the median time of five single ensembles of the same replicates of the same
scenario, recorded in full as the calibration records it (so the ratio is about the
number of evaluations and what each costs beyond the engine, independent of the
machine's speed). Prints the best values in words, the load average and the command.

The history scenario is the baseline with the decade's events added; ``--scenario
scenarios/baseline.yaml`` fits the same observations (their dates lie within the
baseline's run too) without the events.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import time
from pathlib import Path

from sim.analysis.calibration import calibrate
from sim.analysis.common import run_ensemble
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "scenarios" / "history" / "2014-2024.yaml"
OBSERVATIONS = ROOT / "scenarios" / "history" / "observations-2014-2024.csv"
VARY = {
    "model.responsiveness": (0.8, 3.0),
    "weights.threat": (0.1, 0.8),
    "model.autonomy_relief": (0.0, 1.0),
}


def one_ensemble(scenario_path: Path, replicates: int, seed: int, repeats: int = 1) -> float:
    """Seconds for one ensemble of ``replicates`` of the scenario, recorded in full (the
    median of ``repeats``: one ensemble is short enough for the machine's noise to show)."""
    scenario = load_scenario(scenario_path).model_copy(update={"sweep": {}})
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_ensemble(
            scenario, replicates=replicates, seed=seed, chunk_size=1000, record="full",
            points=[{}], workers=1, scheduler=None, connect_timeout=None, progress=None,
        )  # fmt: skip
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=HISTORY)
    parser.add_argument("--observations", type=Path, default=OBSERVATIONS)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=20140306)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    # warm up (numba compiles the choice kernel once per process), then the reference
    one_ensemble(args.scenario, 10, args.seed)
    one = one_ensemble(args.scenario, args.reps, args.seed, repeats=5)
    t0 = time.perf_counter()
    result = calibrate(
        args.scenario,
        args.observations,
        VARY,
        budget=args.budget,
        replicates=args.reps,
        seed=args.seed,
        workers=args.workers,
    )
    wall = time.perf_counter() - t0
    assert result.stats is not None
    engine = result.stats.seconds
    rest = wall - engine
    runs = result.stats.replicates_done
    for sentence in result.words():
        print(f"- {sentence}")
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(
        f"calibration of {len(VARY)} parameters of {result.scenario.name}, "
        f"{args.budget} evaluations x {args.reps} replicates, {args.workers} worker(s): "
        f"{wall:.2f} s wall, {result.points / wall:.2f} evaluations/s, "
        f"{runs / wall:,.0f} replicate runs/s ({runs:,} runs of {result.points} points)"
    )
    print(
        f"engine {engine:.2f} s ({engine / wall:.0%}), optimiser and scoring {rest:.2f} s "
        f"({rest / wall:.0%}); one ensemble {one:.3f} s; ratio {wall / one:.0f} "
        f"({wall / one / result.points:.2f} ensembles' time per evaluation); load average "
        f"{load:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print("command:", shlex.join([".venv/bin/python", "benchmarks/calibration.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
