"""Where the compiled kernels are kept: one folder per version of the sources they come from.

numba caches each compiled function beside its source and checks only that function's own
file: after an edit of sim/model/choice.py, the kernel of sim/model/kernel.py, which
compiled ``level_value`` into itself, would load unchanged from its cache and run the old
rule. So the cache lives in a folder named after a fingerprint of every module of
sim/model that compiles code (a change to any of them starts a fresh folder), and folders
of earlier fingerprints are removed once unused for a day (a process still running the
earlier code may yet write to its folder). ``NUMBA_CACHE_DIR``, when set, is where the folders
go instead of sim/model/__pycache__.

Importing this module points numba there (:data:`CACHE`); every module of sim/model that
compiles imports it before its first ``@njit`` (tests/model/test_compile_cache.py checks).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import numba

HERE = Path(__file__).resolve().parent
PREFIX = "numba-"
#: Seconds after its last change that an earlier version's folder is removed.
KEEP_SECONDS = 86_400


def fingerprint(folder: Path = HERE) -> str:
    """A short hash of the modules of ``folder`` that compile code with numba."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        text = path.read_bytes()
        if b"from numba import" in text:
            digest.update(path.name.encode() + b"\0" + text + b"\0")
    return digest.hexdigest()[:16]


def use_fingerprinted_cache() -> Path:
    """Point numba's cache at this version's folder (made if need be); return it."""
    root = Path(os.environ.get("NUMBA_CACHE_DIR") or HERE / "__pycache__")
    folder = root / f"{PREFIX}{fingerprint()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # not writable: numba falls back to its own places, as without this
        return folder
    for old in root.glob(f"{PREFIX}*"):
        try:
            stale = old != folder and time.time() - old.stat().st_mtime > KEEP_SECONDS
        except OSError:  # removed meanwhile by another process
            continue
        if stale:
            shutil.rmtree(old, ignore_errors=True)
    numba.config.CACHE_DIR = str(folder)
    return folder


#: This version's cache folder, in use from the first import of this module on.
CACHE = use_fingerprinted_cache()
