"""Observations: the shipped codings load, dates map to steps, and every bad input says
file:line: column: what was expected.

Bad files are written into a temporary working directory, so messages name them as the
user would ('o.csv:3: ...'). They are checked against tests/fixtures/scenarios/four_actors.yaml
(USA, CHN, JPN, RUS; 40 quarterly steps from 2014-01-01, so the run ends on 2024-01-01).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO_ROOT

from sim.scenario import (
    Observation,
    ObservationError,
    Scenario,
    ScenarioError,
    add_months,
    load_observations,
    load_scenario,
)
from sim.scenario.dyads import Dyad
from sim.scenario.observations import (
    format_observations,
    observation_step,
    observations_by_step,
    parse_observations,
)

SHIPPED = REPO_ROOT / "scenarios" / "history" / "observations-2014-2024.csv"
HISTORY = REPO_ROOT / "scenarios" / "history" / "2014-2024.yaml"
BASELINE = REPO_ROOT / "scenarios" / "baseline.yaml"
KNOWN = "known actors: USA, CHN, JPN, RUS"
HEADER = "date,actor_a,actor_b,low,high,source\n"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def four() -> Scenario:
    return load_scenario(FIXTURES / "scenarios" / "four_actors.yaml")


def write(tmp_path: Path, text: str, name: str = "o.csv") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(path: Path, scenario: Scenario) -> list[str]:
    with pytest.raises(ObservationError) as info:
        load_observations(path.name, scenario)
    assert isinstance(info.value, ScenarioError)  # the commands' error handling catches it
    lines = str(info.value).splitlines()
    assert lines == [str(p) for p in info.value.problems]
    return lines


def only_problem(path: Path, scenario: Scenario) -> str:
    found = problems(path, scenario)
    assert len(found) == 1, found
    return found[0]


def rows(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    return write(tmp_path, header + textwrap.dedent(body).lstrip("\n"))


# --- the shipped codings -------------------------------------------------------------------


@pytest.mark.parametrize("scenario_file", [HISTORY, BASELINE], ids=["history", "baseline"])
def test_the_shipped_codings_load_against_the_history_and_the_baseline(
    scenario_file: Path,
) -> None:
    scenario = load_scenario(scenario_file)
    found = load_observations(SHIPPED, scenario)
    ids = list(scenario.actors)
    six = {Dyad.of(ids, i, j) for i in range(4) for j in range(i + 1, 4)}
    assert {o.dyad for o in found} == six
    for dyad in six:
        assert 3 <= sum(o.dyad == dyad for o in found) <= 5, dyad
    for o in found:
        assert o.kind == "band"
        assert o.low is not None and o.high is not None
        assert -1 <= o.low <= o.high <= 1, o.where
        assert o.source and len(o.source) > 20, o.where
        assert 1 <= observation_step(scenario, o) <= scenario.run.steps


def test_the_shipped_codings_say_the_decade_in_brief() -> None:
    found = load_observations(SHIPPED, load_scenario(HISTORY))
    by = {(str(o.dyad), o.date.isoformat()): o for o in found}
    assert (by["USA-JPN", "2023-08-18"].low, by["USA-JPN", "2023-08-18"].high) == (0.6, 1.0)
    assert (by["RUS-CHN", "2022-02-04"].low, by["RUS-CHN", "2022-02-04"].high) == (0.2, 0.6)
    assert by["RUS-JPN", "2022-03-21"].high == -0.2
    assert by["USA-RUS", "2014-12-31"].high == -0.2


# --- the format --------------------------------------------------------------------------------


def test_points_and_bands_in_one_file(tmp_path: Path, four: Scenario) -> None:
    path = write(
        tmp_path,
        """
        date,actor_a,actor_b,relation,sd,low,high,source
        2015-06-30,USA,JPN,0.85,0.05,,,a survey
        2016-12-15,RUS,JPN,,,-0.2,0.2,Nagato summit
        """,
    )
    point, band = load_observations(path, four)
    assert point == Observation(
        date=dt.date(2015, 6, 30),
        dyad=Dyad("USA", "JPN"),
        kind="point",
        relation=0.85,
        sd=0.05,
        low=None,
        high=None,
        source="a survey",
        file="o.csv",
        line=2,
    )
    assert (band.kind, band.low, band.high) == ("band", -0.2, 0.2)
    assert band.relation is None and band.sd is None
    assert band.where == "o.csv:3"


def test_written_observations_read_back_the_same(four: Scenario) -> None:
    text = """date,actor_a,actor_b,relation,sd,low,high,source
