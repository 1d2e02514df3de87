"""The ``runs`` command, the results index the publishing commands rewrite, and the
installed ``alignsim`` script (the same commands under its own name)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import REPO_ROOT, SMALL_YAML

from sim.cli import ensemble_analysis
from sim.cli import main as cli
from sim.cli.program import invocation, prog
from sim.results.publish import publish_folder


def hostile_yaml(folder: Path) -> Path:
    """The small scenario under another name, with a description that is HTML."""
    path = folder / "hostile.yaml"
    text = SMALL_YAML.read_text().replace("name: small-test", "name: hostile")
    text = text.replace(
        "description: Three actors for the tests <b>(kept small)</b>.",
        'description: "<script>alert(1)</script> and <i>more</i>"',
    )
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results root after three runs through the command line: the small scenario with
    seeds 1 and 2, then the hostile one."""
    out = tmp_path_factory.mktemp("results")
    hostile = hostile_yaml(tmp_path_factory.mktemp("scenarios"))
    for file, seed in ((SMALL_YAML, 1), (SMALL_YAML, 2), (hostile, 3)):
        code = cli.main(["run", str(file), "--reps", "50", "--seed", str(seed), "--out", str(out)])
        assert code == 0
    return out


def runs(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["runs", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_runs_lists_every_run_newest_first(out: Path, capsys) -> None:
    code, text, err = runs(capsys, "--out", str(out))
    assert code == 0 and err == ""
    assert "3 result folders, newest first" in " ".join(text.split())
    by_seed = {
        json.loads((f / "manifest.json").read_text())["seed"]: f
        for scenario in ("small-test", "hostile")
        for f in (out / scenario).iterdir()
    }
    positions = [text.index(by_seed[seed].name) for seed in (1, 2, 3)]
    assert positions[2] < positions[1] < positions[0]  # run last, listed first
    for seed in ("1", "2", "3"):
        assert f" {seed} " in text
    assert "entente" in text and "%" in text
    assert text.rstrip().splitlines()[-1] == f"index: {(out / 'index.html').resolve()}"


def test_runs_of_one_scenario_and_as_json(out: Path, capsys) -> None:
    code, text, err = runs(capsys, "--out", str(out), "--scenario", "hostile", "--json")
    assert code == 0 and err == ""
    listing = json.loads(text)
    assert listing["root"] == str(out.resolve()) and listing["skipped"] == []
    (entry,) = listing["entries"]
    manifest = json.loads((out / entry["path"] / "manifest.json").read_text())
    assert entry["kind"] == "run" and entry["scenarios"] == ["hostile"]
    assert (entry["seed"], entry["replicates"]) == (3, 50)
    assert entry["scenario_sha256"] == [manifest["scenario_sha256"]]
    assert entry["started_at"] == manifest["started_at"]
    assert entry["description"] == "<script>alert(1)</script> and <i>more</i>"
    assert [e["outcome"] for e in entry["end_states"]] == ["entente", "thaw", "russia_free"]
    assert entry["report"] == f"{entry['path']}/report.html"
    code, text, _ = runs(capsys, "--out", str(out), "--scenario", "small-test", "--json")
    assert [e["seed"] for e in json.loads(text)["entries"]] == [2, 1]
    code, text, err = runs(capsys, "--out", str(out), "--scenario", "small-tset")
    assert code == 0 and "no result folders of scenario 'small-tset'" in " ".join(text.split())
    assert "did you mean 'small-test'?" in err


def test_a_damaged_manifest_is_skipped_with_a_note(out: Path, tmp_path: Path, capsys) -> None:
    copy = shutil.copytree(out, tmp_path / "results")
    damaged = next((copy / "small-test").iterdir())
    (damaged / "manifest.json").write_text('{"format": "alignsim-run", "seed": ')
    (copy / "small-test" / ".partial-20240101-000000-abcdef").mkdir()
    code, text, err = runs(capsys, "--out", str(copy))
    assert code == 0 and "Traceback" not in err
    assert err.splitlines() == [
        "note: skipped small-test/.partial-20240101-000000-abcdef: an unfinished run (the "
        "same command with --resume continues it)",
        f"note: skipped small-test/{damaged.name}: manifest.json is damaged (not JSON: "
        "Expecting value at line 1)",
    ]
    # the table's title wraps where the folder's path is long
    assert "2 result folders" in " ".join(text.split()) and damaged.name not in text
    code, text, err = runs(capsys, "--out", str(copy), "--json")
    assert code == 0 and len(json.loads(text)["skipped"]) == 2 and len(err.splitlines()) == 2


def test_runs_of_an_empty_or_missing_root(tmp_path: Path, capsys) -> None:
    code, text, err = runs(capsys, "--out", str(tmp_path / "none"))
    assert code == 0 and text.startswith("no result folders in ") and err == ""
    assert not (tmp_path / "none").exists()  # listing creates nothing
    (tmp_path / "file").write_text("x")
    code, _, err = runs(capsys, "--out", str(tmp_path / "file"))
    assert code == 2 and "is a file" in err


def test_each_run_rewrites_the_index_with_links_and_escaped_text(out: Path) -> None:
    html = (out / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;i&gt;more&lt;/i&gt;" in html
    assert "<script>alert" not in html and "<i>more" not in html
    links = [h.split('"', 1)[0] for h in html.split('href="')[1:]]
    folders = [f for s in ("small-test", "hostile") for f in (out / s).iterdir()]
    assert len(links) == len(folders) == 3
    for href in links:
        assert (out / unquote(href)).is_file() and href.endswith("/report.html")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file
    # the compare picker's command names what the run command records
    assert 'data-file="tests/fixtures/small.yaml"' in html
    assert f'data-out="{out.resolve()}"' in html


def test_runs_index_rebuilds_the_page(out: Path, tmp_path: Path, capsys) -> None:
    copy = shutil.copytree(out, tmp_path / "results")
    gone = next((copy / "small-test").iterdir())
    shutil.rmtree(gone)
    assert gone.name in (copy / "index.html").read_text()
    code, _, _ = runs(capsys, "--out", str(copy), "--index")
    assert code == 0 and gone.name not in (copy / "index.html").read_text()


def test_an_analysis_folder_rewrites_the_index(out: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(out, tmp_path / "results")
    source = next((copy / "small-test").iterdir())
    manifest = json.loads((source / "manifest.json").read_text())

    def save(result, root, command):  # a page's save function, as the analyses pass it
        def fill(tmp: Path, run_id: str):
            shutil.copy(source / "report.html", tmp / "tipping.html")
            return {**manifest, "format": 1, "kind": "tipping", "command": command}, [
                "tipping.html"
            ]

        return publish_folder(Path(root) / "tipping" / "small-test", "20990101-000000-abcdef", fill)

    folder = ensemble_analysis.write_result(save, None, copy, ["run.py", "tipping"])
    html = (copy / "index.html").read_text()
    assert f"tipping/small-test/{folder.name}/tipping.html" in html


def test_a_failing_index_write_is_a_note_not_a_failure(tmp_path: Path, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sim.present.run_index_page.atomic_write_bytes", full)
    code = cli.main(["run", str(SMALL_YAML), "--reps", "20", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0
    assert f"note: {tmp_path / 'index.html'} was not rewritten: No space left on device" in (
        captured.err
    )
    assert captured.out.rstrip().splitlines()[-1].startswith("report: ")
    assert not (tmp_path / "index.html").exists()


# --------------------------------------------------------------------------- the name


def test_the_program_is_named_as_it_was_started() -> None:
    assert prog("/usr/local/bin/alignsim") == "alignsim"
    assert prog("C:\\venv\\Scripts\\alignsim.exe".replace("\\", "/")) == "alignsim"
    assert prog("run.py") == prog("/x/sim/cli/__main__.py") == "run.py"
    assert invocation("alignsim") == "alignsim" and invocation("run.py") == "python run.py"


def alignsim_script() -> Path:
    """The installed console script of the interpreter running the tests."""
    scripts = Path(sysconfig.get_path("scripts"))
    found = shutil.which("alignsim", path=str(scripts)) or shutil.which(
        "alignsim", path=str(Path(sys.executable).parent)
    )
    if found is None:
        pytest.fail(f"no alignsim script in {scripts}: pip install -e . installs it")
    return Path(found)


def run_script(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(alignsim_script()), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "120"},
    )


@pytest.mark.slow
def test_the_installed_script_runs_the_same_commands(tmp_path: Path) -> None:
    proc = run_script("--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: alignsim ")
    for command in ("run", "compare", "runs", "validate"):
        assert f"    {command} " in proc.stdout
    proc = run_script("rnu", cwd=tmp_path)
    assert proc.returncode == 2
    assert "alignsim: error: 'rnu' is not a command; did you mean 'run'?" in proc.stderr
    assert "(alignsim --help says what each does)" in proc.stderr
    proc = run_script("run", "--reps", "0", SMALL_YAML, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("usage: alignsim run ")

    out = tmp_path / "out"
    proc = run_script("run", SMALL_YAML, "--reps", 30, "--seed", 4, "--out", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = Path(proc.stdout.strip().splitlines()[-1].removeprefix("report: "))
    manifest = json.loads((report.parent / "manifest.json").read_text())
    assert manifest["command"][:2] == ["alignsim", "run"] and manifest["replicates"] == 30
    proc = run_script("runs", "--out", out, "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (entry,) = json.loads(proc.stdout)["entries"]
    assert entry["path"] == f"small-test/{report.parent.name}" and entry["seed"] == 4
    # started as alignsim, the index's compare command is alignsim's, with absolute files
    proc = run_script("run", SMALL_YAML, "--reps", 20, "--out", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    html = (out / "index.html").read_text()
    assert "<code>alignsim runs</code>" in html
    assert f'data-program="alignsim" data-out="{out.resolve()}"' in html
    assert f'data-file="{SMALL_YAML.resolve()}"' in html


def test_run_py_keeps_its_name() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "run.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("usage: run.py ")
