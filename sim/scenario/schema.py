"""The scenario format: what a user may write in a scenario YAML file, and what it means.

A scenario describes a world of actors (states) and the dyads between them, the weights
of the model's driver terms, the model's settings, the run settings, a timeline of events
and the named end-states to score. Actors, dyads, events and outcomes are mappings keyed
by id, so that a what-if can override one field of one actor with a dotted key such as
``actors.CHN.assertiveness: 0.8``.

These pydantic models are the single source of the format: the loader validates against
them, ``python run.py schema`` prints their JSON Schema, and docs/scenarios.md describes
them. The module is declarative (field declarations with their descriptions, few rules),
so it stays one file: the whole format can be read top to bottom in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ACTOR_ID = re.compile(r"^[A-Z][A-Z0-9_]{0,15}$")

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors, values are checked on assignment.

    Numbers must be finite: YAML reads ``.inf`` and ``.nan`` as floats, and an infinite size
    or autonomy would pass a ``ge=0`` bound and poison every share.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class Capabilities(Strict):
    """Material capabilities from which an actor's size is derived (CINC-like composite).

    Each component is turned into the actor's share among the scenario's actors, and the
    size is the mean of the shares of the components given.
    """

    gdp: NonNegative | None = Field(None, description="GDP, current US$ trillion.")
    military: NonNegative | None = Field(None, description="Military expenditure, US$ billion.")
    population: NonNegative | None = Field(None, description="Population, million.")

    @model_validator(mode="after")
    def _at_least_one(self) -> Capabilities:
        if self.gdp is None and self.military is None and self.population is None:
            raise ValueError("give at least one of gdp, military, population")
        return self


class Actor(Strict):
    """A state: its capability, intentions and foreign-policy dispositions."""

    name: str = Field(..., min_length=1, description="Display name, e.g. 'Russia'.")
    size: NonNegative | None = Field(
        None,
        description="Aggregate capability; normalised to shares over the scenario's actors. "
        "Give either size or capabilities for every actor.",
    )
    capabilities: Capabilities | None = Field(
        None, description="Components from which the size is derived (shares, averaged)."
    )
    assertiveness: Unit = Field(
        0.3,
        description="Aggressive intentions as others perceive them (ADIZ, naval probes): "
        "0 status quo, 1 revisionist. Feeds the threat the actor poses.",
    )
    offense: Unit = Field(
        0.5,
        description="Offensive capability (power projection), 0 none to 1 global. "
        "Feeds the threat the actor poses.",
    )
    autonomy: NonNegative = Field(
        0.0,
        description="Preference for non-alignment: the cost of moving any relation above "
        "the model's autonomy threshold (Russia's refusal to take sides).",
    )
    attention: dict[str, float] = Field(
        default_factory=dict,
        description="Lever: deliberate engagement toward named actors, added to the "
        "propensity (e.g. US attention to Russia as an Asian player). Range -1..1.",
    )
    wedge: dict[str, float] = Field(
        default_factory=dict,
        description="Lever: courting the partners of a named rival to pull them away from it "
        "(Japan's wedge between Beijing and Moscow). Strength 0..1 per rival.",
    )
    assertiveness_toward: dict[str, Unit] = Field(
        default_factory=dict,
        description="Aggressive intentions aimed at named actors, on top of the general "
        "assertiveness (Walt's intentions are directed): raises the threat only that actor "
        "feels. 0..1 per target.",
    )
    sanctions: dict[str, Unit] = Field(
        default_factory=dict,
        description="Economic sanctions on named actors, strength 0..1 (1: an embargo). They "
        "cut the pair's interdependence and divert the target's trade toward its friends "
        "(docs/model.md, 'Trade and sanctions').",
    )

    @model_validator(mode="after")
    def _size_or_capabilities(self) -> Actor:
        if (self.size is None) == (self.capabilities is None):
            raise ValueError("give exactly one of 'size' or 'capabilities'")
        return self

    @field_validator("attention")
    @classmethod
    def _attention_range(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not -1.0 <= x <= 1.0:
                raise ValueError(f"attention toward {k} must be between -1 and 1, got {x}")
        return v

    @field_validator("wedge")
    @classmethod
    def _wedge_range(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not 0.0 <= x <= 1.0:
                raise ValueError(f"wedge against {k} must be between 0 and 1, got {x}")
        return v


class DyadSettings(Strict):
    """An unordered pair of actors: geography, disputes, ties and the starting relation."""

    relation: Signed = Field(
        0.0, description="Relation at the start: -1 hostile ... 0 hedging ... +1 allied."
    )
    proximity: Unit = Field(
        0.5, description="Geographic proximity: 1 a shared land border, 0 far apart."
    )
    disputes: dict[str, Unit] = Field(
        default_factory=dict,
        description="Named territorial disputes and their salience 0..1 (e.g. kurils: 0.5). "
        "Salience adds up, capped at 1; settling a dispute sets it to 0.",
    )
    interdependence: Unit = Field(
        0.0, description="Economic interdependence 0..1 (trade and investment relative to GDP)."
    )
    institutions: Unit = Field(
        0.0,
        description="Institutionalised dialogue 0..1 (2+2 talks, joint exercises, hotlines).",
    )
    treaty: Unit = Field(
        0.0, description="Treaty commitment 0..1 (1: a mutual defence treaty such as US-Japan)."
    )
    irritants: dict[str, dict[str, Unit]] = Field(
        default_factory=dict,
        description="Named irritants and how much each side resents them, keyed by actor id "
        "(e.g. missile_defence: {RUS: 0.4}). Directed: only the named side cools.",
    )


class Weights(Strict):
    """Weights of the driver terms in an actor's propensity toward another (docs/model.md)."""

    shared_threat: NonNegative = Field(3.5, description="w_S: warming from a common threat.")
    threat: NonNegative = Field(0.5, description="w_T: cooling toward whoever threatens you.")
    interdependence: NonNegative = Field(0.5, description="w_E: warming from economic ties.")
    dispute: NonNegative = Field(0.4, description="w_D: cooling from territorial disputes.")
    institutions: NonNegative = Field(0.3, description="w_K: warming from dialogue.")
    treaty: NonNegative = Field(0.6, description="w_C: warming from treaty commitments.")
    irritant: NonNegative = Field(0.4, description="w_M: cooling from irritants.")
    balance: NonNegative = Field(0.5, description="w_B: structural balance (enemy of my enemy).")
    wedge: NonNegative = Field(1.0, description="w_W: weight of wedge levers.")
    attention: NonNegative = Field(1.0, description="w_A: weight of attention levers.")


