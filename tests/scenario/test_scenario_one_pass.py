"""Every problem in one pass, in file order: the stages of loading do not hide each other.

Reading (a key given twice, a dyad in both orders), pydantic's validation (types, ranges,
missing keys) and the cross-field checks (ids, unknown actors, event paths, conditions)
all report what they find in the same error, sorted by file and line. The checks run on
the valid part of a scenario that does not validate (``sim.scenario.partial``), and a
check that would read a value set aside is not made, so that nothing false is said.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, check_scenario, load_scenario, load_scenario_text
from sim.scenario.partial import valid_part

KNOWN = "known actors: RUS, b, CHN"


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(textwrap.dedent(text).lstrip("\n"), name="s.yaml")
    return [str(p) for p in info.value.problems]


def test_a_one_actor_scenario_with_a_bad_id_says_everything_at_once() -> None:
    assert problems("name: t\nactors:\n  rus: {size: 1}\n") == [
        "s.yaml:2: actors: needs at least 2 entries, got 1",
        "s.yaml:3: actors.rus.name: required key is missing",
        "s.yaml:3: actors.rus: 'rus': an actor id is 1-16 upper-case letters, digits or '_', "
        "starting with a letter (e.g. RUS)",
    ]


def test_problems_of_every_stage_come_together_in_line_order() -> None:
    found = problems(
        """
        name: bad name
        actors:
          RUS: {name: Russia, size: 1, assertiveness: 3}
          b: {name: b, size: 1, attention: {Z: 0.1}}
          CHN: {name: China, size: 2}
          CHN: {name: China again, size: 2}
        dyads:
          RUS-CHN: {proximity: 2}
          CHN-RUS: {relation: 0.1}
          RUS-KOR: {relation: 0.2}
        events:
          e: {step: 3, add: {actors.RUS.offens: 0.1}}
          f: {step: 3}
        outcomes:
          o: {when: "RUS-XYZ > 0"}
        """
    )
    assert found == [
        # a check on line 1
        "s.yaml:1: name: 'bad name' cannot name the results folder; use letters, digits, "
        "'_', '-' or '.' (starting with a letter or digit, at most 80), e.g. adiz_2031",
        # pydantic on line 3
        "s.yaml:3: actors.RUS.assertiveness: must be between 0 and 1, got 3",
        # two checks on line 4
        "s.yaml:4: actors.b: 'b': an actor id is 1-16 upper-case letters, digits or '_', "
        "starting with a letter (e.g. RUS)",
        f"s.yaml:4: actors.b.attention.Z: unknown actor 'Z'; {KNOWN}",
        # reading on line 6 (the mapping given twice merges, each key once)
        "s.yaml:6: actors.CHN.name: given twice (also on line 5)",
        "s.yaml:6: actors.CHN.size: given twice (also on line 5)",
        # pydantic on line 8
        "s.yaml:8: dyads.RUS-CHN.proximity: must be between 0 and 1, got 2",
        # reading on line 9
        "s.yaml:9: dyads.CHN-RUS: the same pair as 'RUS-CHN' (line 8); give each pair once",
        # checks on lines 10 and 12, pydantic on line 13, a check on line 15
        f"s.yaml:10: dyads.RUS-KOR: unknown actor 'KOR'; {KNOWN}",
        "s.yaml:12: events.e.add.actors.RUS.offens: unknown actor field; expected one of "
        "assertiveness, offense, autonomy, size, capabilities.<gdp|military|population>, "
        "attention.<ID>, wedge.<ID>, assertiveness_toward.<ID>, sanctions.<ID>; did you mean "
        "'offense'?",
        "s.yaml:13: events.f: an event needs 'set' or 'add'",
        "s.yaml:15: outcomes.o.when: 'RUS-XYZ > 0': 'RUS-XYZ' is not a dyad: unknown actor "
        f"'XYZ'; {KNOWN}",
    ]


def test_problems_of_an_extends_chain_come_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("base.yaml").write_text(
        "name: base\nactors:\n  A: {name: a, size: 1}\n  B: {name: b, size: 1}\n"
        "dyads:\n  A-B: {treaty: 2}\n"
    )
    Path("w.yaml").write_text(
        "name: w\nextends: base.yaml\nactors.A.offense: -1\nactors.C.name: c\n"
        "actors.C.size: 1\nactors.C.wedge.Q: 0.5\n"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario("w.yaml")
    assert [str(p) for p in info.value.problems] == [
        "w.yaml:3: actors.A.offense: must be between 0 and 1, got -1",
        "w.yaml:6: actors.C.wedge.Q: unknown actor 'Q'; known actors: A, B, C",
        "base.yaml:6: dyads.A-B.treaty: must be between 0 and 1, got 2",
    ]


def test_a_check_that_would_read_a_value_set_aside_is_not_made() -> None:
    """With run.steps invalid, the run's end is unknown: an event's timing is not judged,
    though its path still is."""
    found = problems(
        """
        name: t
        run: {steps: many}
        actors:
          A: {name: a, size: 1}
          B: {name: b, size: 1}
        events:
          late: {step: 30, add: {actors.A.offense: 0.1}, ramp: 20}
          typo: {step: 1, add: {actors.A.ofense: 0.1}}
        """
    )
    assert [p.split(": ")[0:2] for p in found] == [
        ["s.yaml:2", "run.steps"],
        ["s.yaml:8", "events.typo.add.actors.A.ofense"],
    ]
    # Valid, the same event's ramp past the end is refused.
    (ramp,) = problems(
        "name: t\nrun: {steps: 40}\nactors:\n  A: {name: a, size: 1}\n  B: {name: b, size: 1}\n"
        "events:\n  late: {step: 30, add: {actors.A.offense: 0.1}, ramp: 20}\n"
    )
    assert ramp.startswith("s.yaml:7: events.late.ramp: the ramp runs from step 30 to step 49")


def test_sizes_are_not_judged_when_one_is_invalid() -> None:
    """A size set aside becomes 1 for the checks; the mix of size and capabilities it would
    make with the others is not reported."""
    found = problems(
        """
        name: t
        actors:
          A: {name: a, capabilities: {gdp: 1}}
          B: {name: b, capabilities: {gdp: -2}}
        """
    )
    assert found == ["s.yaml:4: actors.B.capabilities.gdp: must be at least 0, got -2"]


def test_the_valid_part_leaves_the_data_alone_and_names_what_it_set_aside() -> None:
    data = {
        "name": "t",
        "actors": {"A": {"name": "a", "size": 1, "offense": 9}, "b": {"size": 1}},
        "events": {"e": {"step": 0, "add": {"actors.A.offense": 0.1}}},
        "run": {"steps": "x"},
    }
    places = [("actors", "A", "offense"), ("actors", "b", "name"), ("events", "e", "step")]
    scenario, aside = valid_part(data, [*places, ("run", "steps")])
    assert scenario is not None
    assert data["actors"]["A"]["offense"] == 9 and "name" not in data["actors"]["b"]
    assert aside == {*places[:2], ("events", "e"), ("run", "steps")}
    assert list(scenario.actors) == ["A", "b"] and scenario.events == {}
    issues = check_scenario(scenario, aside)
    assert [path for path, _ in issues] == [("actors", "b")]  # the id, not the stand-in name


def test_nothing_is_checked_without_a_mapping_of_actors() -> None:
    assert valid_part({"name": "t", "actors": [1, 2]}, [("actors",)])[0] is None
    assert problems("name: bad name\nactors: [A, B]\n") == [
        "s.yaml:2: actors: expected a mapping (key: value lines), got a list"
    ]
