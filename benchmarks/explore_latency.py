"""How soon the explorer redraws after a change: the callback's work, against the bare run.

    .venv/bin/python benchmarks/explore_latency.py [--scenario scenarios/baseline.yaml]
        [--reps 1000] [--repeat 7]

Measures, in this process and one after the other (nothing in parallel), after the base
ensemble has run and one change has warmed the kernel and the figure code:

(a) the change: what the page's redraw callback does when a control changes
    (:func:`sim.explore.app.redraw`: read the boxes, load the what-if, run its ensemble
    on the base's random numbers, compare it with the base, build the figures) plus the
    JSON of its outputs, as Dash sends them to the page; every repeat changes China's
    assertiveness to a new value (so nothing is served from the last result);
(b) the reference: the bare ensemble of the same what-if, the same replicates, seed and
    chunk size (:meth:`sim.explore.exploration.Explorer.ensemble`), without the loading,
    the comparison, the figures or the JSON.

It prints each repeat and the medians; the target of issue 15 is (a) within 1 s at four
actors on this 2-core machine. The browser's own drawing (plotly.js) comes on top of (a).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from plotly.io.json import to_json_plotly

from sim.explore.app import redraw
from sim.explore.controls import shown_value
from sim.explore.exploration import Explorer
from sim.explore.what_if import what_if_scenario
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
CONTROL = "actors.CHN.assertiveness"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    base = load_scenario(args.scenario)
    explorer = Explorer(args.scenario, base, replicates=args.reps)
    started = time.perf_counter()
    explorer.base_ensemble()
    base_s = time.perf_counter() - started
    typed = {c.key: shown_value(c.value) for c in explorer.controls if not c.is_switch}
    actors = len(base.actors)
    print(
        f"{args.scenario.name}: {actors} actors, {args.reps:,} replicates, chunks of "
        f"{explorer.chunk_size:,}; base ensemble {base_s:.3f} s (first, with compiling)"
    )
    changes, references = [], []
    for k in range(args.repeat + 1):
        value = round(0.70 + 0.01 * k, 2)
        typed[CONTROL] = shown_value(value)
        started = time.perf_counter()
        drawn = redraw(explorer, typed, {})
        to_json_plotly(drawn.outputs())
        change_s = time.perf_counter() - started
        scenario = what_if_scenario(args.scenario, {CONTROL: value})
        started = time.perf_counter()
        explorer.ensemble(scenario)
        reference_s = time.perf_counter() - started
        if k == 0:
            print(f"warm-up: change {change_s:.3f} s, bare ensemble {reference_s:.3f} s")
            continue
        changes.append(change_s)
        references.append(reference_s)
        print(
            f"repeat {k}: {CONTROL} -> {value:g}: change to redrawn figures {change_s:.3f} s; "
            f"bare ensemble {reference_s:.3f} s"
        )
    print(
        f"median of {args.repeat}: change to redrawn figures {statistics.median(changes):.3f} s "
        f"(target: at most 1 s at four actors); bare ensemble (reference) "
        f"{statistics.median(references):.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
