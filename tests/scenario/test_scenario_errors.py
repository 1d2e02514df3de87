"""Bad scenarios: every problem names the file, the line, the key path and what was expected.

Files are written into a temporary working directory, so messages name them as the user
would ('w.yaml:3: ...'). The base they extend is tests/fixtures/scenarios/four_actors.yaml
(USA, CHN, JPN, RUS with sizes; 40 quarterly steps from 2014-01-01).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO_ROOT

import sim.scenario.loader as loader
from sim.scenario import ScenarioError, load_scenario, resolve_scenario_dict

FOUR = FIXTURES / "scenarios" / "four_actors.yaml"
KNOWN = "known actors: USA, CHN, JPN, RUS"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def whatif(body: str, name: str = "w.yaml") -> Path:
    """A what-if on line 1-2 (name, extends FOUR) followed by ``body`` from line 3."""
    return write(name, f"name: w\nextends: {FOUR}\n" + textwrap.dedent(body).lstrip("\n"))


def problems(path: Path | str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    lines = str(info.value).splitlines()
    assert lines == [str(p) for p in info.value.problems]
    return lines


def only_problem(path: Path | str) -> str:
    found = problems(path)
    assert len(found) == 1, found
    return found[0]


# --- keys and values ------------------------------------------------------------------------


def test_unknown_key_suggests_the_field() -> None:
    path = whatif("actors.CHN.assertivness: 0.8\n")
    assert only_problem(path) == (
        "w.yaml:3: actors.CHN.assertivness: unknown key; did you mean 'assertiveness'?"
    )


def test_unknown_nested_key_gets_its_own_line() -> None:
    path = whatif(
        """
        actors:
          CHN:
            offense: 0.5
            assertivness: 0.8
        """
    )
    assert only_problem(path) == (
        "w.yaml:6: actors.CHN.assertivness: unknown key; did you mean 'assertiveness'?"
    )


def test_unknown_key_without_a_close_match_lists_the_fields() -> None:
    msg = only_problem(whatif("weights.zzz: 1\n"))
    assert msg.startswith("w.yaml:3: weights.zzz: unknown key; expected one of: shared_threat,")


def test_unknown_top_level_key() -> None:
    msg = only_problem(whatif("outcome: {}\n"))
    assert msg == "w.yaml:3: outcome: unknown key; did you mean 'outcomes'?"


def test_wrong_type_says_what_was_expected_and_given() -> None:
    path = whatif(
        """
        run.steps: many
        actors.JPN.size: [1, 2]
        dyads.USA-JPN: 0.5
        run.start: 0
        """
    )
    assert problems(path) == [
        "w.yaml:3: run.steps: expected a whole number, got the text 'many'",
        "w.yaml:4: actors.JPN.size: expected a number, got a list",
        "w.yaml:5: dyads.USA-JPN: expected a mapping (key: value lines), got the number 0.5",
        "w.yaml:6: run.start: expected a date (YYYY-MM-DD), got the number 0",
    ]


def test_booleans_are_not_numbers() -> None:
    msg = only_problem(whatif("dyads.USA-JPN.treaty: yes\n"))
    assert msg.startswith("w.yaml:3: dyads.USA-JPN.treaty: expected a number, got the boolean true")
    assert "yes/no/on/off" in msg


def test_out_of_range_says_the_range() -> None:
    path = whatif(
        """
        actors.CHN.offense: 1.5
        actors.RUS.autonomy: -1
        model.temperature: 0
        dyads.RUS-JPN.disputes.kurils: 2
        """
    )
    assert problems(path) == [
        "w.yaml:3: actors.CHN.offense: must be between 0 and 1, got 1.5",
        "w.yaml:4: actors.RUS.autonomy: must be at least 0, got -1",
        "w.yaml:5: model.temperature: must be greater than 0 and at most 10, got 0",
        "w.yaml:6: dyads.RUS-JPN.disputes.kurils: must be between 0 and 1, got 2",
    ]


def test_infinite_numbers_are_rejected() -> None:
    msg = only_problem(whatif("actors.USA.size: .inf\n"))
    assert msg == "w.yaml:3: actors.USA.size: expected a finite number, got the number inf"


def test_missing_required_key_points_at_the_parent() -> None:
    path = whatif(
        """
        actors:
          KOR:
            size: 1
        """
    )
    assert only_problem(path) == "w.yaml:4: actors.KOR.name: required key is missing"


def test_missing_top_level_keys_point_at_the_first_line() -> None:
    path = write("s.yaml", "# comment\ndescription: no name, no actors\n")
    assert problems(path) == [
        "s.yaml:2: name: required key is missing",
        "s.yaml:2: actors: required key is missing",
    ]


def test_rule_of_a_model_is_reported_at_its_mapping() -> None:
    path = whatif(
        """
        events:
          talks:
            set: {weights.threat: 2}
        """
    )
    assert only_problem(path) == (
        "w.yaml:4: events.talks: give exactly one trigger: 'at' (a date), 'step', "
        "'when' (a condition), 'probability' or 'every' (got none)"
    )


def test_outcome_list_item_paths() -> None:
    path = whatif(
        """
        outcomes:
          o:
            all:
              - {dyad: USA-JPN, band: allied}
              - {dyad: USA-JPN, band: alied}
        """
    )
    assert only_problem(path) == (
        "w.yaml:7: outcomes.o.all[1].band: expected one of 'hostile', 'rivalry', 'hedging', "
        "'aligned' or 'allied', got the text 'alied'"
    )


def test_key_given_twice_in_one_file() -> None:
    path = whatif(
        """
        actors.CHN.offense: 0.4
        actors:
          CHN: {offense: 0.5}
        """
    )
    assert only_problem(path) == "w.yaml:5: actors.CHN.offense: given twice (also on line 3)"


def test_both_orders_of_a_dyad_in_one_file() -> None:
    path = whatif(
        """
        dyads:
          USA-CHN: {relation: 0.1}
          CHN-USA: {relation: 0.2}
        """
    )
    assert only_problem(path) == (
        "w.yaml:5: dyads.CHN-USA: the same pair as 'USA-CHN' (line 4); give each pair once"
    )


# --- cross-field checks ---------------------------------------------------------------------


def test_unknown_actor_in_a_dyad() -> None:
    msg = only_problem(whatif("dyads.RUS-KOR.relation: 0.1\n"))
    assert msg == f"w.yaml:3: dyads.RUS-KOR: unknown actor 'KOR'; {KNOWN}"


def test_dyad_of_one_actor_and_malformed_dyad_keys() -> None:
    path = whatif(
        """
        dyads.RUS-RUS.relation: 0.1
        dyads.RUSJPN.relation: 0.1
        """
    )
    assert problems(path) == [
        "w.yaml:3: dyads.RUS-RUS: a dyad needs two different actors",
        "w.yaml:4: dyads.RUSJPN: a dyad is two actor ids joined by '-', e.g. RUS-JPN",
    ]


def test_unknown_actor_in_an_event_path() -> None:
    path = whatif(
        """
        events:
          talks:
            step: 2
            set: {dyads.RUS-KOR.relation: 0.2}
        """
    )
    msg = only_problem(path)
    assert msg.startswith("w.yaml:6: events.talks.set.dyads.RUS-KOR.relation: ")
    assert f"unknown actor 'KOR'; {KNOWN}" in msg


def test_unknown_field_in_an_event_path() -> None:
    msg = only_problem(whatif("events.e.step: 2\nevents.e.add.actors.CHN.asertiveness: 0.1\n"))
    assert msg.startswith("w.yaml:4: events.e.add.actors.CHN.asertiveness: unknown actor field")
    assert "did you mean 'assertiveness'?" in msg


def test_unknown_actor_in_an_outcome() -> None:
    path = whatif(
        """
        outcomes:
          o:
            all:
              - {dyad: USA-KOR, band: allied}
              - {actor: VNM, all_below: 0.5}
        """
    )
    assert problems(path) == [
        f"w.yaml:6: outcomes.o.all[0].dyad: 'USA-KOR': unknown actor 'KOR'; {KNOWN}",
        f"w.yaml:7: outcomes.o.all[1].actor: unknown actor 'VNM'; {KNOWN}",
    ]


def test_mixed_size_and_capabilities_names_both_groups() -> None:
    path = write(
        "m.yaml",
        """
        name: m
        actors:
          USA: {name: United States, size: 4}
          CHN: {name: China, size: 3}
          JPN: {name: Japan, capabilities: {gdp: 5}}
        """,
    )
    assert only_problem(path) == (
        "m.yaml:5: actors.JPN.capabilities: every actor must give 'size' or every actor "
        "'capabilities', not a mix: size: USA, CHN; capabilities: JPN"
    )


def test_capability_components_must_match() -> None:
    path = write(
        "m.yaml",
        """
        name: m
        actors:
          USA: {name: United States, capabilities: {gdp: 16, military: 600}}
          CHN: {name: China, capabilities: {gdp: 9}}
        """,
    )
    assert only_problem(path) == (
        "m.yaml:4: actors.CHN.capabilities: 'military' is missing but given for USA; give "
        "every actor the same components (each becomes shares among all the actors)"
    )


def test_levers_and_irritants_name_the_right_actors() -> None:
    path = whatif(
        """
        actors.USA.attention: {RUS: 0.3, USA: 0.1}
        actors.JPN.wedge.KOR: 0.2
        dyads.RUS-JPN.irritants.missile_defence.USA: 0.4
        """
    )
    assert problems(path) == [
        "w.yaml:3: actors.USA.attention.USA: an actor has no attention toward itself",
        f"w.yaml:4: actors.JPN.wedge.KOR: unknown actor 'KOR'; {KNOWN}",
        "w.yaml:5: dyads.RUS-JPN.irritants.missile_defence.USA: 'USA' is not a side of this "
        "dyad; expected JPN or RUS",
    ]


def test_aimed_intentions_and_sanctions_name_other_known_actors() -> None:
    path = whatif(
        """
        actors.USA.sanctions: {RUS: 0.5, USA: 0.2}
        actors.CHN.assertiveness_toward: {KOR: 0.3}
        actors.JPN.assertiveness_toward.JPN: 0.1
        """
    )
    assert problems(path) == [
        "w.yaml:3: actors.USA.sanctions.USA: a state cannot sanction itself",
        f"w.yaml:4: actors.CHN.assertiveness_toward.KOR: unknown actor 'KOR'; {KNOWN}",
        "w.yaml:5: actors.JPN.assertiveness_toward.JPN: an actor's intentions cannot be aimed "
        "at itself",
    ]
    strength = only_problem(whatif("actors.RUS.sanctions.JPN: 1.5\n"))
    assert strength == "w.yaml:3: actors.RUS.sanctions.JPN: must be between 0 and 1, got 1.5"


def test_actor_ids_are_upper_case() -> None:
    msg = only_problem(whatif("actors.kor: {name: Korea, size: 1}\n"))
    assert msg.startswith("w.yaml:3: actors.kor: 'kor': an actor id is 1-16 upper-case letters")


def notes(path: Path | str) -> list[str]:
    """The notes of a scenario that loads: what is kept but will not happen."""
    _, found = loader.load_scenario_noted(path)
    return [str(n) for n in found]


def test_event_date_before_the_run_is_refused() -> None:
    path = whatif(
        """
        events:
          adiz:
            at: 2013-06-01
            set: {actors.CHN.assertiveness: 0.9}
        """
    )
    assert problems(path) == [
        "w.yaml:5: events.adiz.at: 2013-06-01 is outside the run (2014-01-01 to 2024-01-01)",
    ]


def test_event_dated_after_the_end_is_kept_with_a_note() -> None:
    path = whatif(
        """
        events:
          adiz:
            at: 2031-01-01
            set: {actors.CHN.assertiveness: 0.9}
          late:
            step: 41
            add: {weights.threat: 0.1}
        """
    )
    assert set(load_scenario(path).events) == {"adiz", "late"}
    assert notes(path) == [
        "w.yaml:5: events.adiz.at: 2031-01-01 is after the run's end (2014-01-01 to "
        "2024-01-01); the event is kept and skipped in this run",
        "w.yaml:8: events.late.step: step 41 is after the run's last step (40); the event is "
        "kept and skipped in this run",
    ]


def test_shortening_the_run_notes_the_base_events_in_the_base_file() -> None:
    write(
        "base.yaml",
        f"""
        name: base
        extends: {FOUR}
        events:
          adiz:
            at: 2020-01-01
            set: {{actors.CHN.assertiveness: 0.9}}
        """,
    )
    write("w.yaml", "name: w\nextends: base.yaml\nrun.steps: 8\n")
    assert notes("w.yaml") == [
        "base.yaml:5: events.adiz.at: 2020-01-01 is after the run's end (2014-01-01 to "
        "2016-01-01); the event is kept and skipped in this run"
    ]


def test_each_problem_is_in_the_file_that_last_set_the_key() -> None:
    write("base.yaml", f"name: base\nextends: {FOUR}\nactors.CHN.offense: 3\nrun.seed: -1\n")
    write("w.yaml", "name: w\nextends: base.yaml\nrun.seed: -2\nactors.JPN.offense: 4\n")
    assert problems("w.yaml") == [
        "w.yaml:3: run.seed: must be at least 0, got -2",
        "w.yaml:4: actors.JPN.offense: must be between 0 and 1, got 4",
        "base.yaml:3: actors.CHN.offense: must be between 0 and 1, got 3",
    ]


def test_a_reversed_dyad_key_is_reported_as_written() -> None:
    msg = only_problem(whatif("dyads.JPN-RUS.relation: 2\n"))
    assert msg == "w.yaml:3: dyads.JPN-RUS.relation: must be between -1 and 1, got 2"


# --- files ----------------------------------------------------------------------------------


def test_extends_cycle_names_the_chain() -> None:
    write("a.yaml", "name: a\nextends: b.yaml\n")
    write("b.yaml", "name: b\nextends: a.yaml\n")
    assert only_problem("a.yaml") == "b.yaml:2: extends: cycle: a.yaml -> b.yaml -> a.yaml"


def test_a_file_that_extends_itself() -> None:
    write("s.yaml", "name: s\nextends: s.yaml\n")
    assert only_problem("s.yaml") == "s.yaml:2: extends: cycle: s.yaml -> s.yaml"


def test_missing_file() -> None:
    assert only_problem("nope.yaml") == "nope.yaml: file not found"


def test_missing_base_names_the_extending_file_and_line() -> None:
    write("w.yaml", "# a what-if\nname: w\nextends: nothere.yaml\n")
    assert only_problem("w.yaml") == "w.yaml:3: extends: base scenario nothere.yaml: file not found"


def test_extends_must_be_a_file_name() -> None:
    write("w.yaml", "name: w\nextends: [a.yaml]\n")
    assert only_problem("w.yaml") == "w.yaml:2: extends: expected the file name of a base scenario"


def test_malformed_yaml_gives_the_line() -> None:
    path = write(
        "m.yaml",
        """
        name: m
        actors:
          USA:
            name: United States
           size: 4
        """,
    )
    msg = only_problem(path)
    assert msg.startswith("m.yaml:5: invalid YAML: ")
    assert "check the indentation" in msg


def test_malformed_base_is_reported_in_the_base() -> None:
    write("base.yaml", "name: b\nactors: {USA: {name: US, size: 1}\n")
    write("w.yaml", "name: w\nextends: base.yaml\n")
    assert only_problem("w.yaml").startswith("base.yaml:3: invalid YAML: ")


def test_tabs_are_explained() -> None:
    path = write("t.yaml", "name: t\n\tactors: {}\n")
    assert only_problem(path).endswith("YAML does not allow tabs for indentation, use spaces")


def test_top_level_list_instead_of_mapping() -> None:
    path = write("l.yaml", "# a list\n- name: x\n- name: y\n")
    assert only_problem(path) == (
        "l.yaml:2: expected a mapping (key: value lines) at the top level, got a list"
    )


def test_empty_file() -> None:
    path = write("e.yaml", "# nothing here\n")
    assert (
        only_problem(path)
        == "e.yaml:1: the file is empty; expected a mapping with name, actors, ..."
    )


def test_directory_instead_of_a_file(in_tmp: Path) -> None:
    (in_tmp / "d.yaml").mkdir()
    assert only_problem("d.yaml") == "d.yaml: is a directory, not a YAML file"


def test_text_that_is_not_utf8() -> None:
    Path("x.yaml").write_bytes("name: x\ndescription: Tōkyō\n".encode("latin-1", "replace"))
    Path("x.yaml").write_bytes(b"name: x\ndescription: T\xf4ky\xf4\n")
    assert only_problem("x.yaml") == "x.yaml:2: not UTF-8 text (byte 0xf4 on line 2)"


def test_control_characters_are_reported_with_their_line() -> None:
    Path("c.yaml").write_text("name: c\n\ndescription: a\x01b\n", encoding="utf-8")
    msg = only_problem("c.yaml")
    assert msg == "c.yaml:3: invalid YAML: the character #x0001 is not allowed in a YAML file"


def test_unsafe_tags_are_refused() -> None:
    path = write("u.yaml", "name: u\nrun: !!python/object/apply:os.system ['echo hi']\n")
    msg = only_problem(path)
    assert msg == "u.yaml:2: run: YAML tag '!!python/object/apply:os.system' is not supported here"
    path = write("v.yaml", "name: !!python/name:os.system x\n")
    assert only_problem(path).startswith(
        "v.yaml:1: invalid YAML: could not determine a constructor"
    )


def test_alias_bombs_stop() -> None:
    rows = ["a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        rows.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    path = write("bomb.yaml", "\n".join(rows) + "\n")
    msg = only_problem(path)
    assert msg.startswith("bomb.yaml:1: ")
    assert "too large" in msg


def test_resolve_scenario_dict_reports_file_problems() -> None:
    write("w.yaml", "name: w\nextends: nothere.yaml\n")
    with pytest.raises(ScenarioError, match=r"w.yaml:2: extends: base scenario nothere.yaml"):
        resolve_scenario_dict("w.yaml")


def test_an_unexpected_failure_is_still_a_scenario_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(scenario: object, *args: object) -> list:
        raise RuntimeError("checks exploded")

    monkeypatch.setattr(loader, "check_scenario", boom)
    msg = only_problem(FOUR)
    assert msg.endswith(
        "internal error while loading (RuntimeError: checks exploded); please report it"
    )
    assert str(FOUR) in msg


def test_every_problem_is_reported_at_once() -> None:
    path = whatif(
        """
        actors.CHN.assertivness: 0.8
        run.steps: many
        actors.JPN.offense: 2
        """
    )
    assert [line.split(": ")[0] for line in problems(path)] == ["w.yaml:3", "w.yaml:4", "w.yaml:5"]


def test_an_event_that_sets_a_value_out_of_its_range_is_refused(tmp_path) -> None:
    base = REPO_ROOT / "scenarios" / "baseline.yaml"
    whatif = tmp_path / "w.yaml"
    whatif.write_text(
        f"extends: {base}\n"
        "name: w\n"
        "events:\n"
        "  surge:\n"
        "    step: 3\n"
        "    set:\n"
        "      actors.CHN.assertiveness: 1.5\n"
        "    add:\n"
        "      actors.CHN.offense: 0.9\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(whatif)
    text = str(err.value)
    assert "w.yaml:7: events.surge.set.actors.CHN.assertiveness" in text
    assert "must be between 0 and 1, got 1.5" in text
    assert "offense" not in text  # an 'add' that overshoots is clipped, not refused


# --- groups, ramps and repeats --------------------------------------------------------------


def test_a_group_named_like_an_actor_is_refused() -> None:
    path = whatif("groups:\n  USA: [JPN]\n")
    assert only_problem(path) == (
        "w.yaml:4: groups.USA: 'USA' is an actor id; a group needs a name of its own, or a path "
        "naming it could not say whether it means the actor or the group"
    )


def test_a_group_naming_an_unknown_actor_is_refused_at_the_member() -> None:
    path = whatif("groups:\n  G7:\n    - USA\n    - KOR\n")
    assert only_problem(path) == f"w.yaml:6: groups.G7[1]: unknown actor 'KOR'; {KNOWN}"


def test_an_empty_group_is_refused() -> None:
    path = whatif("groups:\n  G7: []\n")
    assert only_problem(path) == (
        "w.yaml:4: groups.G7: an empty group; list at least one actor, e.g. [USA, JPN]"
    )


def test_a_group_outside_an_event_says_groups_are_for_events() -> None:
    path = whatif(
        "groups: {G7: [USA, JPN]}\n"
        "uncertainties:\n"
        "  actors.G7.offense: {dist: uniform, low: 0.2, high: 0.4}\n"
    )
    msg = only_problem(path)
    assert msg.startswith("w.yaml:5: uncertainties.actors.G7.offense: 'G7' is a group (USA, JPN)")
    assert "only an event's set and add expand groups" in msg


def test_a_group_path_that_pairs_every_member_with_itself_is_refused() -> None:
    path = whatif(
        """
        groups: {J: [JPN]}
        events:
          e:
            step: 2
            add: {dyads.J-JPN.institutions: 0.1}
        """
    )
    assert only_problem(path) == (
        "w.yaml:7: events.e.add.dyads.J-JPN.institutions: names no pair of two different actors "
        "(each member of J would be paired with itself)"
    )


def test_a_ramp_past_the_end_of_the_run_is_refused() -> None:
    path = whatif(
        """
        events:
          trade:
            at: 2023-01-01
            ramp: 8
            add: {dyads.RUS-JPN.interdependence: 0.1}
        """
    )
    assert only_problem(path) == (
        "w.yaml:6: events.trade.ramp: the ramp runs from step 37 to step 44, past the run's "
        "last step (40); expected at most 4 steps"
    )


def test_a_ramp_of_zero_length_is_refused() -> None:
    path = whatif(
        """
        events:
          trade:
            step: 3
            ramp: 0
            add: {dyads.RUS-JPN.interdependence: 0.1}
        """
    )
    assert only_problem(path) == "w.yaml:6: events.trade.ramp: must be at least 1, got 0"


def test_a_ramped_relation_shock_is_refused() -> None:
    path = whatif(
        """
        events:
          thaw:
            step: 3
            ramp: 4
            add: {dyads.RUS-JPN.relation: 0.2}
        """
    )
    msg = only_problem(path)
    assert msg.startswith("w.yaml:7: events.thaw.add.dyads.RUS-JPN.relation: a relation shock")
    assert "cannot be ramped" in msg


def test_a_repeat_interval_below_one_is_refused() -> None:
    path = whatif(
        """
        events:
          patrol:
            every: 0
            add: {dyads.RUS-CHN.institutions: 0.02}
        """
    )
    assert only_problem(path) == "w.yaml:5: events.patrol.every: must be at least 1, got 0"


def test_a_repeat_whose_window_holds_no_step_is_refused() -> None:
    path = whatif(
        """
        events:
          patrol:
            every: 2
            after: 2015-01-15
            before: 2015-02-01
            add: {dyads.RUS-CHN.institutions: 0.02}
        """
    )
    assert only_problem(path) == (
        "w.yaml:5: events.patrol.every: the window from 2015-01-15 to 2015-02-01 holds no step "
        "of the run; widen 'after'/'before'"
    )


def test_a_repeat_with_repeat_is_refused() -> None:
    path = whatif(
        """
        events:
          patrol:
            every: 2
            repeat: true
            add: {dyads.RUS-CHN.institutions: 0.02}
        """
    )
    assert only_problem(path).startswith(
        "w.yaml:4: events.patrol: 'repeat' goes with 'when' or 'probability'"
    )


def test_validate_shows_the_problems_and_the_notes(in_tmp: Path) -> None:
    import subprocess
    import sys

    bad = whatif(
        "groups:\n  USA: [JPN]\n  G7: [KOR]\n  EU: []\nevents.p.every: 0\n"
        "events.p.add.weights.threat: 0.1\n",
        name="bad.yaml",
    )
    good = whatif(
        "events.late.at: 2030-01-01\nevents.late.add.weights.threat: 0.1\n", name="good.yaml"
    )
    command = [sys.executable, str(REPO_ROOT / "run.py"), "validate", str(bad), str(good)]
    proc = subprocess.run(command, cwd=in_tmp, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "bad.yaml:7: events.p.every: must be at least 1, got 0" in proc.stderr
    assert "good.yaml: ok (4 actors, 6 dyads, 1 event, 40 steps)" in proc.stdout
    assert (
        "note: good.yaml:3: events.late.at: 2030-01-01 is after the run's end (2014-01-01 to "
        "2024-01-01); the event is kept and skipped in this run"
    ) in proc.stderr
    # The groups' problems need the schema to pass first: fix 'every' and look again.
    bad.write_text(bad.read_text().replace("every: 0", "every: 1"))
    proc = subprocess.run(command[:-1], cwd=in_tmp, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "bad.yaml:4: groups.USA: 'USA' is an actor id; a group needs a name of its own, or a "
        "path naming it could not say whether it means the actor or the group",
        f"bad.yaml:5: groups.G7[0]: unknown actor 'KOR'; {KNOWN}",
        "bad.yaml:6: groups.EU: an empty group; list at least one actor, e.g. [USA, JPN]",
    ]
