"""The explorer in a real browser (Debian's chromium, driven by Playwright).

``run.py explore`` runs in a subprocess on a copy of the shipped scenarios, on a free
loopback port, with 200 replicates; one browser page drives it. Skipped (with the reason)
when chromium or Playwright is not installed; CI installs both.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from browser_support import ARGS, CHROMIUM, LAUNCH_MS, WAIT_MS, playwright_or_skip
from conftest import REPO_ROOT

sync_api = playwright_or_skip()

from sim.analysis.common import signed  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

START_S = 120
pytestmark = pytest.mark.slow
CHINA = 'input[name="actors.CHN.assertiveness"]'


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The explorer of a copy of scenarios/baseline.yaml, serving on a free port: the
    folder of the copy and the page's URL; stopped (SIGTERM) after the module."""
    folder = tmp_path_factory.mktemp("explore") / "scenarios"
    shutil.copytree(
        REPO_ROOT / "scenarios", folder, ignore=shutil.ignore_patterns("history", "workshop")
    )
    command = [sys.executable, "run.py", "explore", str(folder / "baseline.yaml")]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--reps", "200"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    url, said = None, []
    try:
        while url is None:
            line = lines.get(timeout=START_S)
            said.append(line)
            if line.startswith("explorer of "):
                url = line.rsplit(" ", 1)[1].strip()
            assert proc.poll() is None, "".join(said)
        yield folder, url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=START_S)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(served):
    _, url = served
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=LAUNCH_MS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(url)
            expect_text(page.locator("#explore-msg"), "no change (the base against itself)")
            yield page
        finally:
            browser.close()


def expect_text(locator, text: str) -> None:
    sync_api.expect(locator).to_contain_text(text, timeout=WAIT_MS)


def differences(page) -> list[str]:
    """The mean differences the heatmap writes in its cells, one per dyad."""
    rows = page.evaluate(
        "() => document.querySelector('#fig-differences .js-plotly-plot').data[0].text"
    )
    return [cell for row in rows for cell in row]


def type_into(page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill(value)
    box.press("Enter")


def test_a_change_reruns_and_redraws_the_figures(page):
    assert set(differences(page)) == {signed(0.0)}  # the base against itself: no difference
    sync_api.expect(page.locator("#fig-relations .main-svg").first).to_be_visible()
    type_into(page, CHINA, "0.95")
    expect_text(page.locator("#explore-msg"), "What-if: actors.CHN.assertiveness 0.95")
    assert set(differences(page)) != {signed(0.0)}
    legend = page.locator("#fig-end_states").inner_text()
    assert "what-if" in legend and "baseline" in legend


def test_a_value_out_of_range_is_refused_in_the_page(page):
    # two changes in quick succession: the page ends on the newer
    type_into(page, CHINA, "0.8")
    type_into(page, CHINA, "0.9")
    expect_text(page.locator("#explore-msg"), "What-if: actors.CHN.assertiveness 0.9.")
    before = differences(page)
    type_into(page, CHINA, "1.5")
    expect_text(
        page.locator("#explore-msg"),
        "Refused: China: assertiveness: 1.5 is outside its range, 0 to 1. Nothing was run",
    )
    assert differences(page) == before  # the figures still show the last change


def test_save_writes_a_valid_what_if_and_refuses_to_replace_it_unconfirmed(page, served):
    folder, _ = served
    before = {p.relative_to(folder) for p in folder.rglob("*")}
    type_into(page, CHINA, "0.9")
    type_into(page, 'input[name="weights.threat"]', "0.5")
    expect_text(page.locator("#explore-msg"), "weights.threat 0.5")
    page.locator("#save-name").fill("from-the-page.yaml")
    page.locator("#save-button").click()
    expect_text(page.locator("#save-msg"), f"Saved {folder / 'from-the-page.yaml'}")
    saved = load_scenario(folder / "from-the-page.yaml")
    assert saved.actors["CHN"].assertiveness == 0.9
    assert saved.weights.threat == 0.5
    assert 'extends: "baseline.yaml"' in (folder / "from-the-page.yaml").read_text()

    type_into(page, 'input[name="weights.threat"]', "0.6")
    expect_text(page.locator("#explore-msg"), "weights.threat 0.6")
    page.locator("#save-button").click()
    expect_text(page.locator("#save-msg"), "exists; tick 'replace an existing file'")
    assert load_scenario(folder / "from-the-page.yaml").weights.threat == 0.5
    page.get_by_label("replace an existing file").check()
    page.locator("#save-button").click()
    expect_text(page.locator("#save-msg"), "Replaced")
    assert load_scenario(folder / "from-the-page.yaml").weights.threat == 0.6
    sync_api.expect(page.get_by_label("replace an existing file")).not_to_be_checked()
    # back to the base: every box as the base has it, and the base against itself drawn
    page.locator("#reset-button").click()
    expect_text(page.locator("#explore-msg"), "no change (the base against itself)")
    sync_api.expect(page.locator(CHINA)).to_have_value("0.6")
    assert set(differences(page)) == {signed(0.0)}
    # nothing else was written beside the base, by the runs or the saves
    assert {p.relative_to(folder) for p in folder.rglob("*")} - before == {
        Path("from-the-page.yaml")
    }
