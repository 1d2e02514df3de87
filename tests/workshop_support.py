"""Helpers for the workshop tests: a small game on the baseline's four powers.

Japan and Russia are played by teams, the United States and China by the model. The
look-ahead is short and thin so that the tests stay fast.
"""

from __future__ import annotations

import queue
import re
import threading
from functools import cache
from pathlib import Path

from conftest import REPO_ROOT

from sim.scenario import Scenario, load_scenario
from sim.workshop import Game, Phase
from sim.workshop.catalogue import DEFAULT_CATALOGUE, Catalogue, load_catalogue

ROOT = REPO_ROOT
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TEAMS = {"JPN": "Team Tokyo", "RUS": "Team Moscow"}


@cache
def baseline() -> Scenario:
    return load_scenario(BASELINE)


def short_baseline(steps: int = 3) -> Scenario:
    """The baseline with only ``steps`` turns."""
    s = baseline()
    return s.model_copy(update={"run": s.run.model_copy(update={"steps": steps})})


@cache
def default_catalogue() -> Catalogue:
    return load_catalogue(DEFAULT_CATALOGUE, baseline())


def make_game(tmp_path: Path, name: str = "game.sqlite", **options) -> Game:
    """A new game on the baseline (or ``scenario=``) with the default catalogue."""
    scenario = options.pop("scenario", baseline())
    options.setdefault("lookahead", 2)
    options.setdefault("fan_replicates", 16)
    teams = options.pop("teams", TEAMS)
    return Game.create(tmp_path / name, scenario, default_catalogue(), teams, **options)


def to_phase(game: Game, phase: Phase) -> None:
    """Advance the game (as the white cell) until it is in ``phase``."""
    for _ in range(6):
        if game.phase is phase:
            return
        game.advance("control")
    raise AssertionError(f"could not reach {phase}")


def play_turn(game: Game, orders: list[tuple] = (), overrides: dict | None = None) -> dict:
    """Play the current turn from its briefing to its results; return the relations.

    ``orders`` are (role, actor, move, target, rationale) tuples.
    """
    to_phase(game, Phase.PLANNING)
    for role, actor, move, target, rationale in orders:
        game.submit_move(role, actor, move, target, rationale=rationale)
    to_phase(game, Phase.ADJUDICATION)
    game.propose("control")
    for dyad, (value, reason) in (overrides or {}).items():
        game.override("control", dyad, value, reason)
    return game.commit("control")


def next_turn(game: Game) -> None:
    """From the results of a turn to the next turn's briefing."""
    game.advance("control")


class Lines:
    """The lines a subprocess prints, read in a thread so that waiting can be bounded;
    ``timeout``: how long :meth:`wait_for` waits for a line by default (seconds)."""

    def __init__(self, stream, timeout: float) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.timeout = timeout
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float | None = None) -> re.Match[str]:
        """The first line (from now on) matching ``pattern``; fails at EOF or timeout."""
        while True:
            try:
                line = self._queue.get(timeout=self.timeout if timeout is None else timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; saw {self.seen}") from None
            if line is None:
                raise AssertionError(f"the process ended before {pattern!r}; saw {self.seen}")
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found
