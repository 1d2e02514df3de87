"""The rooms of docs/architecture.md hold: what each package says it is, how imports are
made, and how large a module may grow. (The layers themselves are checked by the
import-linter contract in pyproject.toml, which .ci/run runs as `lint-imports`.)"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
from conftest import REPO_ROOT

SIM = REPO_ROOT / "sim"
MODULES = sorted(p for p in SIM.rglob("*.py") if "__pycache__" not in p.parts)
PACKAGES = sorted(p.parent for p in SIM.rglob("__init__.py") if p.parent != SIM)
LAYERS = [
    *("cli", "api", "workshop", "explore", "present", "analysis"),
    *("experiment", "results", "model", "scenario"),
]
MAX_LINES = 400
# Why an import is deferred: the comment on the import's line or the line above says so.
DEFERRED = re.compile(r"#.*\b(start-up|startup|heavy|defer|deferred|lazy|optional)\b", re.I)


def _name(path: Path) -> str:
    return ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)


def test_the_contract_lists_every_layer_once() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    listed = [name.strip() for layer in contract["layers"] for name in layer.split("|")]
    assert sorted(listed) == sorted(LAYERS)
    top_level = {p.stem for p in SIM.glob("*.py") if p.stem != "__init__"}
    top_level |= {p.name for p in SIM.iterdir() if (p / "__init__.py").exists()}
    assert top_level == set(LAYERS), "every top-level part of sim/ is a layer of the contract"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: _name(p))
def test_every_package_says_what_it_is_for_and_what_it_may_import(package: Path) -> None:
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
    assert doc, f"{_name(package)} has no docstring"
    if package.parent == SIM:  # a layer: it names what it may import
        assert "May import" in doc or "may import" in doc, _name(package)


def _function_imports(tree: ast.AST) -> list[ast.stmt]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    names = [a.name for a in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    names = [inner.module or ""]
                else:
                    continue
                if any(n == "sim" or n.startswith("sim.") for n in names):
                    found.append(inner)
    return found


@pytest.mark.parametrize("module", MODULES, ids=lambda p: _name(p))
def test_sim_imports_inside_functions_say_why(module: Path) -> None:
    lines = module.read_text().splitlines()
    bad = []
    for node in _function_imports(ast.parse("\n".join(lines))):
        here, above = lines[node.lineno - 1], lines[node.lineno - 2]
        if not (DEFERRED.search(here) or DEFERRED.search(above)):
            bad.append(f"{_name(module)}:{node.lineno}: {here.strip()}")
    assert not bad, "imports of sim inside functions without a reason:\n" + "\n".join(bad)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: _name(p))
def test_modules_stay_small_or_say_why(module: Path) -> None:
    text = module.read_text()
    if text.count("\n") <= MAX_LINES:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    assert re.search(r"\b(one file|declarative)\b", doc, re.I), (
        f"{_name(module)} has {text.count(chr(10))} lines; split it or say in its docstring "
        "why it must be one file"
    )


def test_the_module_map_lists_every_module_and_only_those() -> None:
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## Module map", 1)[1]
    listed: set[str] = set()
    package = None
    for line in section.splitlines():
        if head := re.match(r"\*\*`(sim/[\w/]+)/`\*\*", line):
            package = head.group(1)
        elif (item := re.match(r"- `(\w+\.py)`:", line)) and package:
            listed.add(f"{package}/{item.group(1)}")
    existing = {
        str(p.relative_to(REPO_ROOT))
        for p in MODULES
        if p.name != "__init__.py" and p.parent != SIM
    }
    assert sorted(existing - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - existing) == [], "docs/architecture.md lists modules that are gone"
