"""One server per game file: a lock that a second process cannot take, naming its holder.

A game opened for writing holds an exclusive ``flock`` on a file beside it,
``<game>.lock``, which says who holds it (process id, host, start time and command). A
second process that opens the same game for writing is refused with
:class:`GameInUse`, whose message names the holder. Reading (``aar``, read-only opens)
takes no lock and works while a server holds the game.

The kernel releases the lock when the holder closes it or dies, however it dies
(SIGKILL, a crash, the laptop's power): a ``.lock`` file left behind by a dead process
blocks nothing, and its text is overwritten by the next holder. A clean release deletes
the file.

Within one process the lock is shared: a second writer opened by the same process (a
test, a script holding two handles) gets the same lock, and the log's own check
(:class:`~sim.workshop.errors.ConcurrentWrite`) still stops a stale handle from writing.
Where ``fcntl`` is missing (Windows) nothing is locked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from sim.workshop.errors import GameFileError, GameInUse

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, no lock
    fcntl = None  # type: ignore[assignment]


@dataclass
class _Held:
    """A lock this process holds: its open file and how many writers share it."""

    fd: int
    users: int


_held: dict[str, _Held] = {}  # lock file (resolved path) -> this process's lock on it
_registry = threading.Lock()


def _forget_in_child() -> None:
    """In a forked child: drop the inherited locks, so that a pool's worker does not
    keep the game locked after the server is gone (the parent's hold is unchanged)."""
    global _registry
    for held in _held.values():
        os.close(held.fd)
    _held.clear()
    _registry = threading.Lock()  # another thread may have held it at the fork


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def lock_path(game: Path) -> Path:
    """The lock file beside a game file: ``game.sqlite`` -> ``game.sqlite.lock``."""
    return game.with_name(f"{game.name}.lock")


class WriterLock:
    """This process's hold on a game file for writing (release it with :meth:`release`)."""

    def __init__(self, game: Path, key: str | None) -> None:
        self.game = game
        self._key = key

    @classmethod
    def acquire(cls, game: Path) -> WriterLock:
        """Hold ``game`` for writing; GameInUse if another process holds it."""
        if fcntl is None:  # pragma: no cover
            return cls(game, None)
        path = lock_path(game.resolve())  # one lock whatever link or spelling names the game
        key = str(path)
        with _registry:
            held = _held.get(key)
            if held is not None:
                held.users += 1
                return cls(game, key)
            fd = _take(game, path)
            _held[key] = _Held(fd, 1)
        return cls(game, key)

    def release(self) -> None:
        """Let go (once; later calls do nothing). The last user deletes the lock file."""
        key, self._key = self._key, None
        if key is None:
            return
        with _registry:
            held = _held.get(key)
            if held is None:  # a forked child's copy: the lock stayed with the parent
                return
            held.users -= 1
            if held.users:
                return
            del _held[key]
            # Deleted while still locked, so that no one can lock the name in between.
            try:
                if _same_file(held.fd, Path(key)):
                    os.unlink(key)
            except OSError:
                pass
            os.close(held.fd)


def _take(game: Path, path: Path) -> int:
    """Lock the file at ``path`` (creating it) and write this process into it."""
    for _ in range(10):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise GameFileError(
                f"{game}: cannot create its lock file {path.name}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise GameInUse(_in_use(game, holder)) from None
        except OSError as exc:
            os.close(fd)
            raise GameFileError(f"{game}: cannot lock {path.name}: {exc.strerror or exc}") from None
        if not _same_file(fd, path):
            os.close(fd)  # the holder deleted it as we opened it: lock the new one
            continue
        text = json.dumps(_me()).encode("utf-8") + b"\n"
        os.pwrite(fd, text, 0)  # then cut what a longer stale text left: never empty
        os.ftruncate(fd, len(text))
        return fd
    raise GameFileError(f"{game}: its lock file {path.name} keeps changing: try again")


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        there = os.stat(path)
    except FileNotFoundError:
        return False
    here = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _me() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:]]),
    }


def _read(fd: int) -> dict[str, object]:
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):
        return {}  # the holder has only just taken the lock and not yet written
    return data if isinstance(data, dict) else {}


def _in_use(game: Path, holder: dict[str, object]) -> str:
    """The refusal in words: who holds the game, and what to do."""
    pid, host = holder.get("pid"), holder.get("host")
    started, command = str(holder.get("started") or ""), holder.get("command")
    if pid is None:
        who = "another process"
    else:
        when = started[:16].replace("T", " ") if started else "at an unknown time"
        who = f"process {pid} (started {when}" + (f" on host {host}" if host else "")
        who += f": {command})" if command else ")"
    return (
        f"{game} is in use by {who}: stop that server first, or open the file read-only "
        "(aar reads it while it runs)"
    )
