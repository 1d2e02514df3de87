"""The compiled kernels' cache follows every source they are compiled from."""

from __future__ import annotations

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
    other = tmp_path / "someone-elses"
    other.mkdir()
    folder = compile_cache.use_fingerprinted_cache()
    assert folder == tmp_path / f"{compile_cache.PREFIX}{compile_cache.fingerprint()}"
    assert folder.is_dir() and str(folder) == numba.config.CACHE_DIR
    assert not old.exists() and other.exists()
