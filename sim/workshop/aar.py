"""The after-action report: one self-contained HTML file and a zip of everything.

:func:`write_aar` writes, in a folder, ``<title>-aar.html`` (opens offline: plotly.js
embedded once; every text people wrote is escaped by the template,
``sim/present/templates/aar.html.j2``) and ``<title>-aar.zip`` holding:

- ``report.html``: the same report;
- ``events.jsonl``: the whole log, one record per line, rolled-back records included;
- ``game.json``: the game's setup (title, teams, seed, look-ahead, default move);
- ``scenario.json`` and ``catalogue.json``: the resolved scenario and move catalogue;
- ``relations.csv``, ``moves.csv``: every turn; ``turns/turn-NN-relations.csv`` and
  ``turns/turn-NN-moves.csv``: one turn each;
- ``texts.csv``: every rationale, override reason, inject and note;
- ``charts/relations.html`` and ``charts/turn-NN.html`` with ``charts/plotly.min.js``.

Files are written whole (a temporary file renamed into place) and never overwrite an
earlier report: a second report of the same game gets a numbered name.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from sim.analysis.common import signed
from sim.present.pages import figure, now_text, render, render_page
from sim.results.publish import atomic_write_bytes
from sim.workshop.aar_data import (
    audience,
    moves_frame,
    record_summary,
    relations_frame,
    texts_frame,
)
from sim.workshop.aar_figures import fan_figure, relations_figure
from sim.workshop.store import Record

if TYPE_CHECKING:
    from sim.workshop.game import Game
    from sim.workshop.injects import Inject
    from sim.workshop.replay import CommittedTurn

CSS = Markup("""
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #666; }
section.turn { border-top: 2px solid #1f3b73; margin-top: 2em; }
li { margin-bottom: 0.3em; }
""")
"""The report's own style sheet (bordered tables, a rule above each turn)."""
README = """After-action report of the workshop game "{title}".

report.html                   the report (opens offline)
events.jsonl                  the whole event log, one record per line; rolled-back
                              records are kept and carry rolled_back_by
game.json                     the game's setup: title, teams, seed, look-ahead
scenario.json                 the resolved scenario the game was played on
catalogue.json                the move catalogue
relations.csv                 every dyad, every turn (and the period it simulated, such
                              as 2014-Q1): before, proposed, committed, and the white
                              cell's reason where it set another value
moves.csv                     every state's move toward every other, every turn: who
                              chose it (team, model, hold), what the model would have done,
                              the team's order and rationale
turns/turn-NN-relations.csv   the same, one turn per file
turns/turn-NN-moves.csv
texts.csv                     every rationale, override reason, inject and note
charts/*.html                 the charts (open them beside charts/plotly.min.js)
"""


def write_aar(game: Game, folder: str | os.PathLike[str]) -> Path:
    """Write the after-action report of ``game`` into ``folder``; return the HTML file.

    The zip is beside it, with the same name and the suffix .zip.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _free_stem(folder, f"{_slug(game.title)}-aar")
    records = game.records()
    relations, moves, texts = relations_frame(game), moves_frame(game), texts_frame(records)
    figures = _figures(game, relations)
    html = report_html(game, records, relations, figures)
    html_path = folder / f"{stem}.html"
    atomic_write_bytes(html_path, html.encode("utf-8"))
    data = report_zip(game, records, relations, moves, texts, figures, html)
    atomic_write_bytes(folder / f"{stem}.zip", data)
    return html_path


# --- HTML ---------------------------------------------------------------------------------


def _figures(game: Game, relations: pd.DataFrame) -> dict[str, go.Figure]:
    out = {"relations": relations_figure(relations, f"{game.title}: relations turn by turn")}
    for turn, record in sorted(game.committed.items()):
        if record.proposal is not None:
            title = f"Turn {turn} ({game.period(turn)}) and the look-ahead"
            out[f"turn-{turn:02d}"] = fan_figure(record.proposal, record.relations, title)
    return out


def report_html(
    game: Game, records: list[Record], relations: pd.DataFrame, figures: dict[str, go.Figure]
) -> str:
    """The report as one HTML page (plotly.js embedded once, in the head), from
    ``templates/aar.html.j2``."""
    s = game.scenario
    names = {k: a.name for k, a in s.actors.items()}
    setup = game.setup
    last = max(game.committed, default=0)
    page = {key: figure(fig, key) for key, fig in figures.items()}
    undone = [r for r in records if not r.active]
    return render_page(
        "aar.html.j2",
        title=f"{game.title} – after-action report",
        plotly=True,
        css=CSS,
        game_title=game.title,
        scenario_name=s.name,
        scenario_description=(s.description or "").strip(),
        setup_rows=[
            ["turns committed", f"{last} of {game.total_turns}"],
            ["now", f"turn {game.turn}, {game.phase.value}"],
            ["seed", setup.seed],
            ["look-ahead", f"{setup.lookahead} turns, {setup.fan_replicates} replicates"],
            ["a team's silence toward a state", _silence(setup.default_move)],
            ["log", f"{len(records)} records ({len(undone)} rolled back)"],
            ["game id", game.game_id],
            ["report written", now_text()],
        ],
        teams=[[f"{names[a]} ({a})", setup.teams.get(a, "the model")] for a in names],
        figures=page,
        turns=[
            _turn(game, turn, record, names, page.get(f"turn-{turn:02d}"))
            for turn, record in sorted(game.committed.items())
        ],
        open_turn=_open_turn(game, last),
        rolled_back=[
            [r.seq, r.turn, r.at, r.role, record_summary(r), r.rolled_back_by] for r in undone
        ],
        checks=[
            [c.turn, c.seq, c.stored[:16], "reproduced" if c.ok else "DIFFERENT"]
            for c in game.checks
        ],
    )


def _silence(default_move: str) -> str:
    if default_move == "hold":
        return "a hold"
    return "the state's own decision rule chooses"


def _inject_rows(injects: list[Inject]) -> list[list[Any]]:
    """An injects table's rows: title, text, who sees it, its changes, its phase."""
    return [
        [i.title, i.text, audience(i.model_dump()), "; ".join(str(c) for c in i.changes), i.phase]
        for i in injects
    ]


def _turn(
    game: Game, turn: int, record: CommittedTurn, names: dict[str, str], fig: Markup | None
) -> dict[str, Any]:
    """What the report shows of one committed turn (see templates/aar.html.j2)."""
    teams = game.teams
    orders = [
        [
            names.get(o.actor, o.actor),
            teams.get(o.actor, ""),
            o.label,
            names.get(o.target, o.target),
            o.intensity,
            "; ".join(str(c) for c in o.changes),
            o.rationale,
            o.by,
        ]
        for o in record.orders
    ]
    proposal = record.proposal
    adjudication = why = events = stable = None
    if proposal is not None:
        adjudication = []
        for dyad, value in record.relations.items():
            override = record.overrides.get(dyad)
            adjudication.append(
                [
                    dyad,
                    signed(proposal.relations_before.get(dyad), 3),
                    signed(proposal.relations.get(dyad), 3),
                    signed(value, 3),
                    override.reason if override else "",
                ]
            )
        why = [d.words for d in proposal.dyads]
        events = list(proposal.events)
        stable = "; ".join(
            " vs ".join("{" + ", ".join(b) + "}" for b in a.blocs if b)
            + f" (basin {a.basin_share:.0%})"
            for a in proposal.alignments
        )
    return {
        "number": turn,
        "period": game.period(turn),
        "injects": _inject_rows([i for i in game.injects("control") if i.turn == turn]),
        "orders": orders,
        "adjudication": adjudication,
        "why": why,
        "events": events,
        "stable": stable,
        "notes": [n.text for n in game.notes("control") if n.turn == turn],
        "figure": fig,
    }


def _open_turn(game: Game, last: int) -> dict[str, Any] | None:
    """The turn in play, when the white cell has injected or noted something in it."""
    injects = [i for i in game.injects("control") if i.turn > last]
    notes = [n.text for n in game.notes("control") if n.turn > last]
    if not injects and not notes:
        return None
    return {
        "number": game.turn,
        "period": game.period(),
        "injects": _inject_rows(injects),
        "notes": notes,
    }


# --- the zip ------------------------------------------------------------------------------


def chart_page(fig: go.Figure, key: str, title: str) -> str:
    """One chart as a page of its own that loads ``plotly.min.js`` from beside it."""
    return render("chart.html.j2", title=title, figure=figure(fig, key))


def report_zip(
    game: Game,
    records: list[Record],
    relations: pd.DataFrame,
    moves: pd.DataFrame,
    texts: pd.DataFrame,
    figures: dict[str, go.Figure],
    html: str,
) -> bytes:
    """The zip's bytes (see the module docstring for its contents)."""
    buffer = io.BytesIO()
    setup = game.setup.model_dump(mode="json")
    game_json = {k: v for k, v in setup.items() if k not in ("scenario", "catalogue")}
    game_json |= {"game_id": game.game_id, "turn": game.turn, "phase": game.phase.value}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", README.format(title=game.title))
        z.writestr("report.html", html)
        z.writestr(
            "events.jsonl",
            "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records),
        )
        z.writestr("game.json", json.dumps(game_json, indent=2, ensure_ascii=False))
        z.writestr("scenario.json", json.dumps(setup["scenario"], indent=2, ensure_ascii=False))
        z.writestr("catalogue.json", json.dumps(setup["catalogue"], indent=2, ensure_ascii=False))
        z.writestr("relations.csv", relations.to_csv(index=False))
        z.writestr("moves.csv", moves.to_csv(index=False))
        z.writestr("texts.csv", texts.to_csv(index=False))
        for turn in sorted(game.committed):
            z.writestr(
                f"turns/turn-{turn:02d}-relations.csv",
                relations[relations["turn"] == turn].to_csv(index=False),
            )
            z.writestr(
                f"turns/turn-{turn:02d}-moves.csv", moves[moves["turn"] == turn].to_csv(index=False)
            )
        z.writestr("charts/plotly.min.js", get_plotlyjs())
        for key, fig in figures.items():
            z.writestr(f"charts/{key}.html", chart_page(fig, key, f"{game.title}: {key}"))
    return buffer.getvalue()


# --- files --------------------------------------------------------------------------------


def _slug(title: str) -> str:
    """A file-name-safe form of a title."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-.") or "game"


def _free_stem(folder: Path, stem: str) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` ... whichever has neither file in ``folder``."""
    candidate, k = stem, 1
    while (folder / f"{candidate}.html").exists() or (folder / f"{candidate}.zip").exists():
        k += 1
        candidate = f"{stem}-{k}"
    return candidate
