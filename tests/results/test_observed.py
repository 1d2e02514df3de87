"""The observed UN voting table: loading, its checks, and the changes since the base year."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO_ROOT

from sim.results.observed import (
    CHANGE_COLUMNS,
    UNGA,
    ObservedDataError,
    base_year,
    load_unga,
    overlap_years,
    unga_changes,
)

QUARTERS_2014_2015 = [dt.date(2014 + m // 12, m % 12 + 1, 1) for m in range(0, 25, 3)]
"""Step 0 (2014-01-01) to step 8 (2016-01-01), quarterly: the small test run's dates."""

TINY = """year,actor_a,actor_b,agreement,votes
2012,RUS,JPN,0.5,90
2013,RUS,JPN,0.4,61
2014,RUS,JPN,0.25,78
2015,RUS,JPN,0.1,78
2016,RUS,JPN,-0.2,109
2012,USA,RUS,-0.1,92
2014,USA,RUS,0.3,77
2015,USA,RUS,0.2,78
2013,KOR,IND,0.7,60
2014,KOR,IND,0.6,60
"""


def _write(tmp_path, text: str):
    path = tmp_path / "unga.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_reads_the_columns_with_their_types(tmp_path) -> None:
    table = load_unga(_write(tmp_path, TINY))
    assert list(table.columns) == ["year", "actor_a", "actor_b", "agreement", "votes"]
    assert len(table) == 10
    assert table["year"].dtype.kind == "i" and table["votes"].dtype.kind == "i"
    assert table["agreement"].dtype.kind == "f"


def test_changes_since_the_year_before_the_start(tmp_path) -> None:
    table = load_unga(_write(tmp_path, TINY))
    changes = unga_changes(table, ["USA", "JPN", "RUS"], QUARTERS_2014_2015)
    assert list(changes.columns) == CHANGE_COLUMNS
    # the run's canonical order: JPN before RUS; KOR-IND is not the run's; USA-JPN has no data
    pairs = list(changes[["actor_a", "actor_b"]].drop_duplicates().itertuples(index=False))
    assert [tuple(p) for p in pairs] == [("USA", "RUS"), ("JPN", "RUS")]
    jr = changes[changes["actor_a"] == "JPN"]
    # base 2013 (the year before a 2014-01-01 start); 2014 and 2015 end inside the run,
    # 2016 ends after its last date (2016-01-01), 2012 is neither
    assert list(jr["year"]) == [2013, 2014, 2015]
    assert list(jr["base_year"]) == [2013] * 3
    assert jr["change"].tolist() == pytest.approx([0.0, -0.15, -0.3])
    assert list(jr["in_run"]) == [False, True, True]
    assert list(jr["date"]) == [dt.date(2013, 12, 31), dt.date(2014, 12, 31), dt.date(2015, 12, 31)]
    assert list(jr["votes"]) == [61, 78, 78]
    assert overlap_years(changes) == [2014, 2015]


def test_a_dyad_without_the_base_year_takes_the_nearest(tmp_path) -> None:
    table = load_unga(_write(tmp_path, TINY))
    changes = unga_changes(table, ["USA", "JPN", "RUS"], QUARTERS_2014_2015)
    ur = changes[changes["actor_a"] == "USA"]
    # no 2013 for USA-RUS: 2012 and 2014 are equally near, the earlier is taken
    assert list(ur["base_year"]) == [2012] * 3
    assert list(ur["year"]) == [2012, 2014, 2015]
    assert ur["change"].tolist() == pytest.approx([0.0, 0.4, 0.3])


def test_base_year_rule() -> None:
    start = dt.date(2014, 1, 1)
    assert base_year([2012, 2013, 2014], start) == 2013
    assert base_year([2012, 2014], start) == 2012  # a tie goes to the earlier year
    assert base_year([2015, 2019], start) == 2015
    assert base_year([1992, 2019], dt.date(2030, 6, 1)) == 2019
    assert base_year([], start) is None


def test_no_overlap_gives_an_empty_frame(tmp_path) -> None:
    table = load_unga(_write(tmp_path, TINY))
    later = [dt.date(2030, 1, 1), dt.date(2031, 1, 1)]
    empty = unga_changes(table, ["USA", "JPN", "RUS"], later)
    assert empty.empty and list(empty.columns) == CHANGE_COLUMNS
    assert overlap_years(empty) == []
    # actors outside the data: nothing either
    assert unga_changes(table, ["FRA", "GBR"], QUARTERS_2014_2015).empty


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("year,actor_a,agreement\n2013,RUS,0.4\n", "missing columns actor_b, votes"),
        (TINY.replace("2013,RUS,JPN,0.4,61", "2013,RUS,JPN,1.4,61"), "line 3: agreement is"),
        (TINY.replace("2014,RUS,JPN,0.25,78", "2014,RUS,JPN,high,78"), "line 4: agreement is"),
        (TINY.replace("2015,USA,RUS,0.2,78", "2015,USA,RUS,0.2,-3"), "line 9: votes is '-3'"),
        (TINY.replace("2014,USA,RUS,0.3,77", "2014,USA,USA,0.3,77"), "line 8: actor_b is"),
        (TINY + "2014,JPN,RUS,0.2,70\n", "line 12: actor_a is 'JPN'; expected each pair once"),
    ],
)
def test_bad_tables_are_refused_with_the_file_and_what_is_wrong(tmp_path, text, words) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ObservedDataError) as err:
        load_unga(path)
    message = str(err.value)
    assert message.startswith(str(path)) and words in message, message


def test_a_missing_file_says_where_the_data_ship(tmp_path) -> None:
    with pytest.raises(ObservedDataError, match="data/observed/"):
        load_unga(tmp_path / "nothing.csv")


def test_the_shipped_table_is_in_the_repository() -> None:
    """A fresh clone has the data: found relative to the checkout, with its source."""
    assert UNGA.path == REPO_ROOT / "data" / "observed" / "unga-agreement-1992-2019.csv"
    readme = (REPO_ROOT / "data" / "observed" / "README.md").read_text(encoding="utf-8")
    assert "Voeten, Anton Strezhnev and Michael Bailey" in readme and "unvotes" in readme
    table = load_unga()
    assert (table["year"].min(), table["year"].max()) == (1992, 2019)
    actors = set(table["actor_a"]) | set(table["actor_b"])
    assert actors == {"USA", "RUS", "CHN", "JPN", "KOR", "VNM", "IND"}
    assert len(table) == 21 * 28  # every pair, every year


def test_the_real_table_shows_russia_japan_falling_after_crimea() -> None:
    """The README's example: Russia-Japan agreement about 0.39 in 2013, 0.26 in 2015."""
    dates = [dt.date(2014, 1, 1), dt.date(2024, 1, 1)]
    changes = unga_changes(load_unga(), ["USA", "CHN", "JPN", "RUS"], dates)
    jr = changes[(changes["actor_a"] == "JPN") & (changes["actor_b"] == "RUS")].set_index("year")
    assert jr.loc[2013, "agreement"] == pytest.approx(0.393)
    assert jr.loc[2015, "change"] < -0.1
    assert overlap_years(changes) == list(range(2014, 2020))
    assert set(changes["base_year"]) == {2013}
