"""Observed series beside a run: yearly UN General Assembly voting agreement, as changes.

A scenario asks for an observed series by name (``observed: [unga]``); the run's report
then draws it beside the model's relations where the years overlap. The one series so
far is the yearly agreement of pairs of states in UN General Assembly roll calls,
1992-2019 (``data/observed/unga-agreement-1992-2019.csv``: Voeten, Strezhnev & Bailey,
Harvard Dataverse, via the R package ``unvotes``; ``data/observed/README.md``).

**The observation model: changes, not levels.** The model's relation and voting
agreement are different quantities on different scales. The level of agreement is
dominated by resolutions that recur every year (the Middle East, human rights, Cuba):
Japan often votes with the majority rather than with the United States on them, so
US-Japan agreement is near 0 in 2013 although the alliance is the region's tightest, and
levels cannot be compared across dyads or with a relation. What a dyad's agreement does
*over time* is more informative, because the recurring agenda is much the same from one
year to the next: Russia-Japan falls from 0.39 in 2013 to 0.26 in 2015, after Crimea. So
each dyad's series is its change since a base year, the year before the run starts (the
state of the world at step 0; for a 2014-01-01 start, 2013), or the nearest year with data
for that dyad when that year has none (the earlier of two equally near). No offset or
scale is fitted: a change of 0.1 in agreement is not claimed to be a change of 0.1 in
relation, and only directions and timing are meant to be compared. A year's agreement
rests on 57 to 129 votes (61 in 2013), so a single year moves by a few hundredths by
chance alone.

**Dates.** A year's agreement is known once its votes are in, so it is placed at the
year's last day (31 December); the base year 2013 then sits next to a 2014-01-01 start.
A year *overlaps* the run when that date lies within the run's dates (step 0 to the last
step). The data's dyads are unordered; they are named in the run's canonical order
(:class:`sim.scenario.dyads.Dyad`), and only dyads whose two actors are both in the data
and in the run are kept.

- :data:`UNGA`: the series (its name, title, source and file; :data:`SERIES` by name);
- :func:`load_unga`: the table, its columns and values checked (:class:`ObservedDataError`);
- :func:`base_year`: the base year of a dyad's years for a run's start;
- :func:`unga_changes`: the change of agreement since the base year, per dyad and year;
- :func:`overlap_years`: the years of a changes frame that overlap the run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.scenario.dyads import Dyad

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The checkout that holds sim/ and data/ (as the workshop finds scenarios/)."""
OBSERVED_DIR = REPO_ROOT / "data" / "observed"
"""Where the observed series live, with their README (source and how to read them)."""


@dataclass(frozen=True)
class ObservedSeries:
    """An observed series a scenario may ask for in ``observed``."""

    name: str
    """As a scenario names it: ``observed: [unga]``."""
    title: str
    """What it measures, for labels: 'UN General Assembly voting agreement'."""
    source: str
    """Who collected it, as a citation in words."""
    path: Path
    """Its file."""


UNGA = ObservedSeries(
    name="unga",
    title="UN General Assembly voting agreement",
    source=(
        "Erik Voeten, Anton Strezhnev and Michael Bailey, United Nations General Assembly "
        "Voting Data, Harvard Dataverse, via the R package unvotes"
    ),
    path=OBSERVED_DIR / "unga-agreement-1992-2019.csv",
)
SERIES = {UNGA.name: UNGA}
"""The observed series by the name a scenario gives."""

UNGA_COLUMNS = ("year", "actor_a", "actor_b", "agreement", "votes")
"""The columns the UNGA table must have."""
CHANGE_COLUMNS = [
    "actor_a",
    "actor_b",
    "year",
    "date",
    "agreement",
    "votes",
    "base_year",
    "change",
    "in_run",
]
"""The columns of :func:`unga_changes`."""


class ObservedDataError(ValueError):
    """An observed data file that cannot be read as its series: the file and what is wrong."""


