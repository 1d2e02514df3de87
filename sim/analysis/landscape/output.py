"""A landscape result as one JSON-ready mapping, and as a short text summary."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from sim.analysis.landscape.search import EXHAUSTIVE, LandscapeResult, Minimum

ALL_LIMIT = 1024
"""Configurations listed by default in JSON (more only with ``include_all=True``)."""
CONVENTION = (
    "E(X) = sum over i and j != i of s_i s_j P_ij d_ij(X), d_ij = 1 when i and j are in "
    "opposite blocs (else 0); positive propensity is attraction, so splitting friends raises "
    "E and the local minima are the predicted alignments (Axelrod & Bennett 1993)"
)
FRUSTRATION = "F_i = sum over j != i of s_j P_ij d_ij (E = sum_i s_i F_i)"
SWITCH_COST = "the least energy change if the actor alone moves (>= 0 at a minimum)"


def _num(x: float) -> float:
    """A float rounded to 12 significant digits (no rounding noise in JSON), -0 as 0."""
    return float(f"{x:.12g}") + 0.0


def blocs_label(result: LandscapeResult, positions: np.ndarray) -> str:
    """'USA JPN | CHN RUS' (and ' / neutral: RUS' when some are neutral)."""
    a, b, neutral = result.blocs(positions)
    text = f"{' '.join(a) or '-'} | {' '.join(b) or '-'}"
    return f"{text} / neutral: {' '.join(neutral)}" if neutral else text


def minimum_dict(result: LandscapeResult, m: Minimum) -> dict[str, Any]:
    """One minimum: blocs, neutral actors, energy, basin share, frustration, switch costs."""
    a, b, neutral = result.blocs(m.positions)
    ids = result.input.ids
    return {
        "blocs": [a, b],
        "neutral": neutral,
        "energy": _num(m.energy),
        "basin_share": _num(m.basin_share),
        "frustration": {i: _num(v) for i, v in zip(ids, m.frustration, strict=True)},
        "switch_cost": {i: _num(v) for i, v in zip(ids, m.switch_cost, strict=True)},
        "weak": m.weak,
    }


def to_dict(result: LandscapeResult, include_all: bool | None = None) -> dict[str, Any]:
    """The result as one JSON-ready mapping.

    ``all`` (every configuration with its energy, lowest first) is included when
    ``include_all`` is true, or when it is None and the search was exhaustive over at most
    ALL_LIMIT configurations.
    """
    data = result.input
    ids = data.ids
    n = len(ids)
    out: dict[str, Any] = {
        "source": data.source,
        "actors": [{"id": i, "size": _num(s)} for i, s in zip(ids, data.sizes, strict=True)],
        "propensities": {
            f"{ids[i]}-{ids[j]}": _num(data.propensity[i, j])
            for i in range(n)
            for j in range(i + 1, n)
        },
        "positions": "two blocs and neutral" if result.neutral else "two blocs",
        "neutral_actors": list(result.neutral_actors or ()),
        "energy": CONVENTION,
        "frustration": FRUSTRATION,
        "switch_cost": SWITCH_COST,
        "method": result.method,
        "configurations": result.configurations,
    }
    if result.method == EXHAUSTIVE:
        out["basin_share_of"] = f"all {result.configurations} configurations"
    else:
        out["starts"] = result.starts
        out["seed"] = result.seed
        out["basin_share_of"] = f"{result.starts} random starts"
    out["tolerance"] = _num(result.tolerance)
    out["minima"] = [minimum_dict(result, m) for m in result.minima]
    out["global_minimum"] = {
        **minimum_dict(result, result.global_minimum),
        "degenerate": result.degenerate,
    }
    if result.method != EXHAUSTIVE:
        out["global_minimum"]["note"] = "the lowest minimum found, not a proven global minimum"
    listed = result.energies is not None and (
        include_all or (include_all is None and result.configurations <= ALL_LIMIT)
    )
    if listed:
        out["all"] = [
            {"blocs": [a, b], "neutral": neutral, "energy": _num(e)}
            for (a, b, neutral), e in _all_configurations(result)
        ]
    out["seconds"] = round(result.seconds, 4)
    return out


def _all_configurations(
    result: LandscapeResult,
) -> list[tuple[tuple[list[str], list[str], list[str]], float]]:
    """Every configuration's blocs and energy, lowest energy first (then by number)."""
    assert result.energies is not None
    order = np.argsort(result.energies, kind="stable")
    positions = result.configuration(order)
    return [
        (result.blocs(pos), float(result.energies[k]))
        for pos, k in zip(positions, order, strict=True)
    ]


def _g(x: float) -> str:
    return f"{x:+.4g}" if x != 0 else "0"


