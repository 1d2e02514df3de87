"""The workshop wargame engine: teams play states turn by turn, the model adjudicates.

No UI here: a :class:`Game` owns a game's state and its SQLite log; a web layer passes
the acting role and shows what :meth:`Game.view` returns. docs/workshop.md is the
facilitator's guide.

Modules, one concept each: roles (who acts), phases (a turn's phases), catalogue (the
move catalogue), orders (moves submitted and their legality), changes (parameter
changes by path), injects, adjudication (running a turn with the teams' moves and
proposing), explanation (why each dyad changed), lookahead (the fan), snapshot (the
state hash), store (the SQLite log), replay (the state derived from the log), views
(what each role may see), game (the Game), aar (the after-action report); the Dash web
app in web/. The commands are :mod:`sim.cli.workshop` and :mod:`sim.cli.aar`.

May import: :mod:`sim.present`, :mod:`sim.analysis`, :mod:`sim.model`,
:mod:`sim.scenario` (and the layers between). Independent of :mod:`sim.api`: neither
imports the other.
"""

from sim.workshop.adjudication import Proposal
from sim.workshop.catalogue import (
    DEFAULT_CATALOGUE,
    Catalogue,
    MoveType,
    load_catalogue,
    load_catalogue_text,
)
from sim.workshop.changes import ParameterChange
from sim.workshop.errors import (
    ConcurrentWrite,
    GameFileError,
    IllegalMove,
    InvalidInput,
    NotAllowed,
    ReplayMismatch,
    WorkshopError,
    WrongPhase,
)
from sim.workshop.game import Game
from sim.workshop.injects import Inject
from sim.workshop.orders import LegalMove, Order
from sim.workshop.phases import Phase
from sim.workshop.replay import Override
from sim.workshop.roles import Role, parse_role

__all__ = [
    "DEFAULT_CATALOGUE",
    "Catalogue",
    "ConcurrentWrite",
    "Game",
    "GameFileError",
    "IllegalMove",
    "Inject",
    "InvalidInput",
    "LegalMove",
    "MoveType",
    "NotAllowed",
    "Order",
    "Override",
    "ParameterChange",
    "Phase",
    "Proposal",
    "ReplayMismatch",
    "Role",
    "WorkshopError",
    "WrongPhase",
    "load_catalogue",
    "load_catalogue_text",
    "parse_role",
]
