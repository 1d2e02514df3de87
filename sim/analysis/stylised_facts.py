"""The bulletin's stylised facts: named checks of what the drivers produce in an ensemble.

Bulletin 250 (Blank, March 2014) makes six claims the baseline is calibrated to show
(docs/model.md, "Calibration of the baseline"). Each is a :class:`StylisedFact` here: a
name, the claim in words, and a check that runs what it needs through a :data:`Run` (the
baseline ensemble, or the baseline with a one-parameter change such as
``actors.CHN.assertiveness: 0.8``) and returns a :class:`Verdict`: whether the fact holds,
the number it is judged on (a share of replicates, a median, a difference) and the
threshold that number is held against.

Nothing here imposes a fact on the model: the checks only read relations the drivers
produced. The tests (tests/analysis/test_stylised_facts.py) assert every fact on the
baseline; the robustness table (:mod:`sim.analysis.robustness`, benchmarks/robustness.py)
asks whether each fact survives a change of each decision-rule setting and weight.

Allied and hostile are the scenario's band bounds (``bands.aligned``, ``bands.hostile``:
+0.6 and -0.6 by default). Relations and the numbers judged are rounded to
:data:`sim.model.bands.DECIMALS` decimals first, as the bands compare them: relations move
on a lattice of 0.05, and without the rounding a median sitting exactly 0.05 above its
start would pass or fail "rises by more than 0.05" by floating-point drift.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.experiment.uncertainty import sample_parameters
from sim.model.bands import comparable
from sim.model.model import AlignmentModel
from sim.scenario.dyads import Dyad
from sim.scenario.schema import Scenario

Changes = Mapping[str, float]
"""Parameter changes by dotted path (``model.temperature``, ``weights.shared_threat``)."""

Run = Callable[[Changes], AlignmentModel]
"""A finished ensemble of the scenario under study, with ``changes`` on top of it."""

Comparison = Literal["<", "<=", ">", ">="]
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

#: The paths the facts themselves change (their one-parameter what-ifs).
CHINA_ASSERTIVENESS = "actors.CHN.assertiveness"
KURILS = "dyads.RUS-JPN.disputes.kurils"
#: China's assertiveness levels over which the Russia-Japan relation must rise.
ASSERTIVENESS_LEVELS = (0.4, 0.6, 0.8)
#: The last recorded steps averaged for "the relation at the end" of a comparison.
END_STEPS = 10


@dataclass(frozen=True)
class Verdict:
    """Whether a fact holds, and on what number: ``value comparison threshold``.

    ``measure`` says what ``value`` is; ``holds`` is the comparison's result, and is false
    also when a side condition stated in ``note`` fails (the Kurils still unresolved).
    """

    fact: str
    holds: bool
    value: float
    comparison: Comparison
    threshold: float
    measure: str
    note: str = ""

    def __str__(self) -> str:
        state = "holds" if self.holds else "FAILS"
        note = f"; {self.note}" if self.note else ""
        return (
            f"{self.fact}: {self.measure} = {self.value:.3f} "
            f"({self.comparison} {self.threshold:g}) {state}{note}"
        )


def _verdict(
    fact: str,
    value: float,
    comparison: Comparison,
    threshold: float,
    measure: str,
    side_condition: bool = True,
    note: str = "",
) -> Verdict:
    value = float(comparable(value))
    holds = bool(_COMPARE[comparison](value, threshold)) and side_condition
    return Verdict(fact, holds, value, comparison, threshold, measure, note)


@dataclass(frozen=True)
class StylisedFact:
    """One claim of the bulletin and the check that judges it on ensembles."""

    name: str
    claim: str
    judge: Callable[[str, Run], Verdict]

    def check(self, run: Run) -> Verdict:
        """Judge the fact on the ensembles ``run`` makes (the baseline is ``run({})``)."""
        return self.judge(self.name, run)


# --- reading an ensemble ------------------------------------------------------------------


def dyad_history(model: AlignmentModel, a: str, b: str) -> np.ndarray:
    """The (recorded steps, R) history of the relation between actors ``a`` and ``b``,
    rounded to :data:`sim.model.bands.DECIMALS` decimals for comparisons with bounds."""
    i, j = Dyad(a, b).canonical(model.actor_ids).indices(model.actor_ids)
    return comparable(model.history[:, :, model.dyads.index((i, j))])


def end_level(model: AlignmentModel, a: str, b: str) -> float:
    """The mean relation of ``a``-``b`` over the last :data:`END_STEPS` recorded steps and
    every replicate: the level compared between one-parameter what-ifs."""
    return float(dyad_history(model, a, b)[-END_STEPS:].mean())


def _allied(model: AlignmentModel) -> float:
    return model.spec.bands.aligned


def _hostile(model: AlignmentModel) -> float:
    return model.spec.bands.hostile


# --- the facts ------------------------------------------------------------------------------


def _russia_does_not_side_with_china_against_japan(name: str, run: Run) -> Verdict:
    base = run({})
    sides = (dyad_history(base, "RUS", "CHN")[-1] > _allied(base)) & (
        dyad_history(base, "RUS", "JPN")[-1] < _hostile(base)
    )
    measure = "share of replicates ending RUS-CHN allied and RUS-JPN hostile"
    return _verdict(name, sides.mean(), "<", 0.10, measure)


def _kurils_unresolved(model: AlignmentModel) -> bool:
    """Whether the Kurils dispute is still live at the end in every replicate.

    A settlement sets its salience to 0 (the what-if of the last fact); any salience
    above 0 is a dispute still unresolved, whatever value a factor or an event gave it.
    """
    i, j = Dyad("RUS", "JPN").indices(model.actor_ids)
    return bool(np.all(model.world.disputes["kurils"][:, i, j] > 0))


def _russia_japan_improves_while_the_kurils_stay_unresolved(name: str, run: Run) -> Verdict:
    base = run({})
    rus_jpn = dyad_history(base, "RUS", "JPN")
    mean_rises = bool(rus_jpn[-1].mean() > rus_jpn[0].mean())
    unresolved = _kurils_unresolved(base)
    notes = [] if mean_rises else ["the mean does not rise"]
    notes += [] if unresolved else ["the Kurils were settled"]
    return _verdict(
        name,
        np.median(rus_jpn[-1]) - rus_jpn[0, 0],
        ">",
        0.05,
        "rise of the median RUS-JPN from its start",
        side_condition=mean_rises and unresolved,
        note="; ".join(notes),
    )


def _us_japan_alliance_holds(name: str, run: Run) -> Verdict:
    base = run({})
    share = (dyad_history(base, "USA", "JPN")[-1] > _allied(base)).mean()
    return _verdict(name, share, ">=", 0.95, "share of replicates ending USA-JPN allied")


def _russia_allied_with_no_one(name: str, run: Run) -> Verdict:
    base = run({})
    medians = {
        other: float(np.median(dyad_history(base, "RUS", other)[-1]))
        for other in base.actor_ids
        if other != "RUS"
    }
    closest = max(medians, key=medians.__getitem__)
    return _verdict(
        name,
        medians[closest],
        "<=",
        _allied(base),
        "highest median end relation of Russia",
        note=f"toward {closest}",
    )


def _more_chinese_assertiveness_raises_russia_japan(name: str, run: Run) -> Verdict:
    ends = [end_level(run({CHINA_ASSERTIVENESS: a}), "RUS", "JPN") for a in ASSERTIVENESS_LEVELS]
    rises = np.diff(ends)
    levels = "/".join(f"{a:g}" for a in ASSERTIVENESS_LEVELS)
    return _verdict(
        name,
        rises.min(),
        ">",
        0.0,
        f"smallest rise of RUS-JPN between CHN assertiveness {levels}",
        note="ends " + ", ".join(f"{e:+.3f}" for e in ends),
    )


def _settling_the_kurils_raises_russia_japan(name: str, run: Run) -> Verdict:
    rise = end_level(run({KURILS: 0.0}), "RUS", "JPN") - end_level(run({}), "RUS", "JPN")
    return _verdict(name, rise, ">", 0.05, "rise of RUS-JPN when the Kurils are settled")


FACTS: tuple[StylisedFact, ...] = (
    StylisedFact(
        "russia_does_not_side_with_china_against_japan",
        "Russia ends allied with China and hostile to Japan in under 10% of replicates.",
        _russia_does_not_side_with_china_against_japan,
    ),
    StylisedFact(
        "russia_japan_improves_while_the_kurils_stay_unresolved",
        "The median Russia-Japan relation ends more than 0.05 above its start and its mean "
        "rises, while the Kurils dispute stays unresolved (salience above 0).",
        _russia_japan_improves_while_the_kurils_stay_unresolved,
    ),
    StylisedFact(
        "us_japan_alliance_holds",
        "US-Japan ends allied in at least 95% of replicates.",
        _us_japan_alliance_holds,
    ),
    StylisedFact(
        "russia_allied_with_no_one",
        "In the median path Russia ends allied with no one (every median at most the "
        "allied bound).",
        _russia_allied_with_no_one,
    ),
    StylisedFact(
        "more_chinese_assertiveness_raises_russia_japan",
        "Russia-Japan's end level rises with China's assertiveness, monotone over "
        "0.4, 0.6 and 0.8.",
        _more_chinese_assertiveness_raises_russia_japan,
    ),
    StylisedFact(
        "settling_the_kurils_raises_russia_japan",
        "Setting the Kurils' salience to 0 raises Russia-Japan's end level by more than 0.05.",
        _settling_the_kurils_raises_russia_japan,
    ),
)
"""The bulletin's stylised facts, in the order docs/model.md lists them."""

