"""Loading good scenarios: baseline, extends with dotted keys and nulls, dyad order, the
calendar of events, the resolved dict and the JSON Schema."""

from __future__ import annotations

import datetime as dt
import pickle
import textwrap
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from sim.scenario import (
    Event,
    Problem,
    Scenario,
    ScenarioError,
    event_step,
    load_scenario,
    load_scenario_text,
    resolve_scenario_dict,
    scenario_json_schema,
)
from sim.scenario.jsonschema import SCHEMA_FILE, schema_text
from sim.scenario.loader import load_scenario_noted

ROOT = REPO_ROOT
BASELINE = ROOT / "scenarios" / "baseline.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "scenarios"
WHATIF = FIXTURES / "whatif_adiz.yaml"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_baseline_loads() -> None:
    s = load_scenario(BASELINE)
    assert isinstance(s, Scenario)
    assert s.name == "baseline"
    assert list(s.actors) == ["USA", "RUS", "CHN", "JPN"]
    assert s.actors["RUS"].capabilities is not None
    assert s.run.start == dt.date(2014, 1, 1)
    assert s.dyads["USA-JPN"].treaty == 1.0
    assert s.extends == "defaults/outcomes.yaml"


def test_baseline_dyads_follow_the_actor_order() -> None:
    s = load_scenario(BASELINE)
    order = list(s.actors)
    for key in s.dyads:
        a, b = key.split("-")
        assert order.index(a) < order.index(b), key
    # The actors are listed USA, RUS, CHN, JPN, the order the file writes its dyads in.
    assert list(s.dyads) == ["USA-JPN", "USA-CHN", "USA-RUS", "CHN-JPN", "RUS-CHN", "RUS-JPN"]
    assert s.dyads["RUS-JPN"].disputes == {"kurils": 0.5}
    assert s.outcomes["russia_china_entente"].when == "RUS-CHN is allied"


def test_whatif_merges_dotted_keys_nulls_and_reversed_dyads() -> None:
    base = load_scenario(BASELINE)
    s = load_scenario(WHATIF)
    assert s.name == "adiz_whatif"
    assert s.extends == "../../../scenarios/baseline.yaml"  # the first file's value
    assert s.actors["CHN"].assertiveness == 0.8
    assert s.actors["CHN"].name == "China"  # untouched fields come from the base
    assert s.actors["CHN"].capabilities == base.actors["CHN"].capabilities
    # 'JPN-RUS' in the what-if updated the base's 'RUS-JPN': one dyad, merged key by key.
    assert "JPN-RUS" not in s.dyads
    assert s.dyads["RUS-JPN"].disputes == {"kurils": 0.3}
    assert s.dyads["RUS-JPN"].proximity == base.dyads["RUS-JPN"].proximity
    assert s.dyads["RUS-JPN"].irritants == base.dyads["RUS-JPN"].irritants
    # null deleted one dispute of the base, keeping the other.
    assert s.dyads["CHN-JPN"].disputes == {"senkaku": 0.8}
    assert s.run.steps == 20
    assert s.run.seed == base.run.seed
    # A list replaces the base's list; the outcome's description stays.
    outcome = s.outcomes["russia_japan_rapprochement"]
    assert [c.dyad for c in outcome.all] == ["RUS-JPN"]
    assert outcome.all[0].above == 0.3
    assert outcome.description == base.outcomes["russia_japan_rapprochement"].description


def test_event_paths_stay_whole_inside_set_and_add() -> None:
    s = load_scenario(WHATIF)
    assert s.events["second_adiz"].set == {"actors.CHN.assertiveness": 0.9}
    assert s.events["second_adiz"].add == {"dyads.CHN-JPN.disputes.senkaku": 0.1}


def test_dotted_event_keys_expand_up_to_the_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "w.yaml",
        f"""
        name: w
        extends: {BASELINE}
        events.talks.step: 3
        events.talks.set.dyads.RUS-JPN.institutions: 0.6
        """,
    )
    s = load_scenario(path)
    assert s.events["talks"].step == 3
    assert s.events["talks"].set == {"dyads.RUS-JPN.institutions": 0.6}


