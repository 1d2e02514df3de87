"""Synthetic scenarios of any number of actors, for benchmarks.

The baseline's four powers plus N - 4 generated middle powers with random but plausible
attributes and ties, so that every driver term does work (disputes, irritants, treaties,
levers). Deterministic for a given N.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import yaml

from sim.scenario import Scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def synthetic_scenario(n_actors: int, steps: int = 40, replicates: int = 100) -> Scenario:
    """The baseline with ``n_actors`` actors in all (at least 4)."""
    data = yaml.safe_load(BASELINE.read_text())
    data = copy.deepcopy(data)
    data["name"] = f"synthetic-{n_actors}"
    data["run"].update(steps=steps, replicates=replicates)
    rng = np.random.default_rng(n_actors)
    ids = list(data["actors"])
    for k in range(n_actors - len(ids)):
        actor = f"A{k:02d}"
        data["actors"][actor] = {
            "name": f"Actor {k}",
            "capabilities": {
                "gdp": float(rng.uniform(0.05, 2.0)),
                "military": float(rng.uniform(1, 60)),
                "population": float(rng.uniform(5, 250)),
            },
            "assertiveness": float(rng.uniform(0.1, 0.5)),
            "offense": float(rng.uniform(0.1, 0.5)),
            "autonomy": float(rng.uniform(0.0, 1.0)),
        }
        for other in ids:
            dyad: dict = {
                "relation": float(np.round(rng.uniform(-0.4, 0.4) / 0.05) * 0.05),
                "proximity": float(rng.uniform(0, 1)),
                "interdependence": float(rng.uniform(0, 0.3)),
                "institutions": float(rng.uniform(0, 0.4)),
            }
            if rng.random() < 0.1:
                dyad["disputes"] = {f"d{k}_{other}": float(rng.uniform(0.1, 0.6))}
            if rng.random() < 0.05:
                dyad["treaty"] = 1.0
            data["dyads"][f"{other}-{actor}"] = dyad
        ids.append(actor)
    return Scenario.model_validate(data)
