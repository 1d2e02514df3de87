"""Conditions: a small, safe expression language over relations and parameters.

Conditional events ("when Russia-China rises above 0.6") and named end-states ("Russia
sides with China against Japan") are written as conditions such as::

    RUS-CHN > 0.6 and RUS-JPN is hostile
    actors.CHN.assertiveness >= 0.7 or not (JPN-CHN is rivalry or JPN-CHN is hostile)
    together(RUS, CHN) and blocs == 2
    step >= 8

The grammar (docs/scenarios.md, "Conditions"):

    condition  := or
    or         := and ('or' and)*
    and        := not ('and' not)*
    not        := 'not' not | '(' condition ')' | comparison
    comparison := value ('<' | '<=' | '>' | '>=' | '==' | '!=') value
                | value 'is' ['not'] BAND
                | 'together' '(' A ',' B ')'     (A and B are in the same bloc)
    value      := NUMBER | A-B | PATH | 'step' | 'blocs' | '-' value
                | 'together' '(' A ',' B ')'     (1 when A and B are in the same bloc)
                | 'strongest' '(' A ')'          (A's warmest relation to anyone)
                | 'weakest' '(' A ')'            (A's coldest relation to anyone)

``A-B`` is the relation of a dyad, ``PATH`` a parameter path (docs/scenarios.md), BAND one
of hostile, rivalry, hedging, aligned, allied. Conditions of end-states read only the
final relations: there, parameter paths and ``step`` are not allowed.

Blocs are the groups of actors joined by relations above the aligned band's lower bound
(bands.hedging): the connected components of that graph; ``blocs`` counts those with two
or more members.

Text is tokenised and parsed by hand into a tree of plain objects; nothing is ever
passed to eval. Every condition is evaluated for all replicates at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from sim.scenario.dyads import dyad_indices
from sim.scenario.paths import Target, parse_target

if TYPE_CHECKING:
    from sim.model.world import World
    from sim.scenario.schema import Scenario

BANDS = ("hostile", "rivalry", "hedging", "aligned", "allied")
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
FUNCTIONS = ("together", "strongest", "weakest")

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>\d+(?:\.\d*)?|\.\d+)"
    r"|(?P<op><=|>=|==|!=|<|>)"
    r"|(?P<punct>[(),-])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Z][A-Z0-9_]*)?(?:\.[A-Za-z0-9_-]+)*)"
    r")"
)


class ConditionError(ValueError):
    """A condition that cannot be parsed or does not fit the scenario; says where and why."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    """Split a condition into tokens, or raise ConditionError at the first bad character."""
    tokens: list[Token] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ConditionError(
                f"unexpected character '{text[pos:].strip()[:1]}' at column {pos + 1}"
            )
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return tokens


# --------------------------------------------------------------------------- the tree


class State(Protocol):
    """What a condition reads: relations (R, N, N), the world, the step, the band bounds."""

    relations: np.ndarray
    world: World
    step: int
    bounds: Any


@dataclass(frozen=True)
class Number:
    value: float

    def evaluate(self, state: State) -> np.ndarray:
        return np.full(state.relations.shape[0], self.value)


@dataclass(frozen=True)
class Relation:
    text: str
    i: int
    j: int

    def evaluate(self, state: State) -> np.ndarray:
        return state.relations[:, self.i, self.j]


@dataclass(frozen=True)
class Parameter:
    text: str
    target: Target

    def evaluate(self, state: State) -> np.ndarray:
        value = state.world.value(self.target)
        return np.broadcast_to(value, state.relations.shape[:1])


@dataclass(frozen=True)
class Step:
    def evaluate(self, state: State) -> np.ndarray:
        return np.full(state.relations.shape[0], float(state.step))


@dataclass(frozen=True)
class Blocs:
    def evaluate(self, state: State) -> np.ndarray:
        labels = bloc_labels(state.relations, state.bounds.hedging)
        sizes = np.stack([(labels == k).sum(axis=1) for k in range(labels.shape[1])], axis=1)
        return (sizes >= 2).sum(axis=1).astype(float)


@dataclass(frozen=True)
class Together:
    i: int
    j: int

    def evaluate(self, state: State) -> np.ndarray:
        labels = bloc_labels(state.relations, state.bounds.hedging)
        return (labels[:, self.i] == labels[:, self.j]).astype(float)


@dataclass(frozen=True)
class Extreme:
    """An actor's warmest ('strongest') or coldest ('weakest') relation to the others."""

    i: int
    strongest: bool

    def evaluate(self, state: State) -> np.ndarray:
        others = np.delete(state.relations[:, self.i, :], self.i, axis=1)
        return others.max(axis=1) if self.strongest else others.min(axis=1)


