"""Join codes that outlive the server: kept beside the game file, so a restart on the same
file keeps every screen's URL working (the pages reconnect by themselves).

The codes of ``game.sqlite`` are in ``game.sqlite.codes.json`` (``{"role": "code"}``),
readable by the owner only (mode 0600), written atomically (a temporary file renamed into
place). A role without a code there gets a fresh one; a file that cannot be read is
replaced by fresh codes (the old URLs stop working, which is the safe side). The codes are
not in the game file itself, so copying or sharing the game (or its report) never hands
out a way to join it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from sim.workshop.web.security import JoinCodes


def codes_path(game_path: Path) -> Path:
    """Where the join codes of the game at ``game_path`` are kept."""
    return game_path.with_name(game_path.name + ".codes.json")


def _write(path: Path, codes: dict[str, str]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(codes, indent=1))
    os.replace(tmp, path)


def keep_codes(game_path: Path, codes: JoinCodes) -> None:
    """Give the game at ``game_path`` these codes (a fork opened in the room keeps the
    room's URLs)."""
    _write(codes_path(Path(game_path)), {r: codes.code(r) for r in codes.roles})


def persistent_codes(game_path: Path, roles: Iterable[str]) -> JoinCodes:
    """The game's join codes: those kept beside it, fresh ones for roles without one."""
    path = codes_path(Path(game_path))
    roles = list(roles)
    kept: dict[str, str] = {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            kept = {r: c for r, c in data.items() if r in roles and isinstance(c, str) and c}
    except (OSError, ValueError):
        kept = {}
    if len(set(kept.values())) != len(kept):
        kept = {}
    codes = JoinCodes(roles, kept)
    every = {r: codes.code(r) for r in codes.roles}
    if every != kept:
        _write(path, every)
    return codes