2015-06-30,USA,JPN,0.85,0.05,,,"a survey, 2015"
2016-12-15,RUS,JPN,,,-0.2,0.2,Nagato summit
2017-03-31,CHN,USA,-0.123456789,0.3,,,
"""
    first = parse_observations(text, four, "o.csv")
    written = format_observations(first)
    assert written.splitlines()[0] == "date,actor_a,actor_b,relation,sd,low,high,source"
    assert parse_observations(written, four, "o.csv") == first


def test_columns_in_any_order_without_source(tmp_path: Path, four: Scenario) -> None:
    path = write(tmp_path, "sd,relation,actor_b,actor_a,date\n0.1,-0.3,CHN,USA,2020-01-15\n")
    (obs,) = load_observations(path, four)
    assert (obs.relation, obs.sd, obs.source, str(obs.dyad)) == (-0.3, 0.1, None, "USA-CHN")


def test_the_dyad_is_canonical_whatever_order_the_file_writes(
    tmp_path: Path, four: Scenario
) -> None:
    path = rows(tmp_path, "2016-12-15,RUS,JPN,-0.2,0.2,s\n2016-12-15,JPN,RUS,-0.2,0.2,s\n")
    a, b = load_observations(path, four)
    assert a.dyad == b.dyad == Dyad("JPN", "RUS")


def test_blank_lines_spaces_and_a_byte_order_mark_are_fine(tmp_path: Path, four: Scenario) -> None:
    path = tmp_path / "o.csv"
    path.write_text("\ufeff" + HEADER + "\n 2014-05-20 , CHN , RUS , 0.2 , 0.6 , x \n\n", "utf-8")
    (obs,) = load_observations(path, four)
    assert (obs.line, obs.source, str(obs.dyad)) == (3, "x", "CHN-RUS")


def test_a_quoted_source_may_hold_commas(tmp_path: Path, four: Scenario) -> None:
    path = rows(tmp_path, '2019-06-05,CHN,RUS,0.2,0.6,"a joint statement, Moscow"\n')
    assert load_observations(path, four)[0].source == "a joint statement, Moscow"


# --- dates and steps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "step"),
    [
        ("2014-01-01", 1),  # the run's first day: the first quarter, compared at its end
        ("2014-03-31", 1),
        ("2014-04-01", 2),
        ("2014-12-31", 4),
        ("2016-12-15", 12),
        ("2022-02-04", 33),
        ("2023-12-31", 40),  # the run's last day: the last step
    ],
)
def test_an_observation_is_compared_at_the_end_of_the_quarter_holding_its_date(
    tmp_path: Path, four: Scenario, date: str, step: int
) -> None:
    (obs,) = load_observations(rows(tmp_path, f"{date},USA,RUS,-0.6,-0.2,s\n"), four)
    assert observation_step(four, obs) == step
    # Step k's quarter holds the date; the relation it is compared with is the one at the
    # end of step k, the model's dates[k] = start + k quarters (the next quarter's first day).
    start, months = four.run.start, four.run.step_months
    assert add_months(start, (step - 1) * months) <= obs.date < add_months(start, step * months)


def test_observations_by_step(tmp_path: Path, four: Scenario) -> None:
    path = rows(
        tmp_path,
        "2014-12-31,USA,RUS,-0.6,-0.2,a\n2014-02-01,USA,RUS,-1,0,b\n2014-10-01,CHN,RUS,0.2,0.6,c\n",
    )
    grouped = observations_by_step(four, load_observations(path, four))
    assert {k: [o.source for o in v] for k, v in grouped.items()} == {1: ["b"], 4: ["a", "c"]}
    assert list(grouped) == [1, 4]


# --- bad input ---------------------------------------------------------------------------------


def test_an_unknown_actor_names_the_known_ones(tmp_path: Path, four: Scenario) -> None:
    path = rows(tmp_path, "2016-01-01,RUS,KOR,0,0.2,s\n")
    assert only_problem(path, four) == (
        f"o.csv:2: actor_b: expected a known actor, got 'KOR'; {KNOWN}"
    )


def test_an_empty_actor(tmp_path: Path, four: Scenario) -> None:
    path = rows(tmp_path, "2016-01-01,,JPN,0,0.2,s\n")
    assert only_problem(path, four) == f"o.csv:2: actor_a: expected an actor id; {KNOWN}"


def test_a_pair_naming_one_actor_twice(tmp_path: Path, four: Scenario) -> None:
    path = rows(tmp_path, "2016-01-01,JPN,JPN,0,0.2,s\n")
    assert only_problem(path, four) == (
        "o.csv:2: actor_b: a pair needs two different actors, got 'JPN' twice"
    )


@pytest.mark.parametrize("date", ["2013-12-31", "2024-01-01", "2024-06-30"])
def test_a_date_outside_the_run(tmp_path: Path, four: Scenario, date: str) -> None:
    path = rows(tmp_path, f"{date},USA,JPN,0.6,1,s\n")
    assert only_problem(path, four) == (
        f"o.csv:2: date: {date} is outside the run; expected a date from 2014-01-01 to "
        "2023-12-31 (the run's 40 steps of 3 months end on 2024-01-01)"
    )


@pytest.mark.parametrize("date", ["2014-13-01", "2014/05/20", "20140520", "May 2014", ""])
def test_a_date_that_is_not_yyyy_mm_dd(tmp_path: Path, four: Scenario, date: str) -> None:
    path = rows(tmp_path, f"{date},USA,JPN,0.6,1,s\n")
    shown = repr(date) if date else "an empty cell"
    assert only_problem(path, four) == (f"o.csv:2: date: expected a date (YYYY-MM-DD), got {shown}")


@pytest.mark.parametrize("sd", ["0", "-0.1"])
def test_sd_must_be_above_zero(tmp_path: Path, four: Scenario, sd: str) -> None:
    header = "date,actor_a,actor_b,relation,sd,source\n"
    path = rows(tmp_path, f"2016-01-01,USA,JPN,0.8,{sd},s\n", header)
    assert only_problem(path, four) == f"o.csv:2: sd: must be greater than 0, got {sd}"


def test_low_above_high(tmp_path: Path, four: Scenario) -> None:
    path = rows(tmp_path, "2016-01-01,USA,JPN,0.6,0.2,s\n")
    assert only_problem(path, four) == (
        "o.csv:2: high: a band needs low < high, got low 0.6 and high 0.2"
    )


def test_a_band_of_no_width_is_refused(tmp_path: Path, four: Scenario) -> None:
    # it would score zero for every relation (a likelihood of log 0), and a point says it
    path = rows(tmp_path, "2016-01-01,USA,JPN,0.2,0.2,s\n")
    assert only_problem(path, four) == (
        "o.csv:2: high: a band needs low < high, got low 0.2 and high 0.2; for one value "
        "give relation and sd"
    )


@pytest.mark.parametrize(
    ("header", "row", "column", "value"),
    [
        (HEADER, "2016-01-01,USA,JPN,-1.5,0,s", "low", "-1.5"),
        (HEADER, "2016-01-01,USA,JPN,0.6,1.2,s", "high", "1.2"),
        ("date,actor_a,actor_b,relation,sd\n", "2016-01-01,USA,JPN,2,0.1", "relation", "2"),
    ],
)
def test_values_outside_minus_one_to_one(
    tmp_path: Path, four: Scenario, header: str, row: str, column: str, value: str
) -> None:
    path = rows(tmp_path, row + "\n", header)
    assert only_problem(path, four) == (f"o.csv:2: {column}: must be between -1 and 1, got {value}")


@pytest.mark.parametrize("value", ["high", "nan", "inf", "1_0", "0x1"])
def test_a_value_that_is_not_a_number(tmp_path: Path, four: Scenario, value: str) -> None:
    path = rows(tmp_path, f"2016-01-01,USA,JPN,{value},1,s\n")
    assert only_problem(path, four) == (f"o.csv:2: low: expected a number, got {value!r}")


@pytest.mark.parametrize("row", ["2016-01-01,USA,JPN,0.6,1", "2016-01-01,USA,JPN,0.6,1,s,extra"])
def test_the_wrong_number_of_cells(tmp_path: Path, four: Scenario, row: str) -> None:
    path = rows(tmp_path, row + "\n")
    n = row.count(",") + 1
    assert only_problem(path, four) == (
        f"o.csv:2: expected 6 cells (date,actor_a,actor_b,low,high,source), got {n}"
    )


def test_a_row_with_both_kinds_or_neither_or_half_of_one(tmp_path: Path, four: Scenario) -> None:
    header = "date,actor_a,actor_b,relation,sd,low,high\n"
    body = """
        2016-01-01,USA,JPN,0.8,0.1,0.6,1
        2016-01-01,USA,JPN,,,,
        2016-01-01,USA,JPN,0.8,,,
        2016-01-01,USA,JPN,,,,1
        """
    assert problems(rows(tmp_path, body, header), four) == [
        "o.csv:2: a row gives relation,sd (a point) or low,high (a band), not both; "
        "got relation,sd,low,high",
        "o.csv:3: no value; expected relation,sd or low,high",
        "o.csv:4: sd: expected a number, got an empty cell (a point needs relation and sd)",
        "o.csv:5: low: expected a number, got an empty cell (a band needs low and high)",
    ]


def test_a_missing_header_column(tmp_path: Path, four: Scenario) -> None:
    path = write(tmp_path, "date,actor_a,low,high\n2016-01-01,USA,0.6,1\n")
    assert only_problem(path, four) == (
        "o.csv:1: actor_b: missing column; expected date,actor_a,actor_b,relation,sd or "
        "date,actor_a,actor_b,low,high (and source)"
    )


def test_half_a_pair_of_value_columns(tmp_path: Path, four: Scenario) -> None:
    path = write(tmp_path, "date,actor_a,actor_b,low\n2016-01-01,USA,JPN,0.6\n")
    assert only_problem(path, four) == ("o.csv:1: high: missing column; a band needs low and high")


def test_no_value_columns(tmp_path: Path, four: Scenario) -> None:
    path = write(tmp_path, "date,actor_a,actor_b,source\n2016-01-01,USA,JPN,s\n")
    assert only_problem(path, four) == (
        "o.csv:1: missing columns; expected relation,sd (a point) or low,high (a band), or both"
    )


def test_an_unknown_or_doubled_header_column(tmp_path: Path, four: Scenario) -> None:
    path = write(tmp_path, "date,actor_a,actor_b,low,high,sorce,low\n")
    assert problems(path, four) == [
        "o.csv:1: unknown column 'sorce'; did you mean 'source'?",
        "o.csv:1: low: column named twice",
    ]


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_an_empty_file(tmp_path: Path, four: Scenario, text: str) -> None:
    path = tmp_path / "o.csv"
    path.write_text(text, encoding="utf-8")
    assert only_problem(path, four) == (
        "o.csv:1: empty file; expected a header line: date,actor_a,actor_b,relation,sd or "
        "date,actor_a,actor_b,low,high (and source)"
    )


def test_a_header_without_rows(tmp_path: Path, four: Scenario) -> None:
    path = write(tmp_path, HEADER)
    assert only_problem(path, four) == ("o.csv:1: no observations: no row below the header")


def test_a_missing_file_or_a_folder(tmp_path: Path, four: Scenario) -> None:
    with pytest.raises(ObservationError, match=r"^nope\.csv: file not found$"):
        load_observations("nope.csv", four)
    with pytest.raises(ObservationError, match="is a directory, not a CSV file"):
        load_observations(tmp_path, four)


def test_every_problem_of_a_file_is_raised_together(tmp_path: Path, four: Scenario) -> None:
    body = """
        2016-01-01,USA,KOR,0.6,1,fine otherwise
        2016-01-01,USA,JPN,0.6,1,fine
        2030-01-01,RUS,RUS,0.9,0.1,three problems
        2016-01-01,USA
        """
    assert problems(rows(tmp_path, body), four) == [
        f"o.csv:2: actor_b: expected a known actor, got 'KOR'; {KNOWN}",
        "o.csv:4: date: 2030-01-01 is outside the run; expected a date from 2014-01-01 to "
        "2023-12-31 (the run's 40 steps of 3 months end on 2024-01-01)",
        "o.csv:4: actor_b: a pair needs two different actors, got 'RUS' twice",
        "o.csv:4: high: a band needs low < high, got low 0.9 and high 0.1",
        "o.csv:5: expected 6 cells (date,actor_a,actor_b,low,high,source), got 2",
    ]
