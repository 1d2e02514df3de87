"""The compiled kernels' cache follows every source they are compiled from."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numba
import pytest

from sim.model import compile_cache


def _module(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(f"from numba import njit\n\n{body}\n")


def test_an_edit_of_any_compiled_module_changes_the_fingerprint(tmp_path: Path) -> None:
    _module(tmp_path, "choice.py", "def f(x):\n    return x")
    _module(tmp_path, "kernel.py", "def g(x):\n    return f(x)")
    (tmp_path / "plain.py").write_text("X = 1\n")
    before = compile_cache.fingerprint(tmp_path)
    (tmp_path / "plain.py").write_text("X = 2\n")  # compiles nothing: no new folder
    assert compile_cache.fingerprint(tmp_path) == before
    _module(tmp_path, "choice.py", "def f(x):\n    return x + 1")  # kernel.py unchanged
    assert compile_cache.fingerprint(tmp_path) != before


def test_the_cache_moves_to_this_versions_folder_and_old_ones_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)
    old = tmp_path / f"{compile_cache.PREFIX}0123456789abcdef"
    (old / "sub").mkdir(parents=True)
    day_ago = time.time() - compile_cache.KEEP_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    recent = tmp_path / f"{compile_cache.PREFIX}fedcba9876543210"  # perhaps still in use
    recent.mkdir()
    other = tmp_path / "someone-elses"
    other.mkdir()
    folder = compile_cache.use_fingerprinted_cache()
    assert folder == tmp_path / f"{compile_cache.PREFIX}{compile_cache.fingerprint()}"
    assert folder.is_dir() and str(folder) == numba.config.CACHE_DIR
    assert not old.exists() and recent.exists() and other.exists()


def test_every_compiling_module_sets_the_cache_before_it_compiles() -> None:
    for path in sorted(compile_cache.HERE.glob("*.py")):
        text = path.read_text()
        if "from numba import" not in text or path.name == "compile_cache.py":
            continue
        imports = text.index("from sim.model.compile_cache import CACHE")
        assert imports < text.index("@njit"), path.name
