"""The results index in a real browser (Debian's chromium, driven by Playwright): the page
opens from disk, its links lead to the reports, and picking two runs writes their compare
command. Skipped (with the reason) when chromium or Playwright is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import ARGS, CHROMIUM, LAUNCH_MS, WAIT_MS, playwright_or_skip
from conftest import REPO_ROOT, SMALL_YAML

sync_api = playwright_or_skip()

import sim  # noqa: E402
from sim.present.run_index_page import write_index  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """index.html of two saved runs of the small scenario, seeds 1 and 2."""
    root = tmp_path_factory.mktemp("results")
    for seed in (1, 2):
        sim.save(sim.run(SMALL_YAML, replicates=20, seed=seed), root)
    write_index(root, checkout=REPO_ROOT)
    return root / "index.html"


def test_picking_two_runs_gives_their_compare_command(index: Path) -> None:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=LAUNCH_MS)
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(index.as_uri())
            command = page.locator("#command")
            sync_api.expect(command).to_contain_text("pick a run as A and one as B")
            a = page.locator('input[type="radio"][name="a"]')
            b = page.locator('input[type="radio"][name="b"]')
            assert a.count() == 2 and b.count() == 2
            seeds = [int(a.nth(k).get_attribute("data-seed")) for k in range(2)]
            first = seeds.index(1)
            a.nth(first).check()
            b.nth(1 - first).check()
            sync_api.expect(command).to_have_text(
                "python run.py compare tests/fixtures/small.yaml tests/fixtures/small.yaml "
                "--seed 1 --reps 20"
            )
            sync_api.expect(page.locator("#pick-notes li").first).to_contain_text(
                "the same scenario"
            )
            # every report link opens a report that exists
            hrefs = page.locator('a[href$="report.html"]')
            assert hrefs.count() == 2
            for k in range(2):
                target = index.parent / hrefs.nth(k).get_attribute("href")
                assert target.is_file()
            assert errors == []
        finally:
            browser.close()
