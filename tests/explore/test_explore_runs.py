"""The explorer's ensembles: common random numbers with the base, newer changes
superseding older work, and what the page gets back for a change or a refusal."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from conftest import REPO_ROOT

import sim.explore.exploration as exploration
from sim.explore.app import redraw
from sim.explore.exploration import Explorer
from sim.explore.figures import FIGURES
from sim.explore.generations import Generations, Superseded, SupersededBetweenChunks
from sim.scenario import load_scenario

KURILS = REPO_ROOT / "scenarios" / "kurils-settled.yaml"
# Small ensembles in chunks of 10: enough for the pairing, several chunks to stop between.
REPS, CHUNK = 40, 10
WAIT_S = 60  # a bound on a wait for another thread, not a speed target


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer(KURILS, load_scenario(KURILS), replicates=REPS, chunk_size=CHUNK)


def test_no_change_is_no_difference_from_the_base(explorer: Explorer):
    explored = explorer.explore({})
    c = explored.comparison
    assert len(c.differences) == 6
    assert (c.differences["mean_difference"] == 0).all()
    assert (c.differences["p05"] == 0).all() and (c.differences["p95"] == 0).all()
    what_if = c.end_states[c.end_states["scenario"] == explorer.labels[1]]
    assert (what_if["difference"] == 0).all()
    # the two ensembles are replicate by replicate the same, not merely alike
    base, other = (c.view(k) for k in (0, 1))
    np.testing.assert_array_equal(base.history[-1], other.history[-1])
    assert set(explored.figures) == set(FIGURES)


def test_a_change_shows_as_a_paired_difference(explorer: Explorer):
    explored = explorer.explore({"events.kurils_settlement": None})
    diffs = explored.comparison.differences.set_index("dyad")["mean_difference"]
    assert diffs["RUS-JPN"] < 0  # the dispute stays unsettled: Russia and Japan end colder
    assert explored.notes == []  # no uncertain parameter fixed: every draw stays paired
    fixed = explorer.explore({"actors.CHN.assertiveness": 0.6})
    assert any(
        "sample different uncertain parameters (actors.CHN.assertiveness" in n for n in fixed.notes
    )
    # every other uncertain parameter keeps its draw in each replicate (its own stream)
    base, other = (fixed.comparison.view(k).parameters for k in (0, 1))
    assert "actors.CHN.assertiveness" in base and "actors.CHN.assertiveness" not in other
    assert set(other) == set(base) - {"actors.CHN.assertiveness"} and other
    for path, values in other.items():
        np.testing.assert_array_equal(values, base[path], err_msg=path)


def test_a_newer_change_stops_the_older_run_between_chunks():
    generations = Generations()
    older = generations.next()
    sink = SupersededBetweenChunks(generations, older)
    sink.start(4, 40, 0, 0)
    sink.advance(10)
    generations.next()  # the analyst changes something while chunk 2 runs
    with pytest.raises(Superseded):
        sink.advance(10)
    assert sink.chunks_done == 2
    with pytest.raises(Superseded):
        SupersededBetweenChunks(generations, older).start(4, 40, 0, 0)


def test_in_the_explorer_the_superseded_change_is_never_kept_or_drawn(explorer, monkeypatch):
    first_chunk = threading.Event()
    newer_taken = threading.Event()
    chunks: list[int] = []

    class Paused(SupersededBetweenChunks):
        """Waits after the older change's first chunk until the newer change is taken."""

        def advance(self, replicates: int, failed: bool = False) -> None:
            if not first_chunk.is_set():
                first_chunk.set()
                assert newer_taken.wait(WAIT_S)
            super().advance(replicates, failed)
            chunks.append(self.chunks_done)

    monkeypatch.setattr(exploration, "SupersededBetweenChunks", Paused)
    outcome: dict[str, object] = {}

    def older() -> None:
        try:
            outcome["result"] = explorer.explore({"weights.threat": 0.9}, older_gen)
        except Superseded as exc:
            outcome["superseded"] = exc

    older_gen = explorer.generations.next()
    thread = threading.Thread(target=older)
    thread.start()
    assert first_chunk.wait(WAIT_S)
    newer_gen = explorer.generations.next()
    newer_taken.set()
    thread.join(WAIT_S)
    assert "superseded" in outcome and "result" not in outcome
    assert chunks == []  # it stopped after its first chunk of four
    newer = explorer.explore({"weights.threat": 0.2}, newer_gen)
    assert newer.generation == newer_gen
    assert newer.changes == {"weights.threat": 0.2}
    # an older change that arrives late is refused before it runs
    with pytest.raises(Superseded):
        explorer.explore({"weights.threat": 0.9}, older_gen)
    with pytest.raises(Superseded):
        redraw(explorer, {}, {}, older_gen)


def test_a_value_out_of_range_is_refused_and_nothing_runs(explorer: Explorer):
    newest = explorer.generations.newest
    drawn = redraw(explorer, {"actors.CHN.assertiveness": "1.5", "weights.balance": "x"}, {})
    assert drawn.figures is None  # the page keeps what it shows
    assert drawn.message.startswith(
        "Refused: China: assertiveness: 1.5 is outside its range, 0 to 1"
    )
    assert "weight: balance: 'x' is not a number; expected 0 or more" in drawn.message
    assert "Nothing was run" in drawn.message
    assert explorer.generations.newest == newest  # no change was started
    ok = redraw(explorer, {"actors.CHN.assertiveness": "0.9"}, {})
    assert ok.figures is not None and "actors.CHN.assertiveness 0.9" in ok.message
