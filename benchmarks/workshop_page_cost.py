"""What one workshop page costs the browser: CPU while idle and for each change of the game.

    .venv/bin/python benchmarks/workshop_page_cost.py [--role observer] [--pages 10]
        [--idle 20] [--scenario scenarios/baseline-point.yaml]

``benchmarks/workshop_room.py`` finds that thirty chromium pages on this machine's two
cores take most of its CPU. This says where: it serves a fresh game in this process,
opens ``--pages`` pages of ``--role`` in one headless chromium (Debian's, through
Playwright; each page in its own context, as laptops are), waits until they are drawn,
and reads the CPU time of chromium's processes from /proc (Linux), by process type
(renderer, gpu-process, browser, network service). It prints the CPU seconds per page
over ``--idle`` seconds with nothing happening, then for each white-cell step (planning,
locked, adjudication, commit) from the step to every page showing it, plus two seconds
for the drawing to settle (idle is measured from 10 s after the pages opened). The
reference, in the same run, is the same measurement of
one blank page (``about:blank``) per context, so that a reader on another machine can
read the figures as ratios.

CPU seconds, not wall time: the figures hold on a loaded machine. Every wait is bounded;
the browser and the server are closed in ``finally`` blocks; loopback only.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from workshop_room import ARGS, CHROMIUM  # noqa: E402

from sim.workshop.game import Game  # noqa: E402
from sim.workshop.web.app import create_app  # noqa: E402
from sim.workshop.web.serve import start  # noqa: E402

TEAMS = ["JPN", "RUS", "CHN", "USA"]
LOAD_MS = 120_000  # a bound on a page's first drawing, not a speed target
WRONG = "wrong-code"
SETTLE_S = 2.0  # after a change, for the drawing to end
QUIET_S = 10.0  # after opening pages, before idle is measured: loading is not idling


def chromium_cpu() -> Counter[str]:
    """CPU seconds used so far by each type of chromium process alive now."""
    used: Counter[str] = Counter()
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
            if not name.startswith("chrom"):
                continue
            # chromium rewrites its command line with spaces between the arguments
            args = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        kind = "browser"
        for arg in args.replace("\0", " ").split(" "):
            if arg.startswith("--type="):
                kind = arg.removeprefix("--type=")
            elif arg.startswith("--utility-sub-type="):
                kind = arg.removeprefix("--utility-sub-type=").split(".")[0]
        fields = rest.split()
        used[kind] += (int(fields[11]) + int(fields[12])) / tick
    return used


def per_page(before: Counter[str], after: Counter[str], pages: int) -> str:
    """The CPU seconds per page between two readings, total and by process type."""
    spent = {k: (after[k] - before[k]) / pages for k in after}
    shown = ", ".join(f"{k} {v:.3f}" for k, v in sorted(spent.items()) if v >= 0.0005)
    return f"{sum(spent.values()):.3f} s ({shown})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--role",
        default="observer",
        help=f"control, team:JPN, observer ...; {WRONG}: the app's page for a wrong code (the "
        "same scripts, nothing drawn: what the scripts alone cost idle)",
    )
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of nothing")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/baseline-point.yaml")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="workshop-page-cost-"))

    def factory():
        game = Game.create(folder / "game.sqlite", args.scenario, None, TEAMS)
        return create_app(game, out_dir=folder / "aar")

    running = start(factory, cleanup=lambda web: web.game.close())
    web = running.made
    wrong = args.role == WRONG
    code = "not-a-join-code" if wrong else web.codes.code(args.role)
    print(f"{args.pages} page(s) of {args.role}; idle {args.idle:g} s; CPU seconds per page")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                blank = [browser.new_context().new_page() for _ in range(args.pages)]
                time.sleep(QUIET_S)
                before = chromium_cpu()
                time.sleep(args.idle)
                print(
                    f"  reference, blank pages idle: {per_page(before, chromium_cpu(), args.pages)}"
                )
                for page in blank:
                    page.context.close()
                pages = []
                for _ in range(args.pages):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    page.goto(f"{running.url}/play?code={code}", timeout=LOAD_MS)
                    page.locator("#page" if wrong else "#turn-label").wait_for(timeout=LOAD_MS)
                    pages.append(page)
                time.sleep(QUIET_S)
                before = chromium_cpu()
                time.sleep(args.idle)
                print(
                    f"  workshop pages idle:         {per_page(before, chromium_cpu(), args.pages)}"
                )
                steps = [
                    ("planning", lambda: web.game.advance("control")),
                    ("locked", lambda: web.game.advance("control")),
                    ("adjudication", lambda: web.game.advance("control")),
                    ("results", lambda: (web.game.propose("control"), web.game.commit("control"))),
                ]
                for phase, step in [] if wrong else steps:  # a wrong code shows no turn
                    before = chromium_cpu()
                    step()
                    for page in pages:
                        label = page.locator("#turn-label", has_text=phase)
                        label.wait_for(timeout=LOAD_MS)
                    time.sleep(SETTLE_S)
                    spent = per_page(before, chromium_cpu(), args.pages)
                    print(f"  to {phase + ':':<13}             {spent}")
            finally:
                browser.close()
    finally:
        running.stop()
    print(
        "command:",
        shlex.join([".venv/bin/python", "benchmarks/workshop_page_cost.py", *sys.argv[1:]]),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
