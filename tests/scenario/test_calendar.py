"""The run's calendar: the span and the label of every step, and that they agree with the
step a dated event fires at (docs/scenarios.md, "How steps map to dates")."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import baseline

from sim.scenario.calendar import (
    add_months,
    date_step,
    months_between,
    period_label,
    step_labels,
    step_span,
)

JAN_2014 = dt.date(2014, 1, 1)


@pytest.mark.parametrize(
    ("start", "step", "months", "label"),
    [
        # quarters, across a year boundary
        (JAN_2014, 1, 3, "2014-Q1"),
        (JAN_2014, 4, 3, "2014-Q4"),
        (JAN_2014, 5, 3, "2015-Q1"),
        (JAN_2014, 11, 3, "2016-Q3"),
        (JAN_2014, 40, 3, "2023-Q4"),
        (dt.date(2014, 10, 1), 2, 3, "2015-Q1"),
        # months
        (JAN_2014, 1, 1, "2014-01"),
        (JAN_2014, 12, 1, "2014-12"),
        (JAN_2014, 13, 1, "2015-01"),
        (dt.date(2016, 7, 1), 1, 1, "2016-07"),
        # half-years
        (JAN_2014, 1, 6, "2014-H1"),
        (JAN_2014, 2, 6, "2014-H2"),
        (JAN_2014, 3, 6, "2015-H1"),
        (dt.date(2016, 7, 1), 2, 6, "2017-H1"),
        # years
        (JAN_2014, 1, 12, "2014"),
        (JAN_2014, 3, 12, "2016"),
        # other lengths: the months covered, both ends included
        (JAN_2014, 1, 2, "2014-01..2014-02"),
        (JAN_2014, 6, 2, "2014-11..2014-12"),
        (JAN_2014, 7, 2, "2015-01..2015-02"),
        (JAN_2014, 2, 4, "2014-05..2014-08"),
        (JAN_2014, 3, 5, "2014-11..2015-03"),
        (JAN_2014, 1, 7, "2014-01..2014-07"),
        (JAN_2014, 2, 9, "2014-10..2015-06"),
        (JAN_2014, 1, 10, "2014-01..2014-10"),
        (JAN_2014, 2, 11, "2014-12..2015-10"),
        # calendar lengths that do not start a calendar period: the months
        (dt.date(2014, 2, 1), 1, 3, "2014-02..2014-04"),
        (dt.date(2014, 11, 1), 1, 3, "2014-11..2015-01"),
        (dt.date(2014, 4, 1), 1, 6, "2014-04..2014-09"),
        (dt.date(2014, 7, 1), 1, 12, "2014-07..2015-06"),
        # a start in mid-month: the days, both ends included
        (dt.date(2014, 1, 15), 1, 3, "2014-01-15..2014-04-14"),
        (dt.date(2014, 12, 15), 1, 1, "2014-12-15..2015-01-14"),
    ],
)
def test_period_label(start: dt.date, step: int, months: int, label: str) -> None:
    assert period_label(start, step, months) == label


def test_step_span_is_the_days_between_two_model_dates() -> None:
    # The model's date of step k is start + k * step_months: the first day after step k.
    assert step_span(JAN_2014, 11, 3) == (dt.date(2016, 7, 1), dt.date(2016, 9, 30))
    assert step_span(JAN_2014, 4, 3) == (dt.date(2014, 10, 1), dt.date(2014, 12, 31))
    assert step_span(JAN_2014, 2, 1) == (dt.date(2014, 2, 1), dt.date(2014, 2, 28))
    assert step_span(dt.date(2015, 12, 1), 3, 1) == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    for months in range(1, 13):
        for step in range(1, 30):
            first, last = step_span(JAN_2014, step, months)
            assert first == add_months(JAN_2014, (step - 1) * months)
            assert last + dt.timedelta(days=1) == add_months(JAN_2014, step * months)


def test_step_zero_is_the_start_not_a_period() -> None:
    with pytest.raises(ValueError, match="step 1 is the first"):
        period_label(JAN_2014, 0, 3)
    assert step_labels(JAN_2014, 5, 3) == [
        "start", "2014-Q1", "2014-Q2", "2014-Q3", "2014-Q4", "2015-Q1"
    ]  # fmt: skip


@pytest.mark.parametrize("months", range(1, 13))
@pytest.mark.parametrize("start", [JAN_2014, dt.date(2014, 5, 1), dt.date(2014, 1, 31)])
def test_every_day_of_a_step_is_placed_in_that_step(start: dt.date, months: int) -> None:
    """The rule that places events and observations (date_step) and the span and label
    of the step agree on every day: a date d fires at the step whose span holds it."""
    scenario = baseline({"run.start": start, "run.step_months": months, "run.steps": 30})
    labels = step_labels(start, 30, months)
    assert len(set(labels)) == 31  # every step has its own label
    day = start
    while day < add_months(start, 30 * months):
        k = date_step(scenario, day)
        first, last = step_span(start, k, months)
        assert first <= day <= last, (day, k)
        day += dt.timedelta(days=3)


def test_an_event_in_july_2016_fires_in_the_third_quarter() -> None:
    scenario = baseline({"run.steps": 12})
    assert date_step(scenario, dt.date(2016, 7, 1)) == 11
    assert date_step(scenario, dt.date(2016, 9, 30)) == 11
    assert date_step(scenario, dt.date(2016, 10, 1)) == 12
    assert period_label(scenario.run.start, 11, 3) == "2016-Q3"


def test_months_up_to_the_last_day_a_date_can_name() -> None:
    # the next month would be past 9999-12-31: the count stops, it does not overflow
    assert months_between(JAN_2014, dt.date(9999, 12, 31)) == (9999 - 2014) * 12 + 11
