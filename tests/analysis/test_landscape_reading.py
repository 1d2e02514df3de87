"""The landscape read in words, and drawn with every energy labelled."""

from __future__ import annotations

import numpy as np

from sim.analysis.landscape import LandscapeInput, analyse
from sim.analysis.landscape.reading import reading
from sim.present.landscape_figure import landscape_figure
from sim.scenario.schema import Bands

BANDS = Bands()
NAMES = {"A": "Avalon", "B": "Brigadoon", "C": "Camelot"}


def _input(p: list[list[float]]) -> LandscapeInput:
    return LandscapeInput.from_arrays(["A", "B", "C"], [1.0, 1.0, 1.0], np.array(p))


def _relations(ab: float, ac: float, bc: float) -> np.ndarray:
    r = np.array([[0.0, ab, ac], [ab, 0.0, bc], [ac, bc, 0.0]])
    return r


def test_a_grand_coalition_is_said_in_words() -> None:
    data = _input([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    words = reading(analyse(data), _relations(0.3, 0.3, 0.3), BANDS, NAMES)
    assert words[0].startswith("The most stable alignment is the grand coalition")
    assert "Avalon, Brigadoon and Camelot in one bloc" in words[0]
    assert len(words) == 1  # no pair disagrees with the relations


def test_two_blocs_are_named_and_a_cold_pair_inside_one_is_explained() -> None:
    # A and B pull apart a little, but both are drawn to C much more: one bloc of three.
    data = _input([[0, -0.2, 1], [-0.2, 0, 1], [1, 1, 0]])
    words = reading(analyse(data), _relations(-0.7, 0.4, 0.4), BANDS, NAMES)
    (cold,) = [w for w in words if "although" in w]
    assert "Avalon and Brigadoon in one bloc" in cold
    assert "hostile (-0.70)" in cold
    assert "the pair itself pulls apart (propensity -0.20)" in cold


def test_a_cold_pair_the_drivers_draw_together_is_a_lag() -> None:
    data = _input([[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    words = reading(analyse(data), _relations(-0.4, 0.0, 0.0), BANDS, NAMES)
    (cold,) = [w for w in words if "although" in w]
    assert "rivalry (-0.40)" in cold and "relation has not followed" in cold


def test_a_warm_pair_split_by_the_landscape_is_said() -> None:
    data = _input([[0, 1, -1], [1, 0, -1], [-1, -1, 0]])
    result = analyse(data)
    words = reading(result, _relations(0.5, 0.7, -0.5), BANDS, NAMES)
    assert words[0] == (
        f"The most stable alignment is Avalon and Brigadoon against Camelot "
        f"(energy {result.global_minimum.energy:+.3g})."
    )
    (warm,) = [w for w in words if "opposite blocs" in w]
    assert "Avalon and Camelot" in warm and "allied (+0.70" in warm


def test_every_energy_is_labelled_even_zero_and_the_words_go_under_the_title() -> None:
    data = _input([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    result = analyse(data)
    assert result.global_minimum.energy == 0
    fig = landscape_figure(result, words=["<b>a</b> reading"])
    energy = fig.data[0]
    assert energy.text[0] == "+0" and energy.textposition == "outside"
    assert fig.layout.title.subtitle.text == "&lt;b&gt;a&lt;/b&gt; reading"
