"""The public Python API's own functions (sim/api.py) that no other test file covers."""

from __future__ import annotations

import pytest
from conftest import REPO_ROOT

import sim
from sim.scenario import ScenarioError

WHAT_IF = """\
extends: baseline.yaml
name: china-bolder
actors:
  CHN:
    offense: 0.9
"""


def test_a_what_if_written_as_text_extends_a_scenario_of_the_library() -> None:
    base = sim.load_scenario(REPO_ROOT / "scenarios" / "baseline.yaml")
    whatif = sim.load_scenario_text(WHAT_IF, base_dir=REPO_ROOT / "scenarios")
    assert whatif.name == "china-bolder"
    assert whatif.actors["CHN"].offense == 0.9
    assert base.actors["CHN"].offense != 0.9
    # everything it does not say comes from the baseline
    assert whatif.run == base.run
    assert whatif.weights == base.weights
    assert list(whatif.outcomes) == list(base.outcomes)


def test_extends_is_found_in_the_working_directory_by_default(monkeypatch) -> None:
    monkeypatch.chdir(REPO_ROOT / "scenarios")
    assert sim.load_scenario_text(WHAT_IF).name == "china-bolder"
    monkeypatch.chdir(REPO_ROOT)
    with pytest.raises(ScenarioError, match=r"baseline\.yaml"):
        sim.load_scenario_text(WHAT_IF)


def test_a_mistake_in_the_text_is_named_by_the_name_line_and_key() -> None:
    text = WHAT_IF.replace("offense", "ofense")
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario_text(text, base_dir=REPO_ROOT / "scenarios", name="my-what-if.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.path) == ("my-what-if.yaml", 5, "actors.CHN.ofense")
    assert "did you mean 'offense'" in problem.message
