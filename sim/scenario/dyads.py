"""Dyads: pairs of actors, and how they are written.

A dyad is an unordered pair of actors written ``A-B`` with the two actor ids joined by
``-`` (``RUS-JPN``); ``JPN-RUS`` names the same dyad, and a scenario file, a form or a
command line may use either. Its **canonical order** is the order in which the scenario
lists its actors: the loader renames dyad keys to it, and tables, figures, exports and
the workshop show dyads in it. The baseline lists USA, RUS, CHN, JPN, so its dyads are
shown as its file and the docs write them: ``USA-RUS``, ``USA-CHN``, ``USA-JPN``,
``RUS-CHN``, ``RUS-JPN``, ``CHN-JPN``. This is the one place that splits, joins and
orders dyad names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SEPARATOR = "-"
#: Between the two display names of a dyad: 'Russia – Japan'.
NAME_SEPARATOR = " – "
EXAMPLE = "RUS-JPN"


def known(ids: Sequence[str]) -> str:
    """The 'known actors: ...' phrase that error messages end with."""
    return "known actors: " + ", ".join(ids)


@dataclass(frozen=True)
class Dyad:
    """Two different actors, ``a`` written first. ``str(d)`` is ``'A-B'``."""

    a: str
    b: str

    def __str__(self) -> str:
        return f"{self.a}{SEPARATOR}{self.b}"

    @classmethod
    def split(cls, text: object) -> Dyad | None:
        """The two ids of ``'A-B'`` as written, or None when the text is not two different,
        non-empty ids joined by one '-' (whether the ids are actors is not checked)."""
        if not isinstance(text, str):
            return None
        parts = text.split(SEPARATOR)
        if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
            return None
        return cls(parts[0], parts[1])

    @classmethod
    def parse(cls, text: object, ids: Sequence[str]) -> Dyad:
        """The dyad ``text`` names among the actors ``ids``, in the order written.

        Raises ValueError saying what is wrong (see :func:`dyad_problem`).
        """
        problem = dyad_problem(text, ids)
        if problem:
            raise ValueError(f"'{text}' is not a dyad: {problem}")
        dyad = cls.split(text)
        assert dyad is not None  # dyad_problem accepted it
        return dyad

    @classmethod
    def of(cls, ids: Sequence[str], i: int, j: int) -> Dyad:
        """The dyad of actors ``i`` and ``j`` (indices into ``ids``), in canonical order."""
        lo, hi = sorted((i, j))
        return cls(ids[lo], ids[hi])

    def named(self, names: Mapping[str, str] | None = None) -> str:
        """The dyad in display names, 'Russia – Japan' (an id where ``names`` has none).
        Plain text: a page or a figure label escapes it where it shows it."""
        names = names or {}
        return f"{names.get(self.a, self.a)}{NAME_SEPARATOR}{names.get(self.b, self.b)}"

    def reversed(self) -> Dyad:
        """The same pair written the other way round."""
        return Dyad(self.b, self.a)

    def canonical(self, ids: Sequence[str]) -> Dyad:
        """The same pair in canonical order (the order of ``ids``)."""
        return self if ids.index(self.a) < ids.index(self.b) else self.reversed()

    def indices(self, ids: Sequence[str]) -> tuple[int, int]:
        """The actor indices of ``a`` and ``b`` in ``ids``, in the order written."""
        return ids.index(self.a), ids.index(self.b)


def dyad_problem(text: object, ids: Sequence[str]) -> str | None:
    """Why ``text`` is not a dyad of the actors ``ids``, or None when it is one."""
    parts = str(text).split(SEPARATOR)
    if len(parts) != 2 or not all(parts):
        return f"a dyad is two actor ids joined by '{SEPARATOR}', e.g. {EXAMPLE}"
    unknown = [p for p in parts if p not in ids]
    if unknown:
        names = " and ".join(f"'{p}'" for p in unknown)
        return f"unknown actor{'s' if len(unknown) > 1 else ''} {names}; {known(ids)}"
    if parts[0] == parts[1]:
        return "a dyad needs two different actors"
    return None


def dyad_indices(ids: Sequence[str], key: str) -> tuple[int, int]:
    """The actor indices of a dyad key 'A-B' (in the order written), or ValueError."""
    return Dyad.parse(key, ids).indices(ids)


def dyad_label(ids: Sequence[str], i: int, j: int) -> str:
    """The name 'A-B' of the dyad of actors ``i`` and ``j``, in canonical order."""
    return str(Dyad.of(ids, i, j))


def canonical_dyad(ids: Sequence[str], text: str) -> str:
    """A dyad written 'A-B' in either order, named in canonical order; ValueError if not one."""
    return str(Dyad.parse(text, ids).canonical(ids))
