"""The decision rule (docs/model.md, "Choice"): the value of a level, and a logit draw.

A state wants each relation to sit at the level its propensity sets,
x* = tanh(beta p) (:func:`desired_level`); it values a candidate level x by
:func:`level_value`, U = -(x - x*)^2 - autonomy - kappa (x - r)^2, where
:func:`autonomy` is the cost of drifting past the autonomy threshold; and it picks one of
the distinct levels the five moves reach by a logit draw (:func:`logit_choice`).

:func:`desired_level`, :func:`autonomy` and :func:`level_value` are compiled (numba) and
elementwise: they take numbers or numpy arrays that broadcast against each other. The
step's kernel (sim.model.kernel) calls them for every decision, and the explanation of a
decision (sim.analysis.explain) calls the same functions on arrays, so the rule is
stated once. The choice of distinct levels and the logit draw are fused into the kernel's
loop; :func:`candidate_levels` and :func:`logit_choice` are their readable numpy
statement, and tests check that the kernel agrees with them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.compile_cache import CACHE  # noqa: F401  (numba caches there)

#: The moves a state can make toward another each step, in units of the step length.
MOVES = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
MOVE_NAMES = ("confront", "pressure", "hold", "engage", "cooperate")

#: What the elementwise functions take and give: a number or an array (numba compiles both).
Values = float | np.ndarray


@njit(cache=True, nogil=True)
def desired_level(propensity: Values, responsiveness: Values) -> Values:
    """x* = tanh(beta p): the level of a relation the drivers make a state want.

    Computed as sign(y) (1 - e) / (1 + e), e = exp(-2 |y|), y = beta p: the same number as
    np.tanh to within 2e-16, in half its time (it runs once per decision).
    """
    y = responsiveness * propensity
    e = np.exp(-2.0 * np.abs(y))
    return np.copysign((1.0 - e) / (1.0 + e), y)


@njit(cache=True, nogil=True)
def autonomy(level: Values, alpha: Values, threshold: Values) -> Values:
    """The autonomy cost alpha * max(x - theta, 0)^2 of holding a relation at level x.

    Russia's refusal to take sides: a state that prizes autonomy (alpha > 0) pays for
    every step past the threshold theta, so it settles aligned but never allied.
    """
    over = np.maximum(level - threshold, 0.0)
    return alpha * over * over


@njit(cache=True, nogil=True)
def level_value(
    level: Values,
    desired: Values,
    current: Values,
    alpha: Values,
    threshold: Values,
    inertia: Values,
) -> Values:
    """U(x) = -(x - x*)^2 - alpha max(x - theta, 0)^2 - kappa (x - r)^2.

    How much a state values moving a relation from r (``current``) to level x: the pull
    toward the desired level x*, the :func:`autonomy` cost and the cost kappa
    (``inertia``) of an abrupt turn. Elementwise: numbers, or arrays that broadcast.
    """
    gap = level - desired
    turn = level - current
    return -(gap * gap) - autonomy(level, alpha, threshold) - inertia * turn * turn


def level_values(
    level: np.ndarray,
    desired: np.ndarray,
    current: np.ndarray,
    alpha: np.ndarray,
    threshold: np.ndarray,
    inertia: np.ndarray,
) -> np.ndarray:
    """:func:`level_value` of arrays that broadcast to the shape of ``level``, from Python.

    Every argument is given to the compiled function as a new, writable, C-ordered float64
    array of that shape: numba compiles a variant for every combination of array layouts
    and read-only flags it is called with (about 10 s each for this one), so callers that
    pass broadcast views and slices would each compile their own; this way there is one,
    compiled ahead by sim.model.precompile.
    """
    shape = np.shape(level)

    def full(x: np.ndarray) -> np.ndarray:
        return np.array(np.broadcast_to(x, shape), dtype=np.float64, order="C")

    return level_value(
        full(level), full(desired), full(current), full(alpha), full(threshold), full(inertia)
    )


def candidate_levels(current: np.ndarray, step_length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The levels the five moves reach from ``current``, clipped to [-1, 1], and which count.

    Returns (levels (..., 5), distinct (..., 5)): at the edge several moves reach the same
    level (from r = -1, confront, pressure and hold all stay at -1); only the first of
    equal levels is an option, or the logit would count that level several times and
    relations would stick to +-1. The kernel (sim.model.kernel) applies the same rule.
    """
    levels = np.clip(current[..., None] + step_length[..., None] * MOVES, -1.0, 1.0)
    earlier = levels[..., :, None] == levels[..., None, :]  # [m, k]: level m equals level k
    distinct = ~np.any(np.tril(earlier, k=-1), axis=-1)
    return levels, distinct


def logit_choice(values: np.ndarray, temperature: float, uniform: np.ndarray) -> np.ndarray:
    """Index of the option chosen with probability proportional to exp(U / tau).

    ``values`` (..., K) are the options' values (-inf for an option that is not one, such as
    a level another move already reaches), ``uniform`` (...) one uniform number per
    decision. Inverse-CDF sampling with one uniform number per decision: the same draws
    give the same choices, so runs are reproducible and scenarios can share random numbers.
    """
    z = (values - values.max(axis=-1, keepdims=True)) / temperature
    weights = np.exp(z)
    cumulative = np.cumsum(weights, axis=-1)
    threshold = uniform * cumulative[..., -1]
    choice = (cumulative < threshold[..., None]).sum(axis=-1)
    return np.minimum(choice, values.shape[-1] - 1)
