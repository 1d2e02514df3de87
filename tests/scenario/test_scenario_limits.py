"""Limits of what the loader reads: the size of a file, of text, and how deep YAML nests.

A file larger than the limit is refused from its size on disk, before it is read or
parsed: the tests make sparse files (nothing written, so nothing to read) and make the
parser fail if it is called at all.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

import sim.scenario.loader as loader
import sim.scenario.sourced_yaml as sourced_yaml
from sim.scenario import (
    ScenarioError,
    load_scenario,
    load_scenario_noted,
    load_scenario_text,
    resolve_scenario_dict,
)
from sim.scenario.sourced_yaml import DEFAULT_MAX_BYTES, MAX_DEPTH, megabytes

SMALL = """\
name: small
actors:
  A: {name: Alpha, size: 1}
  B: {name: Beta, size: 2}
"""


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def no_big_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if YAML text of more than 100 kB is parsed (small files may be)."""
    parse = sourced_yaml.parse_sourced

    def parse_small(text: str, *args: object, **kwargs: object) -> object:
        if len(text) > 100_000:
            raise AssertionError("a large file was parsed")
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(loader, "parse_sourced", parse_small)


def sparse(name: str, size: int, head: str = SMALL) -> Path:
    """A file of ``size`` bytes that starts with ``head`` and is a hole after it."""
    path = Path(name)
    with open(path, "wb") as f:
        f.write(head.encode())
        f.truncate(size)
    return path


def only_problem(work: object) -> str:
    with pytest.raises(ScenarioError) as info:
        work()  # type: ignore[operator]
    assert len(info.value.problems) == 1, info.value.problems
    return str(info.value.problems[0])


def test_the_default_limit_is_5_mb() -> None:
    assert DEFAULT_MAX_BYTES == 5_000_000
    assert megabytes(DEFAULT_MAX_BYTES) == "5 MB"


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    no_big_parsing: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sparse("big.yaml", 6_000_000)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(sourced_yaml, "open", no_reading, raising=False)
    for load in (load_scenario, load_scenario_noted, resolve_scenario_dict):
        msg = only_problem(lambda load=load: load(path))
        assert msg == "big.yaml: 6 MB, larger than the limit of 5 MB for a scenario file"


def test_the_message_says_the_files_size() -> None:
    path = sparse("scen.yaml", 50_200_000)
    assert only_problem(lambda: load_scenario(path)) == (
        "scen.yaml: 50.2 MB, larger than the limit of 5 MB for a scenario file"
    )


def test_just_over_the_limit_the_message_counts_bytes() -> None:
    path = sparse("edge.yaml", DEFAULT_MAX_BYTES + 1)
    assert only_problem(lambda: load_scenario(path)) == (
        "edge.yaml: 5,000,001 bytes, larger than the limit of 5 MB (5,000,000 bytes) for a "
        "scenario file"
    )


def test_a_file_at_the_limit_is_read() -> None:
    """A sparse file of exactly 5 MB passes the guard: then YAML refuses its NUL bytes."""
    path = sparse("at.yaml", DEFAULT_MAX_BYTES)
    msg = only_problem(lambda: load_scenario(path))
    assert msg == "at.yaml:5: invalid YAML: the character #x0000 is not allowed in a YAML file"


def test_max_bytes_raises_the_limit_and_lowers_it() -> None:
    path = sparse("big.yaml", 6_000_000)
    msg = only_problem(lambda: load_scenario(path, max_bytes=6_000_000))
    assert msg.startswith("big.yaml:5: invalid YAML: the character #x0000")  # read, then refused
    small = Path("small.yaml")
    small.write_text(SMALL)
    size = len(SMALL)
    assert load_scenario(small, max_bytes=size).name == "small"
    assert load_scenario_noted(small, max_bytes=size)[0].name == "small"
    assert only_problem(lambda: load_scenario(small, max_bytes=size - 1)) == (
        f"small.yaml: {size} bytes, larger than the limit of {size - 1} bytes for a scenario file"
    )


def test_a_base_in_an_extends_chain_is_guarded_too(no_big_parsing: None) -> None:
    sparse("base.yaml", 6_000_000)
    Path("middle.yaml").write_text("extends: base.yaml\nname: middle\n")
    Path("top.yaml").write_text("name: top\n\nextends: middle.yaml\n")
    msg = only_problem(lambda: load_scenario("top.yaml"))
    assert msg == (
        "middle.yaml:1: extends: base scenario base.yaml: 6 MB, larger than the limit of "
        "5 MB for a scenario file"
    )


