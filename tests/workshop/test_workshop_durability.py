"""One server per game file, nothing lost: the writer's lock, the file alone, SIGTERM, 404s.

Other processes are real subprocesses (a second process is what the lock is about);
they talk over loopback only, and every wait is on a state (a line printed, a process
ended) with a generous bound, never a fixed sleep.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from workshop_support import ROOT, Lines, make_game, play_turn, to_phase

from sim.workshop import Game, Phase
from sim.workshop.errors import GameInUse
from sim.workshop.file_lock import lock_path
from sim.workshop.store import GameLog, Record, now

WAIT = 180.0  # seconds: a subprocess imports the model (and dash) on a shared machine
ENV = {
    **os.environ,
    "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}",
    "PYTHONUNBUFFERED": "1",
}

# A process that opens a game for writing, writes one note, says so, and waits.
HOLDER = """
import sys
from sim.workshop import Game
game = Game.open(sys.argv[1])
game.note("control", "held by another process")
print("holding", game.seq, flush=True)
sys.stdin.readline()
game.close()
print("closed", flush=True)
"""


def hold(path: Path) -> tuple[subprocess.Popen[str], Lines, int]:
    """A subprocess holding ``path`` for writing; returns it once it holds the game."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=ENV,
        cwd=ROOT,
    )
    lines = Lines(proc.stdout, WAIT)
    seq = int(lines.wait_for(r"^holding (\d+)").group(1))
    return proc, lines, seq


def finish(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=WAIT)


def closed_game(tmp_path: Path) -> Path:
    game = make_game(tmp_path)
    game.advance("control")
    path = game.path
    game.close()
    return path


# --- one writer per game file ------------------------------------------------------------


def test_a_second_writer_is_refused_naming_the_process_and_readers_still_read(tmp_path):
    path = closed_game(tmp_path)
    proc, lines, seq = hold(path)
    try:
        with pytest.raises(GameInUse) as refused:
            Game.open(path)
        text = str(refused.value)
        assert f"in use by process {proc.pid} " in text
        assert "stop that server first" in text and "read-only" in text
        with pytest.raises(GameInUse, match=f"process {proc.pid}"):
            GameLog.create(path, {}, [])  # creating over it is refused the same way
        # reading works meanwhile, and sees what the holder wrote
        with Game.open(path, read_only=True) as seen:
            assert seen.seq == seq
            assert seen.records()[-1].payload["note"]["text"] == "held by another process"
        proc.stdin.write("\n")
        proc.stdin.flush()
        lines.wait_for("^closed$")
        assert proc.wait(timeout=WAIT) == 0
    finally:
        finish(proc)
    assert not lock_path(path).exists()  # a clean release removes the lock file
    with Game.open(path) as game:  # and the game is free again
        assert game.seq == seq
        game.advance("control")


def test_a_killed_holder_does_not_block_the_next_open(tmp_path):
    path = closed_game(tmp_path)
    proc, _, seq = hold(path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=WAIT)
    stale = json.loads(lock_path(path).read_text())
    assert stale["pid"] == proc.pid  # left behind by the dead process ...
    with Game.open(path) as game:  # ... and blocking nothing
        assert game.seq == seq
        assert json.loads(lock_path(path).read_text())["pid"] == os.getpid()
        game.advance("control")
    assert not lock_path(path).exists()


def test_writers_in_one_process_share_the_lock(tmp_path):
    game = make_game(tmp_path)
    other = Game.open(game.path)  # the same process: shared; ConcurrentWrite guards it
    other.close()
    assert lock_path(game.path).exists()  # still held by the first
    game.close()
    assert not lock_path(game.path).exists()


# --- the game file alone holds every acknowledged action ---------------------------------


def test_the_game_file_alone_holds_every_action(tmp_path):
    game = make_game(tmp_path)
    play_turn(game, [("team:JPN", "JPN", "offer_investment", "RUS", "Open Sakhalin")])
    game.advance("control")
    game.inject("control", "Probe", changes=[("actors.CHN.assertiveness", "add", 0.1)])
    to_phase(game, Phase.PLANNING)
    game.submit_move("team:RUS", "RUS", "pressure", "USA", rationale="Missile defence")
    assert Path(f"{game.path}-wal").exists()  # the game is open: SQLite keeps its WAL
    copy = tmp_path / "copy" / "game.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(game.path, copy)  # the file only: no -wal, no -shm
    with Game.open(copy) as copied:
        assert (copied.seq, copied.turn, copied.phase) == (game.seq, 2, Phase.PLANNING)
        assert copied.relations == game.relations
        assert copied.view("control") == game.view("control")
    game.close()


def new_log(path: Path) -> GameLog:
    first = Record(1, now(), 1, "briefing", "created", "control", {})
    return GameLog.create(path, {"game_id": "durability"}, [first])


def count_rows(path: Path) -> int:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def copy_alone(path: Path, name: str) -> Path:
    target = path.with_name(name)
    shutil.copyfile(path, target)
    return target


