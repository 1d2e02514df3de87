"""Throughput of the model's step beside a plain compiled reference, and the regions targets.

    .venv/bin/python benchmarks/throughput.py [--quick] [--skip-regions] [--repeats K]
                                              [--actors N ...]

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

Each rate is the best of ``--repeats`` runs (default 7), the model on all threads, the
model on one thread and the reference taking turns within each round, so that a quiet
moment of the machine serves all three alike; the ratio of the medians is printed beside
(on a shared machine the model on two threads needs both cores undisturbed, the reference
one, so a busy hour lowers the median ratio more than the best). Every run is compiled
beforehand.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numba
from reference_kernel import reference_rate
from synthetic import synthetic_scenario

from sim.model.model import AlignmentModel
from sim.scenario import Scenario

REPEATS = 7


def model_seconds(scenario: Scenario, replicates: int, seed: int, threads: int) -> float:
    """Seconds of one run of ``scenario`` on ``threads`` threads, from building the model to
    the end of its run."""
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        start = time.perf_counter()
        AlignmentModel(scenario, replicates=replicates, seed=seed, record="outcomes").run()
        return time.perf_counter() - start
    finally:
        numba.set_num_threads(before)


def compile_model(scenario: Scenario, threads: int) -> None:
    """Run a small model on ``threads`` threads, so that every timed run finds it compiled."""
    model_seconds(scenario, 2, 0, threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 replicates, 4 and 16 actors")
    parser.add_argument("--skip-regions", action="store_true", help="only the throughput table")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of each (default 7)")
    parser.add_argument("--actors", type=int, nargs="+", help="only these numbers of actors")
    args = parser.parse_args()
    reps = 1_000 if args.quick else 10_000
    actors = args.actors or ((4, 16) if args.quick else (4, 16, 64))
    threads = numba.get_num_threads()
    print(f"numba threads: {threads}, best of {args.repeats} (median ratio beside)")
    print(
        f"{'N':>4} {'R':>7} {'steps':>6} {'model rep-steps/s':>18} {'1 thread':>10} "
        f"{'reference':>10} {'model/ref':>9} {'1 thread/ref':>12} {'median model/ref':>16}"
    )
    for n in actors:
        # 64 actors: a step of 1,000 replicates is 4 million decisions, plenty to time
        steps, r = (40, reps) if n <= 16 else (10, reps // 10)
        scenario = synthetic_scenario(n, steps=steps)
        work = r * steps
        for count in (threads, 1):
            compile_model(scenario, count)
        model, single, reference = [], [], []
        for seed in range(1, args.repeats + 1):
            model.append(work / model_seconds(scenario, r, seed, threads))
            single.append(work / model_seconds(scenario, r, seed, 1))
            reference.append(reference_rate(scenario, r, steps))
        median = statistics.median(model) / statistics.median(reference)
        print(
            f"{n:>4} {r:>7} {steps:>6} {max(model):>18,.0f} {max(single):>10,.0f} "
            f"{max(reference):>10,.0f} {max(model) / max(reference):>9.2f} "
            f"{max(single) / max(reference):>12.2f} {median:>16.2f}",
            flush=True,
        )
    if args.skip_regions:
        return
    print(f"\n{'regions case':<28} {'seconds':>8} {'target':>7}")
    for n, r, steps, target in ((20, 10_000, 40, 10.0), (64, 1_000, 40, 30.0)):
        scenario = synthetic_scenario(n, steps=steps)
        compile_model(scenario, threads)
        seconds = min(model_seconds(scenario, r, seed, threads) for seed in range(1, 4))
        label = f"{n} actors x {r:,} x {steps}"
        print(f"{label:<28} {seconds:>8.2f} {target:>7.0f}", flush=True)


if __name__ == "__main__":
    main()
