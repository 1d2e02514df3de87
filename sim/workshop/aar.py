"""The after-action report: one self-contained HTML file and a zip of everything.

:func:`write_aar` writes, in a folder, ``<title>-aar.html`` (opens offline: plotly.js
embedded once; every text people wrote is HTML-escaped) and ``<title>-aar.zip`` holding:

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

import datetime as dt
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.present.figures import esc
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
    from sim.workshop.replay import CommittedTurn

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #666; }
section.turn { border-top: 2px solid #1f3b73; margin-top: 2em; }
li { margin-bottom: 0.3em; }
"""
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
README = """After-action report of the workshop game "{title}".

report.html                   the report (opens offline)
events.jsonl                  the whole event log, one record per line; rolled-back
                              records are kept and carry rolled_back_by
game.json                     the game's setup: title, teams, seed, look-ahead
scenario.json                 the resolved scenario the game was played on
catalogue.json                the move catalogue
relations.csv                 every dyad, every turn: before, proposed, committed, and
                              the white cell's reason where it set another value
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
    _atomic_write(html_path, html.encode("utf-8"))
    data = report_zip(game, records, relations, moves, texts, figures, html)
    _atomic_write(folder / f"{stem}.zip", data)
    return html_path


# --- HTML ---------------------------------------------------------------------------------


def _figures(game: Game, relations: pd.DataFrame) -> dict[str, go.Figure]:
    out = {"relations": relations_figure(relations, f"{game.title}: relations turn by turn")}
    for turn, record in sorted(game.committed.items()):
        if record.proposal is not None:
            title = f"Turn {turn} ({game.period(turn)}) and the look-ahead"
            out[f"turn-{turn:02d}"] = fan_figure(record.proposal, record.relations, title)
    return out


def _table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], numeric: frozenset[int] = frozenset()
) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{esc(c)}</td>' if k in numeric else f"<td>{esc(c)}</td>"
            for k, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _signed(x: float | None) -> str:
    if x is None or pd.isna(x):
        return ""
    value = round(float(x), 3) + 0.0
    return f"{value:+.3f}"


def _figure_div(fig: go.Figure, key: str) -> str:
    return fig.to_html(
        full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id=f"figure-{key}"
    )


def report_html(
    game: Game, records: list[Record], relations: pd.DataFrame, figures: dict[str, go.Figure]
) -> str:
    """The report as one HTML page (plotly.js embedded once, in the head)."""
    s = game.scenario
    names = {k: a.name for k, a in s.actors.items()}
    setup = game.setup
    last = max(game.committed, default=0)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(game.title)} – after-action report</title>",
        f"<style>{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>After-action report: {esc(game.title)}</h1>",
        f"<p>Scenario <b>{esc(s.name)}</b>: {esc((s.description or '').strip())}</p>",
        _table(
            ["", ""],
            [
                ["turns committed", f"{last} of {game.total_turns}"],
                ["now", f"turn {game.turn}, {game.phase.value}"],
                ["seed", setup.seed],
                ["look-ahead", f"{setup.lookahead} turns, {setup.fan_replicates} replicates"],
                ["a team's silence toward a state", _silence(setup.default_move)],
                [
                    "log",
                    f"{len(records)} records ({sum(not r.active for r in records)} rolled back)",
                ],
                ["game id", game.game_id],
                ["report written", dt.datetime.now().astimezone().isoformat("T", "seconds")],
            ],
        ),
        "<h2>Teams</h2>",
        _table(
            ["state", "played by"],
            [[f"{names[a]} ({a})", setup.teams.get(a, "the model")] for a in names],
        ),
        "<h2>Relations</h2>",
        _figure_div(figures["relations"], "relations"),
    ]
    for turn, record in sorted(game.committed.items()):
        parts.append(_turn_html(game, turn, record, names, figures.get(f"turn-{turn:02d}")))
    parts.append(_open_turn_html(game, last))
    parts.append(_rolled_back_html(records))
    parts.append(_checks_html(game))
    parts.append("</body></html>")
    return "\n".join(parts)


def _silence(default_move: str) -> str:
    if default_move == "hold":
        return "a hold"
    return "the state's own decision rule chooses"


def _injects_html(injects: list[Any]) -> str:
    if not injects:
        return ""
    rows = [
        [i.title, i.text, audience(i.model_dump()), "; ".join(str(c) for c in i.changes), i.phase]
        for i in injects
    ]
    return "<h4>Injects</h4>" + _table(["title", "text", "visible to", "changes", "phase"], rows)


def _turn_html(
    game: Game, turn: int, record: CommittedTurn, names: dict[str, str], fig: go.Figure | None
) -> str:
    out = [f'<section class="turn" id="turn-{turn}">']
    out.append(f"<h3>Turn {turn} ({esc(game.period(turn))})</h3>")
    out.append(_injects_html([i for i in game.injects("control") if i.turn == turn]))
    teams = game.teams
    if record.orders:
        rows = [
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
        header = ["state", "team", "move", "toward", "intensity", "changes", "rationale", "by"]
        out.append("<h4>Orders</h4>" + _table(header, rows))
    else:
        out.append("<p class='muted'>No team orders this turn.</p>")
    proposal = record.proposal
    if proposal is not None:
        rows = []
        for dyad, value in record.relations.items():
            override = record.overrides.get(dyad)
            rows.append(
                [
                    dyad,
                    _signed(proposal.relations_before.get(dyad)),
                    _signed(proposal.relations.get(dyad)),
                    _signed(value),
                    override.reason if override else "",
                ]
            )
        header = ["dyad", "before", "proposed", "committed", "set by the white cell because"]
        out.append("<h4>Adjudication</h4>" + _table(header, rows, numeric=frozenset({1, 2, 3})))
        out.append("<h4>Why (the model's explanation)</h4><ul>")
        out.extend(f"<li>{esc(d.words)}</li>" for d in proposal.dyads)
        out.append("</ul>")
        if proposal.events:
            out.append(f"<p>Scenario events this turn: {esc(', '.join(proposal.events))}.</p>")
        if proposal.alignments:
            stable = "; ".join(
                " vs ".join("{" + ", ".join(b) + "}" for b in a.blocs if b)
                + f" (basin {a.basin_share:.0%})"
                for a in proposal.alignments
            )
            out.append(f"<p>Stable alignments of the landscape at this turn: {esc(stable)}.</p>")
    notes = [n for n in game.notes("control") if n.turn == turn]
    if notes:
        out.append("<h4>White-cell notes</h4><ul>")
        out.extend(f"<li>{esc(n.text)}</li>" for n in notes)
        out.append("</ul>")
    if fig is not None:
        out.append(_figure_div(fig, f"turn-{turn:02d}"))
    out.append("</section>")
    return "\n".join(out)


def _open_turn_html(game: Game, last: int) -> str:
    injects = [i for i in game.injects("control") if i.turn > last]
    notes = [n for n in game.notes("control") if n.turn > last]
    if not injects and not notes:
        return ""
    out = [f'<section class="turn"><h3>Turn {game.turn} (not committed)</h3>']
    out.append(_injects_html(injects))
    out.extend(f"<p>Note: {esc(n.text)}</p>" for n in notes)
    out.append("</section>")
    return "\n".join(out)


def _rolled_back_html(records: list[Record]) -> str:
    undone = [r for r in records if not r.active]
    if not undone:
        return ""
    rows = [[r.seq, r.turn, r.at, r.role, record_summary(r), r.rolled_back_by] for r in undone]
    header = ["record", "turn", "written", "by", "what", "rolled back by record"]
    return (
        "<h2>Rolled back</h2><p>Kept in the log, not part of the game as played on.</p>"
        + _table(header, rows, numeric=frozenset({0, 1, 5}))
    )


def _checks_html(game: Game) -> str:
    rows = [
        [c.turn, c.seq, c.stored[:16], "reproduced" if c.ok else "DIFFERENT"] for c in game.checks
    ]
    if not rows:
        return ""
    return (
        "<h2>Replay check</h2><p>Each committed turn's state hash (SHA-256 of relations, "
        "world parameters and phase) as stored, and whether replaying the log reproduced it.</p>"
        + _table(["turn", "record", "hash", "replay"], rows, numeric=frozenset({0, 1}))
    )


# --- the zip ------------------------------------------------------------------------------


def _chart_page(fig: go.Figure, title: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title>"
        '<script type="text/javascript" src="plotly.min.js"></script></head><body>'
        + fig.to_html(full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG)
        + "</body></html>"
    )


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
            z.writestr(f"charts/{key}.html", _chart_page(fig, f"{game.title}: {key}"))
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


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a new temporary file beside ``path``, sync it, rename it there."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
