"""The end-to-end overhead of a run from the command line, against its bare imports.

    .venv/bin/python benchmarks/overhead.py [--reps 10000] [--repeat 3]

Measures, in the same run and one after the other (nothing in parallel):

(a) bare imports: a fresh ``python -c`` that makes, as written, every import statement of
    a third-party module that the command's sim modules executed (``import numpy``,
    ``from pydantic import BaseModel, Field``, ``from numba import njit`` ...; found by
    running the command once with ``builtins.__import__`` watched), wall time including
    the interpreter's start. ``from pydantic import BaseModel`` loads pydantic's models,
    which ``import pydantic`` alone leaves for later: until 4 December 2026 (a) made
    ``import X`` of each module named, and so left out what such statements load. What a
    library loads only when it is used (plotly's figure and trace classes on the first
    figure, numba's registries when it loads the first cached kernel) is not counted.
(b) the command: ``python run.py run scenarios/baseline.yaml --reps R --record outcomes
    --workers 1 --out TMP``, wall time in a fresh process;
(c) the model's own time: in this process, after a warm-up run, every chunk of the same
    run (same scenario, replicates, seed, chunk size and record mode, the same sampled
    parameters) as ``AlignmentModel(...).run()``, summed. The command's manifest records
    the engine's time for the chunks (``execution.seconds``), shown beside it.

and prints overhead = (b) - (c) and its ratio to (a) (target: at most 1.5), each repeat
and the median. The command ends without the interpreter's teardown (sim.cli.exits,
``end_process``); a bare ``python -c`` pays its own, so (a') times the same imports
ending the same way (``os._exit`` after them), and the ratio to (a') is printed beside:
the stricter of the two. It also times the report's figures (``RunResult.figures()`` of the same
run: relations, network, end-states, the "why" waterfalls and the two landscapes, with
the explanations and landscapes they compute; target: at most 0.5 s), the first build in
this process (what the command pays) and a second one.
"""

from __future__ import annotations

import argparse
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


#: Runs a command with every import statement made by a sim module recorded (module,
#: names) into the JSON file of argv[1]; argv[2:] is the command.
WATCH = r"""
import builtins, dis, json, runpy, sys
seen = []
real = builtins.__import__
IMPORT_NAME = dis.opmap["IMPORT_NAME"]
def watched(name, globals=None, locals=None, fromlist=(), level=0):
    # an import statement of a sim module (not a library's C code importing lazily while a
    # sim function calls it, which passes the same globals)
    caller = sys._getframe(1)
    statement = caller.f_code.co_code[caller.f_lasti] == IMPORT_NAME
    if level == 0 and statement and caller.f_globals.get("__name__", "").split(".")[0] == "sim":
        seen.append([name, list(fromlist or ())])
    return real(name, globals, locals, fromlist, level)
out, sys.argv = sys.argv[1], sys.argv[2:]
def dump():
    builtins.__import__ = real
    with open(out, "w") as f:
        json.dump(seen, f)
import atexit
atexit.register(dump)  # the program ends through its exit handlers (sim.cli.exits)
builtins.__import__ = watched
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def third_party(name: str) -> bool:
    top = name.split(".")[0]
    return top != "sim" and top not in sys.stdlib_module_names and not top.startswith("_")


def import_statements(reps: int) -> list[str]:
    """The third-party import statements the command's sim modules executed, as written
    (the names of one module's ``from`` statements merged)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "imports.json"
        subprocess.run(
            [sys.executable, "-c", WATCH, str(log), *command(reps, Path(tmp) / "out")[1:]],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        seen = json.loads(log.read_text())
    plain: list[str] = []
    names: dict[str, list[str]] = {}
    for module, fromlist in seen:
        if not third_party(module):
            continue
        if not fromlist:
            if module not in plain:
                plain.append(module)
            continue
        listed = names.setdefault(module, [])
        listed.extend(n for n in fromlist if n not in listed and n != "*")
    lines = [f"import {m}" for m in plain]
    lines += [f"from {m} import {', '.join(ns)}" for m, ns in names.items() if ns]
    return lines


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

    statements = import_statements(args.reps)
    bare = [sys.executable, "-c", "\n".join(statements)]
    bare_quick = [sys.executable, "-c", "\n".join([*statements, "import os", "os._exit(0)"])]
    print(f"(a) counts: {'; '.join(statements)}")
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
        f"{'repeat':>6} {'(a) imports':>12} {"(a') no exit":>13} {'(b) command':>12} "
        f"{'(c) model':>10} {'engine':>7} {'overhead':>9} {'ratio':>6} {"ratio'":>7}"
    )
    print(header)
    rows = []

    def line(label: str, a, quick, b, c, engine, over, ratio, strict) -> str:
        return (
            f"{label:>6} {a:>10.2f} s {quick:>11.2f} s {b:>10.2f} s {c:>8.2f} s "
            f"{engine:>5.2f} s {over:>7.2f} s {ratio:>6.2f} {strict:>7.2f}"
        )

    for k in range(args.repeat):
        a = wall(bare)
        quick = wall(bare_quick)
        b, engine = command_run(args.reps)
        c = model_time(scenario, args.reps)
        rows.append((a, quick, b, c, engine, b - c, (b - c) / a, (b - c) / quick))
        print(line(str(k + 1), *rows[-1]), flush=True)
    med = [statistics.median(col) for col in zip(*rows, strict=True)]
    print(line("median", *med))
    for name, value in (("bare imports (a)", med[6]), ("bare imports without exit (a')", med[7])):
        verdict = "met" if value <= TARGET_RATIO else "not met"
        print(f"overhead / {name}: {value:.2f} (target at most {TARGET_RATIO}: {verdict})")
    print(
        f"the report's figures: {figures_first:.2f} s the first time in a process, "
        f"{figures_again:.2f} s again (target at most {TARGET_FIGURES} s: "
        f"{'met' if figures_first <= TARGET_FIGURES else 'not met'})"
    )


if __name__ == "__main__":
    main()
