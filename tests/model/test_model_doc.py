"""docs/model.md holds: every function it names exists, and each term's function is what runs."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from conftest import resolve_dotted
from factories import baseline

from sim.model import agents, choice, drivers
from sim.model.world import build_world, initial_relations

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")

#: Every dotted name in backticks that starts with ``sim.``, e.g. `sim.model.drivers.threat`.
NAMES = sorted(set(re.findall(r"`(sim(?:\.\w+)+)`", DOC)))
#: Every file path in backticks, e.g. `sim/model/choice.py`.
FILES = sorted(set(re.findall(r"`((?:sim|tests)/[\w/]+\.py)`", DOC)))


def test_the_page_names_code():
    assert len(NAMES) > 20 and FILES


@pytest.mark.parametrize("dotted", NAMES)
def test_every_name_the_page_gives_exists(dotted: str):
    assert resolve_dotted(dotted) is not None


@pytest.mark.parametrize("path", FILES)
def test_every_file_the_page_gives_exists(path: str):
    assert (ROOT / path).is_file()


def _table_rows() -> dict[str, str]:
    """The terms table: term name -> the function named in its row."""
    rows = {}
    for line in DOC.splitlines():
        m = re.match(r"^\| [^|]+ \| `(\w+)`[^|]* \| `(sim[\w.]+)` \|", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def test_every_term_and_the_autonomy_rule_have_a_function_of_their_name():
    rows = _table_rows()
    assert set(rows) == {*drivers.TERM_NAMES, "autonomy"}
    for term in drivers.TERM_NAMES:
        assert rows[term] == f"sim.model.drivers.{term}"
        assert callable(getattr(drivers, term))
    assert rows["autonomy"] == "sim.model.choice.autonomy"
    assert callable(choice.autonomy)


@pytest.mark.parametrize("name", drivers.TERM_NAMES)
def test_the_propensity_is_built_from_the_terms_functions(
    name: str, monkeypatch: pytest.MonkeyPatch
):
    sc = baseline()
    world = build_world(sc)
    r = initial_relations(sc)[None]
    marker = np.full(r.shape, 0.25)
    monkeypatch.setattr(drivers, name, lambda *args: marker.copy())
    term = next(t for t in drivers.TERMS if t.name == name)
    expected = term.sign * world.weights[name][0, 0, 0] * 0.25
    got = drivers.propensity_terms(world, r)[name]
    off_diagonal = ~np.eye(r.shape[-1], dtype=bool)
    np.testing.assert_allclose(got[0][off_diagonal], expected)
    # The propensity the agents act on moves with the term's function too.
    total = drivers.propensity(world, r)
    np.testing.assert_allclose(total, sum(drivers.propensity_terms(world, r).values()))


def _defines(module: ModuleType, name: str) -> bool:
    return getattr(getattr(module, name, None), "__module__", None) == module.__name__


def test_the_autonomy_rule_is_stated_once():
    # The kernel and the explanation share choice.level_value; no other module redefines it.
    assert _defines(choice, "level_value") and _defines(choice, "autonomy")
    assert not hasattr(agents, "level_value") and not hasattr(agents, "desired_levels")
