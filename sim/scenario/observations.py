"""Observations: dated, sourced codings of relations to hold a run against, read from CSV.

An observation says what a dyad's relation was at a date, on the model's scale (-1 hostile
.. 0 hedging .. +1 allied), in one of two kinds:

- a **point**, ``relation`` with its standard deviation ``sd`` (> 0): a measured or
  estimated number and how uncertain it is;
- a **band**, ``low`` .. ``high`` (-1 <= low < high <= 1): a coding that places the
  relation between two bounds, usually one of the bands of docs/model.md (hostile < -0.6,
  rivalry -0.6..-0.2, hedging -0.2..0.2, aligned 0.2..0.6, allied > 0.6) or two adjacent
  ones.

**The file.** A CSV file (read with the csv module, UTF-8, an optional byte-order mark)
whose header names its columns, in any order: ``date``, ``actor_a``, ``actor_b`` and the
value columns of one kind or both (``relation,sd`` and/or ``low,high``), and optionally
``source`` (where the coding comes from: a treaty, a statement, a sanctions package, with
its date). When a file has both kinds of columns, each row fills one pair and leaves the
other empty. Blank lines are skipped. The pair may be written in either order; it is
stored in the scenario's canonical order (:class:`~sim.scenario.dyads.Dyad`).

**Dates and steps.** An observation is placed at the step whose quarter (period) holds its
date, by the rule events use (:func:`sim.scenario.calendar.date_step`): with quarterly steps
from 2014-01-01, 2014-01-01 .. 2014-03-31 are step 1 and 2014-12-31 is step 4. It is
compared with the relation *at the end* of that step (the model's ``dates[k]``, the first
day of the next period; row k of a fully recorded history), so it sees every event of its
own quarter. Step 0, the starting state, is an input and is never observed. A date must lie
within the run: from ``run.start`` to the day before :func:`~sim.scenario.calendar.run_end`.

**Errors.** Every problem of a file is collected and raised together as an
:class:`ObservationError` (a :class:`~sim.scenario.errors.ScenarioError`), one line each,
``FILE:LINE: column: what was expected``: an empty file, a missing or unknown header column,
a row with the wrong number of cells, a date that is not YYYY-MM-DD or lies outside the run,
an unknown actor (with the known ones), a pair naming one actor twice, a value that is not a
number, outside -1..1, an ``sd`` that is not above 0, ``low`` not below ``high``, and a row that
fills neither kind or both.

**The shipped codings** (``scenarios/history/observations-2014-2024.csv``) are bands
coded from the public record, not measurements. The evidence of a date puts the relation in
a band (docs/scenarios.md, "Observations", has the table): an alliance treaty in force and
reaffirmed -> allied (0.6..1); a strategic partnership without a defence commitment ->
aligned (0.2..0.6); cooperation and friction together, or narrow sanctions while leaders
keep meeting -> hedging (-0.2..0.2); naming the other a strategic challenge, sanctions,
tariffs, export controls, leaving an arms-control treaty, with dialogue kept -> rivalry
(-0.6..-0.2); a thaw inside a rivalry -> rivalry or hedging (-0.6..0.2); comprehensive
sanctions, talks or treaties suspended, arms to the other's enemy at war -> rivalry or
worse (-1..-0.2).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sim.scenario.calendar import date_step, read_date, run_end
from sim.scenario.dyads import Dyad, known
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.keypaths import closest
from sim.scenario.loader import display_name
from sim.scenario.schema import Scenario
from sim.scenario.sourced_yaml import read_text

Kind = Literal["point", "band"]

KEYS = ("date", "actor_a", "actor_b")
"""The columns every file has."""
POINT = ("relation", "sd")
BAND = ("low", "high")
SOURCE = "source"
COLUMNS = (*KEYS, *POINT, *BAND, SOURCE)
"""Every column a file may have, in the order the docs list them."""
HEADERS = "date,actor_a,actor_b,relation,sd or date,actor_a,actor_b,low,high (and source)"

# A plain decimal number: no underscores, words (nan, inf) or hex, which float() accepts.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Observation:
    """One coded relation of a dyad at a date, with where it was written.

    ``dyad`` is in the scenario's canonical order. A ``'point'`` has ``relation`` and
    ``sd`` (``low`` and ``high`` are None); a ``'band'`` has ``low`` and ``high``
    (``relation`` and ``sd`` are None). ``source`` is None when the file gives none.
    ``file`` and ``line`` say where the row was written (for messages and reports).
    """

    date: dt.date
    dyad: Dyad
    kind: Kind
    relation: float | None
    sd: float | None
    low: float | None
    high: float | None
    source: str | None
    file: str
    line: int

    @property
    def where(self) -> str:
        """``FILE:LINE`` of the row, as messages name it."""
        return f"{self.file}:{self.line}"


class ObservationError(ScenarioError):
    """An observations file could not be read against a scenario; ``problems`` says why,
    each with file, line and column."""


def load_observations(path: str | os.PathLike[str], scenario: Scenario) -> tuple[Observation, ...]:
    """The observations of a CSV file, checked against ``scenario``'s actors and run.

    In file order. Raises :class:`ObservationError` with every problem of the file.
    """
    path = Path(path)
    shown = display_name(path)
    if path.is_dir():
        raise ObservationError(Problem(shown, None, "", "is a directory, not a CSV file"))
    try:
        text = read_text(path, shown, None)
    except ScenarioError as exc:
        raise ObservationError(exc.problems) from None
    return parse_observations(text, scenario, shown)


def parse_observations(text: str, scenario: Scenario, file: str) -> tuple[Observation, ...]:
    """The observations of CSV ``text``, named ``file`` in messages (as
    :func:`load_observations`)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(c.strip() for c in header):
            header = next(reader, None)
    except csv.Error as exc:
        raise ObservationError(Problem(file, reader.line_num, "", f"not CSV: {exc}")) from None
    if header is None:
        msg = f"empty file; expected a header line: {HEADERS}"
        raise ObservationError(Problem(file, 1, "", msg))
    columns = [c.strip() for c in header]
    problems = _header_problems(columns, file, reader.line_num)
    if problems:
        raise ObservationError(problems)
    rows = _Rows(scenario, file, columns)
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.read(cells, reader.line_num)
    except csv.Error as exc:
        rows.problems.append(Problem(file, reader.line_num, "", f"not CSV: {exc}"))
    if not rows.found and not rows.problems:
        rows.problems.append(Problem(file, 1, "", "no observations: no row below the header"))
    if rows.problems:
        raise ObservationError(rows.problems)
    return tuple(rows.found)


