"""One result folder as the index lists it (:class:`IndexEntry`), read from its manifest.

:func:`read_entry` knows the three manifests alignsim writes by their ``format``: a run's
(``alignsim-run``; its end-state probabilities come from its ``outcomes.csv``), a
comparison's (``alignsim-comparison``; its largest difference in words is the first line
of ``largest_differences.csv``) and an analysis's (a ``kind``: sensitivity, discover,
tipping, calibration; the outcome it studied). A manifest that cannot be read, or that
lacks what a listing needs, is :class:`DamagedManifest` with the reason in words. The walk
over a results root is :mod:`sim.results.run_index`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.results import formats

HEADLINE = 3
"""End-states a one-line summary shows: the most likely ones."""


class DamagedManifest(Exception):
    """A result folder whose manifest cannot be read, or lacks what a listing needs."""


@dataclass(frozen=True)
class EndStateShare:
    """How likely a named end-state was in a run: its probability and Wilson 95%
    interval, or in a sweep the lowest and highest probability over the sweep points."""

    outcome: str
    probability: float | None
    """The probability (None in a sweep: see ``low`` and ``high``)."""
    ci_low: float | None
    ci_high: float | None
    low: float
    """The lowest probability over the sweep points (the probability without a sweep)."""
    high: float

    @property
    def text(self) -> str:
        """'80.5%', or '40.0–80.5%' over the points of a sweep."""
        if self.probability is not None or self.low == self.high:
            return f"{self.low:.1%}"
        return f"{self.low:.1%}–{self.high:.1%}"


@dataclass(frozen=True)
class IndexEntry:
    """One published result folder, as an index lists it."""

    kind: str
    """'run', 'compare', or the analysis ('sensitivity', 'discover', 'tipping', ...)."""
    path: str
    """The folder relative to the results root, with '/' (``baseline/<run-id>``)."""
    scenarios: tuple[str, ...]
    """The scenario's name; a comparison's scenarios, the reference first."""
    scenario_files: tuple[str | None, ...]
    """The file each scenario was read from, as the manifest records it (None: the run
    started from a Scenario object in Python; the manifest then holds only the resolved
    scenario and its hash)."""
    scenario_sha256: tuple[str, ...]
    """The identity of each resolved scenario (SHA-256 of its canonical JSON)."""
    description: str
    """The scenario's own description (a comparison's: none)."""
    started_at: str | None
    """When it started, ISO 8601 with offset, as recorded."""
    seed: int
    replicates: int | None
    """Replicates of each ensemble (None where the analysis does not record one)."""
    run_shape: str
    """What ``compare`` requires to be the same in the scenarios it compares: steps,
    step length, start and chunk size ('' where the manifest does not say)."""
    sweep_points: int = 0
    """Sweep points the run had (0: no sweep)."""
    file_sweeps: bool = False
    """The scenario itself has a ``sweep`` (``compare`` takes none)."""
    end_states: tuple[EndStateShare, ...] = ()
    detail: str = ""
    """A comparison's largest difference in words; an analysis's outcome."""
    report: str | None = None
    """The folder's HTML page relative to the root (None if it is not there)."""
    notes: tuple[str, ...] = ()
    """What could not be read of the folder beyond its manifest."""
    sort_key: float = field(default=0.0, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The folder's name: the run-id or the comparison's id."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def scenario(self) -> str:
        """The scenario, or a comparison's scenarios ('baseline vs kurils-settled')."""
        return " vs ".join(self.scenarios)

    @property
    def started_text(self) -> str:
        """The start to the minute, as recorded: '2026-12-04 00:56'."""
        return (self.started_at or "")[:16].replace("T", " ")

    def headline(self, n: int = HEADLINE) -> tuple[EndStateShare, ...]:
        """The ``n`` most likely end-states (by probability, the highest in a sweep)."""
        return tuple(sorted(self.end_states, key=lambda e: -e.high)[:n])

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON-ready data (``runs --json``)."""
        return {
            "kind": self.kind,
            "path": self.path,
            "id": self.id,
            "scenarios": list(self.scenarios),
            "scenario_files": list(self.scenario_files),
            "scenario_sha256": list(self.scenario_sha256),
            "description": self.description,
            "started_at": self.started_at,
            "seed": self.seed,
            "replicates": self.replicates,
            "sweep_points": self.sweep_points,
            "end_states": [
                {
                    "outcome": e.outcome,
                    "probability": e.probability,
                    "ci_low": e.ci_low,
                    "ci_high": e.ci_high,
                    "min": e.low,
                    "max": e.high,
                }
                for e in self.end_states
            ],
            "detail": self.detail,
            "report": self.report,
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- reading


def load_listed_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of ``folder`` as a JSON object; DamagedManifest saying what is wrong."""
    # Not sim.results.manifest.load_manifest: that module pulls in the scenario schema
    # (0.3 s), which ``runs`` does not otherwise need, and says nothing of damage.
    try:
        text = (folder / "manifest.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DamagedManifest("no manifest.json (not a complete result folder)") from None
    except UnicodeDecodeError:
        raise DamagedManifest("manifest.json is not UTF-8 text") from None
    except OSError as exc:
        raise DamagedManifest(f"manifest.json cannot be read ({exc.strerror or exc})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DamagedManifest(
            f"manifest.json is damaged (not JSON: {exc.msg} at line {exc.lineno})"
        ) from None
    if not isinstance(manifest, dict):
        raise DamagedManifest("manifest.json is damaged (not a JSON object)")
    return manifest


def read_entry(root: Path, folder: Path) -> IndexEntry:
    """The entry of one result folder under ``root``; DamagedManifest if its manifest
    cannot be read or lacks what a listing needs."""
    m = load_listed_manifest(folder)
    fmt = m.get("format")
    if fmt == formats.RUN:
        return _run_entry(root, folder, m)
    if fmt == formats.COMPARISON:
        return _comparison_entry(root, folder, m)
    if isinstance(m.get("kind"), str) and isinstance(fmt, int):  # the analyses' layout
        return _analysis_entry(root, folder, m)
    raise DamagedManifest("manifest.json is not one alignsim writes (no known 'format')")


def _get(m: dict[str, Any], key: str, kind: type | tuple[type, ...], optional: bool = False) -> Any:
    """``m[key]`` if it is of ``kind`` (None if it is optional and missing or null)."""
    value = m.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        what = "missing" if key not in m else f"not {_kind_name(kind)}"
        raise DamagedManifest(f"manifest.json is damaged ('{key}' is {what})")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", dict: "an object", list: "a list"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _sort_key(started: str | None, folder: Path) -> float:
    """Seconds since the epoch of the start (the manifest's mtime if it has none)."""
    if started:
        try:
            return dt.datetime.fromisoformat(started).timestamp()
        except ValueError:
            pass
    try:
        return (folder / "manifest.json").stat().st_mtime
    except OSError:
        return 0.0


def _report(root: Path, folder: Path, m: dict[str, Any]) -> str | None:
    """The folder's HTML page (the one the manifest lists), if it is there."""
    files = m.get("files")
    for name in files if isinstance(files, dict) else ():
        if str(name).endswith(".html") and (folder / name).is_file():
            return (folder / name).relative_to(root).as_posix()
    return None


def _shape(steps: Any, start: Any, run: dict[str, Any]) -> str:
    """'40 steps of 3 months from 2014-01-01, chunks of 1000' ('' if unknown)."""
    months, chunk = run.get("step_months"), run.get("chunk_size")
    if None in (steps, start, months, chunk):
        return ""
    return f"{steps} steps of {months} months from {start}, chunks of {chunk}"


def _common(root: Path, folder: Path, m: dict[str, Any]) -> dict[str, Any]:
    """What a run and an analysis record alike: one scenario, its file, hash and seed."""
    scenario = _get(m, "scenario", dict, optional=True) or {}
    run = scenario.get("run") if isinstance(scenario.get("run"), dict) else {}
    dates = m.get("dates") if isinstance(m.get("dates"), dict) else {}
    started = _get(m, "started_at", str, optional=True)
    description = scenario.get("description")
    return {
        "path": folder.relative_to(root).as_posix(),
        "scenarios": (_get(m, "scenario_name", str),),
        "scenario_files": (_get(m, "scenario_file", str, optional=True),),
        "scenario_sha256": (_get(m, "scenario_sha256", str),),
        "description": description if isinstance(description, str) else "",
        "started_at": started,
        "seed": _get(m, "seed", int),
        "run_shape": _shape(m.get("steps", run.get("steps")), dates.get("start"), run),
        "file_sweeps": bool(scenario.get("sweep")),
        "report": _report(root, folder, m),
        "sort_key": _sort_key(started, folder),
    }


def _run_entry(root: Path, folder: Path, m: dict[str, Any]) -> IndexEntry:
    sweep = m.get("sweep") if isinstance(m.get("sweep"), dict) else {}
    points = sweep.get("points") if isinstance(sweep.get("points"), list) else []
    notes: list[str] = []
    try:
        end_states = end_state_shares(folder / "outcomes.csv")
    except (OSError, ValueError, KeyError, TypeError, csv.Error) as exc:
        end_states = ()
        notes.append(f"outcomes.csv cannot be read ({type(exc).__name__}: {exc})")
    return IndexEntry(
        kind="run",
        replicates=_get(m, "replicates", int),
        sweep_points=len(points),
        end_states=end_states,
        notes=tuple(notes),
        **_common(root, folder, m),
    )


def end_state_shares(path: Path) -> tuple[EndStateShare, ...]:
    """The end-states of a run's ``outcomes.csv``, in the scenario's order; over a
    sweep's points, each end-state's lowest and highest probability.

    Read with the csv module, not pandas (:func:`sim.results.outcomes_csv.read_outcomes_csv`):
    the index reads every folder after every run, and this keeps it well under a
    millisecond a folder. ValueError, KeyError, TypeError or csv.Error if the file is not
    an ``outcomes.csv``.
    """
    with path.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] == "end_state"]
    sweep = rows and "point" in rows[0]
    found: dict[str, list[float]] = {}
    single: dict[str, EndStateShare] = {}
    for r in rows:
        probability = float(r["probability"])
        found.setdefault(r["outcome"], []).append(probability)
        if not sweep:
            low, high = _number(r["ci_low"]), _number(r["ci_high"])
            single[r["outcome"]] = EndStateShare(
                r["outcome"], probability, low, high, probability, probability
            )
    if not sweep:
        return tuple(single.values())
    return tuple(
        EndStateShare(name, None, None, None, min(ps), max(ps)) for name, ps in found.items()
    )