def summary_text(result: LandscapeResult, include_all: bool = False, shown: int = 10) -> str:
    """A plain-text summary: source, sizes, propensities, minima, frustration."""
    data = result.input
    src = data.source
    ids = data.ids
    n = len(ids)
    lines = []
    if src.get("kind") == "scenario":
        lines.append(f"landscape of scenario '{src['scenario']}' ({src['file']})")
        lines.append(
            f"  propensities from the drivers at step {src['step']} ({src['date']}): "
            f"relations = {src['relations']}"
        )
        if src.get("step"):
            events = src.get("events_applied") or []
            names = ", ".join(f"{e['event']} (step {e['step']})" for e in events) or "none"
            lines.append(f"  events applied up to step {src['step']}: {names}")
        lines.extend(f"  note: {note}" for note in src.get("notes", ()))
    else:
        title = f" '{src['name']}'" if src.get("name") else ""
        lines.append(f"landscape of case{title} ({src.get('file', data.file)})")
    positions = "two blocs and a neutral position" if result.neutral else "two blocs"
    if result.neutral_restricted:
        positions += f" (open to {', '.join(result.neutral_actors or ())} only)"
    how = result.method
    if result.starts is not None:
        how += f" ({result.starts} starts, seed {result.seed})"
    lines.append(
        f"  {n} actors, {positions}: {result.configurations:,} configurations "
        f"(mirror images once), {how}, {result.seconds:.2f} s"
    )
    lines.extend(textwrap.wrap(CONVENTION, width=96, initial_indent="  ", subsequent_indent="  "))
    lines.append("")
    lines.append(
        "sizes: " + ", ".join(f"{i} {s:.3g}" for i, s in zip(ids, data.sizes, strict=True))
    )
    if n <= 8:
        pairs = [
            f"{ids[i]}-{ids[j]} {_g(data.propensity[i, j])}"
            for i in range(n)
            for j in range(i + 1, n)
        ]
        lines.append("propensities P_ij: " + ", ".join(pairs))
    lines.append("")
    share = "basin" if result.method == EXHAUSTIVE else "starts"
    of = (
        "share of all configurations whose steepest descent ends there"
        if result.method == EXHAUSTIVE
        else f"share of the {result.starts} random starts whose descent ends there"
    )
    lines.append(f"local minima: {len(result.minima)}, lowest energy first ({share} = {of})")
    width = max(
        len("blocs"), *(len(blocs_label(result, m.positions)) for m in result.minima[:shown])
    )
    lines.append(f"  {'#':>3}  {'energy':>11}  {share:>7}  {'blocs':<{width}}")
    for k, m in enumerate(result.minima[:shown], 1):
        lines.append(
            f"  {k:>3}  {_g(m.energy):>11}  {m.basin_share:>7.1%}  "
            f"{blocs_label(result, m.positions):<{width}}{'  (weak)' if m.weak else ''}"
        )
    if len(result.minima) > shown:
        lines.append(f"  ... and {len(result.minima) - shown} more (--json lists them all)")
    if any(m.weak for m in result.minima[:shown]):
        lines.append("  (weak: some actor could move without raising the energy: a plateau)")
    g = result.global_minimum
    ties = f" ({result.degenerate} minima share this energy)" if result.degenerate > 1 else ""
    best = "global minimum" if result.method == EXHAUSTIVE else "lowest minimum found"
    lines.append(f"{best}: {blocs_label(result, g.positions)}, energy {_g(g.energy)}{ties}")
    lines.append("")
    cols = result.minima[: min(shown, 5)]
    lines.append(f"frustration {FRUSTRATION}")
    lines.append(f"(in brackets the switch cost: {SWITCH_COST})")
    head = "".join(f"  {'#' + str(k):>22}" for k in range(1, len(cols) + 1))
    idw = max(len(i) for i in ids)
    lines.append(f"  {'':<{idw}}{head}")
    for a, ident in enumerate(ids):
        cells = "".join(f"  {_g(m.frustration[a]):>10} ({_g(m.switch_cost[a]):>9})" for m in cols)
        lines.append(f"  {ident:<{idw}}{cells}")
    if include_all and result.energies is not None:
        lines.append("")
        lines.append("every configuration, lowest energy first:")
        for (a, b, neutral), e in _all_configurations(result):
            extra = f" / neutral: {' '.join(neutral)}" if neutral else ""
            lines.append(f"  {_g(e):>11}  {' '.join(a) or '-'} | {' '.join(b) or '-'}{extra}")
    elif include_all:
        lines.append("")
        lines.append("(every configuration's energy is known only after an exhaustive search)")
    return "\n".join(line.rstrip() for line in lines)
