"""Relation bands and named end-states on hand-made relation matrices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model.bands import BAND_NAMES, band_codes, band_of, relation_matrices
from sim.model.outcomes import evaluate_outcomes
from sim.scenario.dyads import dyad_indices
from sim.scenario.schema import Bands, Scenario

DEFAULT = Bands()  # -0.6, -0.2, 0.2, 0.6
IDS = ["USA", "CHN", "RUS"]


def scenario_with(outcomes: dict, bands: dict | None = None) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "t",
            "actors": {i: {"name": i, "size": 1.0} for i in IDS},
            "bands": bands or {},
            "outcomes": outcomes,
        }
    )


def matrices(usa_chn: list[float], usa_rus: list[float], chn_rus: list[float]) -> np.ndarray:
    """(R, 3, 3) symmetric relations from per-replicate dyad values."""
    values = np.stack([usa_chn, usa_rus, chn_rus], axis=1)
    return relation_matrices(values, 3, [(0, 1), (0, 2), (1, 2)])


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-1.0, "hostile"),
        (-0.6000001, "hostile"),
        (-0.6, "rivalry"),  # the hostile bound belongs to rivalry (nearer zero)
        (-0.2000001, "rivalry"),
        (-0.2, "hedging"),  # hedging is closed on both sides
        (0.0, "hedging"),
        (0.2, "hedging"),
        (0.2000001, "aligned"),
        (0.6, "aligned"),  # the aligned bound belongs to aligned
        (0.6000001, "allied"),
        (1.0, "allied"),
    ],
)
def test_band_boundaries(value: float, band: str) -> None:
    assert band_of(value, DEFAULT).item() == band
    assert band_of(np.array([value]), DEFAULT)[0] == band


def test_band_of_keeps_shape_and_uses_custom_bounds() -> None:
    bands = Bands(hostile=-0.9, rivalry=-0.5, hedging=0.5, aligned=0.9)
    v = np.array([[-0.95, -0.7], [0.0, 0.95]])
    assert band_of(v, bands).tolist() == [["hostile", "rivalry"], ["hedging", "allied"]]
    assert band_codes(v, bands).dtype == np.int8


def test_band_of_rejects_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        band_of([0.0, np.nan], DEFAULT)


@given(st.floats(-1, 1, allow_nan=False))
def test_bands_agree_with_strict_above_and_below(v: float) -> None:
    band = band_of(v, DEFAULT).item()
    # 'above: hedging' is exactly aligned-or-allied; 'below: rivalry' exactly rivalry-or-hostile
    assert (v > DEFAULT.hedging) == (band in ("aligned", "allied"))
    assert (v < DEFAULT.rivalry) == (band in ("rivalry", "hostile"))
    assert BAND_NAMES.index(band) == band_codes(v, DEFAULT).item()


def test_relation_matrices_symmetric_with_nan_diagonal() -> None:
    m = matrices([0.1], [0.2], [0.3])[0]
    assert np.allclose(m, m.T, equal_nan=True)
    assert np.isnan(np.diag(m)).all()
    assert m[0, 1] == 0.1 and m[2, 0] == 0.2 and m[1, 2] == 0.3


def test_dyad_keys_either_order_and_errors() -> None:
    assert dyad_indices(list(IDS), "USA-RUS") == (0, 2)
    assert dyad_indices(list(IDS), "RUS-USA") == (2, 0)
    with pytest.raises(ValueError, match="unknown actor 'JPN'"):
        dyad_indices(list(IDS), "USA-JPN")
    with pytest.raises(ValueError, match="joined by '-'"):
        dyad_indices(list(IDS), "USARUS")


def test_dyad_band_condition() -> None:
    s = scenario_with({"entente": {"all": [{"dyad": "RUS-CHN", "band": "allied"}]}})
    rel = matrices([0, 0, 0], [0, 0, 0], [0.6, 0.61, 0.9])
    assert evaluate_outcomes(s, IDS, rel)["entente"].tolist() == [False, True, True]


def test_dyad_above_and_below_are_strict() -> None:
    s = scenario_with(
        {
            "warm": {"all": [{"dyad": "USA-RUS", "above": 0.2}]},
            "cold": {"all": [{"dyad": "USA-RUS", "below": -0.2}]},
            "between": {"all": [{"dyad": "USA-RUS", "above": -0.5, "below": 0.5}]},
        }
    )
    rel = matrices([0] * 5, [0.2, 0.21, -0.2, -0.21, 0.5], [0] * 5)
    out = evaluate_outcomes(s, IDS, rel)
    assert out["warm"].tolist() == [False, True, False, False, True]
    assert out["cold"].tolist() == [False, False, False, True, False]
    assert out["between"].tolist() == [True, True, True, True, False]


def test_actor_all_below() -> None:
    s = scenario_with({"free": {"all": [{"actor": "RUS", "all_below": 0.6}]}})
    # RUS relations: USA-RUS and CHN-RUS; USA-CHN must not matter.
    rel = matrices([0.9, 0.9, 0.9, 0.9], [0.1, 0.6, 0.1, 0.59], [0.5, 0.1, 0.7, 0.59])
    assert evaluate_outcomes(s, IDS, rel)["free"].tolist() == [True, False, False, True]


def test_all_conditions_must_hold() -> None:
    s = scenario_with(
        {
            "sides": {
                "all": [
                    {"dyad": "RUS-CHN", "band": "allied"},
                    {"dyad": "USA-RUS", "band": "hostile"},
                ]
            }
        }
    )
    rel = matrices([0] * 4, [-0.9, -0.9, 0.0, 0.0], [0.9, 0.0, 0.9, 0.0])
    out = evaluate_outcomes(s, IDS, rel)
    assert out["sides"].tolist() == [True, False, False, False]
    assert out["sides"].dtype == bool


def test_outcomes_in_scenario_order_and_single_matrix() -> None:
    s = scenario_with(
        {
            "b": {"all": [{"dyad": "USA-CHN", "above": 0.0}]},
            "a": {"all": [{"dyad": "USA-CHN", "below": 0.0}]},
        }
    )
    out = evaluate_outcomes(s, IDS, matrices([0.5], [0], [0])[0])  # (N, N): one replicate
    assert list(out) == ["b", "a"]
    assert out["b"].tolist() == [True] and out["a"].tolist() == [False]


def test_custom_bands_used_by_band_conditions() -> None:
    s = scenario_with(
        {"ally": {"all": [{"dyad": "USA-CHN", "band": "allied"}]}},
        bands={"hostile": -0.8, "rivalry": -0.4, "hedging": 0.4, "aligned": 0.8},
    )
    out = evaluate_outcomes(s, IDS, matrices([0.7, 0.81], [0, 0], [0, 0]))
    assert out["ally"].tolist() == [False, True]


def test_wrong_shape_is_an_error() -> None:
    s = scenario_with({"x": {"all": [{"dyad": "USA-CHN", "above": 0.0}]}})
    with pytest.raises(ValueError, match=r"\(R, 3, 3\)"):
        evaluate_outcomes(s, IDS, np.zeros((2, 2, 2)))


def test_floating_drift_does_not_cross_a_bound() -> None:
    up = sum([0.05] * 12)  # 0.6000000000000001: twelve steps of 0.05 from 0
    down = 1.0
    for _ in range(8):  # eight steps down from 1: 0.5999999999999996
        down -= 0.05
    assert up != 0.6 and down != 0.6
    assert band_of([up, down], DEFAULT).tolist() == ["aligned", "aligned"]
    s = scenario_with(
        {
            "warm": {"all": [{"dyad": "USA-RUS", "above": 0.6}]},
            "free": {"all": [{"actor": "RUS", "all_below": 0.6}]},
        }
    )
    out = evaluate_outcomes(s, IDS, matrices([0, 0], [up, 0.0], [0.0, down]))
    assert out["warm"].tolist() == [False, False]
    assert out["free"].tolist() == [False, False]  # 0.6 is not below 0.6
