"""Peak memory of a large baseline ensemble run from the command line.

    .venv/bin/python benchmarks/memory.py [--reps 100000] [--record outcomes] [--workers 2]

Starts `python run.py run scenarios/baseline.yaml --reps N --record MODE --workers W` in a
temporary results folder and samples, every 20 ms, the resident memory (RSS, from
/proc, so Linux only) of the command and of all its worker processes. Prints the peak of
the total and of the driver alone. Target: under 2 GiB for 100,000 replicates with
--record outcomes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = 4096


def rss_bytes(pid: int) -> int:
    """Resident memory of one process, or 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * PAGE


def descendants(pid: int) -> list[int]:
    """All processes below pid (workers, the forkserver ...)."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        kids = [int(c) for c in children]
        found.extend(kids)
        frontier.extend(kids)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100_000)
    parser.add_argument("--record", default="outcomes")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable,
            str(ROOT / "run.py"),
            "run",
            str(ROOT / "scenarios" / "baseline.yaml"),
            "--reps",
            str(args.reps),
            "--record",
            args.record,
            "--workers",
            str(args.workers),
            "--out",
            out,
        ]
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak_total = peak_driver = 0
        while proc.poll() is None:
            driver = rss_bytes(proc.pid)
            total = driver + sum(rss_bytes(p) for p in descendants(proc.pid))
            peak_driver = max(peak_driver, driver)
            peak_total = max(peak_total, total)
            time.sleep(0.02)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"the run failed ({proc.returncode}): {proc.stderr.read().decode()[-500:]}")
    gib = 1024**3
    print(f"baseline, {args.reps} replicates, --record {args.record}, --workers {args.workers}")
    print(f"  wall time {wall:.1f} s")
    print(
        f"  peak memory, driver and workers together: {peak_total / gib:.2f} GiB (target < 2 GiB)"
    )
    print(f"  peak memory, driver alone:                {peak_driver / gib:.2f} GiB")


if __name__ == "__main__":
    main()
