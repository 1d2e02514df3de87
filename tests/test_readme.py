"""The README's examples work as written (so the README stays true)."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_quickstart_is_two_commands_of_the_dev_script():
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in code_blocks("sh")[0].splitlines()]
    assert commands == ["./dev run", "./dev test"]
    assert "```sh" in quickstart
    dev = (ROOT / "dev").read_text()
    assert "run)" in dev and "test)" in dev


def test_the_python_api_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = []
    monkeypatch.setattr(go.Figure, "show", lambda fig, *a, **k: shown.append(fig))
    (snippet,) = code_blocks("python")
    snippet = snippet.replace(
        "sim.save(result)", f"sim.save(result, results_root={str(tmp_path)!r})"
    )
    namespace: dict = {}
    exec(compile(snippet, "README.md", "exec"), namespace)
    folder = namespace["folder"]
    assert (folder / "report.html").is_file()
    assert namespace["result"].model.replicates == 500
    assert len(shown) == 1


@pytest.mark.parametrize("path", ["scenarios/kurils-settled.yaml"])
def test_the_what_if_example_is_the_shipped_file(path):
    shipped = (ROOT / path).read_text()
    (example,) = [b for b in code_blocks("yaml") if "kurils-settled" in b]
    for line in example.splitlines()[1:]:
        if line.strip() and not line.lstrip().startswith("#"):
            assert line.strip() in shipped, line
