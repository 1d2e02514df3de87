"""What the browser tests share: Debian's chromium, how it is launched, and how long a
test waits for a page before it fails.

:func:`playwright_or_skip` is called at the top of a browser test module: it returns
Playwright's sync API, or skips the module (with the reason) when Playwright or chromium
is not installed; CI installs both (``playwright install`` cannot download here).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
"""Debian's chromium, the browser the tests drive."""
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""chromium's flags on this machine: no GPU, no sandbox, nothing reaching the network."""
# Bounds that end a test if the page never gets there, not speed targets: generous,
# because the machine is shared and its speed varies by a factor of three.
WAIT_MS = 45_000
"""How long a test waits for a page to reach a state."""
LAUNCH_MS = 120_000
"""How long starting chromium may take (long on a loaded machine)."""


def playwright_or_skip() -> ModuleType:
    """``playwright.sync_api``, or skip the calling module when it or chromium is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "chromium is not installed (apt-get install chromium); .ci/run installs it",
            allow_module_level=True,
        )
    return sync_api
