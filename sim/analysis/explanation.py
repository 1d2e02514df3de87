"""An explanation of a decision (:class:`Explanation`), and the words it uses.

:func:`sim.analysis.explain.explain` makes one; its frames are built by
:mod:`sim.analysis.explain_frames` and its text and JSON by :mod:`sim.analysis.explain_text`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from sim.analysis.explain_text import summary_text, to_dict

#: The columns of :attr:`Explanation.parts` (named, so that an explanation without parts has them).
PART_COLUMNS = ["target", "term", "part", "label", "mean", "p05", "p95"]

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

    Held as rows (``term_rows``, ``part_rows``, ``move_rows``, ``summary_rows``: dicts with
    the columns below; ``replicate_columns``: one dict of columns per target), and read as
    frames, built from them the first time (one row per target j unless said otherwise;
    means and 5%/95% quantiles over the replicates):

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
    term_rows: list[dict[str, Any]]
    part_rows: list[dict[str, Any]]
    move_rows: list[dict[str, Any]]
    summary_rows: list[dict[str, Any]]
    replicate_columns: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    # The rows are what the explanation is made of; the frames are built from them the first
    # time they are read (the report's "why" figure and --json read the rows only: building
    # the frames of a report's eight explanations and reading them back took about 0.07 s).

    @cached_property
    def terms(self) -> pd.DataFrame:
        return pd.DataFrame(self.term_rows)

    @cached_property
    def parts(self) -> pd.DataFrame:
        return pd.DataFrame(self.part_rows, columns=PART_COLUMNS)

    @cached_property
    def moves(self) -> pd.DataFrame:
        return pd.DataFrame(self.move_rows)

    @cached_property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(self.summary_rows)

    @cached_property
    def per_replicate(self) -> pd.DataFrame:
        frames = [pd.DataFrame(columns) for columns in self.replicate_columns]
        if not frames:
            return pd.DataFrame(columns=["target", "replicate"])
        return pd.concat(frames, ignore_index=True)

    @property
    def targets(self) -> list[str]:
        """The ids of the actors explained, in scenario order."""
        return [row["target"] for row in self.summary_rows]

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

    def _row(self, target: str) -> dict[str, Any]:
        for row in self.summary_rows:
            if row["target"] == target:
                return row
        raise KeyError(f"{target!r} is not explained here; targets: {', '.join(self.targets)}")
