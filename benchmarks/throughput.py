"""Throughput of the model's step beside a plain compiled reference, and the regions targets.

    .venv/bin/python benchmarks/throughput.py [--quick] [--skip-regions]

For 4, 16 and 64 actors (synthetic scenarios: the baseline's four powers plus generated
middle powers), 10,000 replicates x 40 steps (64 actors: 1,000 x 10), one process:
replicate-steps per second of the model on all of the process's threads (numba's default:
one per core), of the model on one thread, and of the plain single-core reference
(benchmarks/reference_kernel.py: the same arithmetic, less the model's extra terms) on
the same numbers, measured one after the other in the same run; the ratio model /
reference is what to compare between machines
(issue 13's target: at least 2). Then the two regions targets, timed from building the
model to the end of its run (issue 13: 20 actors x 10,000 x 40 steps in at most 10 s, 64
actors x 1,000 x 40 in at most 30 s).

Each figure is the best of three runs (the machine is shared: the best is the least
disturbed); every run is compiled beforehand.
"""

from __future__ import annotations

import argparse
import time

import numba
from reference_kernel import reference_rate
from synthetic import synthetic_scenario

from sim.model.model import AlignmentModel

REPEATS = 3


def model_seconds(n_actors: int, replicates: int, steps: int, threads: int) -> float:
    """Seconds of the best of REPEATS runs, from building the model to the end of its run."""
    scenario = synthetic_scenario(n_actors, steps=steps)
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        AlignmentModel(scenario, replicates=2, seed=0).run()  # compiled, warm
        best = float("inf")
        for seed in range(1, REPEATS + 1):
            start = time.perf_counter()
            AlignmentModel(scenario, replicates=replicates, seed=seed, record="outcomes").run()
            best = min(best, time.perf_counter() - start)
    finally:
        numba.set_num_threads(before)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 replicates, 4 and 16 actors")
    parser.add_argument("--skip-regions", action="store_true", help="only the throughput table")
    args = parser.parse_args()
    reps = 1_000 if args.quick else 10_000
    actors = (4, 16) if args.quick else (4, 16, 64)
    threads = numba.get_num_threads()
    print(f"numba threads: {threads}")
    print(
        f"{'N':>4} {'R':>7} {'steps':>6} {'model rep-steps/s':>18} {'1 thread':>10} "
        f"{'reference':>10} {'model/ref':>9} {'1 thread/ref':>12}"
    )
    for n in actors:
        # 64 actors: a step of 1,000 replicates is 4 million decisions, plenty to time
        steps, r = (40, reps) if n <= 16 else (10, reps // 10)
        scenario = synthetic_scenario(n, steps=steps)
        work = r * steps
        model = work / model_seconds(n, r, steps, threads)
        single = work / model_seconds(n, r, steps, 1)
        reference = max(reference_rate(scenario, r, steps) for _ in range(REPEATS))
        print(
            f"{n:>4} {r:>7} {steps:>6} {model:>18,.0f} {single:>10,.0f} {reference:>10,.0f} "
            f"{model / reference:>9.2f} {single / reference:>12.2f}",
            flush=True,
        )
    if args.skip_regions:
        return
    print(f"\n{'regions case':<28} {'seconds':>8} {'target':>7}")
    for n, r, steps, target in ((20, 10_000, 40, 10.0), (64, 1_000, 40, 30.0)):
        seconds = model_seconds(n, r, steps, threads)
        label = f"{n} actors x {r:,} x {steps}"
        print(f"{label:<28} {seconds:>8.2f} {target:>7.0f}", flush=True)


if __name__ == "__main__":
    main()
