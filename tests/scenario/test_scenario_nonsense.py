"""Nonsense the format used to accept: sizes that are shares of nothing, dates written as text.

Sizes are shares among the actors (``sim.model.world.capability_shares``): a component 0
for every actor has no shares, and the model quietly gave each actor an equal one; an
actor with no capability at all has no size. A date in quotes is text, which pydantic
would have parsed; docs/scenarios.md says a date must be written as a date.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO_ROOT

from sim.scenario import ScenarioError, load_scenario, load_scenario_text

HEAD = "name: t\nactors:\n"


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(textwrap.dedent(text))
    return [str(p) for p in info.value.problems]


# --- sizes ----------------------------------------------------------------------------------


def test_a_component_that_is_0_for_every_actor_cannot_define_sizes() -> None:
    found = problems(
        HEAD
        + """\
          A: {name: a, capabilities: {gdp: 0, military: 3}}
          B: {name: b, capabilities: {gdp: 0, military: 1}}
          C: {name: c, capabilities: {gdp: 0.0, military: 2}}
        """
    )
    assert found == [
        "<text>:3: actors.A.capabilities.gdp: 'gdp' is 0 for every actor (A, B, C); shares "
        "of 0 cannot define sizes: give the real figures or leave 'gdp' out for every actor"
    ]


def test_the_only_component_0_for_every_actor_is_said_once() -> None:
    found = problems(
        HEAD + "  A: {name: a, capabilities: {gdp: 0}}\n  B: {name: b, capabilities: {gdp: 0}}\n"
    )
    assert len(found) == 1 and "'gdp' is 0 for every actor (A, B)" in found[0]


def test_an_actor_whose_capabilities_are_all_0_cannot_define_sizes() -> None:
    found = problems(
        HEAD
        + """\
          A: {name: a, capabilities: {gdp: 2, military: 3}}
          B:
            name: b
            capabilities:
              gdp: 0
              military: 0
        """
    )
    assert found == [
        "<text>:7: actors.B.capabilities.gdp: every capability of B is 0 (gdp, military); a "
        "state with no capability at all cannot define sizes: give the real figures"
    ]


def test_sizes_of_0_cannot_define_sizes() -> None:
    every = problems(HEAD + "  A: {name: a, size: 0}\n  B: {name: b, size: 0.0}\n")
    assert every == [
        "<text>:3: actors.A.size: every actor's size is 0; shares of 0 cannot define sizes: "
        "give the real figures"
    ]
    one = problems(HEAD + "  A: {name: a, size: 1}\n  B: {name: b, size: 0}\n")
    assert one == [
        "<text>:4: actors.B.size: a size of 0 cannot define sizes (shares): give the real figures"
    ]


def test_a_component_0_for_some_actors_is_a_share_of_something() -> None:
    text = HEAD + (
        "  A: {name: a, capabilities: {gdp: 0, military: 3}}\n"
        "  B: {name: b, capabilities: {gdp: 2, military: 0}}\n"
    )
    assert list(load_scenario_text(text).actors) == ["A", "B"]


def test_a_base_whose_sizes_an_override_zeroes_names_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    four = FIXTURES / "scenarios" / "four_actors.yaml"
    Path("w.yaml").write_text(f"name: w\nextends: {four}\nactors.JPN.size: 0\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario("w.yaml")
    assert [str(p) for p in info.value.problems] == [
        "w.yaml:3: actors.JPN.size: a size of 0 cannot define sizes (shares): give the real figures"
    ]


def test_every_shipped_scenario_and_fixture_still_loads() -> None:
    shipped = sorted((REPO_ROOT / "scenarios").rglob("*.yaml"))
    parts = {"defaults/outcomes.yaml", "workshop/moves.yaml"}  # pieces, not scenarios
    files = [p for p in shipped if p.relative_to(REPO_ROOT / "scenarios").as_posix() not in parts]
    files += [*sorted((FIXTURES / "scenarios").glob("*.yaml")), FIXTURES / "small.yaml"]
    assert len(files) > 10
    for path in files:
        load_scenario(path)


# --- dates ----------------------------------------------------------------------------------

BODY = HEAD + "  A: {name: a, size: 1}\n  B: {name: b, size: 2}\n"
EVENT = "events:\n  e:\n    {trigger}\n    add: {{actors.A.offense: 0.1}}\n"


@pytest.mark.parametrize("quoted", ['"2015-06-01"', "'2015-06-01'"])
def test_a_quoted_start_is_refused(quoted: str) -> None:
    assert problems(BODY + f"run:\n  steps: 8\n  start: {quoted}\n") == [
        "<text>:7: run.start: expected a date (YYYY-MM-DD), got the text '2015-06-01': a "
        "date must be written as a date, without quotes (2015-06-01, not '2015-06-01')"
    ]


@pytest.mark.parametrize("key", ["at", "after", "before"])
def test_a_quoted_event_date_is_refused(key: str) -> None:
    trigger = {
        "at": "at: '2015-01-01'",
        "after": "when: step > 2\n    after: '2015-01-01'",
        "before": "probability: 0.1\n    before: '2015-01-01'",
    }[key]
    found = problems(BODY + EVENT.format(trigger=trigger))
    line = 7 if key == "at" else 8
    assert len(found) == 1, found
    assert found[0].startswith(f"<text>:{line}: events.e.{key}: expected a date")
    assert "a date must be written as a date" in found[0]


def test_a_quoted_date_with_a_time_suggests_the_date() -> None:
    (found,) = problems(BODY + "run.start: '2014-01-01T00:00:00'\n")
    assert found.endswith("without quotes (2014-01-01, not '2014-01-01T00:00:00')")


def test_quoted_text_that_is_no_date_says_why() -> None:
    (found,) = problems(BODY + "run: {start: '2014-13-45'}\n")
    assert "written as a date" not in found
    assert found == (
        "<text>:5: run.start: expected a date (YYYY-MM-DD), got the text '2014-13-45' "
        "(month value is outside expected range of 1-12)"
    )


def test_unquoted_dates_keep_working() -> None:
    text = BODY + "run: {start: 2015-01-01, steps: 8}\n" + EVENT.format(trigger="at: 2015-07-01")
    scenario = load_scenario_text(text)
    assert str(scenario.run.start) == "2015-01-01"
    assert str(scenario.events["e"].at) == "2015-07-01"
