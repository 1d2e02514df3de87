"""The world as numbers: a scenario's actors, dyads and weights as arrays the drivers read.

Every array has a leading replicate axis. It has length 1 while a quantity is the same in
every replicate and broadcasts against the model's R replicates; a quantity sampled per
replicate (parameter uncertainty) has length R. Actor quantities are (·, N); dyad
quantities are (·, N, N), symmetric where the quantity belongs to the pair and directed
(row i = actor i's view) where it belongs to one side.

Events change the world through the dotted paths of :mod:`sim.scenario.paths`
(a :class:`~sim.scenario.paths.Target` says where a change lands; :meth:`World.apply`
applies it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.scenario.dyads import dyad_indices
from sim.scenario.paths import CAPABILITIES, Target, bounds
from sim.scenario.schema import Actor, DyadSettings, Scenario


def capability_shares(actors: dict[str, Actor]) -> np.ndarray:
    """Each actor's size as a share of the scenario's total (a CINC-like composite).

    With explicit sizes, the shares of the sizes. With capabilities, the mean over the
    components given of each actor's share of that component.
    """
    acts = list(actors.values())
    if all(a.size is not None for a in acts):
        raw = np.array([a.size for a in acts], dtype=float)
        return _shares(raw)
    comps = [
        c for c in CAPABILITIES if all(getattr(a.capabilities, c, None) is not None for a in acts)
    ]
    if not comps:
        raise ValueError("no capability component is given for every actor")
    matrix = np.array([[getattr(a.capabilities, c) for c in comps] for a in acts], dtype=float)
    return _shares(matrix).mean(axis=1)


def _shares(x: np.ndarray) -> np.ndarray:
    total = x.sum(axis=0)
    return np.divide(x, total, out=np.full_like(x, 1.0 / len(x)), where=total > 0)


@dataclass
class World:
    """The numeric state the drivers read, for R replicates (leading axis 1 or R)."""

    ids: list[str]
    size: np.ndarray  # (·, N) capability shares
    assertiveness: np.ndarray  # (·, N)
    offense: np.ndarray  # (·, N)
    autonomy: np.ndarray  # (·, N)
    attention: np.ndarray  # (·, N, N) directed: i's engagement lever toward j
    wedge: np.ndarray  # (·, N, N) directed: i's wedge against rival k (column)
    assertiveness_toward: np.ndarray  # (·, N, N) directed: i's intentions aimed at j
    sanctions: np.ndarray  # (·, N, N) directed: i's sanctions on j
    proximity: np.ndarray  # (·, N, N) symmetric
    interdependence: np.ndarray  # (·, N, N) symmetric
    institutions: np.ndarray  # (·, N, N) symmetric
    treaty: np.ndarray  # (·, N, N) symmetric
    disputes: dict[str, np.ndarray]  # name -> (·, N, N) symmetric salience
    irritants: dict[str, np.ndarray]  # name -> (·, N, N) directed: row i resents, on pair i-j
    weights: dict[str, np.ndarray]  # name -> (·, 1, 1) so it broadcasts over pairs
    settings: dict[str, np.ndarray]  # decision-rule setting -> (·,)
    capabilities: np.ndarray | None = None  # (·, N, 3) raw components, when sizes derive
    # Dynamic trade (sim.model.trade): the interdependence each pair would have at the
    # relation it had when the run started, and that starting relation. Interdependence
    # itself is the current level, which follows relations and sanctions with a lag.
    trade_base: np.ndarray | None = None  # (·, N, N) symmetric: e0
    relation_anchor: np.ndarray | None = None  # (·, N, N) symmetric: r0

    def fork(self, source: int) -> World:
        """The world of replicate ``source`` alone, to go on from in any number of replicates.

        Every quantity that differs between replicates (leading axis R > 1) is cut to the
        row of replicate ``source``; shared ones (leading axis 1) are copied. The result has
        a leading axis of 1 throughout, which broadcasts to a fork's R replicates.
        """

        def row(arr: np.ndarray) -> np.ndarray:
            return arr[source : source + 1].copy() if arr.shape[0] > 1 else arr.copy()

        def rows(named: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            return {name: row(arr) for name, arr in named.items()}

        return World(
            ids=list(self.ids),
            size=row(self.size),
            assertiveness=row(self.assertiveness),
            offense=row(self.offense),
            autonomy=row(self.autonomy),
            attention=row(self.attention),
            wedge=row(self.wedge),
            assertiveness_toward=row(self.assertiveness_toward),
            sanctions=row(self.sanctions),
            proximity=row(self.proximity),
            interdependence=row(self.interdependence),
            institutions=row(self.institutions),
            treaty=row(self.treaty),
            disputes=rows(self.disputes),
            irritants=rows(self.irritants),
            weights=rows(self.weights),
            settings=rows(self.settings),
            capabilities=None if self.capabilities is None else row(self.capabilities),
            trade_base=None if self.trade_base is None else row(self.trade_base),
            relation_anchor=None if self.relation_anchor is None else row(self.relation_anchor),
        )

    def value(self, target: Target) -> np.ndarray:
        """The current value of the quantity a target names, per replicate: (·,)."""
        kind, name, i, j = target.kind, target.name, target.i, target.j
        if kind == "weight":
            return self.weights[name][:, 0, 0]
        if kind == "setting":
            return self.settings[name]
        if kind == "actor":
            return getattr(self, name)[:, i]
        if kind == "capability":
            if self.capabilities is None:
                raise ValueError("this world's sizes are not derived from capabilities")
            return self.capabilities[:, i, CAPABILITIES.index(name)]
        if kind in ("dispute", "irritant"):
            named = self.disputes if kind == "dispute" else self.irritants
            return named[name][:, i, j] if name in named else np.zeros(1)
        if kind == "dyad" and name == "relation":
            raise ValueError("relations live in the model, not the world")
        return getattr(self, name)[:, i, j]

    def apply(
        self,
        target: Target,
        op: Literal["set", "add"],
        value: float | np.ndarray,
        mask: np.ndarray | None = None,
    ) -> None:
        """Change one quantity: assign (set) or shift (add) it, in every replicate.

        ``value`` is a number, or an array with one value per replicate (then the quantity
        becomes per-replicate). With ``mask`` (one boolean per replicate) only the
        replicates where it is true change. Values are kept in their valid ranges (0..1 for
        salience and ties, -1..1 for attention) so that an 'add' cannot push a quantity
        out of its meaning.
        """
        kind, name, i, j = target.kind, target.name, target.i, target.j
        lo, hi = bounds(target)
        value = np.asarray(value, dtype=float)
        reps = len(mask) if mask is not None else (value.shape[0] if value.ndim else 1)

        def changed(old: np.ndarray) -> np.ndarray:
            new = combine(old, op, value, lo, hi)
            return new if mask is None else np.where(mask, new, old)

        if kind == "dyad" and name == "relation":
            raise ValueError("relations live in the model: AlignmentModel.shock_relation")
        if kind == "weight":
            arr = self.weights[name] = _widen(self.weights[name], reps)
            arr[:, 0, 0] = changed(arr[:, 0, 0])
        elif kind == "setting":
            arr = self.settings[name] = _widen(self.settings[name], reps)
            arr[:] = changed(arr)
        elif kind == "actor" and name == "size":
            raw = _widen(self.size, reps)
            raw[:, i] = changed(raw[:, i])
            self.size = raw / raw.sum(axis=1, keepdims=True)
            self.capabilities = None
        elif kind == "actor":
            arr = _widen(getattr(self, name), reps)
            arr[:, i] = changed(arr[:, i])
            setattr(self, name, arr)
        elif kind == "capability":
            if self.capabilities is None:
                raise ValueError("this world's sizes are not derived from capabilities")
            caps = self.capabilities = _widen(self.capabilities, reps)
            c = CAPABILITIES.index(name)
            caps[:, i, c] = changed(caps[:, i, c])
            self.size = _shares_per_replicate(caps)
        elif kind in ("lever", "dyad"):
            arr = _widen(getattr(self, name), reps)
            arr[:, i, j] = changed(arr[:, i, j])
            if kind == "dyad":  # a dyad's quantity belongs to both sides
                arr[:, j, i] = arr[:, i, j]
            setattr(self, name, arr)
            if name == "interdependence" and self.trade_base is not None:
                # A change of interdependence (a trade deal, a pipeline) is structural: the
                # level trade follows moves with it, or dynamic trade would undo it.
                base = self.trade_base = _widen(self.trade_base, reps)
                base[:, i, j] = changed(base[:, i, j])
                base[:, j, i] = base[:, i, j]
        elif kind in ("dispute", "irritant"):
            named = self.disputes if kind == "dispute" else self.irritants
            arr = named[name] = _widen(named.get(name, np.zeros_like(self.proximity[:1])), reps)
            arr[:, i, j] = changed(arr[:, i, j])
            if kind == "dispute":  # a dispute is the pair's; an irritant is one side's
                arr[:, j, i] = arr[:, i, j]
        else:  # pragma: no cover - Target kinds are closed
            raise ValueError(f"unknown target kind {kind}")


def _widen(arr: np.ndarray, reps: int) -> np.ndarray:
    """``arr`` with a leading axis of ``reps`` replicates (a copy when it has to grow)."""
    if arr.shape[0] == reps or reps == 1:
        return arr
    if arr.shape[0] != 1:
        raise ValueError(f"values for {reps} replicates given to a world of {arr.shape[0]}")
    return np.repeat(arr, reps, axis=0)


def combine(
    old: np.ndarray, op: str, value: float | np.ndarray, lo: float, hi: float
) -> np.ndarray:
    """The new value of a quantity after 'set' or 'add', clipped to its valid range."""
    new = np.broadcast_to(value, old.shape) if op == "set" else old + value
    return np.clip(new, lo, hi)


def _shares_per_replicate(caps: np.ndarray) -> np.ndarray:
    """Sizes (·, N) from raw capabilities (·, N, C): mean over components of the shares."""
    total = caps.sum(axis=1, keepdims=True)
    n = caps.shape[1]
    shares = np.divide(caps, total, out=np.full_like(caps, 1.0 / n), where=total > 0)
    present = ~np.all(caps == 0, axis=1, keepdims=True)  # components nobody gives
    return (shares * present).sum(axis=2) / np.maximum(present.sum(axis=2), 1)


def build_world(scenario: Scenario) -> World:
    """The world at step 0 of a scenario (one shared copy: leading axis of length 1)."""
    ids = list(scenario.actors)
    n = len(ids)
    actors = list(scenario.actors.values())

    def actor_array(name: str) -> np.ndarray:
        return np.array([[getattr(a, name) for a in actors]], dtype=float)

    def pair_array() -> np.ndarray:
        return np.zeros((1, n, n))

    world = World(
        ids=ids,
        size=capability_shares(scenario.actors)[None, :],
        assertiveness=actor_array("assertiveness"),
        offense=actor_array("offense"),
        autonomy=actor_array("autonomy"),
        attention=pair_array(),
        wedge=pair_array(),
        assertiveness_toward=pair_array(),
        sanctions=pair_array(),
        proximity=pair_array(),
        interdependence=pair_array(),
        institutions=pair_array(),
        treaty=pair_array(),
        disputes={},
        irritants={},
        weights={k: np.full((1, 1, 1), float(v)) for k, v in scenario.weights},
        settings={k: np.full(1, float(v)) for k, v in scenario.model},
    )
    if all(a.capabilities is not None for a in actors):
        caps = np.array(
            [[getattr(a.capabilities, c) or 0.0 for c in CAPABILITIES] for a in actors], dtype=float
        )
        # A component some actor leaves out is dropped for all (shares would be meaningless).
        given = [all(getattr(a.capabilities, c) is not None for a in actors) for c in CAPABILITIES]
        world.capabilities = (caps * np.array(given, dtype=float))[None, :, :]
    for i, actor in enumerate(actors):
        for other, v in actor.attention.items():
            world.attention[0, i, ids.index(other)] = v
        for rival, v in actor.wedge.items():
            world.wedge[0, i, ids.index(rival)] = v
        for other, v in actor.assertiveness_toward.items():
            world.assertiveness_toward[0, i, ids.index(other)] = v
        for target, v in actor.sanctions.items():
            world.sanctions[0, i, ids.index(target)] = v
    # Proximity defaults to the schema's default for pairs the scenario does not list.
    world.proximity[...] = DyadSettings.model_fields["proximity"].default
    np.einsum("rii->ri", world.proximity)[...] = 0.0
    for key, dyad in scenario.dyads.items():
        i, j = dyad_indices(ids, key)
        for name in ("proximity", "interdependence", "institutions", "treaty"):
            arr = getattr(world, name)
            arr[0, i, j] = arr[0, j, i] = getattr(dyad, name)
        for name, v in dyad.disputes.items():
            arr = world.disputes.setdefault(name, pair_array())
            arr[0, i, j] = arr[0, j, i] = v
        for name, sides in dyad.irritants.items():
            arr = world.irritants.setdefault(name, pair_array())
            for side, v in sides.items():
                a = ids.index(side)
                arr[0, a, j if a == i else i] = v
    world.trade_base = world.interdependence.copy()
    return world


def initial_relations(scenario: Scenario) -> np.ndarray:
    """The (N, N) symmetric matrix of starting relations (unlisted pairs start at 0)."""
    ids = list(scenario.actors)
    r = np.zeros((len(ids), len(ids)))
    for key, dyad in scenario.dyads.items():
        i, j = dyad_indices(ids, key)
        r[i, j] = r[j, i] = dyad.relation
    return r