@dataclass(frozen=True)
class Negative:
    operand: Any

    def evaluate(self, state: State) -> np.ndarray:
        return -self.operand.evaluate(state)


@dataclass(frozen=True)
class Compare:
    left: Any
    op: str
    right: Any

    def evaluate(self, state: State) -> np.ndarray:
        a, b = self.left.evaluate(state), self.right.evaluate(state)
        # Relations move on a lattice of 0.05; round away float drift before comparing.
        a, b = np.round(a, 9), np.round(b, 9)
        return {
            "<": np.less,
            "<=": np.less_equal,
            ">": np.greater,
            ">=": np.greater_equal,
            "==": np.equal,
            "!=": np.not_equal,
        }[self.op](a, b)


@dataclass(frozen=True)
class InBand:
    value: Any
    band: str
    negate: bool

    def evaluate(self, state: State) -> np.ndarray:
        from sim.model.outcomes import band_codes

        codes = band_codes(self.value.evaluate(state), state.bounds)
        inside = codes == BANDS.index(self.band)
        return ~inside if self.negate else inside


@dataclass(frozen=True)
class Logical:
    op: str  # 'and' | 'or'
    parts: tuple[Any, ...]

    def evaluate(self, state: State) -> np.ndarray:
        results = [p.evaluate(state) for p in self.parts]
        combine = np.logical_and if self.op == "and" else np.logical_or
        out = results[0]
        for r in results[1:]:
            out = combine(out, r)
        return out


@dataclass(frozen=True)
class Not:
    part: Any

    def evaluate(self, state: State) -> np.ndarray:
        return ~self.part.evaluate(state)


@dataclass(frozen=True)
class Condition:
    """A parsed condition: ``holds(state)`` gives one boolean per replicate."""

    text: str
    tree: Any

    def holds(self, state: State) -> np.ndarray:
        return np.asarray(self.tree.evaluate(state), dtype=bool)


# --------------------------------------------------------------------------- the parser