def test_a_reader_holding_a_snapshot_delays_the_checkpoint_but_fails_nothing(tmp_path):
    path = tmp_path / "game.sqlite"
    log = new_log(path)
    log.append(1, "briefing", "note", "control", {"text": "one"})
    reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    reader.isolation_level = None
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM events").fetchone() == (2,)  # a snapshot
    log.append(1, "briefing", "note", "control", {"text": "two"})  # does not fail or wait
    assert not log.file_complete  # the reader held the checkpoint back ...
    assert count_rows(copy_alone(path, "behind.sqlite")) == 2  # ... the file alone lacks it
    seen = GameLog.open(path, read_only=True)
    assert len(seen.records()) == 3  # the WAL has it
    seen.close()
    reader.execute("COMMIT")
    log.append(1, "briefing", "note", "control", {"text": "three"})
    assert log.file_complete  # the next append caught up
    assert count_rows(copy_alone(path, "caught-up.sqlite")) == 4
    # held back again, then the next open for writing completes it (a writer that died)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
    log.append(1, "briefing", "note", "control", {"text": "four"})
    assert not log.file_complete
    reader.execute("COMMIT")
    again = GameLog.open(path)
    assert again.file_complete and count_rows(copy_alone(path, "reopened.sqlite")) == 5
    reader.close()
    again.close()
    log.close()
    assert count_rows(copy_alone(path, "closed.sqlite")) == 5
    assert not Path(f"{path}-wal").exists()  # the last close checkpointed and removed it


# --- the workshop command: a second server, SIGTERM --------------------------------------


def workshop(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "run.py", "workshop", "scenarios/baseline.yaml", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=ROOT,
    )


def get(url: str) -> tuple[int, bytes]:
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=WAIT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.slow
def test_a_second_server_is_refused_and_sigterm_stops_the_first_cleanly(tmp_path):
    path = closed_game(tmp_path)
    with Game.open(path, read_only=True) as game:
        seq = game.seq
    server = workshop("--game", str(path), "--port", "0", "--teams", "JPN,RUS")
    try:
        out = Lines(server.stdout, WAIT)
        control = out.wait_for(r"control\s+(http://127\.0\.0\.1:\d+/play\?code=\S+)").group(1)
        out.wait_for("^serving")
        status, body = get(control.replace("/play?", "/api/state?"))
        assert status == 200 and json.loads(body)["seq"] == seq

        second = workshop("--game", str(path), "--port", "0")
        _, err = second.communicate(timeout=WAIT)
        assert second.returncode == 2
        assert f"in use by process {server.pid} " in err and "stop that server first" in err

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=WAIT) == 0, server.stderr.read()
        out.wait_for("^stopped")
    finally:
        finish(server)
    assert not lock_path(path).exists()
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    with Game.open(path) as game:  # complete, and free for the next server
        assert game.seq == seq and game.phase is Phase.PLANNING


# --- malformed asset paths ---------------------------------------------------------------

MALFORMED = [
    "/_dash-component-suites/%00",
    "/_dash-component-suites/../x",
    "/_dash-component-suites/",
    "/_dash-component-suites/dash",
    "/_dash-component-suites/dash/",
    "/_dash-component-suites/dash/dcc/",
    "/_dash-component-suites/dash/nosuch.js",
    "/_dash-component-suites/dash/deps/react@99.js",
    "/_dash-component-suites/nosuch/x.js",
    "/_dash-component-suites/dash/../../etc/passwd",
    "/_dash-component-suites/dash/..%2f..%2fsetup.py",
    "/_dash-component-suites/dash/%2e%2e/%2e%2e/x.js",
    "/_dash-component-suites/dash/deps/%00.js",
    "/_dash-component-suites/dash/%ff.js",
    "/_dash-component-suites/%ff%fe",
    "/_dash-component-suites/dash/" + "a" * 5000 + ".js",
    "/assets/",
    "/assets/..%2f..%2fetc/passwd",
    "/assets/%00",
]


@pytest.fixture(scope="module")
def app_and_page(tmp_path_factory):
    pytest.importorskip("dash")
    from sim.workshop.web.app import create_app

    folder = tmp_path_factory.mktemp("web")
    game = make_game(folder)
    # many requests from one address: the rate limit is not what is tested here
    app, web = create_app(game, out_dir=folder / "aar", rate=1000.0, burst=10_000.0)
    client = app.server.test_client()
    page = client.get(f"/play?code={web.codes.code('control')}")
    assert page.status_code == 200
    yield app, client, page.get_data(as_text=True)
    game.close()


@pytest.mark.parametrize("path", MALFORMED)
def test_a_malformed_asset_path_answers_404_in_words(app_and_page, path):
    _, client, _ = app_and_page
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/plain" and len(response.data) < 200


def test_the_page_still_loads_every_script_and_style_it_names(app_and_page):
    app, client, html = app_and_page
    scripts = re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"', html)
    assert any("/deps/react@" in s for s in scripts)
    for src in scripts:
        assert client.get(src).status_code == 200, src
    # the lazily loaded ones too; a few source maps are registered but not shipped
    for package, files in app.registered_paths.items():
        folder = Path(sys.modules[package].__file__).parent
        for name in files:
            expected = 200 if (folder / name).is_file() else 404
            response = client.get(f"/_dash-component-suites/{package}/{name}")
            assert response.status_code == expected, name


def test_malformed_paths_answer_404_through_the_real_server(tmp_path):
    pytest.importorskip("dash")
    from sim.workshop.web.app import create_app
    from sim.workshop.web.serve import start

    running = start(lambda: create_app(make_game(tmp_path), out_dir=tmp_path / "aar"))
    try:
        for path in ("/_dash-component-suites/../x", "/_dash-component-suites/dash/%ff.js"):
            status, body = get(running.url + path)
            assert status == 404 and body.startswith(b"There is no such file"), path
    finally:
        running.stop()
        running.made.game.close()
