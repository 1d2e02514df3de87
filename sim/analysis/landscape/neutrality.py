"""Who may stand outside both blocs: the neutral position opened by high autonomy.

Landscape theory with a neutral position (Florian & Galam 2000) lets *every* actor stay
out of both blocs, which in a scenario makes even the United States, an alliance
leader with no aversion to alignment, a candidate neutral. The model has its own
measure of a state's refusal to take sides, its autonomy alpha_i
(``actors.X.autonomy``): the choice rule values a relation level x at

    U = -(x - x*)^2 - alpha_i max(x - theta, 0)^2 - kappa (x - r)^2

(docs/model.md, "Choice"). The report's landscape therefore opens the neutral position
exactly to the states with **high autonomy**, alpha_i >= :data:`HIGH_AUTONOMY` (1.0).

Why 1.0: it is where the autonomy cost weighs as much as the pull of the desired level.
Above the autonomy threshold theta the two quadratic terms have weights 1 and alpha_i,
so (without inertia) the best level is (x* + alpha_i theta) / (1 + alpha_i): at
alpha_i >= 1 it lies at least half way back from the drivers' desired level to theta.
Such a state is held back from alignment at least as much as its partners pull it, so
staying out of both camps is a real option for it; below 1 the drivers dominate and it
follows them into a bloc. On the baseline that is Russia alone (2.0; Lavrov's "not to
ally with any one party against a second party"); China's non-alliance policy (0.3)
and the allies (0) are below.

The rule reads the stated autonomy alpha_i at the landscape's step (after the
scenario's events up to it, mean over replicates), not the effective autonomy that a
shared threat may relax toward particular partners: it asks who refuses sides as a
policy, not toward whom the refusal currently bends.

:func:`neutral_actors` turns the ``neutral`` argument of
:func:`~sim.analysis.landscape.search.analyse` (True, False or ids) into the ids who may
be neutral, checking them; :func:`autonomy_sentence` says in words who could be neutral
and why.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.common import join_words
from sim.analysis.landscape.inputs import LandscapeError, LandscapeInput
from sim.scenario.errors import Problem
from sim.scenario.keypaths import closest

if TYPE_CHECKING:
    from sim.analysis.landscape.search import LandscapeResult

HIGH_AUTONOMY = 1.0
"""alpha_i at or above this may be neutral in the report's landscape (module docstring)."""


def neutral_actors(data: LandscapeInput, neutral: bool | Collection[str]) -> tuple[str, ...]:
    """The actors who may be neutral, in input order: all (True), none (False), or those
    named (ids of ``data``); an unknown id is a LandscapeError."""
    if isinstance(neutral, bool | np.bool_):
        return data.ids if neutral else ()
    if isinstance(neutral, str):
        neutral = [neutral]
    named = [str(i) for i in neutral]
    unknown = [i for i in named if i not in data.ids]
    if unknown:
        problems = []
        for i in unknown:
            close = closest(i, data.ids)
            hint = f"; did you mean '{close}'?" if close else ""
            msg = f"--neutral: unknown actor '{i}'{hint} (actors: {', '.join(data.ids)})"
            problems.append(Problem(data.file, None, "", msg))
        raise LandscapeError(problems)
    return tuple(i for i in data.ids if i in named)


def high_autonomy(data: LandscapeInput, threshold: float = HIGH_AUTONOMY) -> tuple[str, ...]:
    """The ids (input order) whose autonomy is at or above ``threshold``; () without one."""
    if data.autonomy is None:
        return ()
    return tuple(i for i, a in zip(data.ids, data.autonomy, strict=True) if a >= threshold)


def _alpha(value: float) -> str:
    return f"{value:.2g}"


def autonomy_sentence(
    result: LandscapeResult,
    names: Mapping[str, str] | None = None,
    threshold: float = HIGH_AUTONOMY,
) -> str | None:
    """Who could be neutral in ``result`` and why, in words, when its neutral position was
    opened by :func:`high_autonomy` (the result's input must carry autonomy); else None.
    """
    data = result.input
    if data.autonomy is None:
        return None
    name = {i: (names or {}).get(i, i) for i in data.ids}
    alpha = dict(zip(data.ids, (float(a) for a in data.autonomy), strict=True))
    allowed = list(result.neutral_actors or ())
    others = [i for i in data.ids if i not in allowed]
    rule = (
        f"autonomy of {_alpha(threshold)} or more, where the cost of drifting past the "
        "autonomy threshold weighs as much as the pull of the desired level"
    )
    below = join_words([f"{name[i]} {_alpha(alpha[i])}" for i in others])
    if not allowed:
        return (
            f"No state may stand neutral: the neutral position is open to states with an "
            f"{rule}, and every state's autonomy is below ({below})."
        )
    who = join_words([f"{name[i]} (autonomy {_alpha(alpha[i])})" for i in allowed])
    text = f"Only {who} may stand neutral, outside both blocs: the position is open to "
    text += f"states with an {rule}."
    if others:
        text += f" The others' autonomy is below ({below}), so they join a bloc."
    return text
