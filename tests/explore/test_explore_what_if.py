"""What the explorer saves: a short what-if that extends its base with exactly the changed
values, loads, validates, equals the base with the changes applied, and runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT

from sim.cli.main import main
from sim.explore.what_if import SaveRefused, save_target, save_what_if, what_if_scenario
from sim.scenario import load_scenario

SCENARIOS = REPO_ROOT / "scenarios"


@pytest.fixture
def bases(tmp_path: Path) -> Path:
    """A copy of the shipped bases in a folder of the test's own (saves go beside them)."""
    folder = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, folder, ignore=shutil.ignore_patterns("history", "workshop"))
    return folder


def test_the_saved_what_if_is_the_base_with_exactly_the_changes(bases: Path, tmp_path: Path):
    base = bases / "kurils-settled.yaml"
    changes = {
        "actors.CHN.assertiveness": 0.85,
        "dyads.CHN-JPN.disputes.senkaku": 0.3,
        "weights.threat": 0.7,
        "events.kurils_settlement": None,
    }
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir()
    saved = save_what_if(base, changes, elsewhere / "hawkish.yaml")

    written = yaml.safe_load(saved.path.read_text())
    assert written.pop("extends") == "../scenarios/kurils-settled.yaml"  # relative to the file
    assert written.pop("name") == "hawkish"
    written.pop("description")
    assert written == changes  # exactly the changed values, nothing else

    loaded = load_scenario(saved.path)
    # The base with the changes applied, made by hand from the base's own values.
    expected = load_scenario(base).model_dump()
    expected["actors"]["CHN"]["assertiveness"] = 0.85
    expected["dyads"]["CHN-JPN"]["disputes"]["senkaku"] = 0.3
    expected["weights"]["threat"] = 0.7
    del expected["events"]["kurils_settlement"]
    # A number over a value the base holds uncertain fixes it (docs/scenarios.md).
    for key in ("actors.CHN.assertiveness", "dyads.CHN-JPN.disputes.senkaku", "weights.threat"):
        del expected["uncertainties"][key]
    got = loaded.model_dump()
    for key in ("name", "description", "extends"):
        got.pop(key), expected.pop(key)
    assert got == expected
    # and it is what the explorer ran for these changes
    ran = what_if_scenario(base, changes).model_dump()
    for key in ("name", "description", "extends"):
        ran.pop(key)
    assert ran == got


def test_a_saved_what_if_validates_runs_and_compares_from_the_command_line(
    bases: Path, tmp_path: Path, capsys
):
    base = bases / "baseline-point.yaml"
    target = save_target(base, "china-hawk")
    assert target == bases / "china-hawk.yaml"
    save_what_if(base, {"actors.CHN.assertiveness": 0.9}, target)
    out = tmp_path / "results"
    assert main(["validate", str(target)]) == 0
    assert main(["run", str(target), "--reps", "8", "--workers", "1", "--out", str(out)]) == 0
    assert (
        main(
            ["compare", str(base), str(target), "--reps", "8", "--workers", "1", "--out", str(out)]
        )
        == 0
    )
    assert list((out / "china-hawk").glob("*/report.html"))
    assert list((out / "compare").glob("*/comparison.html"))


def test_a_save_over_an_existing_file_is_refused_unless_confirmed(bases: Path):
    base = bases / "baseline.yaml"
    target = bases / "mine.yaml"
    target.write_text("# mine\n")
    with pytest.raises(SaveRefused, match="exists; tick 'replace an existing file'"):
        save_what_if(base, {"weights.threat": 0.5}, target)
    assert target.read_text() == "# mine\n"  # untouched
    saved = save_what_if(base, {"weights.threat": 0.5}, target, replace=True)
    assert saved.replaced
    assert load_scenario(target).weights.threat == 0.5
    with pytest.raises(SaveRefused, match="is the base file"):
        save_what_if(base, {}, base, replace=True)
    with pytest.raises(SaveRefused, match="does not exist"):
        save_what_if(base, {}, bases / "no-such-folder" / "x.yaml")
    assert sorted(p.name for p in bases.glob(".*tmp*")) == []  # no temporary file left
