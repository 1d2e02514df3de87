"""A landscape read in words: what its global minimum says, and where it disagrees with the
relations the dynamics produced.

The landscape and the dynamics share one set of drivers but answer different questions:
the landscape asks which split into two blocs no single state gains by leaving, weighing
each pair by size times propensity; the dynamics follow each dyad's own relation. So the
landscape may put two states in one bloc although their relation is cold (the bloc holds
because of what both share with the others), or split two states whose relation is warm.
:func:`reading` says so pair by pair, with the relation and its band. When the neutral
position was opened to the states of high autonomy (the report's rule,
:mod:`sim.analysis.landscape.neutrality`), it also says who could be neutral and why.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.common import join_words
from sim.analysis.landscape.neutrality import autonomy_sentence
from sim.analysis.landscape.search import LandscapeResult
from sim.model.bands import BAND_NAMES, BandBounds, band_codes

#: Bands at or below this code count as "cold" (rivalry, hostile).
COLD = BAND_NAMES.index("rivalry")
#: Bands at or above this code count as "warm" (aligned, allied).
WARM = BAND_NAMES.index("aligned")


def reading(
    result: LandscapeResult,
    relations: np.ndarray | None,
    bands: BandBounds,
    names: dict[str, str] | None = None,
    neutral_by_autonomy: bool = False,
) -> list[str]:
    """Sentences about ``result``'s global minimum and, given the relations behind it
    ((N, N), the same actor order), every pair on which landscape and relations disagree.

    ``names`` maps actor ids to display names. Ties for the lowest energy are said too.
    ``neutral_by_autonomy``: the neutral position was opened by
    :func:`sim.analysis.landscape.neutrality.high_autonomy`; say who could be neutral
    and why (:func:`~sim.analysis.landscape.neutrality.autonomy_sentence`).
    """
    ids = result.input.ids
    shown = [(names or {}).get(i, i) for i in ids]
    name = dict(zip(ids, shown, strict=True))
    best = result.global_minimum
    a, b, neutral = result.blocs(best.positions)
    out: list[str] = []
    if not a and not b:
        out.append(
            f"The most stable alignment has every state neutral (energy {best.energy:+.3g})."
        )
    elif (not a or not b) and neutral:
        together = [name[i] for i in (a or b)]
        out.append(
            f"The most stable alignment is one bloc of {join_words(together)}, with "
            f"{join_words([name[i] for i in neutral])} neutral (energy {best.energy:+.3g}). "
            "On balance the drivers draw the aligned states together, so no split into two "
            "blocs lowers the energy."
        )
    elif not a or not b:
        together = [name[i] for i in (a or b)]
        out.append(
            f"The most stable alignment is the grand coalition: {join_words(together)} in one "
            f"bloc (energy {best.energy:+.3g}). On balance the drivers draw the states "
            "together, so no split into two blocs lowers the energy."
        )
    else:
        out.append(
            f"The most stable alignment is {join_words([name[i] for i in a])} against "
            f"{join_words([name[i] for i in b])} (energy {best.energy:+.3g})."
        )
    if neutral and a and b:
        out.append(f"Neutral in it: {join_words([name[i] for i in neutral])}.")
    if neutral_by_autonomy:
        why = autonomy_sentence(result, name)
        if why:
            out.append(why)
    if result.degenerate > 1:
        out.append(f"{result.degenerate} alignments share the lowest energy.")
    if relations is None:
        return out
    codes = band_codes(np.asarray(relations, dtype=float), bands)
    side = best.positions
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            if side[i] == 2 or side[j] == 2:
                continue  # a neutral state is in no bloc
            r = float(relations[i, j])
            band = BAND_NAMES[int(codes[i, j])]
            pair = f"{shown[i]} and {shown[j]}"
            p = float(result.input.propensity[i, j])
            if side[i] == side[j] and codes[i, j] <= COLD:
                why = (
                    f"the drivers draw the pair together (propensity {p:+.2f}) but the "
                    "relation has not followed"
                    if p > 0
                    else f"the pair itself pulls apart (propensity {p:+.2f}); the bloc holds "
                    "through what both share with the others"
                )
                out.append(
                    f"It puts {pair} in one bloc, although their relation is {band} "
                    f"({r:+.2f}): {why}."
                )
            elif side[i] != side[j] and codes[i, j] >= WARM:
                out.append(
                    f"It puts {pair} in opposite blocs, although their relation is {band} "
                    f"({r:+.2f}; propensity {p:+.2f})."
                )
    return out
