"""The bulletin's claims, as they emerge from the drivers in a baseline ensemble.

Nothing here is imposed on the model: each test runs the calibrated baseline (or a one-
parameter change of it) and checks what the drivers produce. 400 replicates.
"""

from __future__ import annotations

import numpy as np
import pytest
from factories import baseline

from sim.model.model import AlignmentModel

REPS = 400
SEED = 20140306


def run(changes: dict | None = None) -> AlignmentModel:
    return AlignmentModel(baseline(changes), replicates=REPS, seed=SEED).run()


def dyad(model: AlignmentModel, a: str, b: str) -> np.ndarray:
    """The (T+1, R) history of one dyad."""
    i, j = sorted((model.actor_ids.index(a), model.actor_ids.index(b)))
    return model.history[:, :, model.dyads.index((i, j))]


@pytest.fixture(scope="module")
def base() -> AlignmentModel:
    return run()


def test_russia_does_not_side_with_china_against_japan(base):
    sides = (dyad(base, "RUS", "CHN")[-1] > 0.6) & (dyad(base, "RUS", "JPN")[-1] < -0.6)
    assert sides.mean() < 0.10


def test_russia_japan_relations_improve_while_the_kurils_stay_unresolved(base):
    rus_jpn = dyad(base, "RUS", "JPN")
    assert np.median(rus_jpn[-1]) > rus_jpn[0, 0] + 0.05
    assert rus_jpn[-1].mean() > rus_jpn[0].mean()
    i, j = base.actor_ids.index("RUS"), base.actor_ids.index("JPN")
    assert base.world.disputes["kurils"][0, i, j] == 0.5  # no settlement happened


def test_the_us_japan_alliance_holds(base):
    assert (dyad(base, "USA", "JPN")[-1] > 0.6).mean() >= 0.95


def test_russia_ends_allied_with_no_one_in_the_median_path(base):
    for other in ("USA", "CHN", "JPN"):
        assert np.median(dyad(base, "RUS", other)[-1]) <= 0.6, other


def test_more_chinese_assertiveness_raises_the_russia_japan_relation():
    ends = [
        dyad(run({"actors.CHN.assertiveness": a}), "RUS", "JPN")[-10:].mean()
        for a in (0.4, 0.6, 0.8)
    ]
    assert ends[0] < ends[1] < ends[2]


def test_settling_the_kurils_raises_the_russia_japan_relation(base):
    settled = run({"dyads.RUS-JPN.disputes.kurils": 0.0})
    assert dyad(settled, "RUS", "JPN")[-10:].mean() > dyad(base, "RUS", "JPN")[-10:].mean() + 0.05
