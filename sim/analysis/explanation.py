"""An explanation of a decision (:class:`Explanation`), and the words it uses.

:func:`sim.analysis.explain.explain` makes one; its frames are built by
:mod:`sim.analysis.explain_frames` and its text and JSON by :mod:`sim.analysis.explain_text`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.analysis.explain_text import summary_text, to_dict

#: How each term is called in text (the frames keep the names of ``sim.model.drivers.TERMS``).
TERM_LABELS = {
    "shared_threat": "shared threat",
    "threat": "threat",
    "interdependence": "interdependence",
    "dispute": "disputes",
    "institutions": "institutions",
    "treaty": "treaty",
    "irritant": "irritants",
    "balance": "balance",
    "wedge": "wedge",
    "attention": "attention",
}


@dataclass(eq=False)
class Explanation:
    """Actor ``actor``'s decisions at step ``step``, split into driver terms.

    Frames (one row per target j unless said otherwise; means and 5%/95% quantiles over
    the replicates):

    - ``terms``: target, term, label, mean, p05, p95, theory, meaning: each term's
      contribution to p_ij, sorted per target by absolute mean (largest first);
    - ``parts``: target, term, part, label, mean, p05, p95: the named parts of a term
      (disputes and irritants by name, shared threat and balance by third party, wedge and
      attention by who offers them); a term's parts sum to the term;
    - ``moves``: target, side (the actor who moves: ``actor`` or the target), move, shift
      (the move in units of the step length, -2 .. +2), utility (mean U), probability (mean logit
      probability), share_chosen (share of replicates that chose it);
    - ``summary``: target, name, propensity (the model's p_ij) with p05/p95, terms_sum
      (mean of the sum of the terms), max_sum_error (largest |sum of terms - p_ij| over
      replicates), desired (x*) with p05/p95, relation (r_ij before the step) with
      p05/p95, change (the relation's change this step) with p05/p95, relation_after,
      chose / chose_share (the actor's most frequent move and its share), other_chose /
      other_chose_share (the target's most frequent move toward the actor),
      held_back_share (share of replicates where the relation moved less than the actor's
      move: the target held it back), words (a sentence saying all this);
    - ``per_replicate``: target, replicate, one column per term, terms_sum, propensity,
      desired, relation, move, move_change, other_move, other_move_change, change.
    """

    scenario: str
    file: str | None
    actor: str
    names: dict[str, str]
    step: int
    period: str
    start: dt.date
    end: dt.date
    replicates: int
    seed: int
    terms: pd.DataFrame
    parts: pd.DataFrame
    moves: pd.DataFrame
    summary: pd.DataFrame
    per_replicate: pd.DataFrame
    events: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def targets(self) -> list[str]:
        """The ids of the actors explained, in scenario order."""
        return list(self.summary["target"])

    @property
    def actor_name(self) -> str:
        return self.names[self.actor]

    def words(self, target: str) -> str:
        """The explanation of the decision toward ``target`` as one sentence."""
        return str(self._row(target)["words"])

    def text(self) -> str:
        """The readable tables of the ``explain`` command, one block per target."""
        return summary_text(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready object of ``explain --json`` (docs/analysis.md lists its keys)."""
        return to_dict(self)

    def _row(self, target: str) -> pd.Series:
        rows = self.summary[self.summary["target"] == target]
        if rows.empty:
            raise KeyError(f"{target!r} is not explained here; targets: {', '.join(self.targets)}")
        return rows.iloc[0]
