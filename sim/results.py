"""Tidy frames of a run and the files a run leaves behind.

Frames (pure: model in, DataFrame out):

- :func:`trajectories_frame`: every relation of every dyad in every replicate at every step,
  one row each (the raw material of every figure and analysis).
- :func:`outcome_table`: how likely each named end-state is, with a Wilson 95% interval.
- :func:`dyad_end_table`: where each dyad ends up across replicates (quantiles, bands).

Files (:func:`write_run`): ``results/<scenario>/<run-id>/`` holding
``trajectories.parquet``, ``outcomes.csv``, ``report.html`` and ``manifest.json``.
A result folder is never overwritten and never half-written: everything is written into
a hidden sibling ``.<run-id>.tmp-<pid>`` that is renamed to ``<run-id>`` only once
complete.

``outcomes.csv`` is one tidy table holding both the end-states and the dyads: its
``kind`` column says which ('end_state' or 'dyad'); the columns of one kind are empty
(NaN) on the rows of the other. ``read_outcomes_csv`` splits it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outcomes import BAND_NAMES, band_codes, evaluate_outcomes, relation_matrices

MANIFEST_FORMAT = 1
"""Version of the manifest layout; bump when a field changes meaning."""

Z95 = 1.959963984540054
"""The standard normal quantile of 0.975, for 95% intervals."""

QUANTILES = {"p05": 0.05, "p25": 0.25, "end_median": 0.5, "p75": 0.75, "p95": 0.95}

OUTCOME_COLUMNS = [
    "outcome",
    "description",
    "probability",
    "count",
    "ci_low",
    "ci_high",
    "replicates",
]
DYAD_COLUMNS = [
    "dyad",
    "actor_a",
    "actor_b",
    "start",
    "end_mean",
    "end_median",
    "p05",
    "p25",
    "p75",
    "p95",
    *[f"share_{b}" for b in BAND_NAMES],
    "modal_band",
    "replicates",
]

STALE_TMP_SECONDS = 24 * 3600
"""Hidden temporary folders older than this are left-overs of interrupted writes."""

VERSIONED_PACKAGES = ("mesa", "numpy", "pandas", "plotly", "pydantic", "pyyaml", "pyarrow")


# --------------------------------------------------------------------------- helpers


def _bands(model: Any, bands: Any = None) -> Any:
    """The band bounds to use: given, else the model's scenario's, else the defaults."""
    if bands is not None:
        return bands
    for attr in ("spec", "scenario_spec", "scenario"):
        spec = getattr(model, attr, None)
        if spec is not None and hasattr(spec, "bands"):
            return spec.bands
    from sim.scenario.schema import Bands

    return Bands()


def _history(model: Any) -> np.ndarray:
    hist = np.asarray(model.history, dtype=np.float64)
    if hist.ndim != 3 or hist.shape[2] != len(model.dyads):
        raise ValueError(f"model.history should be (T+1, R, D), got {hist.shape}")
    return hist


def dyad_labels(model: Any) -> list[str]:
    """'A-B' for every dyad of the model, in its order (ids, lower index first)."""
    ids = model.actor_ids
    return [f"{ids[i]}-{ids[j]}" for i, j in model.dyads]


def end_relations(model: Any) -> np.ndarray:
    """The (R, N, N) relation matrices at the last step (diagonal NaN)."""
    return relation_matrices(_history(model)[-1], len(model.actor_ids), model.dyads)


def wilson_interval(successes: Any, n: int, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial share ``successes / n`` (default 95%).

    Unlike the normal approximation it stays inside [0, 1] and is sensible at 0 and n.
    """
    k = np.asarray(successes, dtype=np.float64)
    if n <= 0:
        nan = np.full(k.shape, np.nan)
        return nan, nan
    p = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return low, high


# --------------------------------------------------------------------------- frames