class ModelSettings(Strict):
    """Settings of the decision rule (docs/model.md, 'Choice')."""

    temperature: Annotated[float, Field(gt=0.0, le=10.0)] = Field(
        0.01, description="tau: logit temperature; higher is noisier choice."
    )
    responsiveness: Annotated[float, Field(gt=0.0, le=20.0)] = Field(
        2.0, description="beta: desired level x* = tanh(beta * propensity)."
    )
    step_length: Annotated[float, Field(gt=0.0, le=0.5)] = Field(
        0.05, description="d: the relation change of one move per step."
    )
    inertia: NonNegative = Field(0.5, description="kappa: cost of abrupt turns (x - r)^2.")
    autonomy_threshold: Signed = Field(
        0.3, description="theta: relations above this cost autonomy-minded actors."
    )
    dispute_threat: NonNegative = Field(
        0.5, description="lambda: how much a dispute adds to the threat a rival poses."
    )
    hostility_threat: NonNegative = Field(
        0.2,
        description="mu: how much hostility (a relation below 0) adds to the intentions a "
        "state reads in the other: mu * max(-r, 0).",
    )
    autonomy_relief: Unit = Field(
        0.65,
        description="eta: the share of the autonomy cost that falls away as a state's other "
        "ties cool (its outside options): alpha * (1 - eta * max(0, 1 - O / theta)). "
        "0: a fixed refusal to take sides.",
    )
    trade_lag: Annotated[float, Field(ge=0.0, le=1000.0)] = Field(
        5.0,
        description="L: steps for interdependence to close its gap to the level relations "
        "and sanctions imply (partial adjustment 1/L per step; 0 or 1: at once).",
    )
    trade_elasticity: NonNegative = Field(
        0.9,
        description="epsilon: how strongly trade follows relations: the implied level is "
        "e0 * exp(epsilon * (r - r0)). 0: static interdependence (events and sanctions only).",
    )
    trade_diversion: Unit = Field(
        0.7,
        description="delta: the share of trade a sanction destroys that finds new partners "
        "among the target's (and sender's) friends.",
    )


