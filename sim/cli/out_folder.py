"""The folder a command writes to: checked before the work, and what a failed write says.

:func:`check_out` refuses, before anything runs, an ``--out`` that is a file, or whose
parent is a file, or that cannot be written (read-only). :func:`cannot_write` turns an
OSError met while writing (a full disk, a folder made read-only meanwhile) into
:class:`~sim.cli.exits.BadInput` (exit 2) naming the path and what to do. The writers
publish atomically (:mod:`sim.results.publish`), so a failed write leaves no half-written
result folder and never touches an earlier one.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from sim.cli.exits import BadInput

FULL = {errno.ENOSPC, errno.EDQUOT}
READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}
NOT_A_FOLDER = {errno.ENOTDIR, errno.EEXIST, errno.EISDIR}

OTHER_FOLDER = "choose a folder you can write to with --out DIR"


def check_out(root: Path) -> None:
    """BadInput if ``root`` cannot hold results: it is a file, a parent of it is a file,
    or the folder that would hold it is read-only. Nothing is created."""
    if root.exists() and not root.is_dir():
        raise BadInput(
            f"error: --out {root}: is a file, not a folder; {OTHER_FOLDER} (it is created "
            "if it does not exist)"
        )
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise BadInput(
            f"error: --out {root}: cannot be created, because {existing} is a file, not a "
            f"folder; {OTHER_FOLDER}"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BadInput(f"error: --out {root}: {existing} is read-only here; {OTHER_FOLDER}")


def cannot_write(root: Path, exc: OSError, kept: Path | None = None) -> BadInput:
    """The BadInput for an OSError met writing results under ``root``; ``kept``: the
    partial folder whose finished chunks a ``--resume`` continues from."""
    where = Path(exc.filename) if exc.filename else root
    code = exc.errno
    if code in FULL:
        what, fix = "the disk is full (no space left on device)", "free some space"
    elif code in READ_ONLY:
        what, fix = "it is read-only (permission denied)", "make it writable"
    elif code in NOT_A_FOLDER:
        what, fix = "a file stands where a folder is needed", "move that file away"
    else:
        what, fix = str(exc.strerror or exc), "fix that"
    lines = [
        f"error: cannot write {where}: {what}",
        f"nothing was published under {root}; earlier results are untouched",
    ]
    if kept is not None:
        lines.append(
            f"the finished chunks are kept in {kept}: {fix}, then continue with the same "
            "command and --resume"
        )
    else:
        lines.append(f"{fix[0].upper()}{fix[1:]} or {OTHER_FOLDER}, then run it again")
    return BadInput("\n".join(lines))
