"""The docs name code that exists: every `sim.…` name and every `sim/…` path in backticks
in README.md and docs/*.md resolves (docs/model.md's own, stricter checks are in
tests/model/test_model_doc.py)."""

from __future__ import annotations

import re

import pytest
from conftest import REPO_ROOT, resolve_dotted

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
NAME = re.compile(r"`(sim(?:\.\w+)+)(?:\([^`]*\))?`")
PATH = re.compile(r"`((?:sim|tests|benchmarks|scenarios)/[\w/.-]*)`")


def _mentions(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    found = set()
    for page in PAGES:
        for hit in pattern.findall(page.read_text(encoding="utf-8")):
            found.add((page.name, hit))
    return sorted(found)


@pytest.mark.parametrize(("page", "dotted"), _mentions(NAME))
def test_every_name_the_docs_give_exists(page: str, dotted: str) -> None:
    try:
        resolve_dotted(dotted)
    except (AttributeError, ModuleNotFoundError) as exc:
        pytest.fail(f"{page} names `{dotted}`, which does not exist ({exc})")


@pytest.mark.parametrize(("page", "path"), _mentions(PATH))
def test_every_path_the_docs_give_exists(page: str, path: str) -> None:
    assert (REPO_ROOT / path.rstrip("/")).exists(), f"{page} names `{path}`"
