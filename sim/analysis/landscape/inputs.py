"""The numbers a landscape needs: sizes and symmetric propensities, and where they come from.

:class:`LandscapeInput` holds them; :class:`LandscapeError` reports bad input with file,
line and key. A **scenario** gives them through its drivers at a step T
(:func:`scenario_input`): sizes are the capability shares (``World.size``), and the
propensity of a pair is P_ij = (p_ij + p_ji) / 2 with p from
:func:`sim.model.drivers.propensity` (mean over replicates when the world has a replicate
axis). At T = 0 the relations are the scenario's initial ones; for T > 0 the model runs
R replicates to step T (the scenario's events up to T apply) and the relations are the
median over replicates. A case file gives them directly (cases.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.model.drivers import propensity
from sim.model.model import AlignmentModel
from sim.model.world import build_world, initial_relations
from sim.scenario import add_months, event_step
from sim.scenario.errors import Problem, ScenarioError


class LandscapeError(ScenarioError):
    """Bad input to the landscape analysis; ``problems`` name file, line and key.

    A subclass of :class:`~sim.scenario.ScenarioError`, so callers that report scenario
    problems (exit code 2) report these the same way.
    """


@dataclass(eq=False)
class LandscapeInput:
    """Sizes and symmetric propensities of N actors, and what they come from.

    ids: actor ids; sizes: (N,) s_i >= 0; propensity: (N, N) symmetric P_ij, zero
    diagonal (positive: drawn together, negative: driven apart); source: a JSON-ready
    description of where the numbers come from; file, line: where the actors are written
    (for messages about them).
    """

    ids: tuple[str, ...]
    sizes: np.ndarray
    propensity: np.ndarray
    source: dict[str, Any] = field(default_factory=dict)
    file: str = "<input>"
    line: int | None = None
    relations: np.ndarray | None = None
    """(N, N) the relations the propensities were computed at (from a scenario), else None."""
    autonomy: np.ndarray | None = None
    """(N,) each actor's autonomy alpha_i at that step (from a scenario), else None."""

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def from_arrays(
        cls,
        ids: list[str] | tuple[str, ...],
        sizes: Any,
        propensity: Any,
        source: dict[str, Any] | None = None,
    ) -> LandscapeInput:
        """Checked input from arrays (e.g. in Python); raise LandscapeError when invalid."""
        ids = tuple(str(i) for i in ids)
        s = np.asarray(sizes, dtype=float)
        p = np.asarray(propensity, dtype=float)
        n = len(ids)
        problems = []
        if len(set(ids)) != n:
            problems.append("actor ids must be distinct")
        if s.shape != (n,) or p.shape != (n, n):
            problems.append(f"expected {n} sizes and a {n}x{n} propensity matrix")
        elif not (np.all(np.isfinite(s)) and np.all(np.isfinite(p))):
            problems.append("sizes and propensities must be finite numbers")
        elif np.any(s < 0):
            problems.append("sizes must be at least 0")
        elif not np.allclose(p, p.T, rtol=1e-12, atol=1e-12):
            problems.append("the propensity matrix must be symmetric")
        elif np.any(np.diag(p) != 0):
            problems.append("an actor has no propensity toward itself (the diagonal must be 0)")
        if problems:
            raise LandscapeError([Problem("<input>", None, "", m) for m in problems])
        return cls(ids, s, p, dict(source or {"kind": "arrays"}))


def display_name(path: Path) -> str:
    """A path as shown in messages: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def scenario_input(
    scenario: Any,
    step: int = 0,
    replicates: int | None = None,
    seed: int | None = None,
    file: str = "<scenario>",
) -> LandscapeInput:
    """Sizes and P_ij = (p_ij + p_ji) / 2 from a scenario's drivers at ``step``.

    Step 0 uses the initial relations (no model run). For ``step`` > 0 the model runs
    ``replicates`` replicates (default: the scenario's) with ``seed`` (default: the
    scenario's) to that step, applying the scenario's events up to it, and the relations
    are the median over replicates. Uncertain parameters stay at the scenario's values.
    """
    run = scenario.run
    if not 0 <= step <= run.steps:
        msg = f"--step {step}: the scenario runs steps 0 to {run.steps}"
        raise LandscapeError(Problem(file, None, "", msg))
    date = add_months(run.start, step * run.step_months)
    source: dict[str, Any] = {
        "kind": "scenario",
        "file": file,
        "scenario": scenario.name,
        "step": step,
        "date": date.isoformat(),
    }
    if step == 0:
        world = build_world(scenario)
        relations = initial_relations(scenario)
        source["relations"] = "the scenario's initial relations"
    else:
        reps = int(replicates or run.replicates)
        model = AlignmentModel(scenario, replicates=reps, seed=seed, record="outcomes")
        for _ in range(step):
            model.step()
        world = model.world
        relations = np.median(model.relations, axis=0)
        source["relations"] = f"median over {reps} replicates after {step} steps"
        source["replicates"] = reps
        source["seed"] = int(run.seed if seed is None else seed)
    np.fill_diagonal(relations, 0.0)
    events = [
        {"event": name, "step": event_step(scenario, ev)}
        for name, ev in scenario.events.items()
        if ev.trigger == "scheduled" and event_step(scenario, ev) <= step
    ]
    source["events_applied"] = sorted(events, key=lambda e: (e["step"], e["event"]))
    if step > 0:
        # Conditional and random events fire per replicate: say in how many they had.
        fired: dict[str, set[int]] = {}
        for name, _, reps_fired in model.event_log:
            if scenario.events[name].trigger != "scheduled":
                fired.setdefault(name, set()).update(int(r) for r in reps_fired)
        source["events_fired"] = {
            name: len(reps_fired) / model.replicates for name, reps_fired in sorted(fired.items())
        }
    notes = []
    if getattr(scenario, "uncertainties", None):
        notes.append("uncertain parameters are held at the scenario's values (not sampled)")
    if notes:
        source["notes"] = notes
    p = propensity(world, relations[None, :, :]).mean(axis=0)
    sym = 0.5 * (p + p.T)
    np.fill_diagonal(sym, 0.0)
    sizes = np.asarray(world.size, dtype=float).mean(axis=0)
    autonomy = np.asarray(world.autonomy, dtype=float).mean(axis=0)
    return LandscapeInput(tuple(world.ids), sizes, sym, source, file, None, relations, autonomy)
