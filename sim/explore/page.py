"""The explorer's page: the controls of the base scenario beside the figures, and "save".

Each number is a text box with the control's range beside it (the page reads the box when
the analyst presses Enter or leaves it, and refuses a value outside the range in words);
each event is a switch. Every control carries its dotted key as its ``name``, the key a
what-if file writes. Text from the scenario (names, descriptions) goes in as text
children and attributes, which Dash (React) escapes.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from sim.explore.controls import GROUPS, Control, shown_value
from sim.explore.exploration import Explorer
from sim.explore.figures import FIGURES

NUMBER = "control"
"""The ``type`` of a number box's pattern-matching id: ``{"type": NUMBER, "key": KEY}``."""
SWITCH = "event"
"""The ``type`` of an event switch's id: ``{"type": SWITCH, "key": KEY}``."""
ON = "on"
"""The value of a switch's one option when the event is on."""

SECTION_TITLES = {
    "actors": "Actors: assertiveness and autonomy",
    "disputes": "Disputes: salience",
    "weights": "Driver weights",
    "events": "Events (off: removed from the what-if)",
}

LAYOUT = {
    "display": "grid",
    "gridTemplateColumns": "minmax(18em, 1fr) minmax(0, 3fr)",
    "gap": "1.5em",
    "alignItems": "start",
}
ROW = {"display": "grid", "gridTemplateColumns": "1fr 6em", "gap": "0.4em", "margin": "0.3em 0"}
SMALL = {"fontSize": "0.8em", "color": "#555", "gridColumn": "1 / span 2"}
MESSAGE = {"padding": "0.5em 0.8em", "borderRadius": "4px", "margin": "0.5em 0"}
OK_STYLE = {**MESSAGE, "background": "#e8f4ea", "color": "#1d5e2a"}
REFUSED_STYLE = {**MESSAGE, "background": "#fbeaea", "color": "#8a1c1c"}
WORKING_STYLE = {**MESSAGE, "background": "#eef2f8", "color": "#24406b"}
# While Dash waits for the redraw callback it marks the message "loading": say so in the
# page, so a slow change (many replicates, many actors) shows that it is on its way.
BUSY_CSS = """
#explore-msg[data-dash-is-loading="true"]::after {
    content: " Running the what-if ..."; font-style: italic;
}
"""


def number_box(control: Control) -> html.Div:
    """A control's label, its box (holding the base's value) and its range."""
    words = f"range {control.range_words}; base {shown_value(control.value)}"
    return html.Div(
        [
            html.Label(control.label, title=control.help or control.key),
            dcc.Input(
                id={"type": NUMBER, "key": control.key},
                name=control.key,
                type="text",
                inputMode="decimal",
                value=shown_value(control.value),
                debounce=True,
                style={"width": "100%"},
            ),
            html.Div(words, style=SMALL),
            *([html.Div(control.uncertain, style=SMALL)] if control.uncertain else []),
        ],
        style=ROW,
        className="explore-control",
    )


def switch(control: Control) -> html.Div:
    """An event's switch: on as the base has it, off to remove it from the what-if."""
    return html.Div(
        [
            dcc.Checklist(
                id={"type": SWITCH, "key": control.key},
                options=[{"label": f" {control.label}", "value": ON}],
                value=[ON],
            ),
            *([html.Div(control.help, style=SMALL)] if control.help else []),
        ],
        className="explore-control",
    )


def controls_panel(explorer: Explorer) -> html.Div:
    """Every control of the base, in sections, after the button that puts them all back."""
    sections: list[Any] = [html.Button("Back to the base", id="reset-button", n_clicks=0)]
    for group in GROUPS:
        members = [c for c in explorer.controls if c.group == group]
        if not members:
            continue
        items = [switch(c) if c.is_switch else number_box(c) for c in members]
        sections.append(
            html.Fieldset([html.Legend(SECTION_TITLES[group]), *items], id=f"section-{group}")
        )
    return html.Div(sections, id="controls")


def save_panel(explorer: Explorer) -> html.Div:
    """The file name to save the what-if as, the confirmation to replace one, and the
    button; the saved text is shown below."""
    default = f"{explorer.base_path.stem}-what-if.yaml"
    return html.Div(
        [
            html.H3("Save as what-if"),
            html.Label(f"File (relative to {explorer.base_path.parent}):", htmlFor="save-name"),
            dcc.Input(id="save-name", type="text", value=default, style={"width": "100%"}),
            dcc.Checklist(
                id="save-replace",
                options=[{"label": " replace an existing file", "value": "replace"}],
                value=[],
            ),
            html.Button("Save as what-if", id="save-button", n_clicks=0),
            html.Div(id="save-msg", role="status"),
            html.Pre(id="save-text", style={"whiteSpace": "pre-wrap", "fontSize": "0.85em"}),
        ],
        id="save",
    )


def layout(explorer: Explorer) -> html.Div:
    """The whole page."""
    base = explorer.base
    about = (
        f"{explorer.replicates:,} replicates, seed {explorer.seed}, chunks of "
        f"{explorer.chunk_size:,}; base file {explorer.base_path}"
    )
    return html.Div(
        [
            html.H1(f"What-if explorer: {base.name}"),
            html.P(base.description or ""),
            html.P(about, id="explore-about", style={"color": "#555"}),
            html.Div(
                [
                    html.Div([controls_panel(explorer), save_panel(explorer)]),
                    html.Div(
                        [
                            html.Div(id="explore-msg", role="status", style=WORKING_STYLE),
                            html.Ul(id="explore-notes"),
                            *[dcc.Graph(id=f"fig-{name}") for name in FIGURES],
                        ]
                    ),
                ],
                style=LAYOUT,
            ),
        ],
        style={"fontFamily": "system-ui, sans-serif", "margin": "1em 2em"},
    )
