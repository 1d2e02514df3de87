"""What the browser benchmarks share: Debian's chromium and the flags it runs with here
(headless, no GPU, no sandbox, nothing reaching the network; ``playwright install``
cannot download on this machine). tests/browser_support.py holds the tests' own."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAUNCH_MS = 120_000
"""How long starting chromium may take (long on a loaded machine)."""
