"""10,000 separate single-replicate runs against one 10,000-replicate run of the baseline.

    .venv/bin/python benchmarks/separate_vs_axis.py [--reps 10000]

The separate runs are what a Mesa user would do with batch_run: build and run one model
per replicate (here in a plain loop, without batch_run's process pool, which would only
add spawn and pickling costs). The single run carries all replicates on its replicate
axis. Both use the baseline scenario (4 actors, 40 quarterly steps) and record only
outcomes. Target: the single run at least 20 times faster.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.model.model import AlignmentModel
from sim.scenario import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    args = parser.parse_args()
    scenario = load_scenario(BASELINE)
    AlignmentModel(scenario, replicates=2, seed=0).run()  # compile the kernel first

    start = time.perf_counter()
    for k in range(args.reps):
        AlignmentModel(scenario, replicates=1, seed=k, record="outcomes").run()
    separate = time.perf_counter() - start

    start = time.perf_counter()
    AlignmentModel(scenario, replicates=args.reps, seed=0, record="outcomes").run()
    axis = time.perf_counter() - start

    steps = scenario.run.steps
    print(f"baseline, {args.reps} replicates x {steps} steps")
    print(
        f"  {args.reps} separate single-replicate runs: {separate:8.2f} s "
        f"({args.reps * steps / separate:,.0f} replicate-steps/s)"
    )
    print(
        f"  one {args.reps}-replicate run:           {axis:8.2f} s "
        f"({args.reps * steps / axis:,.0f} replicate-steps/s)"
    )
    print(f"  speed-up: {separate / axis:.0f}x (target >= 20x)")


if __name__ == "__main__":
    main()
