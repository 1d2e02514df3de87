"""Robustness of the stylised facts: each fact under -20% and +20% of every setting and weight.

    .venv/bin/python benchmarks/robustness.py [--reps 400] [--quick] [--markdown FILE]
        [--also PATH ...] [--spread 0.2] [--tolerance 0.01] [--seed 20140306]

For every decision-rule setting (``model.temperature`` ...) and driver weight
(``weights.shared_threat`` ...) of the baseline, one at a time, runs the ensembles each
stylised fact needs (sim.analysis.stylised_facts) with the factor at -spread and +spread of
its baseline value, on the baseline's seed, and prints whether each fact holds. Where a
fact breaks, the factor is bisected between its baseline value and the breaking value to
``--tolerance`` (relative to the baseline value) and the break-even is printed. ``--also``
adds any other parameter path as a factor (``actors.CHN.assertiveness``). ``--quick``
runs 100 replicates and a 5% tolerance, to try the script. Prints the time it took and
the command; ``--markdown FILE`` also writes the tables as Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
import time
from pathlib import Path

import sim
from sim.analysis.robustness import FactorRow, decision_factors, factor_row
from sim.analysis.stylised_facts import FACTS, Ensembles, Verdict, check_facts

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"
SEED = 20140306  # the stylised-fact tests' seed

#: Short column heads, in the order of FACTS.
LABELS = ("no RUS+CHN vs JPN", "RUS-JPN improves", "US-JPN holds", "RUS allied none",
          "CHN assert. monotone", "Kurils settle raises")  # fmt: skip


def _cell(row: FactorRow, fact: str, spread: float) -> str:
    """'ok' when the fact holds at both ends; else where it fails and its break-even."""
    parts = []
    for side, sign, verdicts in (("low", "-", row.at_low), ("high", "+", row.at_high)):
        if verdicts[fact].holds:
            continue
        be = row.break_evens.get((fact, side))
        where = f"{be.value:.3g}" if be else "fails at baseline"
        parts.append(f"fails at {sign}{spread:.0%} (break-even {where})")
    return "; ".join(parts) or "ok"


def baseline_table(verdicts: dict[str, Verdict]) -> tuple[list[str], list[list[str]]]:
    head = ["fact", "judged on", "baseline value", "threshold", "holds"]
    rows = [
        [v.fact, v.measure, f"{v.value:.3f}", f"{v.comparison} {v.threshold:g}", str(v.holds)]
        for v in verdicts.values()
    ]
    return head, rows


def robustness_table(rows: list[FactorRow], spread: float) -> tuple[list[str], list[list[str]]]:
    head = ["factor", "baseline", f"-{spread:.0%}", f"+{spread:.0%}", *LABELS]
    body = [
        [r.path, f"{r.baseline:g}", f"{r.low:.4g}", f"{r.high:.4g}"]
        + [_cell(r, f.name, spread) for f in FACTS]
        for r in rows
    ]
    return head, body


def text(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = [head, ["-" * w for w in widths], *rows]
    padded = ("  ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)) for line in lines)
    return "\n".join(padded)


def markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = [head, ["---"] * len(head), *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def break_even_lines(rows: list[FactorRow]) -> list[str]:
    return [str(be) for r in rows for be in r.break_evens.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=None, help="replicates (default 400)")
    parser.add_argument("--quick", action="store_true", help="100 replicates, 5%% tolerance")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--spread", type=float, default=0.2)
    parser.add_argument("--tolerance", type=float, default=None, help="default 0.01")
    parser.add_argument("--also", action="append", default=[], metavar="PATH")
    parser.add_argument("--markdown", type=Path, default=None, metavar="FILE")
    args = parser.parse_args()
    reps = args.reps or (100 if args.quick else 400)
    tolerance = args.tolerance or (0.05 if args.quick else 0.01)
    command = shlex.join([".venv/bin/python", "benchmarks/robustness.py", *sys.argv[1:]])
    start = time.perf_counter()

    scenario = sim.load_scenario(BASELINE)
    base = check_facts(Ensembles(scenario, reps, args.seed))
    factors = list(decision_factors(scenario)) + args.also
    ensembles: dict[tuple, Ensembles] = {}
    rows = []
    for path in factors:

        def runs(changes, path=path):
            key = tuple(sorted(changes.items()))
            if key not in ensembles:
                ensembles[key] = Ensembles(scenario, reps, args.seed, changes)
            return ensembles[key]

        rows.append(factor_row(scenario, path, runs, spread=args.spread, tolerance=tolerance))
        print(f"  {path}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    wall = time.perf_counter() - start
    runs_done = sum(e.runs for e in ensembles.values())

    tables = [baseline_table(base), robustness_table(rows, args.spread)]
    lines = break_even_lines(rows) or ["every fact holds under every change"]
    summary = (
        f"{reps} replicates, seed {args.seed}, spread {args.spread:.0%}, bisection tolerance "
        f"{tolerance:.0%} of the baseline value; {runs_done} ensembles in {wall:.0f} s "
        f"({dt.date.today().isoformat()})"
    )
    print(f"Stylised facts on the baseline ({reps} replicates, seed {args.seed})\n")
    print(text(*tables[0]))
    print(f"\nUnder -{args.spread:.0%} and +{args.spread:.0%} of one factor at a time\n")
    print(text(*tables[1]))
    print("\nBreak-evens:\n" + "\n".join(f"  {line}" for line in lines))
    print(f"\n{summary}\ncommand: {command}")
    if args.markdown:
        doc = [
            markdown(*tables[0]),
            markdown(*tables[1]),
            "\n".join(f"- {line}" for line in lines),
            f"{summary}. Command: `{command}`",
        ]
        args.markdown.write_text("\n\n".join(doc) + "\n", encoding="utf-8")
        print(f"wrote {args.markdown}")


if __name__ == "__main__":
    main()
