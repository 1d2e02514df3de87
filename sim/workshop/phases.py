"""The phases of a turn and the only ways to go from one to the next.

Each turn (one model step, a quarter in the shipped scenarios) passes::

    briefing -> planning -> locked -> adjudication -> results -> (next turn) briefing

- briefing: the white cell presents the situation and this turn's injects;
- planning: teams submit, revise and withdraw moves and mark themselves ready;
- locked: moves are frozen (the white cell may reopen planning: locked -> planning);
- adjudication: the model proposes what happens and why; the white cell accepts or
  overrides relations, then commits (commit is the only way on, to results);
- results: the committed turn is shown to everyone; the next step opens the next turn's
  briefing (after the scenario's last turn there is none).

Only the white cell changes the phase.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """A phase of a turn."""

    BRIEFING = "briefing"
    PLANNING = "planning"
    LOCKED = "locked"
    ADJUDICATION = "adjudication"
    RESULTS = "results"


#: The legal phase changes the white cell makes with set_phase; adjudication -> results
#: happens only by committing the turn.
TRANSITIONS: dict[Phase, tuple[Phase, ...]] = {
    Phase.BRIEFING: (Phase.PLANNING,),
    Phase.PLANNING: (Phase.LOCKED,),
    Phase.LOCKED: (Phase.ADJUDICATION, Phase.PLANNING),
    Phase.ADJUDICATION: (),
    Phase.RESULTS: (Phase.BRIEFING,),
}

#: The usual next phase (what "advance" does).
NEXT: dict[Phase, Phase] = {
    Phase.BRIEFING: Phase.PLANNING,
    Phase.PLANNING: Phase.LOCKED,
    Phase.LOCKED: Phase.ADJUDICATION,
    Phase.RESULTS: Phase.BRIEFING,
}


def parse_phase(text: str | Phase) -> Phase:
    """A :class:`Phase` from its name, or ValueError listing the phases."""
    try:
        return Phase(str(text))
    except ValueError:
        names = ", ".join(p.value for p in Phase)
        raise ValueError(f"unknown phase {text!r}: expected one of {names}") from None
