"""Property: whatever the text of a scenario file, load_scenario returns a Scenario or raises
a ScenarioError that names the file; never any other exception.

The inputs are the real baseline and a small what-if that extends it, mutated line by line
and character by character (deleted, duplicated, replaced, retyped values, random keys,
truncation, bytes that are not UTF-8), and the files of the malformed-scenario corpus
(tests/fixtures/bad/, issue 14) mutated the same way, loaded directly and through
``run.py validate``.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO_ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.scenario import Scenario, ScenarioError, load_scenario

ROOT = REPO_ROOT
BASELINE = (ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
WHATIF = (ROOT / "tests" / "fixtures" / "scenarios" / "whatif_adiz.yaml").read_text(
    encoding="utf-8"
)
# The what-if says `extends: ../../../scenarios/baseline.yaml`: keep that layout.
WHATIF_AT = Path("tests/fixtures/scenarios/whatif.yaml")
BASELINE_AT = Path("scenarios/baseline.yaml")

VALUES = [
    "[1, 2]", "{a: 1}", "{}", "[]", "yes", "NO", "null", "~", "''", "'text'", "-5", "0",
    "1e400", ".nan", ".inf", "2014-13-45", "2031-01-01", "2014-01-01 10:00", "0.5", "41",
    "RUS", "KOR-RUS", "RUS-RUS", "JPN-RUS", "&x 1", "*x", "*nope", "!!binary aGk=",
    "!!python/object/apply:os.system ['true']", "!foo 1", "!!set {a, b}", "[", "{", "'",
    '"\\x"', "|", ">", "- a", "a: b: c", "\t1", "\x00", "é", "\ufeff", "9" * 5000,
    "<<: {a: 1}", "extends.yaml", "../../../scenarios/baseline.yaml", "whatif.yaml",
]  # fmt: skip
KEYS = [
    "foo", "extends", "actors.XX.size", "actors.KOR", "dyads.RUS-KOR.relation",
    "dyads.JPN-RUS", "dyads.RUS-JPN.irritants.x.CHN", "<<", "name", "events.e.at",
    "events.e.step", "events.e.set.actors.CHN.size", "..", "a.b", "CHN", "JPN-RUS", "all",
    "set", "run.steps", "actors.CHN.capabilities", "outcomes.o.all", "? [a]", "NO", "1",
]  # fmt: skip

index = st.integers(min_value=0, max_value=10_000)
mutation = st.one_of(
    st.tuples(st.just("delete_line"), index),
    st.tuples(st.just("duplicate_line"), index),
    st.tuples(st.just("replace_line"), index, st.text(max_size=30)),
    st.tuples(st.just("replace_char"), index, st.characters()),
    st.tuples(st.just("delete_char"), index),
    st.tuples(st.just("insert_char"), index, st.sampled_from(list(":-{}[]#&*!|>'\"\t\n ,.?"))),
    st.tuples(st.just("retype_value"), index, st.sampled_from(VALUES)),
    st.tuples(
        st.just("insert_key"),
        index,
        st.integers(0, 6),
        st.sampled_from(KEYS),
        st.sampled_from(VALUES),
    ),
    st.tuples(st.just("truncate"), index),
)


def mutate(text: str, op: tuple) -> str:
    """Apply one mutation; indices wrap around the text's lines or characters."""
    kind, at = op[0], op[1]
    lines = text.split("\n")
    line = at % len(lines)
    char = at % (len(text) + 1)
    if kind == "delete_line":
        del lines[line]
    elif kind == "duplicate_line":
        lines.insert(line, lines[line])
    elif kind == "replace_line":
        lines[line] = op[2]
    elif kind == "replace_char":
        return text[:char] + op[2] + text[char + 1 :]
    elif kind == "delete_char":
        return text[:char] + text[char + 1 :]
    elif kind == "insert_char":
        return text[:char] + op[2] + text[char:]
    elif kind == "retype_value":
        head, sep, _ = lines[line].partition(": ")
        lines[line] = f"{head}{sep or ': '}{op[2]}"
    elif kind == "insert_key":
        lines.insert(line, f"{' ' * op[2]}{op[3]}: {op[4]}")
    elif kind == "truncate":
        return text[:char]
    return "\n".join(lines)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(["baseline", "whatif", "both"]),
    load=st.sampled_from(["baseline", "whatif"]),
    ops=st.lists(mutation, min_size=1, max_size=4),
)
def test_any_mutation_gives_a_scenario_or_a_scenario_error(
    target: str, load: str, ops: list[tuple]
) -> None:
    texts = {"baseline": BASELINE, "whatif": WHATIF}
    for op in ops:
        for name in ("baseline", "whatif") if target == "both" else (target,):
            texts[name] = mutate(texts[name], op)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"baseline": Path(tmp) / BASELINE_AT, "whatif": Path(tmp) / WHATIF_AT}
        for name, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            # surrogatepass: lone surrogates from st.characters() become bytes that are not UTF-8
            path.write_bytes(texts[name].encode("utf-8", errors="surrogatepass"))
        try:
            result = load_scenario(paths[load])
        except ScenarioError as exc:
            text = str(exc)
            assert text.strip()
            assert exc.problems
            names = (paths["baseline"].name, paths["whatif"].name)
            for problem in exc.problems:
                assert problem.file.endswith(names), problem
                assert problem.message, problem
                assert problem.line is None or problem.line >= 1, problem
            assert any(name in text for name in names)
            assert "internal error" not in text, text
        else:
            assert isinstance(result, Scenario)