class RunSettings(Strict):
    """When the run starts, how long it lasts and how many replicates it has."""

    start: dt.date = Field(dt.date(2014, 1, 1), description="Date of step 0 (YYYY-MM-DD).")
    step_months: Annotated[int, Field(ge=1, le=12)] = Field(
        3, description="Months per step (3 = quarterly)."
    )
    steps: Annotated[int, Field(ge=1, le=10_000)] = Field(40, description="Number of steps.")
    replicates: Annotated[int, Field(ge=1, le=10_000_000)] = Field(
        200, description="Monte Carlo replicates."
    )
    seed: Annotated[int, Field(ge=0)] = Field(0, description="Seed of the random numbers.")
    sampling: Literal["monte_carlo", "latin_hypercube"] = Field(
        "monte_carlo", description="How uncertain parameters are sampled across replicates."
    )
    chunk_size: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        1000,
        description="Replicates per chunk of work. Results depend on it (each chunk has its "
        "own random numbers) but not on the number of workers or the backend.",
    )


EventOp = dict[str, float]


class Event(Strict):
    """A change to actors, dyads, weights or settings during a run (docs/scenarios.md).

    The trigger is one of: a date (``at``) or ``step``, applying in every replicate; a
    condition (``when``), applying in each replicate the first step it holds there (every
    time it becomes true, with ``repeat``); a ``probability`` per step and replicate
    (a random event, which may recur unless ``repeat: false``); or ``every`` K steps, in
    every replicate. ``after`` and ``before`` bound when conditional, random and
    repeating events may fire.

    ``set`` assigns values and ``add`` shifts them; both map dotted paths such as
    ``actors.CHN.assertiveness`` or ``dyads.RUS-JPN.disputes.kurils`` to numbers (a path
    may name a group of the scenario's ``groups`` where it names an actor). The change
    stays, unless ``duration`` undoes it that many steps later or ``decay`` lets it fade
    with that half-life in steps; with ``ramp`` it is spread evenly over that many steps.
    """

    description: str = ""
    at: dt.date | None = Field(None, description="Date; the event applies in the step holding it.")
    step: Annotated[int, Field(ge=1)] | None = Field(None, description="Step (1 = the first).")
    when: str | None = Field(
        None,
        description="A condition (e.g. 'RUS-CHN > 0.6'): the event fires in each replicate "
        "the first step it holds there.",
    )
    probability: Annotated[float, Field(gt=0.0, le=1.0)] | None = Field(
        None, description="Chance per step and replicate: a random event."
    )
    every: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="Fire in every replicate every this many steps: at the first step of "
        "the window ('after', else step 1), then every K steps until 'before' or the end.",
    )
    after: dt.date | None = Field(
        None, description="Conditional, random and repeating events fire only from this date on."
    )
    before: dt.date | None = Field(
        None, description="Conditional, random and repeating events fire only before this date."
    )
    repeat: bool | None = Field(
        None,
        description="May fire again: each time the condition becomes true again "
        "(conditional; default false), or on any later step (random; default true).",
    )
    duration: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Steps after which the change is undone."
    )
    decay: Annotated[float, Field(gt=0.0)] | None = Field(
        None, description="Half-life in steps with which the change fades away."
    )
    ramp: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="Steps over which the change is spread evenly, from the step the event "
        "fires: an 'add' in equal parts, a 'set' moving linearly to its value.",
    )
    set: EventOp = Field(default_factory=dict, description="Path -> new value.")
    add: EventOp = Field(default_factory=dict, description="Path -> amount added.")

    @model_validator(mode="after")
    def _when_and_what(self) -> Event:
        triggers = [
            name
            for name, given in (
                ("at", self.at is not None),
                ("step", self.step is not None),
                ("when", self.when is not None),
                ("probability", self.probability is not None),
                ("every", self.every is not None),
            )
            if given
        ]
        if len(triggers) != 1:
            raise ValueError(
                "give exactly one trigger: 'at' (a date), 'step', 'when' (a condition), "
                f"'probability' or 'every' (got {', '.join(triggers) if triggers else 'none'})"
            )
        if not self.set and not self.add:
            raise ValueError("an event needs 'set' or 'add'")
        scheduled = triggers[0] in ("at", "step")
        if scheduled and (self.after or self.before or self.repeat is not None):
            raise ValueError(
                "'after', 'before' and 'repeat' go with 'when' or 'probability' ('after' and "
                "'before' also with 'every'), not with a fixed date or step"
            )
        if self.every is not None and self.repeat is not None:
            raise ValueError("'repeat' goes with 'when' or 'probability'; 'every' repeats already")
        if self.after and self.before and not self.after < self.before:
            raise ValueError(f"'after' ({self.after}) must come before 'before' ({self.before})")
        if self.duration is not None and self.decay is not None:
            raise ValueError("give 'duration' or 'decay', not both")
        if self.ramp is not None and (self.duration is not None or self.decay is not None):
            raise ValueError(
                "give 'ramp' or 'duration'/'decay', not both: a ramped change is permanent; "
                "make a second event to take it back"
            )
        return self

    @property
    def trigger(self) -> Literal["scheduled", "conditional", "random", "repeating"]:
        """What sets the event off: a date or step, a condition, chance, or a period."""
        if self.when is not None:
            return "conditional"
        if self.probability is not None:
            return "random"
        if self.every is not None:
            return "repeating"
        return "scheduled"

    @property
    def repeats(self) -> bool:
        """Whether the event may fire more than once in a replicate."""
        if self.repeat is not None:
            return self.repeat
        return self.trigger in ("random", "repeating")


