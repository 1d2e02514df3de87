"""Publishing: the one atomic writer of result folders and files.

A result folder is never overwritten and never half-written: :func:`publish_folder`
writes everything into a hidden sibling ``.<id>.tmp-<pid>``, adds ``manifest.json``
(with the size and SHA-256 of every file), flushes it all to disk and renames it to
``<id>`` only once complete. Runs, comparisons and analyses all publish this way. A
single file (a chunk of a run in progress, its state) is written the same way by
:func:`atomic_write_bytes`: a hidden temporary name, fsync, rename.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

STALE_TMP_SECONDS = 24 * 3600
"""Hidden temporary folders older than this are left-overs of interrupted writes."""

Fill = Callable[[Path, str], tuple[dict[str, Any], list[str]]]
"""``fill(tmp, id)``: writes the files into ``tmp``; returns the manifest and their names."""


def safe_folder_name(name: str) -> str:
    """A scenario name as a single, harmless folder name (no separators, no leading dot)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".")
    return cleaned[:100] or "scenario"


def run_id_base_for(started: dt.datetime, scenario_hash: str, seed: int) -> str:
    """``YYYYmmdd-HHMMSS-<6 hex>``: local start time and a digest of scenario hash + seed
    (the id of a run's or an analysis's folder, before ``-2``, ``-3`` ... if taken)."""
    digest = hashlib.sha256(f"{scenario_hash}:{int(seed)}".encode()).hexdigest()
    return f"{started.astimezone().strftime('%Y%m%d-%H%M%S')}-{digest[:6]}"


def fsync_path(path: Path) -> None:
    """Flush a file or folder to disk (best effort: some filesystems refuse)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a hidden temporary file, fsync, rename.

    A file under its final name is therefore complete; a temporary one left by a killed
    process is named ``.<name>.tmp-<pid>``.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_path(path.parent)


def file_info(path: Path) -> dict[str, Any]:
    """The size and SHA-256 of a file (as the manifest's ``files`` lists them)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def _clean_stale_tmp(folder: Path, max_age: float = STALE_TMP_SECONDS) -> None:
    """Remove left-overs of interrupted writes (hidden .tmp folders older than a day)."""
    now = time.time()
    for entry in folder.glob(".*.tmp-*"):
        try:
            if entry.is_dir() and now - entry.stat().st_mtime > max_age:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def _candidate_ids(base: str) -> Iterator[str]:
    yield base
    k = 2
    while True:
        yield f"{base}-{k}"
        k += 1


def _make_tmp(folder: Path, base: str) -> Path:
    pid = os.getpid()
    for k in range(1000):
        tmp = folder / (f".{base}.tmp-{pid}" + (f"-{k}" if k else ""))
        try:
            tmp.mkdir()
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary folder in {folder}")  # pragma: no cover


def _write_manifest(tmp: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (tmp / "manifest.json").write_text(text, encoding="utf-8")


def publish_folder(folder: Path, base: str, fill: Fill, id_key: str = "run_id") -> Path:
    """Write a new result folder ``folder/<id>`` completely, or not at all; return it.

    ``<id>`` is ``base``, or ``base-2``, ``base-3`` ... if taken. ``fill(tmp, id)`` writes
    the files into the hidden temporary folder ``tmp`` (``.<base>.tmp-<pid>``) and returns
    the manifest (JSON-ready; its ``id_key`` holds the id) and the names of the files it
    wrote. The size and SHA-256 of each go into the manifest's ``files``, the manifest is
    written as ``manifest.json``, everything is flushed to disk and the folder renamed
    into place. Existing folders are never touched; on any error or interrupt the
    temporary folder is removed. Hidden temporary folders older than a day (left by
    killed processes) are removed on the way.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _clean_stale_tmp(folder)
    candidates = _candidate_ids(base)
    run_id = next(c for c in candidates if not (folder / c).exists())
    tmp = _make_tmp(folder, base)
    try:
        manifest, names = fill(tmp, run_id)
        manifest[id_key] = run_id
        files = manifest.setdefault("files", {})
        for name in names:
            files[name] = file_info(tmp / name)
        _write_manifest(tmp, manifest)
        for name in [*names, "manifest.json"]:
            fsync_path(tmp / name)
        while True:
            final = folder / run_id
            if not final.exists():
                try:
                    os.rename(tmp, final)
                except OSError:
                    # Someone took the name between the check and the rename (a rename
                    # onto an existing non-empty folder fails): take the next one.
                    if not final.exists():
                        raise
                else:
                    fsync_path(folder)
                    return final
            run_id = next(c for c in candidates if not (folder / c).exists())
            manifest[id_key] = run_id
            _write_manifest(tmp, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
