"""The facilitator's guide stays true: its example runs and its move names exist."""

from __future__ import annotations

import re

from workshop_support import ROOT, default_catalogue

from sim.workshop import Phase

GUIDE = (ROOT / "docs" / "workshop.md").read_text(encoding="utf-8")


def test_the_guides_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    snippet = re.findall(r"```python\n(.*?)```", GUIDE, flags=re.S)[0]
    snippet = snippet.replace('"kurils.sqlite"', repr(str(tmp_path / "kurils.sqlite")))
    namespace: dict = {}
    exec(compile(snippet, "docs/workshop.md", "exec"), namespace)
    game = namespace["game"]
    assert game.phase is Phase.RESULTS
    assert game.relations["RUS-JPN"] == 0.10
    game.close()


def test_the_moves_the_guide_names_are_in_the_default_catalogue():
    named = set(re.findall(r'"(?:team:\w+|control)",\s*"\w+",\s*"(\w+)"', GUIDE))
    assert named and named <= set(default_catalogue().moves)
