"""Game: one workshop wargame, the single object that owns its state.

Teams play states turn by turn; the white cell (control) runs the phases, writes
injects, has the model propose each turn's outcome with its explanation, accepts or
overrides it and commits. Actors with no team are played by the model's own agents.

Every action takes the acting role first (``"control"``, ``"team:JPN"``, ``"observer"``,
``"projector"``); the engine checks it, and refuses with a :class:`WorkshopError` that
says why (:class:`NotAllowed`, :class:`IllegalMove`, :class:`WrongPhase`,
:class:`InvalidInput`). An action that is accepted is written to the game's SQLite log
in one transaction before the call returns, then applied to the state by the same code
that replays the log (sim.workshop.replay), so ``Game.open`` resumes exactly where the
game stood.

    game = Game.create("game.sqlite", "scenarios/baseline.yaml", teams={"JPN": "Tokyo"})
    game.advance("control")                                  # briefing -> planning
    game.submit_move("team:JPN", "JPN", "engage", "RUS", rationale="2+2 talks")
    game.mark_ready("team:JPN", "JPN")
    game.advance("control"); game.advance("control")         # locked, adjudication
    proposal = game.propose("control")
    game.override("control", "RUS-JPN", 0.1, "the summit went better than modelled")
    game.commit("control")                                   # -> results

One file, because :class:`Game` is the one object that owns a game's state: every action
is a short check-then-log-then-apply under the same lock and log, and reading them side
by side is how a reviewer sees that every action checks the acting role. The rules
themselves live in the modules it calls (phases, orders, injects, adjudication, replay).
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sim.scenario import Scenario, event_step, load_scenario
from sim.scenario.dyads import canonical_dyad
from sim.scenario.paths import parse_target
from sim.workshop.adjudication import DefaultMove, Proposal, propose, run_turn
from sim.workshop.catalogue import DEFAULT_CATALOGUE, Catalogue, load_catalogue
from sim.workshop.changes import ParameterChange, as_change
from sim.workshop.errors import IllegalMove, InvalidInput, NotAllowed, Superseded, WrongPhase
from sim.workshop.injects import Inject, check_inject, visible_to
from sim.workshop.orders import LegalMove, Order, check_order, legal_moves, make_order
from sim.workshop.phases import NEXT, TRANSITIONS, Phase, parse_phase
from sim.workshop.replay import (
    CommittedTurn,
    GameSetup,
    GameState,
    Note,
    Override,
    TurnCheck,
    apply_record,
    replay,
    settle,
)
from sim.workshop.roles import Role, parse_role, require_actor, require_control
from sim.workshop.snapshot import relations_of
from sim.workshop.store import GameLog, Record, log_prefix, now
from sim.workshop.views import turn_period, view, visible_orders

MAX_REASON, MAX_NOTE = 2000, 10_000
ChangeLike = ParameterChange | Mapping[str, Any] | tuple[str, str, float]


class Game:
    """A workshop game: its log on disk and the state derived from it."""

    def __init__(self, log: GameLog, state: GameState) -> None:
        self._log = log
        self._state = state
        self._lock = threading.RLock()

    # --- creating, opening, closing ------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        scenario: Scenario | str | os.PathLike[str],
        catalogue: Catalogue | str | os.PathLike[str] | None = None,
        teams: Mapping[str, str] | Iterable[str] = (),
        *,
        title: str | None = None,
        seed: int | None = None,
        lookahead: int = 4,
        fan_replicates: int = 200,
        default_move: DefaultMove = "model",
        max_bytes: int | None = None,
    ) -> Game:
        """Start a new game in a new database file at ``path``.

        ``scenario`` and ``catalogue`` are objects or files (the catalogue defaults to
        scenarios/workshop/moves.yaml); ``teams`` maps the team-played actors to team
        names (or lists the actors); ``seed`` defaults to the scenario's. Raises
        ScenarioError for a bad scenario or catalogue file, InvalidInput for bad settings
        and GameFileError when the file exists. ``max_bytes`` is the largest scenario file
        to read (None: the loader's 5 MB).
        """
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario, max_bytes=max_bytes)
        if not isinstance(catalogue, Catalogue):
            catalogue = load_catalogue(catalogue or DEFAULT_CATALOGUE, scenario)
        names = {k: a.name for k, a in scenario.actors.items()}
        if not isinstance(teams, Mapping):
            teams = {a: f"Team {names.get(a, a)}" for a in teams}
        unknown = [a for a in teams if a not in names]
        if unknown:
            raise InvalidInput(
                f"no state {', '.join(unknown)} in the scenario; the states are {', '.join(names)}"
            )
        if any(not str(t).strip() for t in teams.values()):
            raise InvalidInput("every team needs a name")
        if not 0 <= lookahead <= 40 or not 1 <= fan_replicates <= 10_000:
            raise InvalidInput("lookahead must be 0..40 turns and fan_replicates 1..10000")
        if default_move not in ("model", "hold"):
            raise InvalidInput(f"default_move {default_move!r}: expected model or hold")
        seed = scenario.run.seed if seed is None else int(seed)
        if seed < 0:
            raise InvalidInput(f"seed must be at least 0, got {seed}")
        setup = GameSetup(
            title=title or scenario.name,
            scenario=scenario.model_dump(mode="json"),
            catalogue=catalogue.model_dump(mode="json"),
            teams={a: str(teams[a]).strip() for a in names if a in teams},
            seed=seed,
            lookahead=lookahead,
            fan_replicates=fan_replicates,
            default_move=default_move,
        )
        first = Record(
            1,
            now(),
            1,
            Phase.BRIEFING.value,
            "created",
            "control",
            {"setup": setup.model_dump(mode="json")},
        )
        meta = {"game_id": uuid.uuid4().hex, "created_at": first.at, "title": setup.title}
        log = GameLog.create(path, meta, [first])
        return cls(log, replay([first]))

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], read_only: bool = False, verify: bool = True
    ) -> Game:
        """Resume a game from its database: the same phase, orders, proposal, relations.

        Every commit is replayed and checked against its stored hash (ReplayMismatch if
        one differs, unless ``verify`` is False). GameFileError for a missing, foreign or
        damaged file, which is left untouched.
        """
        log = GameLog.open(path, read_only=read_only)
        try:
            state = replay(log.records(), verify=verify)
        except BaseException:
            log.close()
            raise
        return cls(log, state)

    def close(self) -> None:
        """Close the database (everything is already written)."""
        with self._lock:
            self._log.close()

    def __enter__(self) -> Game:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def as_seen(self, turn: Any = None, phase: Any = None) -> Iterator[None]:
        """Hold the game still while an action made on a page that showed ``turn`` and
        ``phase`` runs: :class:`Superseded` if the game has moved on since (another
        console or a stale page acted first). None: no check."""
        with self._lock:
            if turn is not None and (turn, phase) != (self.turn, self.phase.value):
                raise Superseded(
                    f"this page showed turn {turn} ({phase}), but the game has moved on to "
                    f"turn {self.turn} ({self.phase.value}): look at the page again"
                )
            yield

    # --- what the game is ----------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._log.path

    @property
    def game_id(self) -> str:
        return self._log.meta.get("game_id", "")

    @property
    def title(self) -> str:
        """The game's title (a fork has its own)."""
        return self._log.meta.get("title") or self._state.setup.title

    @property
    def setup(self) -> GameSetup:
        return self._state.setup

    @property
    def scenario(self) -> Scenario:
        return self._state.scenario

    @property
    def catalogue(self) -> Catalogue:
        return self._state.catalogue

    @property
    def teams(self) -> dict[str, str]:
        """Team-played actors and their team names."""
        return dict(self._state.setup.teams)

    @property
    def turn(self) -> int:
        return self._state.turn

    @property
    def phase(self) -> Phase:
        return self._state.phase

    @property
    def total_turns(self) -> int:
        return self._state.total_turns

    @property
    def seq(self) -> int:
        """The last record of the log: changes whenever the game does (for polling)."""
        return self._state.last_seq

    @property
    def read_only(self) -> bool:
        return self._log.read_only

    @property
    def finished(self) -> bool:
        """Whether the game is over: the white cell ended it, or the scenario's last turn
        has been committed."""
        last = self.turn == self.total_turns and self.phase is Phase.RESULTS
        return self._state.ended is not None or last

    @property
    def ended(self) -> dict[str, Any] | None:
        """The white cell's end of the game (``{"turn", "reason"}``), or None."""
        return None if self._state.ended is None else dict(self._state.ended)

    @property
    def relations(self) -> dict[str, float]:
        """The committed relations of every dyad ('RUS-JPN': 0.05, ...)."""
        return relations_of(self._state.model)

    def value(self, path: str) -> float:
        """The current value of a world parameter ('dyads.RUS-JPN.disputes.kurils' ...)."""
        with self._lock:
            try:
                target = parse_target(self.scenario, path)
            except ValueError as exc:
                raise InvalidInput(str(exc)) from None
            if target.kind == "dyad" and target.name == "relation":
                return self.relations[self._dyad(path.split(".")[1])]
            return float(self._state.model.world.value(target)[0])

    @property
    def committed(self) -> dict[int, CommittedTurn]:
        """The committed turns (not rolled back), by turn."""
        return dict(self._state.committed)

    @property
    def checks(self) -> list[TurnCheck]:
        """Every commit replayed when the game was opened, with both hashes."""
        return list(self._state.checks)

    def period(self, turn: int | None = None) -> str:
        """The period a turn (default: the current one) simulates, e.g. '2014-Q1'."""
        return turn_period(self._state, self.turn if turn is None else turn)

    def records(self) -> list[Record]:
        """The whole log, rolled-back records included (for the report and the replay)."""
        with self._lock:
            return self._log.records()

    # --- what a role may see -------------------------------------------------------------

    def view(self, role: str | Role) -> dict[str, Any]:
        """Everything ``role`` may see now, as one JSON-ready snapshot."""
        with self._lock:
            r = self._role(role)
            out = view(self._state, r, self.title)
            if r.is_control:
                out["scheduled_events"] = self.scheduled_events()
            return out

    def legal_moves(self, role: str | Role, actor: str | None = None) -> list[LegalMove]:
        """The moves ``actor`` (default: the role's own state) may make now."""
        with self._lock:
            r = self._role(role)
            actor = actor or r.actor
            if actor is None:
                raise InvalidInput("say which state's moves to list")
            self._may_act_for(r, actor, "list the moves of")
            if self.phase is not Phase.PLANNING:
                return []
            return legal_moves(self.catalogue, self._state.ids, actor)

    def orders(self, role: str | Role) -> list[Order]:
        """This turn's orders that ``role`` may see."""
        with self._lock:
            return visible_orders(self._state, self._role(role))

    def injects(self, role: str | Role) -> list[Inject]:
        """The injects (all turns, not rolled back) that ``role`` may read."""
        with self._lock:
            r = self._role(role)
            return [i for i in self._state.injects if visible_to(i, r)]

    def proposal(self, role: str | Role) -> Proposal | None:
        """The model's proposal for this turn (the white cell's until committed)."""
        with self._lock:
            require_control(self._role(role), "see the proposal before it is committed")
            return self._state.proposal

    def overrides(self, role: str | Role) -> dict[str, Override]:
        """This turn's overrides so far."""
        with self._lock:
            require_control(self._role(role), "see overrides before they are committed")
            return dict(self._state.overrides)

    def notes(self, role: str | Role) -> list[Note]:
        with self._lock:
            require_control(self._role(role), "read the white cell's notes")
            return list(self._state.notes)

    def scheduled_events(self) -> list[dict[str, str]]:
        """The scenario's scheduled events due this turn (what the white cell can brief):
        name, description and ``when`` the scenario dates it ('at 2016-07-01', a day of
        this turn's period, or 'step 11')."""
        out = []
        for name, event in self.scenario.events.items():
            if event.trigger == "scheduled" and event_step(self.scenario, event) == self.turn:
                when = (
                    f"at {event.at.isoformat()}" if event.at is not None else f"step {event.step}"
                )
                out.append({"event": name, "description": event.description or "", "when": when})
        return out

    # --- teams' actions ------------------------------------------------------------------

    def submit_move(
        self,
        role: str | Role,
        actor: str,
        move: str,
        target: str,
        intensity: str | None = None,
        rationale: str = "",
    ) -> Order:
        """Submit a move of ``actor`` toward ``target`` for this turn (planning only)."""
        with self._lock:
            r = self._role(role)
            self._may_act_for(r, actor, "submit a move for")
            self._writable()
            self._planning()
            mine = [o for o in self._state.orders.values() if o.actor == actor]
            order = self._order(
                r, f"o{self.seq + 1}", actor, move, target, intensity, rationale, mine
            )
            self._write(r, "move", {"order": order.model_dump(mode="json")})
            return order

    def check_submit(self, role: str | Role, actor: str) -> None:
        """Refuse (as :meth:`submit_move` would, before looking at the move) unless
        ``role`` may submit a move for ``actor`` now: a page with no move chosen in
        adjudication is told that moves are locked, not to choose a move."""
        with self._lock:
            self._may_act_for(self._role(role), actor, "submit a move for")
            self._writable()
            self._planning()

    def revise_move(
        self,
        role: str | Role,
        order_id: str,
        *,
        move: str | None = None,
        target: str | None = None,
        intensity: str | None = None,
        rationale: str | None = None,
    ) -> Order:
        """Change a submitted order (planning only); what is not given stays as it was."""
        with self._lock:
            r = self._role(role)
            old = self._find_order(order_id)
            self._may_act_for(r, old.actor, "revise a move of")
            self._writable()
            self._planning()
            new_move = move or old.move
            if intensity is None and new_move == old.move:
                intensity = old.intensity
            others = [
                o for o in self._state.orders.values() if o.actor == old.actor and o.id != old.id
            ]
            order = self._order(
                r,
                old.id,
                old.actor,
                new_move,
                target or old.target,
                intensity,
                old.rationale if rationale is None else rationale,
                others,
            )
            self._write(r, "revise", {"order": order.model_dump(mode="json")})
            return order

    def withdraw_move(self, role: str | Role, order_id: str) -> None:
        """Take back a submitted order (planning only)."""
        with self._lock:
            r = self._role(role)
            old = self._find_order(order_id)
            self._may_act_for(r, old.actor, "withdraw a move of")
            self._writable()
            self._planning()
            self._write(r, "withdraw", {"order": old.id, "actor": old.actor})

    def mark_ready(self, role: str | Role, actor: str, ready: bool = True) -> None:
        """Say that ``actor``'s team has finished planning (or is not finished after all)."""
        with self._lock:
            r = self._role(role)
            self._may_act_for(r, actor, "mark ready")
            self._writable()
            self._planning()
            if (actor in self._state.ready) != ready:
                self._write(r, "ready", {"actor": actor, "ready": bool(ready)})

    # --- the white cell's actions --------------------------------------------------------

    def set_phase(self, role: str | Role, phase: str | Phase) -> Phase:
        """Move the game to ``phase`` if that is a legal step from the current one."""
        with self._lock:
            r = self._role(role)
            require_control(r, "change the phase")
            self._writable()
            try:
                target = parse_phase(phase)
            except ValueError as exc:
                raise InvalidInput(str(exc)) from None
            current = self.phase
            if current is Phase.ADJUDICATION and target is Phase.RESULTS:
                raise WrongPhase("adjudication ends by committing the turn: commit")
            if target not in TRANSITIONS[current]:
                allowed = ", ".join(p.value for p in TRANSITIONS[current]) or "results, by commit"
                raise WrongPhase(
                    f"the game cannot go from {current.value} to {target.value}; "
                    f"from {current.value} it goes to {allowed}"
                )
            if target is Phase.BRIEFING and self.turn >= self.total_turns:
                raise WrongPhase(
                    f"turn {self.turn} was the scenario's last: the game is over "
                    "(roll back or fork to play on)"
                )
            self._write(r, "phase", {"from": current.value, "to": target.value})
            return self.phase

    def advance(self, role: str | Role) -> Phase:
        """Move to the usual next phase (briefing, planning, locked, adjudication; results
        to the next turn's briefing). Adjudication is left only by committing."""
        with self._lock:
            require_control(self._role(role), "change the phase")
            if self.phase is Phase.ADJUDICATION:
                raise WrongPhase("adjudication ends by committing the turn: commit")
            return self.set_phase(role, NEXT[self.phase])

    def check_propose(self, role: str | Role) -> None:
        """Refuse (as :meth:`propose` would) unless ``role`` may ask for a proposal now."""
        with self._lock:
            require_control(self._role(role), "ask the model for a proposal")
            self._writable()
            self._adjudicating("the model proposes")

    def propose(self, role: str | Role) -> Proposal:
        """Have the model run the turn with the locked orders and explain the result.

        The model runs on a copy taken under the lock, outside it (seconds): the other
        roles' screens go on meanwhile. The proposal is written only if nothing but notes
        was written since the copy (else :class:`Superseded`: propose again).
        """
        with self._lock:
            r = self._role(role)
            self.check_propose(r)
            s = self._state
            seq, model, plan = s.last_seq, copy.deepcopy(s.model), copy.deepcopy(s.plan())
            lookahead, fan = s.setup.lookahead, s.setup.fan_replicates
        proposal = propose(model, plan, lookahead, fan)
        with self._lock:
            # a note changes nothing the model read; anything else may have
            later = [rec.kind for rec in self._log.records() if rec.seq > seq]
            if any(kind != "note" for kind in later):
                raise Superseded(
                    "the game changed while the model was proposing (another action came "
                    "first); propose again"
                )
            self._write(r, "proposal", {"proposal": proposal.model_dump(mode="json")})
            assert self._state.proposal is not None
            return self._state.proposal

    def override(self, role: str | Role, dyad: str, value: float, reason: str) -> Override:
        """Set a proposed relation to ``value`` instead, for the reason given (required)."""
        with self._lock:
            r = self._role(role)
            require_control(r, "override the model")
            self._writable()
            proposal = self._fresh_proposal("override")
            key = self._dyad(dyad)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput(f"a relation is a number from -1 to 1, got {value!r}")
            if not math.isfinite(value) or not -1.0 <= value <= 1.0:
                raise InvalidInput(f"a relation is a number from -1 to 1, got {value}")
            text = (reason or "").strip()
            if not text:
                raise InvalidInput(f"an override needs a reason: why is {key} not as proposed?")
            if len(text) > MAX_REASON:
                raise InvalidInput(f"the reason has {len(text)} characters; at most {MAX_REASON}")
            override = Override(
                dyad=key,
                value=float(value),
                proposed=proposal.relations[key],
                reason=text,
                by=str(r),
            )
            self._write(r, "override", {"override": override.model_dump(mode="json")})
            return override

    def commit(self, role: str | Role) -> dict[str, float]:
        """Make the proposal, with the overrides, the game's state; go to the results."""
        with self._lock:
            r = self._role(role)
            require_control(r, "commit a turn")
            self._writable()
            proposal = self._fresh_proposal("commit")
            s = self._state
            scratch = copy.deepcopy(s.model)
            run_turn(scratch, s.plan())
            ran = relations_of(scratch)
            if max(abs(ran[k] - v) for k, v in proposal.relations.items()) > 1e-12:
                raise WrongPhase("the world changed since the proposal: propose again")
            digest = settle(s, scratch)
            payload = {
                "turn": self.turn,
                "relations": relations_of(scratch),
                "overrides": [o.model_dump(mode="json") for o in s.overrides.values()],
            }
            self._write(r, "commit", payload, digest=digest)
            return self.relations

    def inject(
        self,
        role: str | Role,
        title: str,
        text: str = "",
        changes: Iterable[ChangeLike] = (),
        visibility: str = "all",
        teams: Iterable[str] = (),
    ) -> Inject:
        """Give the room news now: its changes land on the world at once.

        ``changes`` are ParameterChange objects, ``{"path", "op", "value"}`` mappings or
        ``(path, op, value)`` tuples; ``visibility`` is all, teams (with ``teams``) or
        control.
        """
        with self._lock:
            r = self._role(role)
            require_control(r, "write an inject")
            self._writable()
            parsed = [as_change(c) for c in changes]
            team_list = list(teams)
            check_inject(
                self.scenario, self._state.team_actors, title, text, parsed, visibility, team_list
            )
            inject = Inject(
                id=f"i{self.seq + 1}",
                turn=self.turn,
                phase=self.phase.value,
                title=title.strip(),
                text=text,
                changes=parsed,
                visibility=visibility,  # type: ignore[arg-type]
                teams=team_list,
                by=str(r),
            )
            self._write(r, "inject", {"inject": inject.model_dump(mode="json")})
            return inject

    def note(self, role: str | Role, text: str) -> Note:
        """Add a white-cell note to the record."""
        with self._lock:
            r = self._role(role)
            require_control(r, "write a note")
            self._writable(after_end=True)
            if not text.strip() or len(text) > MAX_NOTE:
                raise InvalidInput(f"a note has 1 to {MAX_NOTE} characters")
            note = Note(id=f"n{self.seq + 1}", turn=self.turn, phase=self.phase.value, text=text)
            self._write(r, "note", {"note": note.model_dump(mode="json")})
            return note

    def end(self, role: str | Role, reason: str = "") -> None:
        """End the game after the turn just committed (in its results), before the
        scenario's last turn: nothing more is played; notes, rollback and fork remain
        (a rollback to an earlier turn undoes the end with the turns after it)."""
        with self._lock:
            r = self._role(role)
            require_control(r, "end the game")
            self._writable()
            if self.phase is not Phase.RESULTS:
                raise WrongPhase(
                    f"the game ends after a committed turn: commit turn {self.turn} first "
                    f"(it is in {self.phase.value})"
                )
            if len(reason) > MAX_REASON:
                raise InvalidInput(f"the reason has {len(reason)} characters; at most {MAX_REASON}")
            self._write(r, "end", {"turn": self.turn, "reason": reason})

    def rollback(self, role: str | Role, turn: int) -> None:
        """Go back to the state committed at turn ``turn`` (0: the start) and replay from
        there: the game resumes at turn ``turn + 1``'s briefing. Later records stay in the
        log, marked as rolled back."""
        with self._lock:
            r = self._role(role)
            require_control(r, "roll back the game")
            self._writable(after_end=True)
            cut = self._cut(turn)
            undone = [rec.seq for rec in self._log.records() if rec.active and rec.seq > cut]
            self._write(r, "rollback", {"turn": turn, "undone": len(undone)}, rolls_back=undone)

    def fork(
        self, role: str | Role, turn: int, path: str | os.PathLike[str], title: str | None = None
    ) -> Game:
        """A new game in a new file at ``path`` whose log is this one's up to turn ``turn``:
        a counterfactual that resumes at turn ``turn + 1``'s briefing (same seed, so the
        same random numbers). This game records the fork."""
        with self._lock:
            r = self._role(role)
            require_control(r, "fork the game")
            self._writable(after_end=True)
            cut = self._cut(turn)
            prefix = log_prefix(self._log.records(), cut)
            game_id = uuid.uuid4().hex
            forked = Record(
                cut + 1,
                now(),
                max(turn, 1),
                "results" if turn else "briefing",
                "forked",
                str(r),
                {"turn": turn, "source": str(self.path), "source_game": self.game_id},
            )
            fork_title = title or f"{self.title} (fork at turn {turn})"
            meta = {
                "game_id": game_id,
                "created_at": forked.at,
                "title": fork_title,
                "forked_from": self.game_id,
            }
            log = GameLog.create(path, meta, [*prefix, forked])
            try:
                fork = Game(log, replay(log.records()))
            except BaseException:
                log.close()
                raise
            self._write(r, "fork", {"turn": turn, "path": str(path), "game_id": game_id})
            return fork

    # --- helpers -------------------------------------------------------------------------

    def _role(self, role: str | Role) -> Role:
        return parse_role(role, self._state.team_actors)

    def _writable(self, after_end: bool = False) -> None:
        """Refuse to write to a read-only game, or (unless ``after_end``: notes, rollback
        and fork) to one the white cell has ended."""
        if self.read_only:
            raise NotAllowed(f"{self.path} was opened read-only: nothing can be changed")
        ended = self._state.ended
        if ended is not None and not after_end:
            raise WrongPhase(
                f"the white cell ended the game after turn {ended['turn']}: nothing more is "
                "played (roll back or fork to play on)"
            )

    def _may_act_for(self, role: Role, actor: str, verb: str) -> None:
        require_actor(role, actor, self._state.ids, self._state.team_actors, verb)

    def _planning(self) -> None:
        if self.phase is Phase.BRIEFING:
            raise IllegalMove(
                f"moves open in the planning phase; turn {self.turn} is still in its briefing"
            )
        if self.phase is not Phase.PLANNING:
            raise IllegalMove("the planning phase is over: moves are locked")

    def _adjudicating(self, what: str) -> None:
        if self.phase is not Phase.ADJUDICATION:
            raise WrongPhase(f"{what} in the adjudication phase; the game is in {self.phase.value}")

    def _fresh_proposal(self, what: str) -> Proposal:
        self._adjudicating(f"the white cell may {what}")
        proposal = self._state.proposal
        if proposal is None:
            raise WrongPhase(f"there is no proposal to {what} yet: ask the model to propose")
        if self._state.proposal_stale:
            raise WrongPhase("an inject changed the world since the proposal: propose again")
        return proposal

    def _find_order(self, order_id: str) -> Order:
        order = self._state.orders.get(order_id)
        if order is None:
            raise IllegalMove(f"there is no order {order_id!r} in turn {self.turn}")
        return order

    def _order(
        self,
        role: Role,
        order_id: str,
        actor: str,
        move: str,
        target: str,
        intensity: str | None,
        rationale: str,
        others: list[Order],
    ) -> Order:
        move_type, level = check_order(
            self.catalogue, self._state.ids, actor, move, target, intensity, rationale, others
        )
        return make_order(
            move_type,
            order_id,
            self.turn,
            actor,
            move,
            target,
            level,
            rationale,
            role,
            self._state.ids,
        )

    def _dyad(self, dyad: str) -> str:
        try:
            return canonical_dyad(self._state.ids, dyad)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None

    def _cut(self, turn: int) -> int:
        """The seq of the record that committed ``turn`` (the creation for turn 0)."""
        committed = self._state.committed
        last = max(committed, default=0)
        if isinstance(turn, bool) or not isinstance(turn, int) or not 0 <= turn <= last:
            raise InvalidInput(f"turn {turn!r}: choose a committed turn, 0 to {last}")
        return committed[turn].seq if turn else 1

    def _write(
        self,
        role: Role,
        kind: str,
        payload: dict[str, Any],
        digest: str | None = None,
        rolls_back: Iterable[int] = (),
    ) -> Record:
        """Write one record, then apply it (a rollback rebuilds the state from the log)."""
        s = self._state
        record = self._log.append(
            s.turn, s.phase.value, kind, str(role), payload, digest, list(rolls_back)
        )
        try:
            if kind == "rollback":
                self._state = replay(self._log.records())
            else:
                apply_record(s, record)
        except BaseException:
            self._state = replay(self._log.records(), verify=False)  # the log is the truth
            raise
        return record
