"""A screen's live parts as HTML, built once on the server and set in place by the page.

The parts are Dash components (``dash.html`` and the few dash-bootstrap-components the
pages use), the one description of what a screen shows. Drawn by Dash, every change of
the game made each of thirty browsers walk the new components through Dash's renderer
and React: 0.13 to 0.6 CPU seconds per page per change, which thirty pages on one laptop
could not pay. Here the same components become an HTML string, with the same tags and
Bootstrap classes as Dash would give them, and the page's script (``assets/poll.js``)
sets each changed part's ``innerHTML`` and draws its charts with ``Plotly.react``: a
change costs a page a few hundredths of a second.

**Safety.** Every text child and attribute value is escaped (:func:`markupsafe.escape`),
so a rationale or an inject's text is shown as text, never read as markup; only the
attributes listed here are written, and a component or attribute this module does not
know raises :class:`ValueError` instead of being dropped, so a page cannot silently lose
what a part says. Charts (``dcc.Graph``) become an empty ``div`` with their id, and
their figures are returned beside the HTML as JSON.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import escape
from plotly.io.json import to_json_plotly

HTML_NS = "dash_html_components"
DBC_NS = "dash_bootstrap_components"
DCC_NS = "dash_core_components"

ATTRIBUTES = {
    "id": "id",
    "className": "class",
    "title": "title",
    "role": "role",
    "colSpan": "colspan",
    "rowSpan": "rowspan",
    "hidden": "hidden",
    "open": "open",
    "type": "type",
}
"""Dash's names of the HTML attributes written, and their names in HTML."""
IGNORED = {"key", "n_clicks", "n_clicks_timestamp", "disable_n_clicks"}
"""Props that only Dash's renderer uses."""
BOOLEAN = {"hidden", "open"}
VOID = {"br", "hr", "img", "input", "wbr"}
DATA = re.compile(r"^(data|aria)-[a-z0-9-]+$")

CARD_PARTS = {"Card": "card", "CardHeader": "card-header", "CardBody": "card-body"}
TABLE_FLAGS = ("striped", "hover", "bordered", "borderless", "dark")


class Rendered:
    """HTML being written, and the charts found on the way (id: figure JSON)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.figures: dict[str, str] = {}


def to_html(component: Any) -> tuple[str, dict[str, str]]:
    """``component`` (a Dash component tree, text, a list or None) as HTML, and the
    JSON of each chart in it by its element id."""
    done = Rendered()
    _write(component, done)
    return "".join(done.out), done.figures


def _write(node: Any, done: Rendered) -> None:
    if node is None or isinstance(node, bool):
        return
    if isinstance(node, str | int | float):
        done.out.append(str(escape(str(node))))
        return
    if isinstance(node, list | tuple):
        for child in node:
            _write(child, done)
        return
    described = getattr(node, "to_plotly_json", None)
    if described is None:
        raise ValueError(f"cannot show {type(node).__name__} on a page: not a Dash component")
    spec = described()
    kind, namespace, props = spec["type"], spec["namespace"], dict(spec["props"])
    if namespace == HTML_NS:
        _element(kind.lower(), props, [], done)
    elif namespace == DBC_NS:
        _bootstrap(kind, props, done)
    elif namespace == DCC_NS and kind == "Graph":
        _graph(props, done)
    else:
        raise ValueError(f"cannot show {namespace}.{kind} on a live part of a page")


def _element(tag: str, props: dict[str, Any], classes: list[str], done: Rendered) -> None:
    """``<tag ...>children</tag>`` with ``classes`` before the component's own."""
    children = props.pop("children", None)
    style = props.pop("style", None)
    own = props.pop("className", None)
    if own:
        classes = [*classes, own]
    attrs: list[str] = []
    if classes:
        attrs.append(f'class="{escape(" ".join(classes))}"')
    if style:
        attrs.append(f'style="{escape(_css(style))}"')
    for name, value in props.items():
        if name in IGNORED or value is None:
            continue
        if name in BOOLEAN:
            if value:
                attrs.append(ATTRIBUTES[name])
            continue
        html_name = ATTRIBUTES.get(name) or (name if DATA.match(name) else None)
        if html_name is None or isinstance(value, dict | list):
            raise ValueError(f"cannot write the attribute {name!r} of <{tag}> on a live part")
        attrs.append(f'{html_name}="{escape(str(value))}"')
    done.out.append(f"<{tag}{''.join(' ' + a for a in attrs)}>")
    if tag in VOID:
        return
    _write(children, done)
    done.out.append(f"</{tag}>")


def _bootstrap(kind: str, props: dict[str, Any], done: Rendered) -> None:
    """The dash-bootstrap-components the parts use, with the classes dbc gives them."""
    own = props.pop("class_name", None) or props.pop("className", None)
    classes = [own] if own else []
    if kind in CARD_PARTS:
        _element("div", props, [CARD_PARTS[kind], *classes], done)
    elif kind == "Badge":
        color, text = props.pop("color", "secondary"), props.pop("text_color", None)
        pill = ["rounded-pill"] if props.pop("pill", False) else []
        extra = [f"text-{text}"] if text else []
        _element("span", props, [*classes, "badge", *extra, f"bg-{color}", *pill], done)
    elif kind == "Alert":
        color = props.pop("color", "success")
        if not props.pop("is_open", True):
            return
        props["role"] = "alert"
        _element("div", props, [*classes, "alert", f"alert-{color}"], done)
    elif kind == "Table":
        size = props.pop("size", None)
        flags = [f"table-{f}" for f in TABLE_FLAGS if props.pop(f, False)]
        sized = [f"table-{size}"] if size else []
        _element("table", props, ["table", *sized, *flags, *classes], done)
    else:
        raise ValueError(f"cannot show dash_bootstrap_components.{kind} on a live part")


def _graph(props: dict[str, Any], done: Rendered) -> None:
    """A chart: its place in the page, and its figure for the page to draw there."""
    graph_id = props.get("id")
    if not isinstance(graph_id, str) or not graph_id:
        raise ValueError("a chart on a live part needs a text id")
    figure = props.get("figure")
    done.figures[graph_id] = to_json_plotly(figure if figure is not None else {})
    done.out.append(f'<div id="{escape(graph_id)}" class="ws-graph"></div>')


def _css(style: dict[str, Any]) -> str:
    """A Dash style dict (``gridTemplateColumns``) as CSS (``grid-template-columns``)."""
    return "; ".join(
        f"{re.sub(r'[A-Z]', lambda m: '-' + m.group(0).lower(), k)}: {v}" for k, v in style.items()
    )