FACTS_BY_NAME: dict[str, StylisedFact] = {f.name: f for f in FACTS}


def check_facts(run: Run, facts: tuple[StylisedFact, ...] = FACTS) -> dict[str, Verdict]:
    """The verdict of every fact on the ensembles ``run`` makes, by fact name."""
    return {f.name: f.check(run) for f in facts}


class Ensembles:
    """A :data:`Run` of one scenario: R replicates from one seed, ``base`` changes applied
    to every ensemble (a robustness factor's value), each distinct set of changes run once.

    The scenario's uncertain parameters are drawn once per replicate (the same draws in
    every ensemble: common random numbers), so the facts are claims about the ensemble of
    what is not known. Changes go in as the model's ``parameters`` (the dotted paths a
    what-if, an event or a sweep uses); ``base`` wins over a draw on the same path and a
    fact's own change over both (China's assertiveness at 0.4 in every replicate).
    """

    def __init__(
        self, scenario: Scenario, replicates: int, seed: int, base: Changes | None = None
    ) -> None:
        self.scenario = scenario
        self.replicates = replicates
        self.seed = seed
        self.base = dict(base or {})
        self.draws = sample_parameters(scenario, replicates, np.random.SeedSequence(seed))
        self._done: dict[tuple[tuple[str, float], ...], AlignmentModel] = {}
        self.runs = 0  # ensembles actually run (not taken from the cache)

    def __call__(self, changes: Changes) -> AlignmentModel:
        parameters = {**self.base, **changes}
        key = tuple(sorted(parameters.items()))
        if key not in self._done:
            model = AlignmentModel(
                self.scenario,
                replicates=self.replicates,
                seed=self.seed,
                parameters={**self.draws, **parameters},
            )
            self._done[key] = model.run()
            self.runs += 1
        return self._done[key]
