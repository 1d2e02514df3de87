"""The search that chose the baseline's issue-10 settings: facts and the 2014-2024 backcast.

    .venv/bin/python benchmarks/calibrate_backcast.py [--trials 0] [--width 0.15]
        [--margin 0.05] [--seed 6] [--reps 400]

Scores a set of settings by how far it misses what it is calibrated to (0: nothing
missed), on 400-replicate ensembles at the tests' seed (20140306):

- the backcast (scenarios/history/2014-2024.yaml): each dyad's median end in history's
  band, its direction against its 2014 start and against the baseline's end
  (tests/test_history_backcast.py states them);
- the baseline: Russia-Japan rises, Russia allied with no one, US-Japan allied in at least
  95% (tests/analysis/test_stylised_facts.py);
- the ceiling (tests/model/test_autonomy.py): in the point-estimate baseline confronted by
  the West, Russia-China passes the allied bound in some replicates; unconfronted, in none.

Each miss counts by its distance past the bound, with ``--margin`` asked for inside it (a
search with a margin prefers settings that pass with room). With ``--trials 0`` it scores
the baseline as it is; with N trials it draws settings around it (each log-uniform within
``--width``) and prints every trial as a JSON line, best last. The chosen settings were
rounded by hand from the best trial, and re-checked with ``--trials 0`` (score 0.0 at
margin 0). The backcast is in-sample for these settings: it shows that the drivers can
produce the decade, not that they forecast it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from sim.analysis.stylised_facts import Ensembles, dyad_history
from sim.model.model import AlignmentModel
from sim.model.world import build_world
from sim.scenario import load_scenario
from sim.scenario.paths import parse_target

ROOT = Path(__file__).resolve().parent.parent
SEED = 20140306
#: The settings the search moves (the new ones of issue 10 and the weights they trade off).
FACTORS = (
    "model.responsiveness",
    "model.hostility_threat",
    "model.dispute_threat",
    "model.autonomy_relief",
    "model.trade_elasticity",
    "model.trade_lag",
    "model.trade_diversion",
    "weights.dispute",
    "weights.threat",
    "weights.interdependence",
)
UNIT = {"model.autonomy_relief", "model.trade_diversion"}  # bounded by 1
#: History's band for each dyad's median end in early 2024 (tests/test_history_backcast.py).
BANDS = {
    ("RUS", "CHN"): (0.2001, 0.6),  # aligned, not allied
    ("RUS", "JPN"): (-1.0, -0.2001),  # rivalry or worse
    ("USA", "RUS"): (-1.0, -0.2001),  # rivalry or worse
    ("USA", "JPN"): (0.6001, 1.0),  # allied
    ("USA", "CHN"): (-0.6, -0.2001),  # rivalry
    ("CHN", "JPN"): (-0.6, -0.2001),  # rivalry, not hostile
}
#: History's direction against the 2014 start and against the baseline's end.
WARMER = {("RUS", "CHN"), ("USA", "JPN")}
CONFRONTATION = {
    "actors.USA.assertiveness_toward.RUS": 0.5,
    "actors.USA.assertiveness_toward.CHN": 0.5,
    "actors.USA.sanctions.RUS": 0.5,
    "actors.JPN.sanctions.RUS": 0.3,
}


def _median(model: AlignmentModel, pair: tuple[str, str]) -> float:
    return float(np.median(dyad_history(model, *pair)[-1]))


def _share_above(model: AlignmentModel, pair: tuple[str, str], bound: float) -> float:
    return float((dyad_history(model, *pair)[-1] > bound).mean())


def _miss(x: float, lo: float, hi: float) -> float:
    return max(lo - x, 0.0) + max(x - hi, 0.0)


def score(changes: dict[str, float], reps: int, margin: float) -> dict:
    """How far ``changes`` (on top of the baseline) miss the targets, and what they give."""
    base_file = ROOT / "scenarios" / "baseline.yaml"
    point_file = ROOT / "scenarios" / "baseline-point.yaml"
    history = load_scenario(ROOT / "scenarios" / "history" / "2014-2024.yaml")
    base = Ensembles(load_scenario(base_file), reps, SEED, changes)({})
    back = Ensembles(history, reps, SEED, changes)({})
    point = Ensembles(load_scenario(point_file), reps, SEED, changes)
    confronted, quiet = point(CONFRONTATION), point({})
    miss = 0.0
    for pair, (lo, hi) in BANDS.items():
        end, start, off = _median(back, pair), dyad_history(back, *pair)[0, 0], _median(base, pair)
        sign = 1 if pair in WARMER else -1
        miss += _miss(end, lo + margin, hi - margin)
        miss += _miss(sign * (end - start), 0.001 + margin, 9.0)
        if pair == ("USA", "JPN") and off > 0.6:  # allied in both: at most equal
            miss += _miss(end - off, 0.0, 9.0)
        else:
            miss += _miss(sign * (end - off), 0.001 + margin, 9.0)
    rus_jpn = _median(base, ("RUS", "JPN")) - dyad_history(base, "RUS", "JPN")[0, 0]
    miss += _miss(rus_jpn, 0.051 + margin, 9.0)
    russia = max(_median(base, ("RUS", k)) for k in base.actor_ids if k != "RUS")
    miss += _miss(russia, -1.0, 0.6 - margin)
    miss += _miss(_share_above(base, ("USA", "JPN"), 0.6), 0.95 + margin / 4, 1.0)
    miss += _miss(_share_above(confronted, ("RUS", "CHN"), 0.6), 0.02 + margin / 2, 1.0)
    miss += _miss(_share_above(quiet, ("RUS", "CHN"), 0.6), 0.0, 0.0)
    return {
        "score": round(miss, 4),
        "changes": changes,
        "backcast": {"-".join(p): _median(back, p) for p in BANDS},
        "baseline": {"-".join(p): _median(base, p) for p in BANDS},
        "confronted_allied_share": _share_above(confronted, ("RUS", "CHN"), 0.6),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=0)
    parser.add_argument("--width", type=float, default=0.15)
    parser.add_argument("--margin", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--reps", type=int, default=400)
    args = parser.parse_args(argv)
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    world = build_world(scenario)
    center = {f: float(world.value(parse_target(scenario, f))[0]) for f in FACTORS}
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    results = []
    for _ in range(max(args.trials, 1)):
        if args.trials == 0:
            changes: dict[str, float] = {}
        else:
            changes = {
                f: round(v * float(np.exp(rng.uniform(-args.width, args.width))), 3)
                for f, v in center.items()
            }
            changes = {f: min(v, 1.0) if f in UNIT else v for f, v in changes.items()}
        result = score(changes, args.reps, args.margin)
        results.append(result)
        print(json.dumps(result), flush=True)
    best = min(results, key=lambda r: r["score"])
    print(f"best score {best['score']} of {len(results)} trial(s) in "
          f"{time.perf_counter() - started:.0f} s: {json.dumps(best['changes'])}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