Band = Literal["hostile", "rivalry", "hedging", "aligned", "allied"]


class Condition(Strict):
    """One test on the end-of-run relations.

    With ``dyad``: the relation of that pair is in ``band`` and/or above/below a value.
    With ``actor``: every relation of that actor is below ``all_below`` (e.g. allied with
    no one).
    """

    dyad: str | None = Field(None, description="'A-B': the pair tested.")
    actor: str | None = Field(None, description="An actor id: test all its relations.")
    band: Band | None = None
    above: Signed | None = None
    below: Signed | None = None
    all_below: Signed | None = None

    @model_validator(mode="after")
    def _shape(self) -> Condition:
        if (self.dyad is None) == (self.actor is None):
            raise ValueError("give exactly one of 'dyad' or 'actor'")
        if (
            self.dyad is not None
            and self.band is None
            and self.above is None
            and self.below is None
        ):
            raise ValueError("a dyad condition needs 'band', 'above' or 'below'")
        if self.dyad is not None and self.all_below is not None:
            raise ValueError("'all_below' goes with 'actor', not 'dyad'")
        if self.actor is not None and self.all_below is None:
            raise ValueError("an actor condition needs 'all_below'")
        if self.actor is not None and (
            self.band is not None or self.above is not None or self.below is not None
        ):
            raise ValueError("'band', 'above' and 'below' go with 'dyad', not 'actor'")
        return self