def observation_step(scenario: Scenario, observation: Observation) -> int:
    """The step (1 = the first) whose period holds the observation's date; it is compared
    with the relation at the end of that step (the model's ``dates[step]``)."""
    return date_step(scenario, observation.date)


def observations_by_step(
    scenario: Scenario, observations: Sequence[Observation]
) -> dict[int, list[Observation]]:
    """The observations grouped by :func:`observation_step`, in step order."""
    out: dict[int, list[Observation]] = {}
    for obs in sorted(observations, key=lambda o: (observation_step(scenario, o), o.line)):
        out.setdefault(observation_step(scenario, obs), []).append(obs)
    return out


def last_run_day(scenario: Scenario) -> dt.date:
    """The last day an observation may be dated: the day before the run's end."""
    return run_end(scenario) - dt.timedelta(days=1)


def format_observations(observations: Sequence[Observation]) -> str:
    """The observations as the CSV text :func:`parse_observations` reads back: a header
    of every column (``date,actor_a,actor_b,relation,sd,low,high,source``) and one row
    each, in the order given, the cells of the other kind left empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*KEYS, *POINT, *BAND, SOURCE])
    for o in observations:
        cells = [o.relation, o.sd, o.low, o.high]
        writer.writerow(
            [o.date.isoformat(), o.dyad.a, o.dyad.b]
            + ["" if v is None else repr(float(v)) for v in cells]
            + [o.source or ""]
        )
    return out.getvalue()


# --- the header -------------------------------------------------------------------------


def _header_problems(columns: list[str], file: str, line: int) -> list[Problem]:
    problems = []
    for i, name in enumerate(columns):
        if name in columns[:i]:
            problems.append(Problem(file, line, name, "column named twice"))
        elif name not in COLUMNS:
            close = closest(name, COLUMNS)
            hint = f"did you mean '{close}'?" if close else f"expected one of: {', '.join(COLUMNS)}"
            what = f"unknown column '{name}'" if name else "a column without a name"
            problems.append(Problem(file, line, "", f"{what}; {hint}"))
    for name in KEYS:
        if name not in columns:
            problems.append(Problem(file, line, name, f"missing column; expected {HEADERS}"))
    for pair in (POINT, BAND):
        have = [c for c in pair if c in columns]
        if len(have) == 1:
            (other,) = set(pair) - set(have)
            kind = "a point needs relation and sd" if pair == POINT else "a band needs low and high"
            problems.append(Problem(file, line, other, f"missing column; {kind}"))
    if not any(c in columns for c in (*POINT, *BAND)):
        msg = "missing columns; expected relation,sd (a point) or low,high (a band), or both"
        problems.append(Problem(file, line, "", msg))
    return problems


# --- the rows ---------------------------------------------------------------------------


class _Rows:
    """Reads the rows of one file, collecting observations and problems."""

    def __init__(self, scenario: Scenario, file: str, columns: list[str]) -> None:
        self.scenario, self.file, self.columns = scenario, file, columns
        self.ids = list(scenario.actors)
        self.found: list[Observation] = []
        self.problems: list[Problem] = []
        self._line = 0

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, self._line, column, message))

    def read(self, cells: list[str], line: int) -> None:
        self._line = line
        if len(cells) != len(self.columns):
            self.problem(
                "",
                f"expected {len(self.columns)} cells ({','.join(self.columns)}), got {len(cells)}",
            )
            return
        row = {c: v.strip() for c, v in zip(self.columns, cells, strict=True)}
        date = self._date(row["date"])
        dyad = self._dyad(row["actor_a"], row["actor_b"])
        kind = self._kind(row)
        pair = POINT if kind == "point" else BAND if kind == "band" else ()
        values = {c: self._value(c, row[c]) for c in pair}
        low, high = values.get("low"), values.get("high")
        # A band of no width says nothing a point cannot say better (its sd says how sure).
        inverted = low is not None and high is not None and low >= high
        if inverted:
            self.problem(
                "high",
                f"a band needs low < high, got low {low} and high {high}"
                + ("; for one value give relation and sd" if low == high else ""),
            )
        if kind is None or date is None or dyad is None or None in values.values() or inverted:
            return
        self.found.append(
            Observation(
                date=date,
                dyad=dyad,
                kind=kind,
                relation=values.get("relation"),
                sd=values.get("sd"),
                low=low,
                high=high,
                source=row.get(SOURCE) or None,
                file=self.file,
                line=line,
            )
        )

    def _date(self, text: str) -> dt.date | None:
        try:
            date = read_date(text)
        except ValueError:
            self.problem("date", f"expected a date (YYYY-MM-DD), got {_shown(text)}")
            return None
        run = self.scenario.run
        first, last = run.start, last_run_day(self.scenario)
        if not first <= date <= last:
            self.problem(
                "date",
                f"{text} is outside the run; expected a date from {first} to {last} (the "
                f"run's {run.steps} steps of {run.step_months} months end on "
                f"{run_end(self.scenario)})",
            )
            return None
        return date

    def _dyad(self, a: str, b: str) -> Dyad | None:
        ok = True
        for column, actor in (("actor_a", a), ("actor_b", b)):
            if actor not in self.ids:
                what = "an actor id" if not actor else f"a known actor, got '{actor}'"
                self.problem(column, f"expected {what}; {known(self.ids)}")
                ok = False
        if not ok:
            return None
        if a == b:
            self.problem("actor_b", f"a pair needs two different actors, got '{a}' twice")
            return None
        return Dyad(a, b).canonical(self.ids)

    def _kind(self, row: dict[str, str]) -> Kind | None:
        point = [c for c in POINT if row.get(c)]
        band = [c for c in BAND if row.get(c)]
        if point and band:
            self.problem(
                "",
                "a row gives relation,sd (a point) or low,high (a band), not both; got "
                + ",".join(point + band),
            )
            return None
        kinds: tuple[tuple[Kind, tuple[str, str], list[str]], ...] = (
            ("point", POINT, point),
            ("band", BAND, band),
        )
        for kind, pair, given in kinds:
            if given:
                missing = [c for c in pair if c not in given]
                if missing:
                    needs = f"a {kind} needs {' and '.join(pair)}"
                    self.problem(missing[0], f"expected a number, got an empty cell ({needs})")
                    return None
                return kind
        wanted = " or ".join(",".join(p) for p in (POINT, BAND) if p[0] in self.columns)
        self.problem("", f"no value; expected {wanted}")
        return None

    def _value(self, column: str, text: str) -> float | None:
        if not _NUMBER.fullmatch(text):
            self.problem(column, f"expected a number, got {_shown(text)}")
            return None
        x = float(text)
        if column == "sd":
            if not (x > 0 and math.isfinite(x)):
                self.problem(column, f"must be greater than 0, got {text}")
                return None
        elif not -1 <= x <= 1:
            self.problem(column, f"must be between -1 and 1, got {text}")
            return None
        return x


def _shown(text: str) -> str:
    return "an empty cell" if not text else repr(text if len(text) <= 40 else text[:37] + "...")