class _Parser:
    def __init__(self, text: str, scenario: Scenario, relations_only: bool) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.scenario = scenario
        self.ids = list(scenario.actors)
        self.relations_only = relations_only

    # helpers
    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise ConditionError(f"expected '{text}' at column {token.column}, got '{token.text}'")

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.text in words

    # grammar
    def parse(self) -> Condition:
        if not self.tokens:
            raise ConditionError("the condition is empty")
        tree = self.parse_or()
        token = self.peek()
        if token is not None:
            raise ConditionError(f"unexpected '{token.text}' at column {token.column}")
        if not isinstance(tree, Compare | InBand | Logical | Not):
            raise ConditionError("a condition must compare something, e.g. RUS-CHN > 0.6")
        return Condition(self.text, tree)

    def parse_or(self) -> Any:
        parts = [self.parse_and()]
        while self.at_word("or"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Logical("or", tuple(parts))

    def parse_and(self) -> Any:
        parts = [self.parse_not()]
        while self.at_word("and"):
            self.take()
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else Logical("and", tuple(parts))

    def parse_not(self) -> Any:
        if self.at_word("not"):
            self.take()
            return Not(self._boolean(self.parse_not()))
        token = self.peek()
        if token is not None and token.text == "(" and self._parenthesised_condition():
            self.take()
            inner = self.parse_or()
            self.expect(")")
            return self._boolean(inner)
        return self.parse_comparison()

    def _parenthesised_condition(self) -> bool:
        """Whether the '(' ahead opens a condition (not a value such as '(0.5)')."""
        depth = 0
        for token in self.tokens[self.pos :]:
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and (token.kind == "op" or token.text in ("is", "and", "or", "not")):
                return True
        return False

    def _boolean(self, node: Any) -> Any:
        if not isinstance(node, Compare | InBand | Logical | Not):
            raise ConditionError(
                "'and', 'or' and 'not' combine comparisons, e.g. RUS-CHN > 0.6 and RUS-JPN < 0"
            )
        return node

    def parse_comparison(self) -> Any:
        left = self.parse_value()
        token = self.peek()
        if isinstance(left, Together) and (token is None or token.kind != "op"):
            return Compare(left, "==", Number(1.0))  # together(A, B) reads as a condition
        if token is None:
            raise ConditionError(f"'{self.text}' needs a comparison, e.g. RUS-CHN > 0.6")
        if token.text == "is":
            self.take()
            negate = self.at_word("not")
            if negate:
                self.take()
            band = self.take()
            if band.text not in BANDS:
                raise ConditionError(
                    f"'is' takes a band ({', '.join(BANDS)}), got "
                    f"'{band.text}' at column {band.column}"
                )
            if not isinstance(left, Relation):
                raise ConditionError("only a relation (A-B) is in a band, e.g. RUS-CHN is allied")
            return InBand(left, band.text, negate)
        if token.kind != "op":
            raise ConditionError(
                f"expected a comparison (<, <=, >, >=, ==, !=, is) at column "
                f"{token.column}, got '{token.text}'"
            )
        self.take()
        right = self.parse_value()
        return Compare(left, token.text, right)

    def parse_value(self) -> Any:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text))
        if token.text == "-":
            return Negative(self.parse_value())
        if token.text == "(":
            inner = self.parse_value()
            self.expect(")")
            return inner
        if token.kind != "word":
            raise ConditionError(
                f"expected a number, a dyad (A-B) or a path at column "
                f"{token.column}, got '{token.text}'"
            )
        word = token.text
        if word == "step":
            if self.relations_only:
                raise ConditionError(
                    "an end-state is read at the end of the run: 'step' cannot be used here"
                )
            return Step()
        if word == "blocs":
            return Blocs()
        if word == "together":
            self.expect("(")
            a = self._actor()
            self.expect(",")
            b = self._actor()
            self.expect(")")
            if a == b:
                raise ConditionError("together() needs two different actors")
            return Together(a, b)
        if word in ("strongest", "weakest"):
            self.expect("(")
            a = self._actor()
            self.expect(")")
            return Extreme(a, word == "strongest")
        if word in BANDS or word in ("and", "or", "not", "is"):
            raise ConditionError(
                f"'{word}' at column {token.column} cannot stand here; "
                f"expected a number, a dyad (A-B) or a path"
            )
        if "." in word:
            try:
                target = parse_target(self.scenario, word)
            except ValueError as exc:
                raise ConditionError(str(exc)) from None
            if target.kind == "dyad" and target.name == "relation":
                return Relation(word, target.i, target.j)
            if self.relations_only:
                raise ConditionError(
                    f"'{word}': an end-state reads only relations and blocs, not parameters"
                )
            return Parameter(word, target)
        if "-" in word:
            try:
                i, j = dyad_indices(self.ids, word)
            except ValueError as exc:
                raise ConditionError(str(exc)) from None
            return Relation(word, i, j)
        raise ConditionError(
            f"unknown name '{word}' at column {token.column}; expected a dyad such as "
            f"{self.ids[0]}-{self.ids[1]}, a path such as actors.{self.ids[0]}.assertiveness, "
            "step, blocs, together(A, B), strongest(A) or weakest(A)"
        )

    def _actor(self) -> int:
        token = self.take()
        if token.text not in self.ids:
            raise ConditionError(
                f"unknown actor '{token.text}' at column {token.column}; "
                f"known actors: {', '.join(self.ids)}"
            )
        return self.ids.index(token.text)


def parse_condition(text: str, scenario: Scenario, relations_only: bool = False) -> Condition:
    """Parse a condition against a scenario's actors, or raise ConditionError.

    ``relations_only``: for end-states, which read only the final relations.
    """
    return _Parser(text, scenario, relations_only).parse()


# --------------------------------------------------------------------------- blocs


def bloc_labels(relations: np.ndarray, threshold: float) -> np.ndarray:
    """(R, N) bloc label of every actor: connected components of relations above threshold.

    The label of a bloc is the smallest actor index in it, so labels are comparable
    across replicates.
    """
    reps, n, _ = relations.shape
    linked = np.round(relations, 9) > threshold
    labels = np.broadcast_to(np.arange(n), (reps, n)).copy()
    # Propagate the minimum label along links until nothing changes (at most n rounds).
    for _ in range(n):
        neighbour = np.where(linked, labels[:, None, :], n).min(axis=2)
        new = np.minimum(labels, neighbour)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels
