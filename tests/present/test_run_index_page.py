"""The index page of a results folder (sim.present.run_index_page): every folder linked,
the users' text escaped, the compare picker's command (its script run in node), and a
rewrite that is atomic and heals when folders come while it writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import REPO_ROOT, SMALL_YAML, load_small

import sim
from sim.present import run_index_page
from sim.present.run_index_page import index_html, write_index
from sim.results.run_folder import write_run
from sim.results.run_index import read_index

HOSTILE_NAME = "hostile"
HOSTILE_DESCRIPTION = "<script>alert(1)</script> & <b>bold</b>"


class Page(HTMLParser):
    """What a browser would make of the page: links, the picker's radio inputs with
    their data-* attributes as ``dataset`` (camelCase, unescaped) and the scripts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.inputs: list[dict] = []
        self.picker: dict[str, str] = {}
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    @staticmethod
    def dataset(attrs: dict[str, str | None]) -> dict[str, str]:
        def camel(name: str) -> str:
            head, *rest = name.removeprefix("data-").split("-")
            return head + "".join(w.title() for w in rest)

        return {camel(k): v or "" for k, v in attrs.items() if k.startswith("data-")}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "input" and a.get("type") == "radio":
            self.inputs.append({"name": a["name"], "dataset": self.dataset(a)})
        elif tag == "div" and a.get("id") == "picker":
            self.picker = self.dataset(a)
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


NODE_HARNESS = r"""
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const radios = input.inputs.map((i) => ({
  type: "radio", name: i.name, dataset: i.dataset, checked: false, listeners: [],
  addEventListener(event, f) { if (event === "change") this.listeners.push(f); },
}));
const notes = { items: [], appendChild(c) { this.items.push(c); } };
Object.defineProperty(notes, "textContent", { set() { this.items = []; } });
const elements = {
  picker: { dataset: input.picker }, command: { textContent: "" }, "pick-notes": notes,
};
global.document = {
  getElementById: (id) => elements[id],
  querySelector(selector) {
    const side = selector.match(/name="(\w+)"/)[1];
    return radios.find((r) => r.name === side && r.checked) || null;
  },
  querySelectorAll: () => radios,
  createElement: () => ({ textContent: "" }),
};
eval(input.script);
for (const [side, k] of [["a", input.pick[0]], ["b", input.pick[1]]]) {
  const group = radios.filter((r) => r.name === side);
  group.forEach((r) => { r.checked = false; });
  group[k].checked = true;
  group[k].listeners.forEach((f) => f());
}
console.log(JSON.stringify({
  command: elements.command.textContent, notes: notes.items.map((n) => n.textContent),
}));
"""


def pick(page: Page, a: str, b: str) -> dict:
    """Check the radio of run ``a`` as A and of ``b`` as B in node; the command and notes."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the picker's script cannot run here")
    ids = [i["dataset"]["id"] for i in page.inputs if i["name"] == "a"]
    payload = {
        "inputs": page.inputs,
        "picker": page.picker,
        "script": page.scripts[-1],
        "pick": [ids.index(a), ids.index(b)],
    }
    proc = subprocess.run(
        ["node", "-e", NODE_HARNESS],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs of the small scenario (one with its report, seeds 1 and 2), of a scenario whose
    description is HTML in a folder whose name is too, and one started from Python."""
    root = tmp_path_factory.mktemp("results")
    sim.save(sim.run(SMALL_YAML, replicates=30, seed=1), root)
    write_run(sim.run(SMALL_YAML, replicates=20, seed=2), root)
    folder = tmp_path_factory.mktemp('scenarios "<b>" with spaces')
    hostile = folder / "hostile what-if.yaml"
    text = SMALL_YAML.read_text()
    text = text.replace("name: small-test", f"name: {HOSTILE_NAME}")
    text = text.replace(
        "description: Three actors for the tests <b>(kept small)</b>.",
        f"description: {json.dumps(HOSTILE_DESCRIPTION)}",
    )
    hostile.write_text(text)
    write_run(sim.run(hostile, replicates=20, seed=1), root)
    write_run(sim.run(load_small(), replicates=20, seed=1), root)
    return root


def test_users_text_is_escaped(root: Path) -> None:
    html = index_html(read_index(root))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert" not in html and "<b>bold" not in html and '"<b>"' not in html
    assert html.count("<script>") == 1  # the picker's own
    assert "scenarios &#34;&lt;b&gt;&#34; with spaces" in html  # the file, in an attribute
    page = Page(html)
    files = {i["dataset"]["file"] for i in page.inputs}
    (hostile,) = [f for f in files if "hostile" in f]
    assert '"<b>" with spaces' in hostile  # the attribute gives the text back as written


