"""``outcomes.csv``: the end-states and the dyads of a run in one tidy table.

Its ``kind`` column says which a row is ('end_state' or 'dyad'); the columns of one
kind are empty (NaN) on the rows of the other. In a sweep, ``point`` and one column per
swept parameter come first and every point has its rows. :func:`read_outcomes_csv`
splits it back into the two tables.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from sim.results.frames import DYAD_COLUMNS, OUTCOME_COLUMNS


def outcomes_csv_frame(
    end_states: pd.DataFrame, dyads: pd.DataFrame, sweep_keys: Sequence[str] = ()
) -> pd.DataFrame:
    """The single tidy table of ``outcomes.csv``: end-states then dyads, with ``kind``.

    ``kind`` is 'end_state' or 'dyad'; a column that belongs to the other kind is NaN.
    In a sweep (tables from :func:`~sim.results.frames.per_point`), ``point`` and the
    swept parameters come first and rows are ordered by point, then kind.
    """
    lead = ["point", *sweep_keys] if "point" in end_states.columns or sweep_keys else []
    columns = [*lead, "kind", *OUTCOME_COLUMNS, *[c for c in DYAD_COLUMNS if c != "replicates"]]
    parts = [
        frame.assign(kind=kind).reindex(columns=columns)
        for frame, kind in ((end_states, "end_state"), (dyads, "dyad"))
        if len(frame)
    ]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    if lead:
        out = out.sort_values("point", kind="stable").reset_index(drop=True)
        out = out.astype({"point": "int64"})
    # counts stay whole numbers in the CSV ('200', not '200.0'); empty where not applicable
    return out.astype({"count": "Int64", "replicates": "Int64"})


def write_outcomes_csv(
    path: str | os.PathLike[str],
    end_states: pd.DataFrame,
    dyads: pd.DataFrame,
    sweep_keys: Sequence[str] = (),
) -> None:
    """Write :func:`outcomes_csv_frame` to ``path``."""
    outcomes_csv_frame(end_states, dyads, sweep_keys).to_csv(path, index=False)


def read_outcomes_csv(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``outcomes.csv`` back into (end-state table, dyad table).

    In a sweep the leading ``point`` and swept-parameter columns are kept.
    """
    df = pd.read_csv(path)
    lead = list(df.columns[: list(df.columns).index("kind")])
    end = df[df["kind"] == "end_state"].reindex(columns=[*lead, *OUTCOME_COLUMNS])
    dy = df[df["kind"] == "dyad"].reindex(columns=[*lead, *DYAD_COLUMNS])
    return end.reset_index(drop=True), dy.reset_index(drop=True)
