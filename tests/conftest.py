"""Shared fixtures: the small test scenario and a fake model with the real one's shape."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.scenario import Scenario, load_scenario

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL_YAML = FIXTURES / "small.yaml"

# The local process pools fork their workers from multiprocessing's forkserver. With the
# engine imported there once, each test's pool starts in about a second instead of every
# worker importing the model again (2-3 s a pool). Only this pytest process is affected:
# the tests that run run.py as a subprocess start their pools as a user's command does.
multiprocessing.set_forkserver_preload(["sim.experiment.tasks"])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with slow tests first, each file's tests in their order: pytest-xdist
    (``--dist loadfile``) hands out files in this order, and a slow file handed out last
    ran alone on one core while the other idled (about a minute of the suite)."""

    def has_slow(item: pytest.Item) -> bool:
        return item.get_closest_marker("slow") is not None

    slow_files = {item.path for item in items if has_slow(item)}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: order kept within


def load_small() -> Scenario:
    """The small test scenario (3 actors, 8 steps, 20 replicates) via the real loader."""
    return load_scenario(SMALL_YAML)


@dataclass
class FakeModel:
    """The attributes of a finished AlignmentModel that results and reports read."""

    spec: Scenario
    actor_ids: list[str]
    actor_names: list[str]
    sizes: np.ndarray
    dyads: list[tuple[int, int]]
    dates: list[dt.date]
    history: np.ndarray
    replicates: int
    seed: int


def make_fake_model(scenario: Scenario, replicates: int = 20, seed: int = 3) -> FakeModel:
    """A random walk of relations from the scenario's starting ones (no model logic)."""
    rng = np.random.default_rng(seed)
    ids = list(scenario.actors)
    dyads = list(combinations(range(len(ids)), 2))
    start = []
    for i, j in dyads:
        d: Any = scenario.dyads.get(f"{ids[i]}-{ids[j]}") or scenario.dyads.get(
            f"{ids[j]}-{ids[i]}"
        )
        start.append(d.relation if d is not None else 0.0)
    steps = scenario.run.steps
    walk = rng.normal(0.0, 0.08, size=(steps, replicates, len(dyads)))
    history = np.empty((steps + 1, replicates, len(dyads)))
    history[0] = start
    history[1:] = np.clip(np.asarray(start) + np.cumsum(walk, axis=0), -1.0, 1.0)
    sizes = np.array([a.size or 1.0 for a in scenario.actors.values()], dtype=float)
    dates = []
    for k in range(steps + 1):
        months = scenario.run.start.month - 1 + k * scenario.run.step_months
        dates.append(dt.date(scenario.run.start.year + months // 12, months % 12 + 1, 1))
    return FakeModel(
        spec=scenario,
        actor_ids=ids,
        actor_names=[a.name for a in scenario.actors.values()],
        sizes=sizes / sizes.sum(),
        dyads=dyads,
        dates=dates,
        history=history,
        replicates=replicates,
        seed=seed,
    )


@pytest.fixture(scope="session")
def dask_scheduler():
    """The address of a Dask LocalCluster (2 worker processes) started for the tests."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture
def small_scenario() -> Scenario:
    return load_small()


@pytest.fixture
def fake_model(small_scenario: Scenario) -> FakeModel:
    return make_fake_model(small_scenario)


def resolve_dotted(dotted: str) -> object:
    """The object a dotted name such as ``sim.model.drivers.threat`` names: the longest
    importable module, then its attributes (AttributeError / ModuleNotFoundError if none)."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            found = getattr(found, attr)
        return found
    raise ModuleNotFoundError(dotted)


def self_contained(html: str) -> str:
    """Assert that a page embeds plotly.js once and loads nothing from the network;
    return the page without plotly.js (no CDN is reachable where reports are read)."""
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    assert html.count(js) == 1
    rest = html.replace(js, "")
    assert "<script src=" not in rest.lower() and "cdn." not in rest
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", rest, re.I)
    return rest


@pytest.fixture
def served(tmp_path):
    """A workshop game with teams JPN and RUS, its Dash app and its server-side state
    (not serving: the app's test client or the state route's functions reach it)."""
    pytest.importorskip("dash")
    from workshop_support import make_game

    from sim.workshop.web.app import create_app

    game = make_game(tmp_path)
    app, web = create_app(game, out_dir=tmp_path / "aar")
    yield game, app, web
    game.close()
