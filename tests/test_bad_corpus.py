"""The malformed-scenario corpus (issue 14): tests/fixtures/bad/ holds scenario files with
the mistakes users make (bad YAML, tabs, encodings, wrong types, ranges, missing and
unknown keys, unknown actors, bad events, conditions, outcomes, uncertainties and sweeps,
broken extends chains, aliases and tags that try too much, duplicate keys ...), and
tests/fixtures/bad/expected.yaml says, for each, the fragment of the message it must
produce and the line that message must name.

Every file goes through ``validate`` and ``run`` in this process (``sim.cli.main.main``):
exit status 2, no traceback, the fragment on stderr on a ``FILE:LINE: ...`` line when a
line is expected, every stderr line naming a file, and nothing written to ``--out``.
The files are read from their folder (the working directory), so messages name them
as ``case.yaml:LINE`` and the bases they extend as ``bases/base.yaml:LINE``.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES

from sim.cli import main as cli
from sim.cli.main import main

BAD = FIXTURES / "bad"
EXPECTED: dict[str, dict] = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
CASES = sorted(EXPECTED)
# Every line a refused scenario prints names its file: "FILE:LINE: ..." or "FILE: ...".
NAMED = re.compile(r"^(note: )?[^:\s][^:]*(:\d+)?: \S")


def shown(file: str) -> str:
    """How the loader names a file of the corpus, read from the corpus's folder."""
    absolute = Path(os.path.abspath(BAD / file))
    try:
        return str(absolute.relative_to(BAD))
    except ValueError:
        return str(absolute)


def check_refused(name: str, code: int, out: str, err: str) -> None:
    """The command refused the case as the manifest says."""
    case = EXPECTED[name]
    prefix = None
    if case["line"] is not None:
        prefix = f"{shown(case.get('file', name))}:{case['line']}: "
    check_message(name, code, out, err, case["fragment"], prefix)


def check_message(
    name: str, code: int, out: str, err: str, fragment: str, prefix: str | None
) -> None:
    """Exit 2, no traceback, every stderr line naming its file, and ``fragment`` on one of
    them (on a line that starts with ``prefix``, when given)."""
    assert code == 2, f"{name}: exit {code}\n{err}{out}"
    for text in (out, err):
        assert "Traceback" not in text, f"{name}:\n{text}"
        assert "internal error" not in text, f"{name}:\n{text}"
    lines = err.splitlines()
    assert lines, f"{name}: nothing on stderr"
    for line in lines:
        assert NAMED.match(line), f"{name}: a line that names no file: {line!r}"
    hits = [line for line in lines if fragment in line]
    assert hits, f"{name}: expected {fragment!r} on stderr, got:\n{err}"
    if prefix is not None:
        assert any(h.startswith(prefix) for h in hits), (
            f"{name}: expected the message on a line starting {prefix!r}, got:\n{err}"
        )


_PARSER = functools.cache(cli.build_parser)


@pytest.fixture(autouse=True)
def one_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() builds its parser anew on each call (some 30 ms for every command's options,
    half of what a refused case costs); these tests share one, which parse_args leaves as
    it was."""
    monkeypatch.setattr(cli, "build_parser", _PARSER)


@pytest.fixture
def in_corpus(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(BAD)
    return BAD


def test_the_corpus_is_large_and_every_file_has_its_expectation() -> None:
    files = {p.name for p in BAD.iterdir() if p.is_file() and p.name != "expected.yaml"}
    assert files == set(EXPECTED), (
        f"files without expectations: {sorted(files - set(EXPECTED))}; "
        f"expectations without files: {sorted(set(EXPECTED) - files)}"
    )
    assert len(CASES) >= 100
    kinds = {case["kind"] for case in EXPECTED.values()}
    assert len(kinds) >= 10, kinds
    for name, case in EXPECTED.items():
        assert set(case) <= {"kind", "fragment", "line", "file"}, name
        # a fragment says what is wrong, not merely that something is
        assert len(case["fragment"]) >= 12, name
        assert case["line"] is None or case["line"] >= 1, name


@pytest.mark.parametrize("name", CASES)
def test_validate_refuses_it_with_its_message(
    name: str, in_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", name])
    out, err = capsys.readouterr()
    check_refused(name, code, out, err)
    assert f"{name}: ok" not in out


@pytest.mark.parametrize("name", CASES)
def test_run_refuses_it_and_writes_nothing(
    name: str, in_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    # --reps 1 --workers 1: should a case ever be accepted, its run stays short
    code = main(["run", name, "--out", str(results), "--reps", "1", "--workers", "1"])
    out, err = capsys.readouterr()
    check_refused(name, code, out, err)
    assert not results.exists() or not any(results.iterdir()), sorted(results.rglob("*"))
    assert not (in_corpus / "results").exists()


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_file_larger_than_the_limit_is_refused_from_its_size(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Made here, not kept in the corpus: 6 MB of a sparse file (a scenario, then NUL bytes
    # no reader should ever reach), and a what-if that extends it.
    monkeypatch.chdir(tmp_path)
    huge = tmp_path / "huge.yaml"
    huge.write_text("name: huge\nactors: {}\n")
    os.truncate(huge, 6 * 1024 * 1024)
    (tmp_path / "on-huge.yaml").write_text("# a what-if on a base too large\nextends: huge.yaml\n")
    results = tmp_path / "results"
    options = ["--out", str(results), "--reps", "1", "--workers", "1"] if command == "run" else []
    expected = {
        "huge.yaml": "huge.yaml: ",
        "on-huge.yaml": "on-huge.yaml:2: extends: base scenario huge.yaml: ",
    }
    for name, prefix in expected.items():
        code = main([command, name, *options])
        out, err = capsys.readouterr()
        fragment = "6.3 MB, larger than the limit of 5 MB for a scenario file"
        check_message(name, code, out, err, fragment, prefix)
    assert not results.exists()
