"""The scenario library (scenarios/*.yaml, docs/library.md) stays valid, sourced and true.

Every shipped scenario loads, runs, is named after its file, says what it is, points
editors at the schema and (apart from the baseline) builds on the baseline; every number
in a what-if carries a comment (a source or "judgement"), and its header quotes the
bulletin faithfully. A few what-ifs are also checked for the direction their story
claims, against the baseline on the same seed (common random numbers), on a modest
ensemble: these are the measured effects docs/library.md reports, with margins.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import yaml

import sim
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
ALL = sorted(SCENARIOS.glob("*.yaml"))
POINT = SCENARIOS / "baseline-point.yaml"  # the baseline without its uncertainties
LIBRARY = [p for p in ALL if p not in (BASELINE, POINT)]  # the what-ifs
BULLETIN = Path("/work/shared/reference/bulletin-250-russia-japan.txt")
SCHEMA_LINE = "# yaml-language-server: $schema=../docs/scenario.schema.json"

REPS = 200  # the baseline's replicates and seed: common random numbers across scenarios


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


# --------------------------------------------------------------------------- every file


def test_the_library_is_there():
    names = {p.stem for p in LIBRARY}
    expected = {
        "china-escalates",
        "china-restrains",
        "kurils-settled",
        "kurils-talks-collapse",
        "missile-defence-expands",
        "japan-lifts-barriers",
        "us-engages-russia",
        "russia-china-deepen",
        "japan-wedge",
        "extended-region",
    }
    assert expected <= names, expected - names


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_scenario_validates_and_runs(path):
    scenario = load_scenario(path)
    result = sim.run(path, replicates=20, workers=1, record="outcomes")
    ends = np.asarray(result.model.ends)
    assert ends.shape == (20, len(result.model.dyads))
    assert np.isfinite(ends).all() and (np.abs(ends) <= 1.0).all()
    assert list(result.outcomes["outcome"]) == list(scenario.outcomes)


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_name_is_the_file_name_and_there_is_a_description(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", scenario.name), "kebab-case"
    assert len(scenario.description.split()) >= 5


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_first_line_points_editors_at_the_schema(path):
    assert path.read_text().splitlines()[0] == SCHEMA_LINE


def extends_chain(path: Path) -> list[Path]:
    """The files a scenario extends, nearest first (read from the raw YAML)."""
    chain = []
    while True:
        base = yaml.safe_load(path.read_text()).get("extends")
        if base is None:
            return chain
        path = (path.parent / base).resolve()
        assert path not in chain, "extends cycle"
        chain.append(path)


@pytest.mark.parametrize("path", LIBRARY, ids=ids(LIBRARY))
def test_what_ifs_extend_the_baseline(path):
    assert BASELINE.resolve() in extends_chain(path)


# --------------------------------------------------------------------------- sources


def number_lines_without_a_comment(path: Path) -> list[str]:
    """Lines of a what-if that set a number with no comment beside or just above them."""
    bare = []
    previous = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        code = stripped.split("#", 1)[0].rstrip()
        setting = re.fullmatch(r"[\w.-]+:\s*(-?\d+(\.\d+)?)", code)
        skip = re.match(r"(step|steps|replicates|seed|chunk_size):", code)
        if setting and not skip and "#" not in stripped and not previous.startswith("#"):
            bare.append(line)
        # Flow mappings with numbers ({dist: uniform, low: 0.4, ...}) need a comment too.
        if re.search(r"\{.*\d.*\}", code) and "#" not in stripped:
            bare.append(line)
        if stripped:
            previous = stripped
    return bare


@pytest.mark.parametrize("path", LIBRARY, ids=ids(LIBRARY))
def test_every_number_carries_a_source_or_a_judgement(path):
    assert number_lines_without_a_comment(path) == []


def header(path: Path) -> str:
    """The comment block at the top of a file, without the '#'."""
    lines = []
    for line in path.read_text().splitlines()[1:]:
        if not line.startswith("#"):
            break
        lines.append(line[1:])
    return "\n".join(lines)


def normalise(text: str) -> str:
    """Compare words, not typography: straight quotes (double as single), plain dashes."""
    text = text.replace("*", "").replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", "'").replace("\u201d", "'").replace('"', "'")
    text = re.sub(r"\s*[\u2014\u2013]\s*|\s+-\s+", " - ", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("path", LIBRARY, ids=ids(LIBRARY))
def test_the_header_quotes_the_bulletin_faithfully(path):
    text = header(path)
    assert "Bulletin 250" in text
    # Quoted passages are indented by three spaces and open with a double quote.
    quotes = re.findall(r'^\s{3}"(.*?)"\s*$', text, flags=re.S | re.M)
    assert quotes, "the header should quote the passage the scenario explores"
    if not BULLETIN.is_file():
        pytest.skip(f"{BULLETIN} is not available here")
    # The second page's running head and pull quote interrupt a sentence of the text.
    page_break = r"\s*Asia Pacific Bulletin \| March 6, 2014\s*\u201c[^\u201d]*\u201d\s*"
    bulletin = normalise(re.sub(page_break, " ", BULLETIN.read_text()))
    for quote in quotes:
        for fragment in re.split(r"\.\.\.", normalise(quote)):
            fragment = fragment.strip(" .,-")
            if len(fragment) > 15:
                assert normalise(fragment) in bulletin, fragment


# --------------------------------------------------------------------------- directions


@cache
def mean_ends(name: str) -> dict[str, float]:
    """Mean end relation per dyad ('RUS-JPN', either order) of a shipped scenario."""
    result = sim.run(SCENARIOS / f"{name}.yaml", replicates=REPS, workers=1, record="outcomes")
    model = result.model
    ends = np.asarray(model.ends).mean(axis=0)
    out = {}
    for (i, j), value in zip(model.dyads, ends, strict=True):
        a, b = model.actor_ids[i], model.actor_ids[j]
        out[f"{a}-{b}"] = out[f"{b}-{a}"] = float(value)
    return out


def shift(name: str, dyad: str) -> float:
    """How far a what-if moves a dyad's mean end relation from the baseline's."""
    return mean_ends(name)[dyad] - mean_ends("baseline")[dyad]


# (scenario, dyad, sign of the shift): what each story says; margins of 0.05 against
# measured shifts of 0.1 to 0.75 (docs/library.md).
DIRECTIONS = [
    ("china-escalates", "RUS-JPN", +1),
    ("china-escalates", "CHN-JPN", -1),
    ("china-restrains", "RUS-JPN", -1),
    ("china-restrains", "CHN-JPN", +1),
    ("kurils-settled", "RUS-JPN", +1),
    ("kurils-talks-collapse", "RUS-JPN", -1),
    ("missile-defence-expands", "RUS-JPN", -1),
    ("missile-defence-expands", "USA-RUS", -1),
    ("japan-lifts-barriers", "RUS-JPN", +1),
    ("us-engages-russia", "USA-RUS", +1),
    ("russia-china-deepen", "RUS-CHN", +1),
    ("japan-wedge", "RUS-JPN", +1),
]


@pytest.mark.parametrize(
    ("name", "dyad", "sign"), DIRECTIONS, ids=[f"{n}:{d}" for n, d, _ in DIRECTIONS]
)
def test_the_what_if_moves_the_relation_its_story_names(name, dyad, sign):
    assert sign * shift(name, dyad) > 0.05, shift(name, dyad)


def test_extended_region_runs_with_six_actors():
    scenario = load_scenario(SCENARIOS / "extended-region.yaml")
    assert len(scenario.actors) >= 6
    assert {"VNM", "KOR"} <= set(scenario.actors)
    ends = mean_ends("extended-region")
    ids_ = list(scenario.actors)
    pairs = {f"{a}-{b}" for k, a in enumerate(ids_) for b in ids_[k + 1 :]}
    assert pairs <= set(ends)
    # Every pair of the six is a listed dyad (none left at the neutral default).
    listed = {frozenset(key.split("-")) for key in scenario.dyads}
    assert {frozenset(p.split("-")) for p in pairs} <= listed


def has_triggered_events(path: Path) -> bool:
    """Whether a file (not its base) has conditional or random events (raw YAML)."""
    events = yaml.safe_load(path.read_text()).get("events") or {}
    return any(isinstance(e, dict) and ("when" in e or "probability" in e) for e in events.values())


TRIGGERED = [p for p in LIBRARY if has_triggered_events(p)]


@pytest.mark.parametrize("path", TRIGGERED, ids=ids(TRIGGERED))
def test_conditional_and_random_events_fire_somewhere(path):
    """An event whose condition never holds (or chance never comes) is dead text."""
    scenario = load_scenario(path)
    triggered = [n for n, e in scenario.events.items() if e.trigger != "scheduled"]
    assert triggered
    result = sim.run(path, replicates=REPS, workers=1, record="outcomes")
    firings = result.model.event_firings
    for name in triggered:
        assert len(firings[name]) > 0, f"{name} never fired in {REPS} replicates"


def test_every_what_if_has_a_section_in_docs_library():
    library = (ROOT / "docs" / "library.md").read_text()
    sections = set(re.findall(r"^## (\S+)\s*$", library, flags=re.M))
    missing = {p.stem for p in LIBRARY} - sections
    assert not missing, f"docs/library.md has no section for {sorted(missing)}"