def test_every_folder_is_listed_and_linked_to_a_page_that_exists(root: Path) -> None:
    path = write_index(root)
    html = path.read_text()
    index = read_index(root)
    assert len(index.entries) == 4
    for entry in index.entries:
        assert entry.path in html
    page = Page(html)
    assert page.links, "a run saved with its report is linked"
    for href in page.links:
        assert not href.startswith(("/", "http")), href  # relative: the folder can move
        assert (path.parent / unquote(href)).is_file(), href
    reports = [e.report for e in index.entries if e.report]
    assert sorted(unquote(h) for h in page.links) == sorted(reports)
    assert "cdn" not in html.lower() and "https://" not in html  # opens offline


def test_the_picker_gives_the_compare_command_of_two_runs(root: Path) -> None:
    index = read_index(root)
    page = Page(index_html(index, checkout=REPO_ROOT, out="/tmp/other results"))
    small = [e for e in index.entries if e.scenarios == ("small-test",) and e.scenario_files[0]]
    first, second = sorted(small, key=lambda e: e.seed)
    got = pick(page, first.path, second.path)
    assert got["command"] == (
        "python run.py compare tests/fixtures/small.yaml tests/fixtures/small.yaml "
        "--seed 1 --reps 30 --out '/tmp/other results'"
    )
    assert got["notes"] == [
        "A and B ran the same scenario (the same SHA-256): the comparison will show no difference.",
        "B ran with seed 2 and 20 replicates: the comparison runs both with A's (seed 1, 30 "
        "replicates), so B's numbers will differ from its own run's.",
    ]
    (hostile,) = [e for e in index.entries if e.scenarios == (HOSTILE_NAME,)]
    got = pick(page, hostile.path, first.path)
    file = hostile.scenario_files[0]
    assert " " in file  # a path the shell must get quoted
    assert got["command"].startswith(f"python run.py compare '{file}' tests/fixtures/small.yaml")


def test_a_run_started_from_python_says_what_its_manifest_records(root: Path) -> None:
    index = read_index(root)
    (no_file,) = [e for e in index.entries if e.scenario_files == (None,)]
    other = next(e for e in index.entries if e.scenario_files[0])
    got = pick(Page(index_html(index, program="alignsim")), no_file.path, other.path)
    assert got["command"].startswith(f"alignsim compare <the scenario of {no_file.path}> ")
    (note,) = [n for n in got["notes"] if "run from Python" in n]
    assert 'its manifest.json records the resolved scenario (its "scenario" field)' in note
    assert no_file.scenario_sha256[0][:12] in note


def test_no_runs_no_picker(tmp_path: Path) -> None:
    html = index_html(read_index(tmp_path))
    assert "No result folders yet" in html and "<script>" not in html


def test_the_rewrite_leaves_no_temporary_file_and_replaces_the_page(root: Path) -> None:
    path = write_index(root)
    first = path.stat().st_ino
    write_index(root)
    assert path.stat().st_ino != first  # replaced by rename, not rewritten in place
    assert not [p.name for p in root.iterdir() if ".tmp-" in p.name]


def test_a_folder_published_while_the_page_is_written_is_listed(
    root: Path, tmp_path: Path, monkeypatch
) -> None:
    copy = shutil.copytree(root, tmp_path / "results")
    template = next((copy / "small-test").iterdir())
    real = run_index_page.read_index
    calls = []

    def read_then_publish(folder):
        index = real(folder)
        calls.append(len(index.entries))
        if len(calls) == 1:  # another command publishes its folder just after this read
            shutil.copytree(template, copy / "small-test" / "20991231-235959-abcdef")
        return index

    monkeypatch.setattr(run_index_page, "read_index", read_then_publish)
    html = write_index(copy).read_text()
    assert calls == [4, 5]
    assert "small-test/20991231-235959-abcdef" in html


WRITER = """
import sys, time
from pathlib import Path
from sim.present.run_index_page import write_index
root, stop = Path(sys.argv[1]), Path(sys.argv[2])
while not stop.exists():
    write_index(root)
write_index(root)
"""


@pytest.mark.slow
def test_two_writers_at_once_never_leave_a_partial_page(root: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(root, tmp_path / "results")
    template = next((copy / "small-test").iterdir())
    stop = tmp_path / "stop"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(copy), str(stop)], cwd=REPO_ROOT)
        for _ in range(2)
    ]
    try:
        page = copy / "index.html"
        deadline = time.monotonic() + 120
        while not page.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        reads = 0
        for k in range(6):  # folders keep coming while both rewrite the page
            shutil.copytree(template, copy / "small-test" / f"2099010{k}-000000-abcdef")
            for _ in range(20):
                html = page.read_text()
                assert html.rstrip().endswith("</html>"), "a reader saw a half-written page"
                reads += 1
                time.sleep(0.01)
    finally:
        stop.touch()
        codes = [w.wait(timeout=120) for w in writers]
    assert codes == [0, 0]
    html = page.read_text()
    for k in range(6):
        assert f"small-test/2099010{k}-000000-abcdef" in html
    assert not [p.name for p in copy.iterdir() if ".tmp-" in p.name]
    assert reads == 120
