"""The game's log on disk: an embedded SQLite database that loses nothing.

Every action of a game is one row of ``events``, written and committed (WAL journal,
``synchronous=FULL``: on disk when the call returns) before the action counts. Rows are
never deleted or changed, except that a rollback marks the rows it undoes
(``rolled_back_by``) in the same transaction as its own row. The game's state is derived
from the rows alone.

Schema (``PRAGMA application_id`` = 0x414C4757 'ALGW', ``PRAGMA user_version`` = 1)::

    meta(key TEXT PRIMARY KEY, value TEXT)     application, schema_version, game_id,
                                               created_at, title
    events(seq INTEGER PRIMARY KEY,            1, 2, 3 ... the order of the log
           at TEXT,                            UTC time written (ISO 8601)
           turn INTEGER, phase TEXT,           the turn and phase it was written in
           kind TEXT,                          created, move, revise, withdraw, ready,
                                               phase, proposal, override, commit, inject,
                                               note, rollback, fork, forked
           role TEXT,                          who did it (control, team:JPN ...)
           payload TEXT,                       JSON: what was done
           hash TEXT,                          commits: SHA-256 of the committed state
           rolled_back_by INTEGER)             the rollback's seq, if undone

Opening checks the file before touching it: a missing, empty, foreign (not SQLite, or
another application's SQLite) or damaged file, or one from a newer version, raises
:class:`GameFileError` and the file stays exactly as it was.

**One writer.** Opening for writing takes the game's lock (sim.workshop.file_lock): a
second process gets :class:`GameInUse`, naming the holder. Reading takes no lock.

**The file alone holds the game.** Each append commits to the WAL (fsynced), then
checkpoints the WAL into the game file (fsynced too: ``synchronous=FULL``), so that
after any acknowledged action, even if the process is killed next, ``game.sqlite`` alone
holds every record and can be copied without its ``-wal`` and ``-shm``. The checkpoint
is PASSIVE, so it never waits: a reader in the middle of a read (``aar`` on the running
game) can hold part of it back, and those records stay in the ``-wal`` (durable) until
the next append, :meth:`GameLog.close` or the next open for writing completes it
(:attr:`GameLog.file_complete`). FULL or TRUNCATE would make every action wait up to
the busy timeout (5 s) for such a reader; only the close waits, once. Measured (200
appends, an idle development machine): 0.45 ms each without the checkpoint, 0.8 ms with
it (one more fsync). A rollback journal (``journal_mode=DELETE``) costs about the same
but makes readers and the writer block each other, so WAL it stays.

**Threads.** The connection is used from the web server's threads
(``check_same_thread=False``) but never from two at once: the owning
:class:`~sim.workshop.game.Game` holds its lock around every use, reads included.

One file, because every SQL statement the engine runs is here (the schema, the checks
before opening, the writes), to be reviewed side by side.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.workshop.errors import ConcurrentWrite, GameFileError, WorkshopError
from sim.workshop.file_lock import WriterLock

APPLICATION = "alignsim-workshop"
APPLICATION_ID = 0x414C4757  # 'ALGW'
SCHEMA_VERSION = 1
_MAGIC = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    turn INTEGER NOT NULL,
    phase TEXT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    payload TEXT NOT NULL,
    hash TEXT,
    rolled_back_by INTEGER REFERENCES events(seq)
) STRICT;
CREATE INDEX events_kind ON events(kind);
"""


