"""What the format holds at a key path: the type, fields, bounds and words for a key.

A key path is a tuple such as ``("actors", "CHN", "assertiveness")`` or
``("uncertainties", "actors.CHN.assertiveness", "low")``. The functions here read the
pydantic schema (:mod:`sim.scenario.schema`) to say what may be written there, so that
every message about a key can say what was expected. The distributions' names and
synonyms live here too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario import schema

KeyPath = tuple[str | int, ...]

DATE_WORDS = "a date (YYYY-MM-DD)"


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice closest to a misspelt word, if one is close enough."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def is_event_op(path: KeyPath) -> bool:
    """Whether ``path`` is an event's ``set`` or ``add`` mapping, whose keys are paths."""
    return len(path) == 3 and path[0] == "events" and path[2] in ("set", "add")


def is_path_keyed(path: KeyPath) -> bool:
    """Whether the mapping at ``path`` is keyed by whole dotted paths, not nested keys.

    An event's ``set``/``add`` and the top-level ``uncertainties`` and ``sweep`` map
    parameter paths (``actors.CHN.assertiveness``) to values.
    """
    return is_event_op(path) or path in (("uncertainties",), ("sweep",))


# --- distributions (uncertain parameters) ---------------------------------------------------

DISTRIBUTION_MODELS: dict[str, type[BaseModel]] = {
    get_args(model.model_fields["dist"].annotation)[0]: model
    for model in get_args(get_args(schema.Distribution)[0])
}
"""Each distribution's name (its ``dist``) and model, in the order the format lists them."""

DISTRIBUTIONS: tuple[str, ...] = tuple(DISTRIBUTION_MODELS)

DISTRIBUTION_WORDS = "a distribution (a mapping with dist: " + ", ".join(DISTRIBUTIONS) + ")"

# Names people write for the distributions the format knows (checked before spelling).
_DIST_SYNONYMS = {
    "gaussian": "normal",
    "gauss": "normal",
    "norm": "normal",
    "truncnorm": "normal",
    "truncated_normal": "normal",
    "unif": "uniform",
    "flat": "uniform",
    "rectangular": "uniform",
    "triang": "triangular",
    "triangle": "triangular",
    "tri": "triangular",
    "pert": "triangular",
    "choices": "choice",
    "categorical": "choice",
    "discrete": "choice",
    "one_of": "choice",
}


def unknown_distribution(name: Any) -> str:
    """Message for a ``dist`` the format does not know, with a did-you-mean when one fits."""
    text = str(name)
    msg = f"{text!r} is not a distribution; expected one of {', '.join(DISTRIBUTIONS)}"
    guess = _DIST_SYNONYMS.get(text.strip().lower().replace("-", "_").replace(" ", "_"))
    guess = guess or closest(text, DISTRIBUTIONS)
    return f"{msg}; did you mean '{guess}'?" if guess else msg


def is_distribution(path: KeyPath) -> bool:
    """Whether ``path`` names one distribution of the top-level ``uncertainties``."""
    return len(path) == 2 and path[0] == "uncertainties"


def without_tag(loc: KeyPath) -> KeyPath:
    """A pydantic location without the union tag it inserts below a distribution.

    pydantic reports ``('uncertainties', 'actors.CHN.assertiveness', 'uniform', 'low')``;
    the file has no 'uniform' key, so the tag is dropped to find the line of ``low``.
    """
    if len(loc) >= 3 and loc[0] == "uncertainties" and loc[2] in DISTRIBUTIONS:
        return (*loc[:2], *loc[3:])
    return loc


# --- walking the format: which field, type and bounds a key path names ----------------------


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """Strip Optional and Annotated from a type; return it with the constraints found."""
    constraints: list[Any] = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            base, *meta = get_args(tp)
            for m in meta:
                constraints.extend(m.metadata if isinstance(m, FieldInfo) else [m])
            tp = base
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp, constraints


def type_at(path: KeyPath, root: type[BaseModel] = schema.Scenario) -> tuple[Any, list[Any]] | None:
    """The type a key path holds in the format and its constraints (ge, le ...), or None.

    Paths go through model fields, dict values (any key) and list items (any index). In a
    union of models (a distribution) a field is found in the members that have it, and
    ``dist`` stands for all the names the members accept.
    """
    tp: Any = root
    constraints: list[Any] = []
    for part in path:
        tp, _ = _unwrap(tp)
        if get_origin(tp) in (Union, types.UnionType) and isinstance(part, str):
            members = [m for m in get_args(tp) if isinstance(m, type) and issubclass(m, BaseModel)]
            infos = [m.model_fields[part] for m in members if part in m.model_fields]
            if not infos:
                return None
            kinds = [_unwrap(i.annotation)[0] for i in infos]
            if all(get_origin(k) is Literal for k in kinds):
                names = tuple(a for k in kinds for a in get_args(k))
                tp, constraints = Literal[names], []  # type: ignore[valid-type]
                continue
            tp, constraints = infos[0].annotation, list(infos[0].metadata)
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(part) if isinstance(part, str) else None
            if info is None:
                return None
            tp, constraints = info.annotation, list(info.metadata)
        elif get_origin(tp) is dict:
            tp, constraints = get_args(tp)[1], []
        elif get_origin(tp) is list and isinstance(part, int):
            tp, constraints = get_args(tp)[0], []
        else:
            return None
    tp, more = _unwrap(tp)
    return tp, constraints + more


def fields_at(path: KeyPath) -> list[str]:
    """The field names of the model at ``path`` (empty when the path is not a model)."""
    found = type_at(path)
    if found and isinstance(found[0], type) and issubclass(found[0], BaseModel):
        return list(found[0].model_fields)
    return []


def bounds_at(path: KeyPath) -> dict[str, float]:
    """The numeric bounds (ge, gt, le, lt) of the field at ``path``."""
    found = type_at(path)
    bounds: dict[str, float] = {}
    for c in found[1] if found else []:
        for name in ("ge", "gt", "le", "lt"):
            value = getattr(c, name, None)
            if value is not None:
                bounds[name] = value
    return bounds


def expected_at(path: KeyPath) -> str | None:
    """What the field at ``path`` takes, in words ('a number', 'text' ...), or None."""
    found = type_at(path)
    if found is None:
        return None
    tp = found[0]
    if get_origin(tp) is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if tp is bool:
        return None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "a mapping (key: value lines)"
    words = {float: "a number", int: "a whole number", str: "text", dt.date: DATE_WORDS}
    if tp in words:
        return words[tp]
    origin = get_origin(tp)
    return {dict: "a mapping (key: value lines)", list: "a list"}.get(origin, "a value")
