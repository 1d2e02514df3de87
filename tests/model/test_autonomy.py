"""Russia's refusal to take sides responds to its circumstances (docs/model.md, "Choice").

The autonomy cost alpha_ij = alpha_i (1 - eta max(0, 1 - O_ij / theta)) falls as a state's
other ties cool. So the ceiling on Russia-China is not a constant: when the West confronts
Russia and China together, Russia-China passes the allied bound in some replicates; in the
baseline it does not, and with the relief switched off (eta = 0) it cannot.
"""

from __future__ import annotations

import numpy as np
import pytest
from factories import baseline

from sim.model.drivers import effective_autonomy, outside_options
from sim.model.model import AlignmentModel
from sim.model.world import build_world

REPS = 400
SEED = 20140306
#: The West confronts Russia and China together: intentions aimed at both, sanctions on
#: Russia. Driver changes only; no relation is touched.
CONFRONTATION = {
    "actors.USA.assertiveness_toward.RUS": 0.5,
    "actors.USA.assertiveness_toward.CHN": 0.5,
    "actors.USA.sanctions.RUS": 0.5,
    "actors.JPN.sanctions.RUS": 0.3,
}


def _russia_china_end(changes: dict[str, float]) -> np.ndarray:
    model = AlignmentModel(baseline(changes), replicates=REPS, seed=SEED).run()
    i, j = sorted((model.actor_ids.index("RUS"), model.actor_ids.index("CHN")))
    return np.round(model.history[-1, :, model.dyads.index((i, j))], 9)


@pytest.fixture(scope="module")
def allied() -> float:
    return baseline().bands.aligned


def test_confronting_russia_and_china_together_lifts_russias_ceiling(allied):
    ends = _russia_china_end(CONFRONTATION)
    assert np.mean(ends > allied) > 0.0, f"median {np.median(ends):+.2f}"


def test_without_the_confrontation_russia_china_stays_below_the_allied_bound(allied):
    assert np.mean(_russia_china_end({}) > allied) == 0.0


def test_with_a_fixed_refusal_the_confrontation_cannot_lift_it(allied):
    ends = _russia_china_end({**CONFRONTATION, "model.autonomy_relief": 0.0})
    assert np.mean(ends > allied) == 0.0


def test_outside_options_are_the_warmest_other_tie():
    r = np.zeros((1, 4, 4))
    r[0, 0, 1] = r[0, 1, 0] = 0.5
    r[0, 0, 2] = r[0, 2, 0] = 0.2
    r[0, 0, 3] = r[0, 3, 0] = -0.4
    o = outside_options(r)
    assert o[0, 0, 1] == pytest.approx(0.2)  # toward 1, the best other tie is 2's
    assert o[0, 0, 2] == pytest.approx(0.5)
    assert o[0, 0, 3] == pytest.approx(0.5)
    assert o[0, 3, 0] == 0.0  # actor 3 has no friend at all


def test_the_autonomy_cost_falls_as_the_other_ties_cool():
    world = build_world(baseline({"model.autonomy_relief": 0.8}))
    rus, chn, usa = (world.ids.index(a) for a in ("RUS", "CHN", "USA"))
    alpha, theta = world.autonomy[0, rus], world.settings["autonomy_threshold"][0]
    r = np.zeros((1, 4, 4))
    r[0, rus, usa] = r[0, usa, rus] = theta  # an outside option at the threshold: full cost
    assert effective_autonomy(world, r)[0, rus, chn] == pytest.approx(alpha)
    r[0, rus, usa] = r[0, usa, rus] = theta / 2
    assert effective_autonomy(world, r)[0, rus, chn] == pytest.approx(alpha * (1 - 0.8 * 0.5))
    r[0, rus, usa] = r[0, usa, rus] = -0.5  # no partner left: only 1 - eta of the cost
    assert effective_autonomy(world, r)[0, rus, chn] == pytest.approx(alpha * 0.2)
