"""Nothing lost: the SQLite log, resuming, replay hashes, and files that are not games."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest
from workshop_support import make_game, play_turn, to_phase

from sim.workshop import ConcurrentWrite, Game, GameFileError, NotAllowed, Phase, ReplayMismatch
from sim.workshop.replay import replay
from sim.workshop.store import APPLICATION_ID


def count_rows(path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def fingerprint(path) -> tuple[bytes, int]:
    data = path.read_bytes()
    return hashlib.sha256(data).digest(), path.stat().st_mtime_ns


def play_three_turns(game: Game) -> None:
    play_turn(game, [("team:JPN", "JPN", "offer_investment", "RUS", "Open Sakhalin")])
    game.advance("control")
    game.inject("control", "Probe", changes=[("actors.CHN.assertiveness", "add", 0.1)])
    play_turn(
        game,
        [("team:RUS", "RUS", "pressure", "USA", "Missile defence")],
        overrides={"USA-RUS": (-0.5, "Sanctions bite harder than modelled")},
    )
    game.advance("control")
    play_turn(game, [("team:JPN", "JPN", "confront", "CHN", "Senkaku <b>patrol</b>")])


def test_every_action_is_on_disk_when_the_call_returns(tmp_path):
    game = make_game(tmp_path)
    path = game.path
    assert count_rows(path) == 1
    game.advance("control")
    assert count_rows(path) == 2
    game.submit_move("team:JPN", "JPN", "engage", "RUS")
    assert count_rows(path) == 3
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    with pytest.raises(NotAllowed):
        game.submit_move("team:JPN", "RUS", "engage", "JPN")
    assert count_rows(path) == 3


def test_resume_mid_planning(tmp_path):
    game = make_game(tmp_path)
    to_phase(game, Phase.PLANNING)
    order = game.submit_move("team:JPN", "JPN", "offer_investment", "RUS", "major", "Invest")
    game.submit_move("team:RUS", "RUS", "engage", "JPN", rationale="Talk")
    game.mark_ready("team:RUS", "RUS")
    game.inject("control", "Secret", "for Tokyo", visibility="teams", teams=["JPN"])
    views = {role: game.view(role) for role in ("control", "team:JPN", "team:RUS", "projector")}
    path = game.path
    game.close()
    again = Game.open(path)
    assert (again.turn, again.phase) == (1, Phase.PLANNING)
    for role, seen in views.items():
        assert again.view(role) == seen
    again.revise_move("team:JPN", order.id, intensity="modest")
    assert again.orders("team:JPN")[0].changes[0].value == pytest.approx(0.02)


def test_resume_mid_adjudication(tmp_path):
    orders = [("team:JPN", "JPN", "engage", "RUS", ""), ("team:RUS", "RUS", "engage", "JPN", "")]
    games = [make_game(tmp_path, name=f"{k}.sqlite") for k in range(2)]
    for game in games:
        to_phase(game, Phase.PLANNING)
        for role, actor, move, target, why in orders:
            game.submit_move(role, actor, move, target, rationale=why)
        to_phase(game, Phase.ADJUDICATION)
        game.propose("control")
        game.override("control", "USA-CHN", 0.0, "A summit")
    proposal = games[0].proposal("control")
    path = games[0].path
    games[0].close()
    resumed = Game.open(path)
    assert resumed.phase is Phase.ADJUDICATION
    assert resumed.proposal("control") == proposal
    assert resumed.overrides("control") == games[1].overrides("control")
    assert resumed.commit("control") == games[1].commit("control")


def test_replay_reproduces_every_turns_hash(tmp_path):
    game = make_game(tmp_path)
    play_three_turns(game)
    live = {t: c.hash for t, c in game.committed.items()}
    path = game.path
    game.close()
    records = Game.open(path).records()
    stored = [r.hash for r in records if r.kind == "commit"]
    checks = replay(records, verify=False).checks
    assert [c.stored for c in checks] == stored
    assert [c.replayed for c in checks] == stored
    assert all(c.ok for c in checks) and len(checks) == 3
    reopened = Game.open(path)
    assert {t: c.hash for t, c in reopened.committed.items()} == live
    assert [c.replayed for c in reopened.checks] == stored


def test_a_log_that_does_not_replay_is_refused(tmp_path):
    game = make_game(tmp_path)
    play_three_turns(game)
    path = game.path
    game.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE events SET hash = 'f00' WHERE kind = 'commit' AND turn = 2")
    with pytest.raises(ReplayMismatch, match="replaying turn 2"):
        Game.open(path)
    assert not Game.open(path, verify=False).checks[1].ok


def damaged_copy(tmp_path, game_path, name, mutate):
    target = tmp_path / name
    data = bytearray(game_path.read_bytes())
    mutate(data)
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(
    "name, mutate, message",
    [
        (
            "garbled.sqlite",
            lambda d: d.__setitem__(slice(4096, 4096 * 3), b"\x5a" * 8192),
            "damaged",
        ),
        ("truncated.sqlite", lambda d: d.__delitem__(slice(5000, None)), "damaged|malformed"),
        (
            "text.sqlite",
            lambda d: d.__setitem__(slice(None), b"name: baseline\n" * 20),
            "not an SQLite",
        ),
        ("empty.sqlite", lambda d: d.clear(), "empty"),
    ],
)
def test_a_damaged_file_gives_a_clear_error_and_is_left_untouched(tmp_path, name, mutate, message):
    game = make_game(tmp_path)
    play_turn(game)
    path = game.path
    game.close()
    broken = damaged_copy(tmp_path, path, name, mutate)
    before = fingerprint(broken)
    for read_only in (False, True):
        with pytest.raises(GameFileError, match=message):
            Game.open(broken, read_only=read_only)
    assert fingerprint(broken) == before
    assert not (tmp_path / f"{name}-wal").exists()


def test_a_foreign_database_is_refused_and_left_untouched(tmp_path):
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE events (x)")
    before = fingerprint(foreign)
    with pytest.raises(GameFileError, match="another application"):
        Game.open(foreign)
    assert fingerprint(foreign) == before
    with pytest.raises(GameFileError, match="no such game file"):
        Game.open(tmp_path / "missing.sqlite")
    game = make_game(tmp_path)
    with pytest.raises(GameFileError, match="already exists"):
        make_game(tmp_path)
    game.close()


def test_two_writers_cannot_both_write(tmp_path):
    game = make_game(tmp_path)
    other = Game.open(game.path)
    game.advance("control")
    with pytest.raises(ConcurrentWrite, match="reopen"):
        other.advance("control")
    assert count_rows(game.path) == 2
    other.close()


def test_read_only_games_change_nothing(tmp_path):
    game = make_game(tmp_path)
    play_turn(game)
    path = game.path
    game.close()
    before = fingerprint(path)
    with Game.open(path, read_only=True) as seen:
        assert seen.phase is Phase.RESULTS and seen.view("projector")["turn"] == 1
        with pytest.raises(NotAllowed, match="read-only"):
            seen.advance("control")
    assert fingerprint(path) == before
    assert not path.with_name(f"{path.name}-wal").exists()


def test_a_process_that_dies_loses_nothing_it_returned_from(tmp_path):
    """A writer that exits without closing (no checkpoint): every action is still there."""
    import subprocess
    import sys

    from workshop_support import ROOT

    script = (
        "import os, sys\n"
        "from workshop_support import make_game, to_phase\n"
        "from pathlib import Path\n"
        "from sim.workshop import Phase\n"
        "game = make_game(Path(sys.argv[1]))\n"
        "to_phase(game, Phase.PLANNING)\n"
        "game.submit_move('team:JPN', 'JPN', 'engage', 'RUS')\n"
        "to_phase(game, Phase.ADJUDICATION)\n"
        "game.propose('control')\n"
        "print(game.seq, flush=True)\n"
        "os._exit(0)\n"
    )
    env = {"PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}", "PATH": os.environ["PATH"]}
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "game.sqlite-wal").exists()  # never checkpointed
    game = Game.open(tmp_path / "game.sqlite")
    assert game.seq == int(done.stdout) and game.phase is Phase.ADJUDICATION
    assert game.proposal("control") is not None
    game.commit("control")
