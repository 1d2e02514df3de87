"""Figures of explanations: the driver terms of a decision as a waterfall building up to
the propensity the model used.

- :func:`waterfall_figure`: one decision (an actor toward one target);
- :func:`explain_figures`: one waterfall per explained actor and target;
- :func:`why_figure`: all the waterfalls of several explanations in one figure, chosen
  from a drop-down (the run report's "why" figure).

Each takes an :class:`sim.analysis.explain.Explanation` or its
:meth:`~sim.analysis.explain.Explanation.to_dict` object. Labels are escaped
(:func:`sim.present.labels.label_text`: plotly renders label text as HTML).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import plotly.graph_objects as go

from sim.analysis.explain import Explanation
from sim.present.figure_data import figure_from
from sim.present.labels import label_text


def _as_dict(explanation: Explanation | Mapping[str, Any]) -> Mapping[str, Any]:
    return explanation.to_dict() if isinstance(explanation, Explanation) else explanation


def _waterfall(data: Mapping[str, Any], toward: str | None) -> tuple[dict[str, Any], str]:
    """The waterfall trace of one decision (see :func:`waterfall_figure`), and its title."""
    targets = {t["id"]: t for t in data["targets"]}
    if toward is None:
        if len(targets) != 1:
            raise ValueError(f"say which target to draw: one of {', '.join(targets)}")
        toward = next(iter(targets))
    if toward not in targets:
        raise ValueError(f"{toward!r} is not explained here; targets: {', '.join(targets)}")
    target = targets[toward]
    shown = [t for t in target["terms"] if not (t["mean"] == 0 and t["p05"] == 0 and t["p95"] == 0)]
    labels = [label_text(t["label"]) for t in shown] + ["propensity p"]
    values = [t["mean"] for t in shown] + [target["propensity"]["mean"]]
    hover = []
    for t in shown:
        text = (
            f"<b>{label_text(t['label'])}</b>: {t['mean']:+.3f}<br>5%..95%: {t['p05']:+.3f}.."
            f"{t['p95']:+.3f}<br>{label_text(t['theory'])}<br>{label_text(t['meaning'])}"
        )
        for part in t["parts"]:
            text += f"<br>  {label_text(part['label'])}: {part['mean']:+.3f}"
        hover.append(text)
    p = target["propensity"]
    hover.append(
        f"<b>propensity p</b> (the model's): {p['mean']:+.3f}<br>5%..95%: {p['p05']:+.3f}.."
        f"{p['p95']:+.3f}<br>desired level x* {target['desired']['mean']:+.3f}"
    )
    actor, name = data["actor"]["name"], target["name"]
    trace = {
        "type": "waterfall",
        "x": labels,
        "y": values,
        "measure": ["relative"] * len(shown) + ["total"],
        "text": [f"{v:+.3f}" for v in values],
        "textposition": "outside",
        "hovertext": hover,
        "hoverinfo": "text",
        "increasing": {"marker": {"color": "#2166ac"}},
        "decreasing": {"marker": {"color": "#b2182b"}},
        "totals": {"marker": {"color": "#1f3b73"}},
        "connector": {"line": {"color": "#9e9e9e", "width": 1}},
    }
    title = label_text(
        f"Why {actor} moved toward {name} at {data['period']['label']} "
        f"(step {data['step']}, mean of {data['replicates']} replicates)"
    )
    return trace, title


def waterfall_figure(
    explanation: Explanation | Mapping[str, Any], toward: str | None = None
) -> go.Figure:
    """A waterfall of the mean term contributions building up to the propensity p_ij.

    ``explanation`` is an :class:`Explanation` or its :meth:`~Explanation.to_dict`
    object; ``toward`` the target's id (may be left out when only one is explained). One
    bar per term that is not zero in every replicate, largest first, then a total bar at
    the mean propensity the model used; hovering shows the 5%-95% range, the parts and
    the theory.
    """
    trace, title = _waterfall(_as_dict(explanation), toward)
    return figure_from(
        [trace],
        {
            "title": {"text": title},
            "yaxis": {"title": {"text": "contribution to the propensity p"}},
            "showlegend": False,
            "margin": {"t": 60, "b": 80},
        },
    )


def explain_figures(
    explanations: Explanation | Mapping[str, Any] | Iterable[Explanation | Mapping[str, Any]],
) -> dict[str, go.Figure]:
    """One waterfall per explained actor and target: ``{'explain-RUS-JPN': figure, ...}``."""
    if isinstance(explanations, Explanation | Mapping):
        explanations = [explanations]
    figures: dict[str, go.Figure] = {}
    for explanation in explanations:
        data = _as_dict(explanation)
        for target in data["targets"]:
            key = f"explain-{data['actor']['id']}-{target['id']}"
            figures[key] = waterfall_figure(data, target["id"])
    return figures


def why_figure(
    explanations: Iterable[Explanation | Mapping[str, Any]],
) -> go.Figure:
    """All the waterfalls of several explanations in one figure, chosen from a drop-down.

    One entry per explained actor, target and step ("Russia -> Japan, 2014-Q1"); the
    report uses it to show why every state moved as it did at the start and at the end.
    """
    traces: list[dict[str, Any]] = []
    labels: list[str] = []
    titles: list[str] = []
    for explanation in explanations:
        data = _as_dict(explanation)
        for target in data["targets"]:
            trace, title = _waterfall(data, target["id"])
            traces.append(trace)
            labels.append(f"{data['actor']['name']} -> {target['name']}, {data['period']['label']}")
            titles.append(title)
    for k, trace in enumerate(traces):
        trace["visible"] = k == 0
    buttons = [
        {
            "label": label_text(label),
            "method": "update",
            "args": [
                {"visible": [j == k for j in range(len(labels))]},
                {"title": {"text": titles[k]}},
            ],
        }
        for k, label in enumerate(labels)
    ]
    menus = [
        {
            "buttons": buttons,
            "x": 0,
            "xanchor": "left",
            "y": 1.18,
            "yanchor": "top",
            "direction": "down",
        }
    ]
    return figure_from(
        traces,
        {
            "title": {"text": titles[0] if titles else ""},
            "updatemenus": menus if buttons else [],
            "yaxis": {"title": {"text": "contribution to the propensity p"}},
            "showlegend": False,
            "margin": {"t": 110, "b": 80},
        },
    )
