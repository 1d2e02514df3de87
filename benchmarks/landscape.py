"""Time the exhaustive landscape search (sim.analysis.landscape.analyse) on random cases.

    .venv/bin/python benchmarks/landscape.py            # N = 16, 18, 20, 22; neutral 11, 12, 13
    .venv/bin/python benchmarks/landscape.py 20         # one size, two blocs

Each case has random sizes in [0.5, 1.5) and random symmetric propensities in [-1, 1)
(seeded), so ties are rare; the time covers every configuration's energy, the minima
and the basins (not reading a file). Prints one line per case: N, positions,
configurations, minima, best of 3 wall-clock seconds.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from sim.analysis.landscape import LandscapeInput, analyse


def case(n: int, seed: int = 1) -> LandscapeInput:
    """A random case of n actors (seeded)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(-1, 1, (n, n))
    p = np.triu(p, 1)
    p = p + p.T
    return LandscapeInput.from_arrays([f"A{i}" for i in range(n)], rng.uniform(0.5, 1.5, n), p)


def timed(n: int, neutral: bool, repeat: int = 3) -> None:
    data = case(n)
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = analyse(data, neutral=neutral)
        best = min(best, time.perf_counter() - t0)
    kind = "two blocs + neutral" if neutral else "two blocs"
    print(
        f"N={n:2d}  {kind:<19}  {result.configurations:>10,} configurations  "
        f"{len(result.minima):>4} minima  {best:6.2f} s",
        flush=True,
    )


def main(argv: list[str]) -> None:
    if argv:
        for n in argv:
            timed(int(n), neutral=False)
        return
    for n in (16, 18, 20, 22):
        timed(n, neutral=False)
    for n in (11, 12, 13):
        timed(n, neutral=True)


if __name__ == "__main__":
    main(sys.argv[1:])
