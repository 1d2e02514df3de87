"""The Dash app of the explorer: every change re-runs the what-if and redraws the page.

Two callbacks. **Redraw** takes every box and switch: a box that does not hold a number in
its control's range is refused in words (its control, what was typed and the range) and
nothing runs; otherwise the changes from the base are run as a what-if
(:meth:`sim.explore.exploration.Explorer.explore`) and the figures, the changes in words
and the comparison's notes go back to the page. A change that a newer one supersedes
sends nothing (``PreventUpdate``), and Dash's renderer drops the request of a callback
still executing when the same callback is requested again, so a late answer to an older
change is not drawn either: the page shows its newest change. **Save** writes the same changes as a
what-if file (:func:`sim.explore.what_if.save_what_if`), refusing to replace a file unless
"replace an existing file" is ticked; the tick is cleared after every save. **Back to the
base** puts every box and switch back as the base has them (and so redraws).

The app serves Dash's and plotly's scripts itself (``serve_locally``): it works offline.
Requests whose ``Origin`` is not the page's own are refused (:func:`same_origin_only`), so
another web site open in the browser cannot drive the page or save files through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dash import ALL, Dash, Input, Output, State, html, no_update
from dash.exceptions import PreventUpdate
from flask import Flask, abort, request

from sim.experiment.engine import EnsembleFailed
from sim.explore.controls import changed_values, shown_value
from sim.explore.exploration import Explorer
from sim.explore.figures import FIGURES
from sim.explore.generations import Superseded
from sim.explore.page import BUSY_CSS, NUMBER, OK_STYLE, ON, REFUSED_STYLE, SWITCH, layout
from sim.explore.what_if import SaveRefused, describe_changes, save_target, save_what_if
from sim.scenario import ScenarioError

MAX_BODY = 1_000_000
"""The largest request body the app reads, in bytes (the page sends a few kilobytes)."""


@dataclass(frozen=True)
class Drawn:
    """What the redraw callback sends to the page: figures (None: keep what is drawn),
    the message and its style, and the notes."""

    figures: dict[str, Any] | None
    message: str
    style: dict[str, str]
    notes: list[str]

    def outputs(self) -> tuple[Any, ...]:
        """The redraw callback's outputs: the figures (in :data:`FIGURES` order), the
        message, its style and the notes."""
        figs = (
            [no_update] * len(FIGURES)
            if self.figures is None
            else [self.figures[name] for name in FIGURES]
        )
        return (*figs, self.message, self.style, [html.Li(n) for n in self.notes])


def _by_key(ids: Sequence[dict[str, str]], values: Sequence[Any]) -> dict[str, Any]:
    return {i["key"]: v for i, v in zip(ids, values, strict=True)}


def redraw(
    explorer: Explorer,
    typed: dict[str, Any],
    switches: dict[str, bool],
    generation: int | None = None,
) -> Drawn:
    """The page's answer to its boxes ``typed`` (key -> text) and ``switches`` (key ->
    on): a refusal naming each bad box, or the what-if's figures. Raises
    :class:`~sim.explore.generations.Superseded` when a newer change came in."""
    changes, refused = changed_values(explorer.controls, typed, switches)
    if refused:
        message = (
            "Refused: "
            + "; ".join(refused)
            + ". Nothing was run; the figures show the last change."
        )
        return Drawn(None, message, REFUSED_STYLE, [])
    gen = explorer.generations.next() if generation is None else generation
    try:
        explored = explorer.explore(changes, gen)
    except ScenarioError as exc:
        return Drawn(None, f"Refused: the what-if does not validate: {exc}", REFUSED_STYLE, [])
    except EnsembleFailed as exc:
        return Drawn(None, f"The run failed: {exc}", REFUSED_STYLE, [])
    words = describe_changes(changes) or "no change (the base against itself)"
    message = (
        f"What-if: {words}. {explorer.replicates:,} replicates each, on the base's random "
        f"numbers; run and drawn in {explored.seconds:.2f} s."
    )
    return Drawn(explored.figures, message, OK_STYLE, explored.notes)


def saved_message(explorer: Explorer, path: Path, replaced: bool) -> str:
    """What the page says of a saved what-if: where, and the commands that run it (and
    give the page's numbers, when the chunk size is the base file's own)."""
    verb = "Replaced" if replaced else "Saved"
    program = explorer.program
    message = f"{verb} {path}: run it with {program} run {path}"
    if explorer.chunk_size == explorer.base.run.chunk_size:
        message += (
            f"; {program} compare {explorer.base_path} {path} --reps "
            f"{explorer.replicates} --seed {explorer.seed} gives the numbers shown here"
        )
    return message + "."


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
"""The names a page on this machine reaches the explorer by, when it listens on loopback."""


def same_origin_only(
    server: Flask, hosts: frozenset[str] | None = LOOPBACK_NAMES, max_body: int = MAX_BODY
) -> None:
    """Refuse what the analyst's own page would not send: a request that names another
    host than ``hosts`` (a DNS-rebound name; None: any host), one from another origin (a
    web page elsewhere posting to this one), and a body over ``max_body`` bytes."""
    server.config["MAX_CONTENT_LENGTH"] = max_body

    @server.before_request
    def _same_origin() -> None:
        name = urlsplit(f"//{request.host}").hostname or ""
        if hosts is not None and name not in hosts:
            abort(403)
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            abort(403)


def create_app(explorer: Explorer, hosts: frozenset[str] | None = LOOPBACK_NAMES) -> Dash:
    """The explorer's Dash app for ``explorer`` (whose base ensemble it runs on first use).
    ``hosts``: the host names requests may name (None: any, for ``--host`` 0.0.0.0)."""
    app = Dash(
        __name__,
        title=f"alignsim explore: {explorer.base.name}",
        serve_locally=True,
        update_title=None,
        compress=False,
    )
    same_origin_only(app.server, hosts)
    app.index_string = app.index_string.replace("{%css%}", f"{{%css%}}<style>{BUSY_CSS}</style>")
    app.layout = layout(explorer)
    numbers = {"type": NUMBER, "key": ALL}
    events = {"type": SWITCH, "key": ALL}

    @app.callback(
        *[Output(f"fig-{name}", "figure") for name in FIGURES],
        Output("explore-msg", "children"),
        Output("explore-msg", "style"),
        Output("explore-notes", "children"),
        Input(numbers, "value"),
        Input(events, "value"),
        State(numbers, "id"),
        State(events, "id"),
    )
    def _redraw(values: list, on: list, ids: list, event_ids: list) -> tuple[Any, ...]:
        switches = {k: ON in (v or []) for k, v in _by_key(event_ids, on).items()}
        try:
            return redraw(explorer, _by_key(ids, values), switches).outputs()
        except Superseded:
            raise PreventUpdate from None  # a newer change is on its way to the page

    @app.callback(
        Output(numbers, "value"),
        Output(events, "value"),
        Input("reset-button", "n_clicks"),
        prevent_initial_call=True,
    )
    def _reset(_clicks: int) -> tuple[list[str], list[list[str]]]:
        # Every box and switch as the page first showed them; the redraw follows.
        boxes = [shown_value(c.value) for c in explorer.controls if not c.is_switch]
        return boxes, [[ON] for c in explorer.controls if c.is_switch]

    @app.callback(
        Output("save-msg", "children"),
        Output("save-msg", "style"),
        Output("save-text", "children"),
        Output("save-replace", "value"),
        Input("save-button", "n_clicks"),
        State(numbers, "value"),
        State(events, "value"),
        State(numbers, "id"),
        State(events, "id"),
        State("save-name", "value"),
        State("save-replace", "value"),
        prevent_initial_call=True,
    )
    def _save(
        _clicks: int, values: list, on: list, ids: list, event_ids: list, name: str, tick: list
    ) -> tuple[Any, ...]:
        switches = {k: ON in (v or []) for k, v in _by_key(event_ids, on).items()}
        changes, refused = changed_values(explorer.controls, _by_key(ids, values), switches)
        if refused:
            return "Refused: " + "; ".join(refused) + ". Nothing saved.", REFUSED_STYLE, "", tick
        try:
            target = save_target(explorer.base_path, name or "")
            saved = save_what_if(
                explorer.base_path,
                changes,
                target,
                replace="replace" in (tick or []),
                max_bytes=explorer.max_bytes,
            )
        except SaveRefused as exc:
            return str(exc), REFUSED_STYLE, "", tick
        return saved_message(explorer, saved.path, saved.replaced), OK_STYLE, saved.text, []

    return app
