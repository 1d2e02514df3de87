"""Ensemble throughput through the engine: one process against a local pool.

    .venv/bin/python benchmarks/ensemble.py [--reps 100000]

Runs the baseline (4 actors, 40 steps) as an ensemble of --reps replicates in chunks of
the scenario's chunk size, keeping outcomes only, first on 1 worker (in-process chunks)
and then on a pool of all cores. Prints wall time and replicate-steps per second; the
pool's time includes starting its worker processes.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import sim

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100_000)
    args = parser.parse_args()
    scenario = sim.load_scenario(BASELINE)
    steps = scenario.run.steps
    sim.run(scenario, replicates=10, record="outcomes", workers=1)  # compile the kernel
    cores = os.cpu_count() or 1
    print(
        f"baseline, {args.reps} replicates x {steps} steps, chunks of "
        f"{scenario.run.chunk_size}, --record outcomes"
    )
    for workers in sorted({1, cores}):
        start = time.perf_counter()
        sim.run(scenario, replicates=args.reps, record="outcomes", workers=workers)
        wall = time.perf_counter() - start
        print(
            f"  {workers} worker(s): {wall:6.2f} s  {args.reps * steps / wall:12,.0f} "
            "replicate-steps/s",
            flush=True,
        )


if __name__ == "__main__":
    main()
