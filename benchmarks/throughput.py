"""Throughput of the model in replicate-steps per second, for R replicates and N actors.

    .venv/bin/python benchmarks/throughput.py [--quick]

One model carries all R replicates (the replicate axis); one process, no pool. Prints a
table of R x N with replicate-steps per second and seconds per run. Large cases run fewer
steps so that the whole benchmark takes a few minutes; the rate is per replicate-step.
"""

from __future__ import annotations

import argparse
import time

from synthetic import synthetic_scenario

from sim.model.model import AlignmentModel


def rate(n_actors: int, replicates: int, steps: int, record: str = "outcomes") -> float:
    """Replicate-steps per second of one run (after a warm-up that compiles the kernel)."""
    scenario = synthetic_scenario(n_actors, steps=steps)
    AlignmentModel(scenario, replicates=2, seed=0).run()  # warm-up
    start = time.perf_counter()
    AlignmentModel(scenario, replicates=replicates, seed=1, record=record).run()
    return replicates * steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small cases only")
    args = parser.parse_args()
    reps = (1, 100) if args.quick else (1, 100, 10_000)
    actors = (4, 16) if args.quick else (4, 16, 64)
    print(f"{'N':>4} {'R':>7} {'steps':>6} {'rep-steps/s':>14} {'s/run':>8}")
    for n in actors:
        for r in reps:
            # Keep each case to seconds: fewer steps where R x N^2 is large.
            steps = 40 if r * n * n <= 10_000 * 16 * 16 else 10
            value = rate(n, r, steps)
            print(f"{n:>4} {r:>7} {steps:>6} {value:>14,.0f} {r * steps / value:>8.3f}", flush=True)


if __name__ == "__main__":
    main()
