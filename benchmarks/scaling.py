"""How run time grows with actors, steps and replicates (log-log exponents).

    .venv/bin/python benchmarks/scaling.py

For each factor, two runs that differ only in it; the exponent is
log(t2 / t1) / log(x2 / x1). Actors: N = 16 and 64 at R = 100, 20 steps (target: no worse
than quadratic, exponent <= 2). Steps: 20 and 80 at N = 4, R = 1,000 (expected 1).
Replicates: 1,000 and 16,000 at N = 4, 40 steps (expected at most 1: fixed costs amortise).
Each time is the best of three.
"""

from __future__ import annotations

import math
import time

from synthetic import synthetic_scenario

from sim.model.model import AlignmentModel


def seconds(n_actors: int, replicates: int, steps: int) -> float:
    """Best of three wall-clock times of one run."""
    scenario = synthetic_scenario(n_actors, steps=steps)
    AlignmentModel(scenario, replicates=2, seed=0).run()  # compile and warm up
    best = math.inf
    for attempt in range(3):
        start = time.perf_counter()
        AlignmentModel(scenario, replicates=replicates, seed=attempt, record="outcomes").run()
        best = min(best, time.perf_counter() - start)
    return best


def exponent(label: str, x1: float, t1: float, x2: float, t2: float) -> None:
    value = math.log(t2 / t1) / math.log(x2 / x1)
    print(f"{label:<12} {x1:>8g} -> {x2:<8g} {t1:8.3f} s -> {t2:8.3f} s   exponent {value:.2f}")


def main() -> None:
    print(f"{'factor':<12} {'from':>8}    {'to':<8} {'time':>10}      {'time':>10}")
    exponent("actors", 16, seconds(16, 100, 20), 64, seconds(64, 100, 20))
    exponent("steps", 20, seconds(4, 1_000, 20), 80, seconds(4, 1_000, 80))
    exponent("replicates", 1_000, seconds(4, 1_000, 40), 16_000, seconds(4, 16_000, 40))


if __name__ == "__main__":
    main()
