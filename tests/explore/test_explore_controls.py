"""The explorer's controls: what a 4- and a 6-actor scenario offer, with the format's
ranges, and the values the page refuses."""

from __future__ import annotations

import math

import pytest
from conftest import REPO_ROOT

from sim.explore.controls import OutOfRange, changed_values, controls_for, read_value, shown_value
from sim.scenario import Weights, load_scenario

BASELINE = REPO_ROOT / "scenarios" / "baseline.yaml"
EXTENDED = REPO_ROOT / "scenarios" / "extended-region.yaml"


def _keys(controls, group):
    return [c.key for c in controls if c.group == group]


def test_a_four_actor_scenario_gets_four_actors_controls_and_its_disputes_and_weights():
    scenario = load_scenario(BASELINE)
    controls = controls_for(scenario)
    assert _keys(controls, "actors") == [
        f"actors.{a}.{f}"
        for a in ("USA", "RUS", "CHN", "JPN")
        for f in ("assertiveness", "autonomy")
    ]
    assert _keys(controls, "disputes") == [
        "dyads.CHN-JPN.disputes.senkaku",
        "dyads.CHN-JPN.disputes.adiz",
        "dyads.RUS-JPN.disputes.kurils",
    ]
    assert _keys(controls, "weights") == [f"weights.{w}" for w in Weights.model_fields]
    assert _keys(controls, "events") == []  # the baseline has none
    by_key = {c.key: c for c in controls}
    china = by_key["actors.CHN.assertiveness"]
    assert (china.value, china.low, china.high) == (0.6, 0.0, 1.0)
    assert china.label == "China: assertiveness"
    assert "triangular" in china.uncertain  # the baseline spreads it over replicates
    # autonomy and the weights have no upper bound in the format
    assert by_key["actors.RUS.autonomy"].high == math.inf
    assert by_key["actors.RUS.autonomy"].range_words == "0 or more"
    assert by_key["weights.shared_threat"].value == scenario.weights.shared_threat
    assert by_key["dyads.RUS-JPN.disputes.kurils"].range_words == "0 to 1"


def test_a_six_actor_scenario_gets_six_actors_controls_and_its_events():
    scenario = load_scenario(EXTENDED)
    controls = controls_for(scenario)
    actors = {key.split(".")[1] for key in _keys(controls, "actors")}
    assert actors == {"USA", "RUS", "CHN", "JPN", "VNM", "KOR"}
    assert len(_keys(controls, "actors")) == 12
    assert "dyads.CHN-VNM.disputes.paracels" in _keys(controls, "disputes")
    assert "dyads.JPN-KOR.disputes.dokdo" in _keys(controls, "disputes")
    assert _keys(controls, "events") == [f"events.{name}" for name in scenario.events]
    assert all(c.is_switch for c in controls if c.group == "events")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.5", "China: assertiveness: 1.5 is outside its range, 0 to 1"),
        ("-0.1", "China: assertiveness: -0.1 is outside its range, 0 to 1"),
        ("lots", "China: assertiveness: 'lots' is not a number; expected 0 to 1"),
        ("", "China: assertiveness: nothing is not a number; expected 0 to 1"),
        ("nan", "China: assertiveness: 'nan' is not a number; expected 0 to 1"),
    ],
)
def test_a_value_outside_its_range_is_refused_naming_the_control_and_the_range(typed, expected):
    control = next(
        c for c in controls_for(load_scenario(BASELINE)) if c.key == "actors.CHN.assertiveness"
    )
    with pytest.raises(OutOfRange) as caught:
        read_value(control, typed)
    assert str(caught.value) == expected
    assert read_value(control, " 0.9 ") == 0.9
    assert read_value(control, "1") == 1.0


def test_the_changes_are_the_boxes_that_differ_from_the_base_and_the_events_turned_off():
    controls = controls_for(load_scenario(EXTENDED))
    typed = {c.key: shown_value(c.value) for c in controls if not c.is_switch}
    typed["actors.VNM.autonomy"] = "3"
    typed["weights.threat"] = "-1"
    changes, refused = changed_values(controls, typed, {"events.south_china_sea_incident": False})
    assert changes == {"actors.VNM.autonomy": 3.0, "events.south_china_sea_incident": None}
    assert refused == ["weight: threat: -1 is outside its range, 0 or more"]
    # every box as the page first shows it reads back as the base's value: no change
    assert changed_values(controls, {}, {}) == ({}, [])
