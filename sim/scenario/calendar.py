"""The run's calendar: dates and steps.

Step k (1 = the first) covers the months ``[start + (k-1)*step_months, start +
k*step_months)``; :func:`event_step` says which step a dated event falls in.
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
    while add_months(start, m + 1) <= date:
        m += 1
    return m


def run_end(scenario: Scenario) -> dt.date:
    """The first day after the run: start + steps * step_months months (exclusive)."""
    run = scenario.run
    return add_months(run.start, run.steps * run.step_months)


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