def test_max_bytes_reaches_the_bases() -> None:
    Path("base.yaml").write_text(SMALL + "#" * 1000 + "\n")
    Path("top.yaml").write_text("extends: base.yaml\nname: top\n")
    assert only_problem(lambda: load_scenario("top.yaml", max_bytes=1000)) == (
        "top.yaml:1: extends: base scenario base.yaml: 1,076 bytes, larger than the limit of "
        "1,000 bytes for a scenario file"
    )
    assert load_scenario("top.yaml", max_bytes=1100).name == "top"


def test_text_over_the_limit_is_refused_before_it_is_parsed(no_big_parsing: None) -> None:
    text = SMALL + "#" * 6_000_000
    assert only_problem(lambda: load_scenario_text(text, name="upload.yaml")) == (
        "upload.yaml: 6 MB, larger than the limit of 5 MB for a scenario file"
    )


def test_text_is_measured_in_utf8_bytes() -> None:
    text = SMALL + "# " + "é" * 30 + "\n"  # 2 bytes each
    limit = len(text.encode())
    assert load_scenario_text(text, max_bytes=limit).name == "small"
    with pytest.raises(ScenarioError, match="larger than the limit"):
        load_scenario_text(text, max_bytes=limit - 1)


def test_text_with_max_bytes_and_a_base() -> None:
    Path("base.yaml").write_text(SMALL + "#" * 1000 + "\n")
    text = "extends: base.yaml\nname: top\n"
    msg = only_problem(lambda: load_scenario_text(text, max_bytes=1000))
    assert msg.startswith("<text>:1: extends: base scenario base.yaml: 1,076 bytes, larger")
    assert load_scenario_text(text, max_bytes=1100).name == "top"


def test_a_file_whose_size_is_unknown_is_read_only_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pipe or a device says size 0; reading stops one byte past the limit."""
    path = Path("stream.yaml")
    path.write_text(SMALL + "#" * 200 + "\n")
    unsized = SimpleNamespace(stat=lambda p: SimpleNamespace(st_size=0))
    monkeypatch.setattr(sourced_yaml, "os", unsized)
    assert only_problem(lambda: load_scenario(path, max_bytes=100)) == (
        "stream.yaml: larger than the limit of 100 bytes for a scenario file"
    )


# --- nesting --------------------------------------------------------------------------------


def nested(depth: int, indent: bool) -> str:
    """SMALL plus a key ``x`` holding ``depth`` levels of nesting, from line 5."""
    if indent:
        return SMALL + "x:\n" + "".join("  " * i + "k:\n" for i in range(1, depth + 1))
    return SMALL + "x: " + "[" * depth + "]" * depth + "\n"


def test_nesting_too_deep_names_the_line_where_it_passes_the_limit() -> None:
    text = nested(MAX_DEPTH + 20, indent=True)
    # x's value is level 1 (its first key on line 6): the key of level 65 is on line 69.
    assert only_problem(lambda: load_scenario_text(text)) == (
        f"<text>:{5 + MAX_DEPTH}: nested too deeply to read: more than {MAX_DEPTH} levels of "
        "mappings and lists"
    )


def test_nesting_just_at_the_limit_is_read() -> None:
    """Within the limit, the nesting is read (and then refused as an unknown key)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(nested(MAX_DEPTH - 1, indent=True))
    assert [p.path for p in info.value.problems] == ["x"]


def test_thousands_of_brackets_are_refused_with_a_line_not_a_crash() -> None:
    text = nested(100_000, indent=False)
    msg = only_problem(lambda: load_scenario_text(text))
    assert msg.startswith("<text>:5: nested too deeply to read")


def test_a_deeply_nested_condition_names_its_key() -> None:
    text = SMALL + textwrap.dedent(
        f"""\
        outcomes:
          o:
            when: '{"not " * 5000}A-B > 0'
        """
    )
    msg = only_problem(lambda: load_scenario_text(text))
    assert msg.startswith("<text>:7: outcomes.o.when: nested too deeply to read")


def test_too_many_values_are_refused_while_the_text_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More values than the limit stop the reading at the line where they pass it.

    Keys count too, so the text stops at twice the limit: values beyond it cannot fit.
    """
    monkeypatch.setattr(sourced_yaml, "MAX_NODES", 1000)
    text = SMALL + "x:\n" + "- 0\n" * 5000
    msg = only_problem(lambda: load_scenario_text(text))
    assert msg.startswith("<text>:")
    assert msg.endswith(": too large: more than 1000 values")
    line = int(msg.split(":")[1])
    assert 5 + 1000 < line < 5 + 2000


def test_values_the_text_holds_within_the_limit_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sourced_yaml, "MAX_NODES", 1000)
    text = SMALL + "x:\n" + "- 0\n" * 900
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text)
    assert [p.path for p in info.value.problems] == ["x"]  # read, then an unknown key
