"""The end-to-end overhead of a run from the command line, against its bare imports.

    .venv/bin/python benchmarks/overhead.py [--reps 10000] [--repeat 3]

Measures, in the same run and one after the other (nothing in parallel):

(a) bare imports: a fresh ``python -c "import ..."`` of the third-party modules the
    command's own code imports, wall time including the interpreter's start. Which
    modules: the command is run once with ``-X importtime``; every import statement of a
    sim module it loaded (at module level or inside a function) that names a
    third-party module the run really imported is counted (mesa, numpy, numba, pandas,
    pyarrow.parquet, scipy.stats, plotly, jinja2, yaml, pydantic, rich ...). What those
    modules import in turn is in their import time; what a library loads only when it is
    used (plotly's trace classes, numba's typing of a cached kernel) is not.
(b) the command: ``python run.py run scenarios/baseline.yaml --reps R --record outcomes
    --workers 1 --out TMP``, wall time in a fresh process;
(c) the model's own time: in this process, after a warm-up run, every chunk of the same
    run (same scenario, replicates, seed, chunk size and record mode, the same sampled
    parameters) as ``AlignmentModel(...).run()``, summed. The command's manifest records
    the engine's time for the chunks (``execution.seconds``), shown beside it.

and prints overhead = (b) - (c) and its ratio to (a) (target: at most 1.5), each repeat
and the median. It also times the report's figures (``RunResult.figures()`` of the same
run: relations, network, end-states, the "why" waterfalls and the two landscapes, with
the explanations and landscapes they compute; target: at most 0.5 s), the first build in
this process (what the command pays) and a second one.
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline.yaml"
TARGET_RATIO = 1.5
TARGET_FIGURES = 0.5


def command(reps: int, out: Path) -> list[str]:
    """The run command measured, as argv."""
    return [
        sys.executable,
        str(ROOT / "run.py"),
        "run",
        str(SCENARIO),
        "--reps",
        str(reps),
        "--record",
        "outcomes",
        "--workers",
        "1",
        "--out",
        str(out),
    ]


def imported_modules(importtime: str) -> list[str]:
    """The modules a ``-X importtime`` log names, in the order they finished."""
    names = []
    for line in importtime.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.append(name)
    return names


def third_party(name: str) -> bool:
    top = name.split(".")[0]
    return top != "sim" and top not in sys.stdlib_module_names and not top.startswith("_")


def imports_of(path: Path) -> set[str]:
    """Every module an import statement of the file names (``from a import b``: a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _loaded(module: str, done: set[str]) -> bool:
    # A package loaded lazily (scipy.stats) has no line of its own, only its submodules.
    return module in done or any(name.startswith(module + ".") for name in done)


def needed_packages(reps: int) -> list[str]:
    """The third-party modules the command's sim modules import and the run imported."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", *command(reps, Path(tmp))[1:]],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
    loaded = imported_modules(proc.stderr)
    done = set(loaded)
    wanted: set[str] = set()
    for name in loaded:
        if name.split(".")[0] != "sim":
            continue
        module = ROOT / Path(*name.split("."))
        path = module / "__init__.py" if module.is_dir() else module.with_suffix(".py")
        if path.exists():
            wanted.update(m for m in imports_of(path) if third_party(m) and _loaded(m, done))
    # A module whose parent is also listed needs no line of its own only if the parent
    # imports it; keep both (importing a loaded module again costs nothing).
    return sorted(wanted)


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def command_run(reps: int) -> tuple[float, float]:
    """The command's wall time, and the engine's time for the chunks from its manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        seconds = wall(command(reps, Path(tmp)))
        (manifest,) = Path(tmp).glob("*/*/manifest.json")
        engine = json.loads(manifest.read_text())["execution"]["seconds"]
    return seconds, float(engine)


def model_time(scenario, reps: int) -> float:
    """Every chunk of the run, as ``AlignmentModel(...).run()``, summed."""
    from sim.experiment.engine import make_plan, resolve_settings
    from sim.model.model import AlignmentModel

    plan = make_plan(scenario, resolve_settings(scenario, reps, None, None, "outcomes", None))
    total = 0.0
    for task in plan.tasks():
        start = time.perf_counter()
        AlignmentModel(
            task.scenario,
            replicates=task.count,
            seed=task.seed_sequence,
            parameters=task.parameters or None,
            record=task.record,
        ).run()
        total += time.perf_counter() - start
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    packages = needed_packages(args.reps)
    bare = [sys.executable, "-c", "import " + ", ".join(packages)]
    print(f"(a) counts: import {', '.join(packages)}")
    print(f"(b) runs:   {' '.join(command(args.reps, Path('TMP'))[1:])}")

    import sim

    scenario = sim.load_scenario(SCENARIO)
    result = sim.run(scenario, replicates=args.reps, record="outcomes", workers=1)  # warm-up
    start = time.perf_counter()
    result.figures()
    figures_first = time.perf_counter() - start
    result._figures = None
    start = time.perf_counter()
    result.figures()
    figures_again = time.perf_counter() - start

    header = (
        f"{'repeat':>6} {'(a) imports':>12} {'(b) command':>12} {'(c) model':>10} "
        f"{'engine':>7} {'overhead':>9} {'ratio':>6}"
    )
    print(header)
    rows = []
    for k in range(args.repeat):
        a = wall(bare)
        b, engine = command_run(args.reps)
        c = model_time(scenario, args.reps)
        rows.append((a, b, c, engine, b - c, (b - c) / a))
        print(
            f"{k + 1:>6} {a:>10.2f} s {b:>10.2f} s {c:>8.2f} s {engine:>5.2f} s "
            f"{b - c:>7.2f} s {(b - c) / a:>6.2f}",
            flush=True,
        )
    med = [statistics.median(col) for col in zip(*rows, strict=True)]
    print(
        f"{'median':>6} {med[0]:>10.2f} s {med[1]:>10.2f} s {med[2]:>8.2f} s {med[3]:>5.2f} s "
        f"{med[4]:>7.2f} s {med[5]:>6.2f}"
    )
    print(
        f"overhead / bare imports: {med[5]:.2f} (target at most {TARGET_RATIO}: "
        f"{'met' if med[5] <= TARGET_RATIO else 'not met'})"
    )
    print(
        f"the report's figures: {figures_first:.2f} s the first time in a process, "
        f"{figures_again:.2f} s again (target at most {TARGET_FIGURES} s: "
        f"{'met' if figures_first <= TARGET_FIGURES else 'not met'})"
    )


if __name__ == "__main__":
    main()
