"""Bisection: where a yes/no judgement flips as one value moves.

A :class:`Bracket` is an interval known to hold a flip: the judgement holds at ``good``
and fails at ``bad``. Halving it keeps the half that still holds the flip, until it is no
wider than its ``tolerance``. The one home of that loop in the analyses:

- :func:`break_even` bisects one bracket, calling ``holds(x)`` once per halving (the
  robustness of the stylised facts, :mod:`sim.analysis.robustness`);
- :func:`bisect_together` bisects many brackets in lockstep: each round asks one batch
  judge about every open bracket's middle at once, so a caller can run all of a round's
  ensembles in one call of the engine, on every worker (tipping points,
  :mod:`sim.analysis.tipping`).

Both assume one flip between the ends; with several, they find one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Bracket:
    """An interval holding a flip: the judgement holds at ``good`` and fails at ``bad``
    (either may be the larger); bisected until ``|bad - good| <= tolerance``."""

    good: float
    bad: float
    tolerance: float

    def __post_init__(self) -> None:
        if not self.tolerance > 0:
            raise ValueError(f"tolerance must be positive, got {self.tolerance}")

    @property
    def width(self) -> float:
        return abs(self.bad - self.good)

    @property
    def done(self) -> bool:
        """Whether the bracket is already as narrow as asked."""
        return self.width <= self.tolerance

    @property
    def middle(self) -> float:
        return (self.good + self.bad) / 2

    @property
    def value(self) -> float:
        """The best estimate of the flip: the bracket's middle."""
        return self.middle

    def narrowed(self, holds_at_middle: bool) -> Bracket:
        """The half of the bracket that still holds the flip."""
        if holds_at_middle:
            return replace(self, good=self.middle)
        return replace(self, bad=self.middle)


def bisect_together[Key: Hashable](
    brackets: Mapping[Key, Bracket],
    judge: Callable[[dict[Key, float]], Mapping[Key, bool]],
    max_rounds: int = 200,
) -> dict[Key, Bracket]:
    """Bisect every bracket until each is done; return them narrowed, by key.

    Each round calls ``judge({key: middle})`` once with the middle of every bracket not
    yet done and narrows each by its answer. A bracket needs about
    log2(width / tolerance) rounds; ``max_rounds`` guards against a tolerance below the
    floating-point resolution.
    """
    current = dict(brackets)
    for _ in range(max_rounds):
        open_keys = [k for k, b in current.items() if not b.done]
        if not open_keys:
            break
        answers = judge({k: current[k].middle for k in open_keys})
        for k in open_keys:
            current[k] = current[k].narrowed(bool(answers[k]))
    return current


def break_even(
    holds: Callable[[float], bool], good: float, bad: float, tolerance: float
) -> tuple[float, float]:
    """Bisect between ``good`` (where ``holds`` is true) and ``bad`` (false).

    Returns (the last value found to hold, the first found to fail), at most
    ``tolerance`` apart; ``holds`` is called about log2(|bad - good| / tolerance) times.
    """
    done = bisect_together(
        {0: Bracket(good, bad, tolerance)}, lambda middles: {0: holds(middles[0])}
    )[0]
    return done.good, done.bad