class Outcome(Strict):
    """A named end-state: holds in a replicate when its rule holds at the end of the run.

    The rule is ``when`` (a condition over relations and blocs, e.g. 'RUS-CHN is allied
    and RUS-JPN is hostile'), ``all`` (a list of simple conditions that must all hold),
    or both (then both must hold).
    """

    description: str = ""
    when: str | None = Field(None, description="A condition over the final relations.")
    all: list[Condition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_rule(self) -> Outcome:
        if self.when is None and not self.all:
            raise ValueError("an outcome needs a rule: 'when' (a condition) or 'all' (a list)")
        return self


class Bands(Strict):
    """Relation bands: upper bounds of hostile, rivalry, hedging and aligned (allied above)."""

    hostile: Signed = -0.6
    rivalry: Signed = -0.2
    hedging: Signed = 0.2
    aligned: Signed = 0.6

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not self.hostile < self.rivalry < self.hedging < self.aligned:
            raise ValueError("band bounds must increase: hostile < rivalry < hedging < aligned")
        return self


class Uniform(Strict):
    """Every value between low and high equally likely."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class Normal(Strict):
    """A normal distribution, optionally truncated to [low, high]."""

    dist: Literal["normal"]
    mean: float
    sd: Annotated[float, Field(gt=0.0)]
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class Triangular(Strict):
    """The triangular distribution from low to high, peaking at mode."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"need low <= mode <= high with low < high, got {self.low}, {self.mode}, "
                f"{self.high}"
            )
        return self


class Choice(Strict):
    """One of a few values, with optional weights (equal by default)."""

    dist: Literal["choice"]
    values: list[float] = Field(..., min_length=1)
    weights: list[Annotated[float, Field(ge=0.0)]] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"{len(self.weights)} weights for {len(self.values)} values: give one each"
                )
            if sum(self.weights) <= 0:
                raise ValueError("the weights must not all be 0")
        return self


Distribution = Annotated[Uniform | Normal | Triangular | Choice, Field(discriminator="dist")]
"""An uncertain parameter: sampled once per replicate (docs/scenarios.md, Uncertainty)."""


class Scenario(Strict):
    """A whole scenario after ``extends`` and overrides have been resolved."""

    name: str = Field(..., min_length=1, description="Short name; results go to results/<name>/.")
    description: str = ""
    extends: str | None = Field(None, description="A base scenario file, relative to this one.")
    run: RunSettings = Field(default_factory=RunSettings)
    model: ModelSettings = Field(default_factory=ModelSettings)
    weights: Weights = Field(default_factory=Weights)
    bands: Bands = Field(default_factory=Bands)
    actors: dict[str, Actor] = Field(..., min_length=2)
    groups: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Named groups of actors (G7: [USA, JPN]). An event path that names a "
        "group where it names an actor changes every member (docs/scenarios.md, events).",
    )
    dyads: dict[str, DyadSettings] = Field(default_factory=dict)
    observed: list[Literal["unga"]] = Field(
        default_factory=list,
        description="Observed series the report draws beside the model's relations where "
        "the years overlap (unga: UN General Assembly voting agreement, a coarse proxy).",
    )
    events: dict[str, Event] = Field(default_factory=dict)
    outcomes: dict[str, Outcome] = Field(default_factory=dict)
    uncertainties: dict[str, Distribution] = Field(
        default_factory=dict,
        description="Uncertain parameters by dotted path (actors.CHN.assertiveness), each "
        "sampled once per replicate. A distribution written in place of a number is moved "
        "here by the loader.",
    )
    sweep: dict[str, Annotated[list[float], Field(min_length=1)]] = Field(
        default_factory=dict,
        description="A grid of values per dotted path; every combination is a sweep point, "
        "each run as an ensemble.",
    )