def trajectories_frame(model: Any, bands: Any = None) -> pd.DataFrame:
    """Relations in long format: one row per replicate, step and dyad.

    Columns: ``replicate`` (int32, 0..R-1), ``step`` (int32, 0 = run start), ``date``
    (datetime64[ms], the date of the step), ``actor_a`` and ``actor_b`` (categoricals of
    actor ids in scenario order; a < b in that order), ``relation`` (float64 in [-1, 1],
    -1 hostile ... +1 allied) and ``band`` (ordered categorical hostile < ... < allied,
    see :mod:`sim.outcomes`). Rows are ordered by replicate, step, dyad.

    ``bands`` defaults to the bands of the model's scenario (``model.spec``).
    ``date`` is millisecond-resolution so that long runs do not overflow nanoseconds
    and it survives a Parquet round trip unchanged.
    """
    hist = _history(model)
    t1, r, d = hist.shape
    values = np.ascontiguousarray(hist.transpose(1, 0, 2)).reshape(-1)
    step_of_row = np.tile(np.repeat(np.arange(t1, dtype=np.int32), d), r)
    dyad_of_row = np.tile(np.arange(d, dtype=np.intp), r * t1)
    ids = list(model.actor_ids)
    a_idx = np.array([i for i, _ in model.dyads], dtype=np.int32)
    b_idx = np.array([j for _, j in model.dyads], dtype=np.int32)
    dates = np.array(model.dates, dtype="datetime64[D]").astype("datetime64[ms]")
    if len(dates) != t1:
        raise ValueError(f"model.dates has {len(dates)} dates for {t1} recorded steps")
    return pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(r, dtype=np.int32), t1 * d),
            "step": step_of_row,
            "date": dates[step_of_row],
            "actor_a": pd.Categorical.from_codes(a_idx[dyad_of_row], categories=ids),
            "actor_b": pd.Categorical.from_codes(b_idx[dyad_of_row], categories=ids),
            "relation": values,
            "band": pd.Categorical.from_codes(
                band_codes(values, _bands(model, bands)), categories=BAND_NAMES, ordered=True
            ),
        }
    )


def outcome_table(scenario: Any, model: Any) -> pd.DataFrame:
    """End-state probabilities: how often each named end-state holds at the end.

    One row per scenario outcome, in scenario order: ``outcome`` (its name),
    ``description``, ``probability`` (share of replicates where it holds), ``count``
    (how many), ``ci_low`` / ``ci_high`` (Wilson 95% interval of the probability) and
    ``replicates`` (R).
    """
    r = _history(model).shape[1]
    holds = evaluate_outcomes(scenario, model.actor_ids, end_relations(model))
    names = list(holds)
    counts = np.array([int(holds[n].sum()) for n in names], dtype=np.int64)
    low, high = wilson_interval(counts, r)
    return pd.DataFrame(
        {
            "outcome": pd.Series(names, dtype=object),
            "description": pd.Series(
                [scenario.outcomes[n].description for n in names], dtype=object
            ),
            "probability": counts / r if r else np.full(len(names), np.nan),
            "count": counts,
            "ci_low": low,
            "ci_high": high,
            "replicates": np.full(len(names), r, dtype=np.int64),
        },
        columns=OUTCOME_COLUMNS,
    )


def dyad_end_table(model: Any, scenario: Any = None) -> pd.DataFrame:
    """Where each dyad starts and ends, across replicates.

    One row per dyad (model order): ``dyad`` ('A-B'), ``actor_a``, ``actor_b``,
    ``start`` (mean relation at step 0), ``end_mean``, ``end_median`` and the quantiles
    ``p05``, ``p25``, ``p75``, ``p95`` of the final relation, ``share_<band>`` (share of
    replicates ending in each band), ``modal_band`` (the most common final band; ties go
    to the colder band) and ``replicates``. Bands come from ``scenario`` (else the
    model's scenario).
    """
    hist = _history(model)
    end = hist[-1]  # (R, D)
    r, d = end.shape
    bands = _bands(model, scenario.bands if scenario is not None else None)
    codes = band_codes(end, bands)
    shares = np.stack([(codes == k).mean(axis=0) for k in range(len(BAND_NAMES))], axis=1)
    q = np.quantile(end, list(QUANTILES.values()), axis=0)  # (5, D)
    ids = model.actor_ids
    frame: dict[str, Any] = {
        "dyad": pd.Series(dyad_labels(model), dtype=object),
        "actor_a": pd.Series([ids[i] for i, _ in model.dyads], dtype=object),
        "actor_b": pd.Series([ids[j] for _, j in model.dyads], dtype=object),
        "start": hist[0].mean(axis=0),
        "end_mean": end.mean(axis=0),
    }
    for k, name in enumerate(QUANTILES):
        frame[name] = q[k]
    for k, band in enumerate(BAND_NAMES):
        frame[f"share_{band}"] = shares[:, k]
    frame["modal_band"] = pd.Series([BAND_NAMES[k] for k in shares.argmax(axis=1)], dtype=object)
    frame["replicates"] = np.full(d, r, dtype=np.int64)
    return pd.DataFrame(frame, columns=DYAD_COLUMNS)