def test_null_deletes_a_whole_mapping_and_an_optional_field(tmp_path: Path) -> None:
    base = write(
        tmp_path,
        "base.yaml",
        """
        name: base
        actors:
          AAA: {name: A, size: 2, wedge: {BBB: 0.2}}
          BBB: {name: B, size: 1}
        dyads:
          AAA-BBB: {relation: 0.5}
        """,
    )
    write(
        tmp_path,
        "w.yaml",
        """
        name: w
        extends: base.yaml
        dyads: null
        actors.AAA.wedge: null
        actors.CCC: {name: C, size: 1, attention: null}
        """,
    )
    s = load_scenario(tmp_path / "w.yaml")
    assert s.dyads == {}
    assert s.actors["AAA"].wedge == {}
    assert s.actors["CCC"].attention == {}  # a null in an override means "not there"
    assert load_scenario(base).dyads["AAA-BBB"].relation == 0.5


def test_extends_chain_of_three(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\nextends: {BASELINE}\nactors.CHN.offense: 0.7\n")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.yaml", "name: b\nextends: ../a.yaml\nactors.JPN.offense: 0.4\n")
    s = load_scenario(tmp_path / "sub" / "b.yaml")
    assert (s.name, s.actors["CHN"].offense, s.actors["JPN"].offense) == ("b", 0.7, 0.4)
    assert s.extends == "../a.yaml"


def test_reversed_dyad_keys_are_normalised(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.yaml",
        """
        name: s
        actors:
          USA: {name: United States, size: 3}
          JPN: {name: Japan, size: 1}
          RUS: {name: Russia, size: 1}
        dyads:
          JPN-USA: {relation: 0.8}
          RUS-JPN:
            irritants: {missile_defence: {RUS: 0.3}}
        outcomes:
          o: {all: [{dyad: RUS-USA, below: 0}]}
        """,
    )
    s = load_scenario(path)
    assert list(s.dyads) == ["USA-JPN", "JPN-RUS"]
    assert s.dyads["JPN-RUS"].irritants == {"missile_defence": {"RUS": 0.3}}
    assert s.outcomes["o"].all[0].dyad == "USA-RUS"


def test_keys_are_text_as_written(tmp_path: Path) -> None:
    # YAML 1.1 would read NO (Norway) and ON as booleans; keys are taken as written.
    path = write(
        tmp_path,
        "s.yaml",
        """
        name: s
        actors:
          NO: {name: Norway, size: 1}
          ON: {name: Ontario, size: 1}
        dyads:
          NO-ON: {relation: 0.1}
        """,
    )
    s = load_scenario(path)
    assert list(s.actors) == ["NO", "ON"]
    assert list(s.dyads) == ["NO-ON"]


def test_anchors_aliases_and_merge_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.yaml",
        """
        name: s
        actors:
          AAA: &actor {name: A, size: 1, offense: 0.2}
          BBB: {<<: *actor, name: B}
        """,
    )
    s = load_scenario(path)
    assert (s.actors["BBB"].name, s.actors["BBB"].offense) == ("B", 0.2)


def test_load_scenario_text(tmp_path: Path) -> None:
    text = f"name: t\nextends: {BASELINE.name}\nrun.steps: 8\n"
    s = load_scenario_text(text, name="upload.yaml", base_dir=BASELINE.parent)
    assert (s.name, s.run.steps) == ("t", 8)
    with pytest.raises(ScenarioError) as info:
        load_scenario_text("name: t\nrun.steps: -1\n", name="upload.yaml", base_dir=tmp_path)
    assert "upload.yaml:2: run.steps: must be between 1 and 10000, got -1" in str(info.value)


