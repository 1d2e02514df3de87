"""The report's insight figures computed on a second thread while an ensemble runs: the
same figures as computed in sequence, errors handed on, and the command's report."""

from __future__ import annotations

import threading

import pytest
from conftest import load_small

import sim
from sim.present import insights
from sim.present.insights import insight_figures, insights_ahead


def _json(figures: dict) -> dict[str, str]:
    return {name: figure.to_json() for name, figure in figures.items()}


def test_ahead_gives_the_figures_computed_in_sequence():
    scenario = load_small()
    ahead = insights_ahead(scenario, 40, 11)
    # the same kernels at the same time on the main thread: the figures must not notice
    sim.run(scenario, replicates=300, seed=5, record="outcomes", workers=1)
    got = ahead.result()
    assert {"why", "landscape_start", "landscape_end"} <= set(got)
    assert _json(got) == _json(insight_figures(scenario, 40, 11))


def test_ahead_runs_off_the_calling_thread(monkeypatch):
    seen = []

    def record(scenario, replicates, seed):
        seen.append((threading.current_thread() is threading.main_thread(), replicates, seed))
        return {}

    monkeypatch.setattr(insights, "insight_figures", record)
    assert insights_ahead(load_small(), 7, 3).result() == {}
    assert seen == [(False, 7, 3)]


def test_an_error_reaches_whoever_waits(monkeypatch):
    def fail(scenario, replicates, seed):
        raise ValueError("no landscape for this one")

    monkeypatch.setattr(insights, "insight_figures", fail)
    future = insights_ahead(load_small(), 7, 3)
    with pytest.raises(ValueError, match="no landscape for this one"):
        future.result()


def test_a_result_with_figures_ahead_uses_them():
    scenario = load_small()
    ahead = insights_ahead(scenario, 30, 2)
    result = sim.run(scenario, replicates=30, seed=2, record="outcomes", workers=1)
    result.insights = ahead
    figures = result.figures()
    assert figures["why"] is ahead.result()["why"]
    assert {"relations", "network"} <= set(figures)