def outcomes_csv_frame(end_states: pd.DataFrame, dyads: pd.DataFrame) -> pd.DataFrame:
    """The single tidy table of ``outcomes.csv``: end-states then dyads, with ``kind``.

    ``kind`` is 'end_state' or 'dyad'; a column that belongs to the other kind is NaN.
    """
    columns = ["kind", *OUTCOME_COLUMNS, *[c for c in DYAD_COLUMNS if c != "replicates"]]
    parts = [
        frame.assign(kind=kind).reindex(columns=columns)
        for frame, kind in ((end_states, "end_state"), (dyads, "dyad"))
        if len(frame)
    ]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    # counts stay whole numbers in the CSV ('200', not '200.0'); empty where not applicable
    return out.astype({"count": "Int64", "replicates": "Int64"})


def read_outcomes_csv(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``outcomes.csv`` back into (end-state table, dyad table)."""
    df = pd.read_csv(path)
    end = df[df["kind"] == "end_state"].reindex(columns=OUTCOME_COLUMNS).reset_index(drop=True)
    dy = df[df["kind"] == "dyad"].reindex(columns=DYAD_COLUMNS).reset_index(drop=True)
    return end, dy


# --------------------------------------------------------------------------- manifest


def canonical_json(obj: Any) -> bytes:
    """Stable bytes for hashing: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def scenario_dump(scenario: Any) -> dict[str, Any]:
    """The resolved scenario as plain JSON data (what the manifest stores)."""
    return scenario.model_dump(mode="json")


def scenario_sha256(scenario: Any) -> str:
    """SHA-256 of the canonical JSON of the resolved scenario: the scenario's identity."""
    return hashlib.sha256(canonical_json(scenario_dump(scenario))).hexdigest()


def package_versions() -> dict[str, str | None]:
    """Versions of Python and of the packages a result depends on."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in (*VERSIONED_PACKAGES, "alignsim"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _git_commit() -> str | None:
    """The commit of the code that ran, if it is a git checkout (best effort)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone().isoformat(timespec="milliseconds")


def build_manifest(result: Any, run_id: str, command: Sequence[str] | str | None) -> dict:
    """Everything needed to reproduce the run, as JSON-ready data.

    ``scenario`` is the resolved scenario (``model_dump(mode='json')``) and
    ``scenario_sha256`` the SHA-256 of its canonical JSON. ``seed`` and ``replicates``
    are what actually ran (command-line overrides included; ``scenario.run`` keeps the
    file's values), so ``AlignmentModel(Scenario.model_validate(m['scenario']),
    replicates=m['replicates'], seed=m['seed'])`` repeats the run exactly. Also: the
    run-id, scenario file, steps and dates, command line, working folder, wall-clock
    start/end (ISO 8601 with offset), package versions, platform, git commit and the
    size and SHA-256 of every other file of the folder (``files``, filled by write_run).
    """
    scenario, model = result.scenario, result.model
    hist = _history(model)
    source = getattr(result, "source", None)
    if isinstance(command, str | None):
        cmd: Any = command
    else:
        cmd = [str(c) for c in command]
    return {
        "format": "alignsim-run",
        "format_version": MANIFEST_FORMAT,
        "run_id": run_id,
        "scenario_name": scenario.name,
        "scenario_file": None if source is None else str(Path(source).resolve()),
        "scenario_sha256": scenario_sha256(scenario),
        "seed": int(model.seed),
        "replicates": int(hist.shape[1]),
        "steps": int(hist.shape[0] - 1),
        "dates": {"start": model.dates[0].isoformat(), "end": model.dates[-1].isoformat()},
        "command": cmd,
        "cwd": os.getcwd(),
        "started_at": _iso(getattr(result, "started_at", None)),
        "finished_at": _iso(getattr(result, "finished_at", None)),
        "written_at": _iso(dt.datetime.now().astimezone()),
        "versions": package_versions(),
        "platform": platform.platform(),
        "git_commit": _git_commit(),
        "files": {},
        "scenario": scenario_dump(scenario),
    }


# --------------------------------------------------------------------------- writing


def safe_folder_name(name: str) -> str:
    """A scenario name as a single, harmless folder name (no separators, no leading dot)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".")
    return cleaned[:100] or "scenario"


def run_id_base(result: Any) -> str:
    """``YYYYmmdd-HHMMSS-<6 hex>``: local start time and a digest of scenario hash + seed."""
    started = getattr(result, "started_at", None) or dt.datetime.now().astimezone()
    digest = hashlib.sha256(
        f"{scenario_sha256(result.scenario)}:{int(result.model.seed)}".encode()
    ).hexdigest()
    return f"{started.astimezone().strftime('%Y%m%d-%H%M%S')}-{digest[:6]}"


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


def _fsync(path: Path) -> None:
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


def _file_info(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def _write_manifest(tmp: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (tmp / "manifest.json").write_text(text, encoding="utf-8")


def write_run(
    result: Any,
    results_root: str | os.PathLike[str],
    command: Sequence[str] | str | None = None,
) -> Path:
    """Write a run's result folder and return its path.

    ``result`` is a :class:`sim.api.RunResult` (scenario, model, frames, times). The
    folder is ``<results_root>/<scenario name>/<run-id>``, run-id
    ``YYYYmmdd-HHMMSS-<6 hex>`` (start time; digest of scenario hash and seed) with
    ``-2``, ``-3`` ... appended if taken. Existing folders are never touched: the files
    are written into ``.<run-id>.tmp-<pid>`` and renamed into place when complete; on
    any error or interrupt the temporary folder is removed. Hidden temporary folders
    older than a day (from killed processes) are removed on the way.
    """
    from sim import report

    folder = Path(results_root) / safe_folder_name(result.scenario.name)
    folder.mkdir(parents=True, exist_ok=True)
    _clean_stale_tmp(folder)
    base = run_id_base(result)
    candidates = _candidate_ids(base)
    run_id = next(c for c in candidates if not (folder / c).exists())
    tmp = _make_tmp(folder, base)
    try:
        trajectories = result.trajectories
        end_states = result.outcomes
        dyads = result.dyad_stats
        trajectories.to_parquet(
            tmp / "trajectories.parquet", engine="pyarrow", index=False, compression="zstd"
        )
        outcomes_csv_frame(end_states, dyads).to_csv(tmp / "outcomes.csv", index=False)
        manifest = build_manifest(result, run_id, command)
        figures = result.figures() if callable(getattr(result, "figures", None)) else None
        report.write_report(
            tmp / "report.html",
            result.scenario,
            result.model,
            trajectories,
            end_states,
            dyads,
            run_info={
                "scenario_sha256": manifest["scenario_sha256"],
                "started_at": manifest["started_at"],
                "finished_at": manifest["finished_at"],
            },
            figures=figures,
        )
        for name in ("trajectories.parquet", "outcomes.csv", "report.html"):
            manifest["files"][name] = _file_info(tmp / name)
        _write_manifest(tmp, manifest)
        for name in ("trajectories.parquet", "outcomes.csv", "report.html", "manifest.json"):
            _fsync(tmp / name)
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
                    _fsync(folder)
                    return final
            run_id = next(c for c in candidates if not (folder / c).exists())
            manifest["run_id"] = run_id
            _write_manifest(tmp, manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_manifest(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a result folder."""
    return json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))


__all__ = [
    "BAND_NAMES",
    "build_manifest",
    "canonical_json",
    "dyad_end_table",
    "dyad_labels",
    "end_relations",
    "load_manifest",
    "outcome_table",
    "outcomes_csv_frame",
    "package_versions",
    "read_outcomes_csv",
    "scenario_sha256",
    "trajectories_frame",
    "wilson_interval",
    "write_run",
]
