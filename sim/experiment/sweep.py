"""Sweeps: which parameter values each sweep point gets.

A scenario's ``sweep`` maps parameter paths to lists of values, and the command line's
``--set key=v1,v2,...`` adds or replaces axes (:func:`parse_set_option`). The sweep
points are the full factorial of the axes (:func:`sweep_grid`): every combination of one
value per path, each run as its own ensemble. A point is a ``{path: value}`` mapping of
overrides applied on top of the scenario; parameters that are not swept keep the
scenario's value. With no axes there is one point, ``{}``: the scenario as written.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

from sim.scenario.checks import canonical_path, sweep_problems
from sim.scenario.schema import Scenario

SET_EXAMPLE = "e.g. --set actors.CHN.assertiveness=0.4,0.6,0.8"


def parse_set_option(text: str) -> tuple[str, list[float]]:
    """Read one ``--set KEY=V1,V2,...`` option: the parameter path and its values.

    Spaces around the key and the values are ignored. Raises ValueError saying what is
    wrong: no '=', no key, no values, an empty value between commas, a value that is not
    a finite number. The path itself is checked by :func:`sweep_grid`, which knows the
    scenario.
    """
    key, eq, rest = text.partition("=")
    key = key.strip()
    if not eq:
        raise ValueError(f"--set {text!r}: expected KEY=V1,V2,... ({SET_EXAMPLE})")
    if not key:
        raise ValueError(
            f"--set {text!r}: the parameter path before '=' is missing ({SET_EXAMPLE})"
        )
    if not rest.strip():
        raise ValueError(f"--set {key}: no values after '=' ({SET_EXAMPLE})")
    values = []
    for i, item in enumerate(rest.split(","), start=1):
        word = item.strip()
        if not word:
            raise ValueError(f"--set {key}: value {i} is empty (two commas, or a comma at an end)")
        try:
            x = float(word)
        except ValueError:
            raise ValueError(f"--set {key}: {word!r} is not a number") from None
        if not math.isfinite(x):
            raise ValueError(f"--set {key}: {word!r} is not a finite number")
        values.append(x)
    return key, values


def parse_set_options(texts: Iterable[str]) -> dict[str, list[float]]:
    """Read every ``--set`` option into ``{path: values}``; a path given twice is an error."""
    sets: dict[str, list[float]] = {}
    for text in texts:
        key, values = parse_set_option(text)
        if key in sets:
            raise ValueError(f"--set {key}: given twice; give all its values in one --set")
        sets[key] = values
    return sets


def sweep_axes(
    scenario: Scenario, cli_sets: Mapping[str, Sequence[float]] | None = None
) -> dict[str, list[float]]:
    """The sweep's axes: ``scenario.sweep`` with the command line's sets, keys sorted.

    A command-line set replaces the scenario's axis for the same parameter (a dyad may be
    named in either order). Command-line paths are checked as the scenario's sweep is
    (``sim.scenario.checks.sweep_problems``), and may not name an uncertain parameter;
    problems raise ValueError naming the key.
    """
    ids = list(scenario.actors)
    axes = {path: [float(x) for x in values] for path, values in scenario.sweep.items()}
    seen: dict[str, str] = {}
    for key, values in (cli_sets or {}).items():
        given = [float(x) for x in values]
        problems = sweep_problems(scenario, key, given)
        if problems:
            raise ValueError("\n".join(f"--set {key}: {msg}" for _, msg in problems))
        path = canonical_path(ids, key)
        if path in seen:
            raise ValueError(f"--set {key}: the same parameter as --set {seen[path]}; give it once")
        seen[path] = key
        if path in scenario.uncertainties:
            raise ValueError(
                f"--set {key}: the scenario samples this parameter (uncertainties); a "
                "parameter is either sampled or swept, not both"
            )
        axes[path] = given
    return {path: axes[path] for path in sorted(axes)}


def sweep_grid(
    scenario: Scenario, cli_sets: Mapping[str, Sequence[float]] | None = None
) -> list[dict[str, float]]:
    """Every sweep point: the full factorial over :func:`sweep_axes`.

    Points are ``{path: value}`` with the paths in sorted order, listed in lexicographic
    order of the grid's indices (the last path changes fastest, values in the order
    given). Their number is the product of the axes' lengths; with no axes the grid is
    ``[{}]``, one point with the scenario's own values.
    """
    axes = sweep_axes(scenario, cli_sets)
    paths = list(axes)
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*axes.values())]