def load_unga(path: str | os.PathLike[str] = UNGA.path) -> pd.DataFrame:
    """The UNGA agreement table: ``year`` (int), ``actor_a``, ``actor_b`` (str),
    ``agreement`` (float in [-1, 1]) and ``votes`` (int >= 0), one row per year and pair.

    Raises :class:`ObservedDataError` naming the file and what is wrong when it is
    missing, lacks a column, has a value out of its range or a pair twice in one year.
    """
    path = Path(path)
    if not path.is_file():
        raise ObservedDataError(
            f"{path}: not found; the observed series ship in data/observed/ of the "
            "repository (data/observed/README.md)"
        )
    try:
        # Every cell as its text, so that a message quotes the file as written.
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ObservedDataError(f"{path}: not a CSV table ({exc})") from exc
    missing = [c for c in UNGA_COLUMNS if c not in raw.columns]
    if missing:
        raise ObservedDataError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}; expected the columns {', '.join(UNGA_COLUMNS)}"
        )
    raw = raw[list(UNGA_COLUMNS)].apply(lambda column: column.str.strip())
    table = raw.copy()
    for column in ("year", "agreement", "votes"):
        table[column] = pd.to_numeric(raw[column], errors="coerce")
        _check(path, raw, table[column].isna(), column, "a number")
    year, votes, agreement = table["year"], table["votes"], table["agreement"]
    _check(path, raw, year % 1 != 0, "year", "a whole year")
    _check(path, raw, (votes % 1 != 0) | (votes < 0), "votes", "a count of votes (0 or more)")
    _check(path, raw, agreement.abs() > 1, "agreement", "a number in [-1, 1]")
    table = table.astype({"year": int, "votes": int, "agreement": float})
    a, b = table["actor_a"], table["actor_b"]
    _check(path, raw, (a == "") | (b == "") | (a == b), "actor_b", "two different actors")
    pair = ["-".join(sorted(p)) for p in zip(a, b, strict=True)]
    twice = pd.DataFrame({"pair": pair, "year": table["year"]}).duplicated()
    _check(path, raw, twice, "actor_a", "each pair once a year (in either order)")
    return table


def _check(path: Path, raw: pd.DataFrame, bad: pd.Series, column: str, expected: str) -> None:
    """Raise :class:`ObservedDataError` at the first row where ``bad`` holds, quoting
    the cell of ``column`` as the file has it (line 1 is the header)."""
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise ObservedDataError(
            f"{path}: line {row + 2}: {column} is '{raw[column].iloc[row]}'; expected {expected}"
        )


def base_year(years: Iterable[int], start: dt.date) -> int | None:
    """The base year for a run starting at ``start``: the year before it if ``years``
    has it, else the nearest of ``years`` (the earlier of two equally near); None
    when there are no years."""
    wanted = start.year - 1
    have = sorted(set(int(y) for y in years))
    if not have:
        return None
    return min(have, key=lambda y: (abs(y - wanted), y))


def year_date(year: int) -> dt.date:
    """Where a year's agreement is placed in time: its last day."""
    return dt.date(int(year), 12, 31)


def unga_changes(
    table: pd.DataFrame, actor_ids: Sequence[str], dates: Sequence[dt.date]
) -> pd.DataFrame:
    """The change of agreement since the base year, per dyad of the run and year.

    ``table``: :func:`load_unga`; ``actor_ids``: the run's actors (their order is the
    canonical one); ``dates``: the run's dates, step 0 to the last step. For every dyad
    whose two actors are in the table and in the run, one row for its base year
    (:func:`base_year`, change 0) and one for every year that overlaps the run (its
    31 December lies within the dates), each with the :data:`CHANGE_COLUMNS`:
    ``change = agreement - agreement in base_year``; ``in_run`` tells the overlapping
    years from a base year before the start. A dyad without an overlapping year is left
    out. Dyads in canonical order, years ascending.
    """
    ids = list(actor_ids)
    first, last = dates[0], dates[-1]
    known = table["actor_a"].isin(ids) & table["actor_b"].isin(ids)
    rows: list[pd.DataFrame] = []
    data = table[known]
    dyads = [
        Dyad(a, b).canonical(ids) for a, b in zip(data["actor_a"], data["actor_b"], strict=True)
    ]
    data = data.assign(
        actor_a=[d.a for d in dyads],
        actor_b=[d.b for d in dyads],
        i=[ids.index(d.a) for d in dyads],
        j=[ids.index(d.b) for d in dyads],
    )
    for _, d in data.sort_values(["i", "j", "year"]).groupby(["i", "j"], sort=False):
        dates_of = [year_date(y) for y in d["year"]]
        in_run = pd.Series([first <= day <= last for day in dates_of], index=d.index)
        if not in_run.any():
            continue
        base = base_year(d["year"], first)
        base_value = float(d.loc[d["year"] == base, "agreement"].iloc[0])
        kept = d[in_run | (d["year"] == base)]
        rows.append(
            pd.DataFrame(
                {
                    "actor_a": kept["actor_a"].to_numpy(),
                    "actor_b": kept["actor_b"].to_numpy(),
                    "year": kept["year"].to_numpy(),
                    "date": [year_date(y) for y in kept["year"]],
                    "agreement": kept["agreement"].to_numpy(),
                    "votes": kept["votes"].to_numpy(),
                    "base_year": base,
                    "change": kept["agreement"].to_numpy() - base_value,
                    "in_run": in_run[kept.index].to_numpy(),
                }
            )
        )
    if not rows:
        return pd.DataFrame({c: [] for c in CHANGE_COLUMNS})
    return pd.concat(rows, ignore_index=True)[CHANGE_COLUMNS]


def overlap_years(changes: pd.DataFrame) -> list[int]:
    """The years of a :func:`unga_changes` frame that overlap the run, ascending."""
    if changes.empty:
        return []
    return sorted({int(y) for y in changes.loc[changes["in_run"].astype(bool), "year"]})
