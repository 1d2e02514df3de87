"""The run's calendar: dates and steps.

Step k (1 = the first) covers the months ``[start + (k-1)*step_months, start +
k*step_months)``; :func:`event_step` says which step a dated event falls in,
:func:`step_span` the days a step covers and :func:`period_label` how the step is named
to people ('2016-Q3'). The model's ``dates[k]`` is ``start + k*step_months``: the first
day *after* step k, the moment its relations are read (docs/scenarios.md, "How steps map
to dates").
"""

from __future__ import annotations

import datetime as dt
import re

from sim.scenario.schema import Event, Scenario

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_date(text: str) -> dt.date:
    """The date written ``YYYY-MM-DD`` in ``text`` (ValueError otherwise): only that form,
    not the others ``date.fromisoformat`` accepts (``20211231``, ``2021-W52-5``)."""
    if not _DATE.fullmatch(text):
        raise ValueError(f"expected a date (YYYY-MM-DD), got {text!r}")
    return dt.date.fromisoformat(text)


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to the month's last day."""
    y, m = divmod(date.month - 1 + months, 12)
    year, month = date.year + y, m + 1
    for day in (date.day, 30, 29):
        try:
            return dt.date(year, month, min(day, date.day))
        except ValueError:
            continue
    return dt.date(year, month, 28)


def months_between(start: dt.date, date: dt.date) -> int:
    """Whole calendar months from ``start`` to ``date`` (negative before it).

    The largest m with ``add_months(start, m) <= date``: 2014-01-15 to 2014-03-14 is 1.
    """
    m = (date.year - start.year) * 12 + (date.month - start.month)
    while add_months(start, m) > date:
        m -= 1
    while _reaches(start, m + 1, date):
        m += 1
    return m


def _reaches(start: dt.date, months: int, date: dt.date) -> bool:
    """Whether ``add_months(start, months) <= date`` (not when it is past 9999-12-31)."""
    try:
        return add_months(start, months) <= date
    except ValueError:  # past the last day a date can name, so past ``date`` too
        return False


def run_end(scenario: Scenario) -> dt.date:
    """The first day after the run: start + steps * step_months months (exclusive)."""
    run = scenario.run
    return add_months(run.start, run.steps * run.step_months)


def run_end_problems(scenario: Scenario) -> list[tuple[tuple[str, ...], str]]:
    """The run must end by 9999-12-31, the last day a date can name (else the problem)."""
    run = scenario.run
    try:
        run_end(scenario)
    except ValueError:
        msg = (
            f"{run.steps} steps of {run.step_months} months from {run.start} end after "
            "9999-12-31, the last day a date can name: fewer steps or an earlier start"
        )
        return [(("run", "steps"), msg)]
    return []


def date_step(scenario: Scenario, date: dt.date) -> int:
    """The step (1 = the first) whose period holds ``date`` (outside 1..steps if outside)."""
    return months_between(scenario.run.start, date) // scenario.run.step_months + 1


def event_step(scenario: Scenario, event: Event) -> int:
    """The step (1 = the first) at which an event applies.

    For ``step`` it is that step. For ``at`` it is the step whose period holds the date:
    ``floor(months_between(run.start, at) / step_months) + 1``, so with quarterly steps
    from 2014-01-01, 2014-03-31 is step 1 and 2014-04-01 is step 2. Dates outside the run
    give steps outside 1..run.steps (the checks refuse a date before the start; an event
    after the end is kept, never fires, and is noted).
    """
    if event.step is not None:
        return event.step
    if event.at is None:
        raise ValueError("an event needs 'at' or 'step'")
    return date_step(scenario, event.at)


def step_span(start: dt.date, step: int, step_months: int) -> tuple[dt.date, dt.date]:
    """The first and the last day step ``step`` (1 = the first) covers, both inclusive:
    from ``start + (step-1)*step_months`` months to the day before ``start +
    step*step_months`` months (quarterly from 2014-01-01, step 11 is 2016-07-01 to
    2016-09-30)."""
    if step < 1:
        raise ValueError(f"step {step} covers no period: step 1 is the first (0 is the start)")
    first = add_months(start, (step - 1) * step_months)
    return first, add_months(start, step * step_months) - dt.timedelta(days=1)


def period_label(start: dt.date, step: int, step_months: int) -> str:
    """The period step ``step`` (1 = the first) covers, as people name it.

    When the step is a calendar period (it begins on the 1st of a month that starts
    one): a month '2016-07' (1 month), a quarter '2016-Q3' (3 months from January, April,
    July or October), a half-year '2016-H2' (6 months from January or July), a year
    '2016' (12 months from January). Otherwise the span, both ends included: its months
    '2016-02..2016-04' when it begins on the 1st of a month, else its days
    '2016-01-15..2016-04-14'.
    """
    first, last = step_span(start, step, step_months)
    if first.day != 1:
        return f"{first.isoformat()}..{last.isoformat()}"
    month = first.month
    if step_months == 1:
        return f"{first.year}-{month:02d}"
    if step_months == 3 and month % 3 == 1:
        return f"{first.year}-Q{month // 3 + 1}"
    if step_months == 6 and month in (1, 7):
        return f"{first.year}-H{month // 6 + 1}"
    if step_months == 12 and month == 1:
        return str(first.year)
    return f"{first.year}-{month:02d}..{last.year}-{last.month:02d}"


def step_labels(start: dt.date, steps: int, step_months: int) -> list[str]:
    """The label of every step of a run, index k for step k: 'start' for step 0 (the
    starting state, before any step), then :func:`period_label` of steps 1..``steps``."""
    return ["start", *(period_label(start, k, step_months) for k in range(1, steps + 1))]