def test_resolve_scenario_dict_is_the_merged_mapping() -> None:
    data = resolve_scenario_dict(WHATIF)
    assert data["name"] == "adiz_whatif"
    assert data["actors"]["CHN"]["assertiveness"] == 0.8
    assert data["actors"]["CHN"]["name"] == "China"
    assert data["dyads"]["RUS-JPN"]["disputes"] == {"kurils": 0.3}
    assert "adiz" not in data["dyads"]["CHN-JPN"]["disputes"]
    assert data["run"]["start"] == dt.date(2014, 1, 1)
    assert Scenario.model_validate(data) == load_scenario(WHATIF)


@pytest.mark.parametrize(
    ("start", "months", "at", "step"),
    [
        ("2014-01-01", 3, "2014-01-01", 1),
        ("2014-01-01", 3, "2014-03-31", 1),
        ("2014-01-01", 3, "2014-04-01", 2),
        ("2014-01-01", 3, "2016-11-23", 12),
        ("2014-01-01", 3, "2023-12-31", 40),
        ("2014-01-15", 1, "2014-02-14", 1),
        ("2014-01-15", 1, "2014-02-15", 2),
        ("2014-01-31", 1, "2014-02-28", 2),  # one month after Jan 31 is Feb 28
        ("2014-07-01", 12, "2015-06-30", 1),
        ("2014-07-01", 12, "2015-07-01", 2),
    ],
)
def test_event_step_of_a_date(start: str, months: int, at: str, step: int) -> None:
    s = load_scenario(BASELINE).model_copy(deep=True)
    s.run.start, s.run.step_months = dt.date.fromisoformat(start), months
    event = Event(at=dt.date.fromisoformat(at), set={"weights.threat": 1.0})
    assert event_step(s, event) == step


def test_event_step_of_a_step_and_of_the_whatif_events() -> None:
    s = load_scenario(WHATIF)
    assert event_step(s, s.events["more_talks"]) == 8
    assert event_step(s, s.events["second_adiz"]) == 12  # 2016-Q4 with quarterly steps


def test_the_last_day_of_the_run_is_in_and_the_next_is_out(tmp_path: Path) -> None:
    def text_at(at: str) -> str:
        return f"name: w\nextends: {BASELINE}\nevents.e.at: {at}\nevents.e.add.weights.threat: 1\n"

    def load(at: str) -> Scenario:
        return load_scenario(write(tmp_path, "w.yaml", text_at(at)))

    s = load("2023-12-31")
    assert event_step(s, s.events["e"]) == s.run.steps
    _, notes = load_scenario_noted(write(tmp_path, "w.yaml", text_at("2023-12-31")))
    assert notes == []
    # The next day is after the end: kept, skipped, and noted (not refused).
    s, notes = load_scenario_noted(write(tmp_path, "w.yaml", text_at("2024-01-01")))
    assert event_step(s, s.events["e"]) == s.run.steps + 1
    assert [n.path for n in notes] == ["events.e.at"]
    assert "2024-01-01 is after the run's end" in notes[0].message
    with pytest.raises(ScenarioError, match="2013-12-31 is outside the run"):
        load("2013-12-31")


def test_scenario_error_pickles_with_its_problems() -> None:
    err = ScenarioError([Problem("a.yaml", 3, "run.steps", "expected a whole number")])
    back = pickle.loads(pickle.dumps(err))
    assert back.problems == err.problems
    assert str(back) == "a.yaml:3: run.steps: expected a whole number"


def test_committed_json_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "docs/scenario.schema.json is stale: regenerate it with "
        'python -c "from sim.scenario import write_json_schema; write_json_schema()"'
    )


def test_json_schema_describes_the_format() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "Scenario"
    assert schema["description"]
    actor = schema["$defs"]["Actor"]
    assert actor["additionalProperties"] is False
    assert actor["properties"]["assertiveness"]["maximum"] == 1.0
    # What-ifs: dotted override keys are allowed and a file with extends needs no actors.
    assert schema["patternProperties"] == {r"\.": {}}
    assert schema["else"]["required"] == ["name", "actors"]
