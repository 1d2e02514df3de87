"""The partial run folder: chunks written as they finish, so a run can resume.

Layout, beside the finished runs of the scenario::

    results/<scenario>/.partial-<run-id>/
        state.json          what this run is: scenario hash, seed, replicates, chunk
                            size, record mode, sweep points, commands, start time
        chunks/
            p0000-c000000.npz   one file per finished chunk (point, chunk): its history,
                                histograms, parameter values and event firings
            ...
        failures.json       chunks that failed in the last attempt (if any)
        .lock               held (flock) by the process running it

A chunk file is written to a hidden temporary name, flushed to disk (fsync) and only then
renamed to its final name (:func:`sim.results.publish.atomic_write_bytes`, the one atomic
writer), so a chunk file under its final name is complete; a
temporary file left by a killed process is never read and is removed on resume. Each
chunk file also carries its identity (scenario hash, seed, point, chunk, replicates,
record mode) and is checked against the state when read: a file that cannot be read
or does not match is not counted as finished and is computed again.

When every chunk is there, the result folder is written from the chunk files (one
chunk at a time) by :func:`sim.results.run_folder.write_run`, and the partial folder is
removed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiment.tasks import ChunkFailure, ChunkKey, ChunkResult
from sim.results.publish import atomic_write_bytes

STATE_FORMAT = 1
PARTIAL_PREFIX = ".partial-"
CHUNK_SUFFIX = ".npz"

SETTINGS_KEYS = ("scenario_sha256", "seed", "replicates", "chunk_size", "record", "points")
"""What must match for a resume (the scenario itself is compared through its hash)."""

SETTING_NAMES = {
    "scenario_sha256": "the scenario",
    "seed": "seed",
    "replicates": "replicates",
    "chunk_size": "chunk size",
    "record": "record mode",
    "points": "sweep points",
}


class ResumeRefused(Exception):
    """A resume that cannot go ahead (nothing to resume, or the run has changed)."""


def _json_points(points: Iterable[dict[str, float]]) -> list[dict[str, float]]:
    return [{str(k): float(v) for k, v in p.items()} for p in points]


@dataclass
class PartialRun:
    """A run in progress (or interrupted) and its chunk files."""

    folder: Path
    state: dict[str, Any]

    # ------------------------------------------------------------------ create / find

    @classmethod
    def create(cls, scenario_folder: Path, run_id: str, state: dict[str, Any]) -> PartialRun:
        """Make ``<scenario_folder>/.partial-<run-id>`` with its state file; on an error
        (a full disk, a read-only folder) leave nothing behind and raise it."""
        made = not scenario_folder.exists()
        scenario_folder.mkdir(parents=True, exist_ok=True)
        try:
            return cls._create(scenario_folder, run_id, state)
        except BaseException:
            if made:
                shutil.rmtree(scenario_folder, ignore_errors=True)
            raise

    @classmethod
    def _create(cls, scenario_folder: Path, run_id: str, state: dict[str, Any]) -> PartialRun:
        for k in range(1000):
            folder = scenario_folder / f"{PARTIAL_PREFIX}{run_id}{f'-{k + 1}' if k else ''}"
            try:
                folder.mkdir()
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover
            raise FileExistsError(f"cannot create a partial run folder in {scenario_folder}")
        try:
            (folder / "chunks").mkdir()
            state = {"format": "alignsim-partial", "format_version": STATE_FORMAT, **state}
            state["points"] = _json_points(state.get("points", [{}]))
            run = cls(folder, state)
            run.save_state()
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return run

    @classmethod
    def open(cls, folder: Path) -> PartialRun:
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        if state.get("format") != "alignsim-partial":
            raise ValueError(f"{folder / 'state.json'} is not a partial-run state file")
        return cls(folder, state)

    @classmethod
    def find(cls, scenario_folder: Path) -> list[PartialRun]:
        """The readable partial runs of a scenario, most recent first."""
        found = []
        if not scenario_folder.is_dir():
            return []
        for folder in scenario_folder.glob(f"{PARTIAL_PREFIX}*"):
            if not folder.is_dir():
                continue
            try:
                found.append(cls.open(folder))
            except (OSError, ValueError):
                continue
        found.sort(key=lambda r: str(r.state.get("started_at", "")), reverse=True)
        return found

    def save_state(self) -> None:
        text = json.dumps(self.state, indent=2, ensure_ascii=False) + "\n"
        atomic_write_bytes(self.folder / "state.json", text.encode("utf-8"))

    # ------------------------------------------------------------------ settings

    def differences(self, settings: dict[str, Any]) -> list[str]:
        """What differs between this run and ``settings`` (keys of SETTINGS_KEYS)."""
        out = []
        for key in SETTINGS_KEYS:
            if key not in settings:
                continue
            mine = self.state.get(key)
            theirs = _json_points(settings[key]) if key == "points" else settings[key]
            if mine != theirs:
                if key == "scenario_sha256":
                    out.append(
                        f"the scenario has changed since the interrupted run (its SHA-256 was "
                        f"{str(mine)[:12]}..., now {str(theirs)[:12]}...)"
                    )
                elif key == "points":
                    out.append(f"sweep points: {len(mine or [])} then, {len(theirs)} now")
                else:
                    out.append(f"{SETTING_NAMES[key]}: {mine} then, {theirs} now")
        return out

    # ------------------------------------------------------------------ lock

    def lock(self) -> None:
        """Hold this folder for this process (refused if another process holds it)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on Windows
            self._lock_fd = None
            return
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ResumeRefused(
                f"another process is running this run now (it holds {self.folder / '.lock'}); "
                "it goes on undisturbed. Wait for it to finish, or stop it (Ctrl-C), then "
                "resume again"
            ) from None
        self._lock_fd = fd

    def unlock(self) -> None:
        fd = getattr(self, "_lock_fd", None)
        if fd is not None:
            os.close(fd)
            self._lock_fd = None

    # ------------------------------------------------------------------ chunks

    @property
    def chunk_folder(self) -> Path:
        return self.folder / "chunks"

    def chunk_path(self, key: ChunkKey) -> Path:
        return self.chunk_folder / f"{key.name}{CHUNK_SUFFIX}"

    def _identity(self, key: ChunkKey, start: int, count: int) -> dict[str, Any]:
        return {
            "scenario_sha256": self.state["scenario_sha256"],
            "seed": self.state["seed"],
            "record": self.state["record"],
            "point": key.point,
            "chunk": key.chunk,
            "start": start,
            "count": count,
        }

    def write_chunk(self, result: ChunkResult) -> Path:
        """Write one chunk's result atomically (temporary name, fsync, rename)."""
        meta = {
            **self._identity(result.key, result.start, result.count),
            "parameters": list(result.parameters),
            "events": list(result.events),
            "seconds": result.seconds,
            "worker": result.worker,
        }
        arrays: dict[str, np.ndarray] = {
            "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            "recorded_steps": np.asarray(result.recorded_steps, dtype=np.int32),
            "history": np.asarray(result.history, dtype=np.float64),
            "histograms": np.asarray(result.histograms, dtype=np.int32),
        }
        for k, (_path, values) in enumerate(result.parameters.items()):
            arrays[f"parameter_{k}"] = np.asarray(values, dtype=np.float64)
        for k, rows in enumerate(result.events.values()):
            arrays[f"event_{k}"] = np.asarray(rows, dtype=np.int32).reshape(-1, 2)
        buf = io.BytesIO()
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        path = self.chunk_path(result.key)
        atomic_write_bytes(path, buf.getvalue())
        return path

    def read_chunk(self, key: ChunkKey, start: int, count: int) -> ChunkResult:
        """Read and check a chunk file (ValueError if it is not the expected chunk)."""
        path = self.chunk_path(key)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                expected = self._identity(key, start, count)
                if {k: meta.get(k) for k in expected} != expected:
                    raise ValueError(f"{path.name} belongs to another run or chunk")
                history = data["history"]
                if history.ndim != 3 or history.shape[1] != count:
                    raise ValueError(f"{path.name}: history of shape {history.shape}")
                parameters = {
                    p: data[f"parameter_{k}"] for k, p in enumerate(meta.get("parameters", []))
                }
                if "events" not in meta:
                    # written before chunks carried their event firings: compute it again
                    raise ValueError(f"{path.name} has no event records (an older format)")
                events = {e: data[f"event_{k}"] for k, e in enumerate(meta["events"])}
                if any(rows.ndim != 2 or rows.shape[1] != 2 for rows in events.values()):
                    raise ValueError(f"{path.name}: event records of the wrong shape")
                return ChunkResult(
                    key=key,
                    start=start,
                    count=count,
                    recorded_steps=data["recorded_steps"],
                    history=history,
                    histograms=data["histograms"],
                    parameters=parameters,
                    events=events,
                    seconds=float(meta.get("seconds", 0.0)),
                    worker=str(meta.get("worker", "")),
                )
        except (OSError, KeyError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            raise ValueError(f"{path.name} cannot be read: {exc}") from None

    def read_history(self, key: ChunkKey, start: int, count: int) -> np.ndarray:
        return self.read_chunk(key, start, count).history

    def finished(
        self, bounds: list[tuple[int, int]], points: int
    ) -> tuple[list[ChunkResult], list[tuple[ChunkKey, str]]]:
        """The readable, matching chunk files; and the unreadable ones with the reason.

        Hidden temporary files (half-written chunks) are never read.
        """
        ok: list[ChunkResult] = []
        bad: list[tuple[ChunkKey, str]] = []
        for p in range(points):
            for c, (start, stop) in enumerate(bounds):
                key = ChunkKey(p, c)
                if not self.chunk_path(key).exists():
                    continue
                try:
                    ok.append(self.read_chunk(key, start, stop - start))
                except ValueError as exc:
                    bad.append((key, str(exc)))
        return ok, bad

    def remove_temporary_files(self) -> int:
        """Delete temporary files left by a killed writer; return how many."""
        n = 0
        for path in self.chunk_folder.glob(".*.tmp-*"):
            try:
                path.unlink()
                n += 1
            except OSError:
                continue
        return n

    # ------------------------------------------------------------------ failures, end

    def record_failures(self, failures: list[ChunkFailure]) -> None:
        path = self.folder / "failures.json"
        if not failures:
            if path.exists():
                path.unlink()
            return
        data = [
            {
                "point": f.key.point,
                "chunk": f.key.chunk,
                "replicates": [f.start, f.start + f.count - 1],
                "seed": {"entropy": f.entropy, "spawn_key": list(f.spawn_key)},
                "error": f.error,
                "worker": f.worker,
                "traceback": f.traceback,
            }
            for f in failures
        ]
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        atomic_write_bytes(path, text.encode("utf-8"))

    def add_command(self, command: Any) -> None:
        self.state.setdefault("resumed", []).append(
            {"command": command, "at": dt.datetime.now().astimezone().isoformat("T", "seconds")}
        )
        self.save_state()

    def remove(self) -> None:
        self.unlock()
        shutil.rmtree(self.folder, ignore_errors=True)