@dataclass(frozen=True)
class Record:
    """One row of the log: an action, when, in which turn and phase, by whom, and what."""

    seq: int
    at: str
    turn: int
    phase: str
    kind: str
    role: str
    payload: dict[str, Any]
    hash: str | None = None
    rolled_back_by: int | None = None

    @property
    def active(self) -> bool:
        """Whether the record counts (it was not undone by a rollback)."""
        return self.rolled_back_by is None

    def to_json(self) -> dict[str, Any]:
        """The record as one JSON object (a line of the after-action report's log)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "turn": self.turn,
            "phase": self.phase,
            "kind": self.kind,
            "role": self.role,
            "payload": self.payload,
            "hash": self.hash,
            "rolled_back_by": self.rolled_back_by,
        }


def log_prefix(records: list[Record], cut: int) -> list[Record]:
    """The records up to ``cut`` as a log of their own: marks by later rollbacks cleared."""
    return [
        replace(r, rolled_back_by=None)
        if r.rolled_back_by is not None and r.rolled_back_by > cut
        else r
        for r in records
        if r.seq <= cut
    ]


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _dumps(payload: Mapping[str, Any]) -> str:
    # Key order is kept: a scenario lists its actors in order, and that order is the model's.
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


class GameLog:
    """The log of one game in one SQLite file (one open connection, and for a writer the
    game's lock)."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        read_only: bool,
        lock: WriterLock | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self._db = connection
        self._lock = lock
        self.meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        row = self._db.execute("SELECT max(seq) FROM events").fetchone()
        self.last_seq: int = int(row[0] or 0)
        self.file_complete: bool = True
        """Whether the game file alone holds every record (False while a reader held the
        last checkpoint back: the newest records are then in the ``-wal`` file only)."""
        if not read_only:
            self._checkpoint()  # what a killed process or a reader left in the WAL

    # --- creating and opening ------------------------------------------------------------

    @classmethod
    def create(
        cls, path: str | os.PathLike[str], meta: Mapping[str, str], records: Iterable[Record]
    ) -> GameLog:
        """A new game file holding ``records`` (seq as given); GameFileError if it exists.

        The new game is held for writing (GameInUse if another process holds the name)."""
        path = Path(path)
        if not path.parent.is_dir():
            raise GameFileError(f"cannot create {path}: the folder {path.parent} does not exist")
        lock = WriterLock.acquire(path)  # before the check: two creators cannot both pass it
        try:
            if path.exists() or Path(f"{path}-wal").exists():
                raise GameFileError(f"{path} already exists: open it, or choose another file name")
            return cls._create(path, meta, records, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _create(
        cls, path: Path, meta: Mapping[str, str], records: Iterable[Record], lock: WriterLock
    ) -> GameLog:
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise GameFileError(f"cannot create {path}: {exc}") from None
        try:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode = WAL")
            _configure(db)
            db.execute("BEGIN IMMEDIATE")  # executescript would commit: one by one
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            rows = {"application": APPLICATION, "schema_version": str(SCHEMA_VERSION), **meta}
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", list(rows.items()))
            records = list(records)
            for record in records:  # marks after all rows: a mark names a later row
                _insert(db, replace(record, rolled_back_by=None))
            marks = [(r.rolled_back_by, r.seq) for r in records if r.rolled_back_by is not None]
            db.executemany("UPDATE events SET rolled_back_by = ? WHERE seq = ?", marks)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()
            raise
        return cls(path, db, read_only=False, lock=lock)

    @classmethod
    def open(cls, path: str | os.PathLike[str], read_only: bool = False) -> GameLog:
        """Open an existing game file after checking that it is one and is sound.

        While no other connection has the game open (no ``-wal`` file beside it) the file
        is checked through an immutable read-only connection, so that a file that is not
        a sound game is refused without SQLite creating anything beside it; read-only
        opening then stays that way (a report never leaves files behind).

        Opening for writing takes the game's lock first: GameInUse if another process
        (another server) has the game open for writing. Reading takes no lock.
        """
        path = Path(path)
        check_header(path)
        if read_only:
            return cls._open(path, read_only, None)
        lock = WriterLock.acquire(path)
        try:
            return cls._open(path, read_only, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _open(cls, path: Path, read_only: bool, lock: WriterLock | None) -> GameLog:
        base = path.resolve().as_uri()
        quiet = not Path(f"{path}-wal").exists()
        if quiet:
            _with_connection(path, f"{base}?mode=ro&immutable=1", _check_database)
        if read_only:
            uri = f"{base}?mode=ro&immutable=1" if quiet else f"{base}?mode=ro"
        else:
            uri = f"{base}?mode=rw"
        db = _connect(path, uri)
        try:
            if not quiet:
                _check_database(db, path)
            if not read_only:
                _configure(db)
            return cls(path, db, read_only, lock)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise _damaged(path, exc) from None
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        """Checkpoint the WAL into the game file, close the connection, release the lock.

        Everything is already on disk; the checkpoint (TRUNCATE: it waits up to the busy
        timeout for a reader in the middle of a read) leaves the game file complete, and
        SQLite deletes the ``-wal`` and ``-shm`` files when no other connection is open.
        """
        try:
            if not self.read_only:
                self._checkpoint("TRUNCATE")
            self._db.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    def _checkpoint(self, mode: str = "PASSIVE") -> None:
        """Copy the WAL into the game file (and fsync it); note whether all of it went."""
        try:
            busy, frames, copied = self._db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        except sqlite3.Error:
            self.file_complete = False  # the records are safe in the WAL all the same
            return
        self.file_complete = busy == 0 and frames == copied

    # --- reading and writing -------------------------------------------------------------

    def records(self) -> list[Record]:
        """Every record of the log, in order, rolled back or not."""
        try:
            rows = self._db.execute(
                "SELECT seq, at, turn, phase, kind, role, payload, hash, rolled_back_by "
                "FROM events ORDER BY seq"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise GameFileError(f"{self.path}: the game file is damaged ({exc})") from None
        out = []
        for seq, at, turn, phase, kind, role, payload, digest, undone in rows:
            try:
                data = json.loads(payload)
            except (TypeError, ValueError):
                raise GameFileError(
                    f"{self.path}: record {seq} ({kind}) is not valid JSON: the file is damaged"
                ) from None
            out.append(Record(seq, at, turn, phase, kind, role, data, digest, undone))
        return out

    def append(
        self,
        turn: int,
        phase: str,
        kind: str,
        role: str,
        payload: Mapping[str, Any],
        digest: str | None = None,
        rolls_back: Iterable[int] = (),
    ) -> Record:
        """Write one record (and mark the records it rolls back) in one transaction.

        The record is on disk when this returns, in the game file itself unless a reader
        held the checkpoint back (:attr:`file_complete`). ConcurrentWrite if another
        connection wrote since this one last read or wrote.
        """
        if self.read_only:
            raise WorkshopError(f"{self.path} was opened read-only")
        record = Record(self.last_seq + 1, now(), turn, phase, kind, role, dict(payload), digest)
        text = _dumps(record.payload)  # fails before anything is written
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                (last,) = db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
                if last != self.last_seq:
                    raise ConcurrentWrite(
                        f"the game was changed by another process (log at {last}, "
                        f"this copy at {self.last_seq}): reopen it"
                    )
                _insert(db, record, text)
                undo = [(record.seq, seq) for seq in rolls_back]
                db.executemany(
                    "UPDATE events SET rolled_back_by = ? WHERE seq = ? AND rolled_back_by IS NULL",
                    undo,
                )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise WorkshopError(
                f"could not write to {self.path}: {exc}; nothing was changed"
            ) from None
        self.last_seq = record.seq
        self._checkpoint()  # after the commit: it failing changes nothing written
        return record


def _insert(db: sqlite3.Connection, record: Record, text: str | None = None) -> None:
    db.execute(
        "INSERT INTO events (seq, at, turn, phase, kind, role, payload, hash, rolled_back_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.seq,
            record.at,
            record.turn,
            record.phase,
            record.kind,
            record.role,
            text if text is not None else _dumps(record.payload),
            record.hash,
            record.rolled_back_by,
        ),
    )


def _connect(path: Path, uri: str) -> sqlite3.Connection:
    try:
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise GameFileError(f"{path}: cannot open the game file: {exc}") from None


def _damaged(path: Path, exc: Exception) -> GameFileError:
    return GameFileError(
        f"{path}: the game file is damaged ({exc}); it was left as it is: restore a copy, "
        "or ask for help before changing it"
    )


def _with_connection(
    path: Path, uri: str, check: Callable[[sqlite3.Connection, Path], None]
) -> None:
    """Run ``check`` on a connection of its own, closed afterwards."""
    db = _connect(path, uri)
    try:
        check(db, path)
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from None
    finally:
        db.close()


def _configure(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")


def check_header(path: Path) -> None:
    """GameFileError unless ``path`` is an SQLite file written by the workshop engine.

    Reads the first 100 bytes only: nothing is opened for writing.
    """
    if not path.exists():
        raise GameFileError(f"{path}: no such game file")
    if not path.is_file():
        raise GameFileError(f"{path}: not a file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise GameFileError(f"{path}: cannot read the game file: {exc.strerror or exc}") from None
    if not header:
        raise GameFileError(f"{path}: the file is empty, not a workshop game")
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise GameFileError(f"{path}: not a workshop game (not an SQLite database)")
    app = int.from_bytes(header[68:72], "big")
    if app != APPLICATION_ID:
        raise GameFileError(
            f"{path}: an SQLite database of another application (application id {app:#x}), "
            "not a workshop game"
        )


def _check_database(db: sqlite3.Connection, path: Path) -> None:
    """GameFileError unless the database is sound and of a schema this engine reads."""
    result = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    if result != ["ok"]:
        raise _damaged(path, Exception("; ".join(map(str, result[:3]))))
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise GameFileError(
            f"{path}: written by a newer version of the engine (schema {version}, this one "
            f"reads up to {SCHEMA_VERSION})"
        )
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"meta", "events"} <= tables:
        raise GameFileError(f"{path}: not a workshop game (its tables are missing)")
    row = db.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
    if row is None or row[0] != APPLICATION:
        raise GameFileError(f"{path}: not a workshop game (no application mark in meta)")
