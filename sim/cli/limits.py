"""Before a big ensemble: say what it will take, and stop above the limits unless --yes.

The estimate and the limits are :mod:`sim.experiment.estimate`'s (docs/performance.md,
"Before a big run"). :func:`check_ensemble` prints the estimate on stderr when the work
is big, and raises :class:`~sim.cli.exits.BadInput` (exit 2, nothing done) when it is
above a limit and ``--yes`` was not given. :func:`validate_warning` is what ``validate``
says of a scenario whose own replicates and sweep are above the limits.

The engine is imported when a command runs, not for ``--help`` (start-up speed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sim.cli.exits import BadInput, err

if TYPE_CHECKING:
    from sim.experiment.estimate import Estimate
    from sim.scenario import Scenario

SMALLER = (
    "fewer replicates (--reps), fewer sweep values (--set), fewer steps, or --record "
    "outcomes or steps:K"
)
"""How to make a run smaller, in the words of the options."""


def estimate_ensemble(
    scenario: Scenario,
    replicates: int | None,
    points: int,
    chunk_size: int | None,
    record: str | None,
    workers: int | None,
    *,
    in_memory: bool = False,
    writes_rows: bool = True,
) -> Estimate:
    """The estimate of an ensemble of ``scenario``; None values: the scenario's (and
    record full, all cores)."""
    from sim.experiment import estimate, executors  # deferred: heavy (numpy, the model)

    run = scenario.run
    work = estimate.count_work(
        scenario,
        replicates or run.replicates,
        points,
        chunk_size or run.chunk_size,
        record or "full",
        workers or executors.default_workers(),
        in_memory=in_memory,
        writes_rows=writes_rows,
    )
    return estimate.estimate(work, scenario)


def check_estimate(est: Estimate, yes: bool, what: str = "this run") -> None:
    """Print the estimate if it is big; BadInput if it is above a limit without --yes."""
    over = est.over()
    if over and not yes:
        raise BadInput(
            f"error: {what} is larger than the limits: it would take {', '.join(over)}.\n"
            f"{est.line()}\n"
            f"Nothing was started. To go ahead anyway, give the same command with --yes; "
            f'to make it smaller: {SMALLER} (docs/performance.md, "Before a big run").'
        )
    if over:
        err(f"{est.line()}; above the limits ({', '.join(over)}), going ahead (--yes)")
    elif est.notable:
        err(est.line())


def check_run(
    scenario: Scenario,
    replicates: int | None,
    chunk_size: int | None,
    record: str | None,
    sweep: Mapping[str, Sequence[float]] | None,
    workers: int | None,
    yes: bool,
) -> None:
    """:func:`check_estimate` for the ``run`` command (ValueError on a bad --set)."""
    from sim.experiment.estimate import count_points  # deferred: heavy (numpy)

    points = count_points(scenario, sweep)
    what = "this sweep" if points > 1 else "this run"
    est = estimate_ensemble(scenario, replicates, points, chunk_size, record, workers)
    check_estimate(est, yes, what)


def validate_warning(scenario: Scenario) -> str | None:
    """A warning if the scenario, run as it is (its replicates, sweep, record full, all
    cores), would be above the limits; None if not."""
    from sim.experiment.estimate import count_points, surely_small  # deferred: heavy (numpy)

    try:
        points = count_points(scenario)
    except ValueError:
        return None
    if surely_small(scenario, scenario.run.replicates, points):
        return None
    est = estimate_ensemble(scenario, None, points, None, None, None)
    over = est.over()
    if not over:
        return None
    what = f"its sweep of {points:,} points" if points > 1 else "it"
    return (
        f"{what} with {scenario.run.replicates:,} replicates would take {', '.join(over)}; "
        f"`run` stops before it starts unless given --yes. To make it smaller: {SMALLER}"
    )