def _key_paths(data: object, prefix: str = "") -> list[str]:
    """Every dotted key path of a mapping (list items excluded)."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.append(path)
            out.extend(_key_paths(value, path))
    return out


BASE_PATHS = [*_key_paths(yaml.safe_load(BASELINE)), "events.e.at", "events.e.step"]
override = st.tuples(st.sampled_from(BASE_PATHS + KEYS), st.sampled_from(VALUES))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(overrides=st.lists(override, min_size=1, max_size=5))
def test_any_value_at_any_key_gives_a_scenario_or_a_scenario_error(
    overrides: list[tuple[str, str]],
) -> None:
    body = "".join(f"{key}: {value}\n" for key, value in overrides)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "baseline.yaml").write_text(BASELINE, encoding="utf-8")
        path = Path(tmp) / "whatif.yaml"
        path.write_text(f"name: w\nextends: baseline.yaml\n{body}", encoding="utf-8")
        try:
            assert isinstance(load_scenario(path), Scenario)
        except ScenarioError as exc:
            text = str(exc)
            assert "whatif.yaml" in text or "baseline.yaml" in text
            assert "internal error" not in text, text


# --- the malformed-scenario corpus, mutated --------------------------------------------------

BAD = FIXTURES / "bad"
CORPUS = sorted(p.name for p in BAD.glob("*.yaml") if p.name != "expected.yaml")


@pytest.fixture(scope="module")
def corpus_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus (with its bases) and of the scenarios it extends, laid out as in
    the repository, so that every relative `extends` of a mutated file still resolves."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(BAD, root / "tests" / "fixtures" / "bad")
    (root / "scenarios" / "defaults").mkdir(parents=True)
    for name in ("baseline.yaml", "defaults/outcomes.yaml"):
        shutil.copy(ROOT / "scenarios" / name, root / "scenarios" / name)
    return root / "tests" / "fixtures" / "bad"


def _mutant(folder: Path, name: str, ops: list[tuple]) -> Path:
    """Write the corpus file ``name``, mutated by ``ops``, beside it; return its path."""
    # surrogateescape: the corpus's bytes that are not UTF-8 survive the round trip
    text = (BAD / name).read_bytes().decode("utf-8", errors="surrogateescape")
    for op in ops:
        text = mutate(text, op)
    try:
        raw = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from st.characters(): bytes that are not UTF-8
        raw = text.encode("utf-8", errors="surrogatepass")
    path = folder / f"mutant-{name}"
    path.write_bytes(raw)
    return path


corpus_ops = st.lists(mutation, min_size=0, max_size=3)
NAMED = re.compile(r"^(note: )?[^:\s][^:]*(:\d+)?: \S")


def corpus_fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The inputs of a corpus test: a corpus file and up to three mutations of its text."""

    def wrap(test: Callable[..., None]) -> Callable[..., None]:
        inputs = given(name=st.sampled_from(CORPUS), ops=corpus_ops)(test)
        return settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        )(inputs)

    return wrap


@corpus_fuzz(examples=150)
def test_any_mutation_of_a_bad_file_gives_a_scenario_or_a_scenario_error(
    corpus_tree: Path, name: str, ops: list[tuple]
) -> None:
    path = _mutant(corpus_tree, name, ops)
    try:
        result = load_scenario(path)
    except ScenarioError as exc:
        text = str(exc)
        assert exc.problems, text
        for problem in exc.problems:
            assert problem.file, problem
            assert problem.message, problem
            assert problem.line is None or problem.line >= 1, problem
        assert "internal error" not in text, text
    else:
        assert isinstance(result, Scenario)


@corpus_fuzz(examples=40)
def test_validate_of_any_mutated_bad_file_exits_0_or_2_without_a_traceback(
    corpus_tree: Path, name: str, ops: list[tuple]
) -> None:
    path = _mutant(corpus_tree, name, ops)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(path)])
    assert code in (0, 2), err.getvalue()
    for text in (out.getvalue(), err.getvalue()):
        assert "Traceback" not in text, text
        assert "internal error" not in text, text
    for line in err.getvalue().splitlines():  # each says which file: "FILE[:LINE]: ..."
        assert NAMED.match(line), line