def _number(text: str | None) -> float | None:
    return float(text) if text else None


def _comparison_entry(root: Path, folder: Path, m: dict[str, Any]) -> IndexEntry:
    scenarios = _get(m, "scenarios", list)
    if not scenarios or not all(
        isinstance(s, dict) and isinstance(s.get("name"), str) for s in scenarios
    ):
        raise DamagedManifest("manifest.json is damaged ('scenarios' has no names)")
    resolved = m.get("resolved") if isinstance(m.get("resolved"), dict) else {}
    first = resolved.get(scenarios[0].get("label")) or {}
    run = first.get("run") if isinstance(first, dict) and isinstance(first.get("run"), dict) else {}
    dates = m.get("dates") if isinstance(m.get("dates"), dict) else {}
    started = _get(m, "started_at", str, optional=True)
    notes: list[str] = []
    detail = ""
    try:
        with (folder / "largest_differences.csv").open(newline="", encoding="utf-8") as f:
            first = next(csv.DictReader(f), None)  # the largest comes first
        if first is not None:
            detail = f"largest difference: {first['text']}"
    except (OSError, ValueError, KeyError, TypeError, csv.Error) as exc:
        notes.append(f"largest_differences.csv cannot be read ({type(exc).__name__}: {exc})")
    return IndexEntry(
        kind="compare",
        path=folder.relative_to(root).as_posix(),
        scenarios=tuple(s["name"] for s in scenarios),
        scenario_files=tuple(
            s.get("file") if isinstance(s.get("file"), str) else None for s in scenarios
        ),
        scenario_sha256=tuple(str(s.get("scenario_sha256", "")) for s in scenarios),
        description="",
        started_at=started,
        seed=_get(m, "seed", int),
        replicates=_get(m, "replicates", int),
        run_shape=_shape(
            m.get("steps"), dates.get("start"), {**run, "chunk_size": m.get("chunk_size")}
        ),
        detail=detail,
        report=_report(root, folder, m),
        notes=tuple(notes),
        sort_key=_sort_key(started, folder),
    )


def _analysis_entry(root: Path, folder: Path, m: dict[str, Any]) -> IndexEntry:
    outcome = m.get("outcome")
    if isinstance(outcome, dict):
        outcome = outcome.get("text")
    replicates = m.get("replicates")
    return IndexEntry(
        kind=m["kind"],
        replicates=replicates if isinstance(replicates, int) else None,
        detail=f"outcome: {outcome}" if isinstance(outcome, str) and outcome else "",
        **_common(root, folder, m),
    )
