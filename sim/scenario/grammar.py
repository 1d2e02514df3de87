"""The expression language: conditions of events and end-states, and analysis outcomes.

One grammar (lark, LALR) reads every expression a scenario or an analysis writes::

    RUS-CHN > 0.6 and RUS-JPN is hostile                 a condition (events, end-states)
    actors.CHN.assertiveness >= 0.7 or not (CHN-JPN is rivalry or CHN-JPN is hostile)
    together(RUS, CHN) and blocs == 2
    RUS-JPN@20   P(russia_japan_rapprochement)   P(RUS-CHN is allied)@12     outcomes

    condition  := or
    or         := and ('or' and)*
    and        := not ('and' not)*
    not        := 'not' not | '(' condition ')' | test
    test       := value OP value | value 'is' ['not'] BAND | 'together' '(' A ',' B ')'
    value      := NUMBER | A-B | PATH | 'step' | 'blocs' | '-' value | '(' value ')'
                | 'together' '(' A ',' B ')' | 'strongest' '(' A ')' | 'weakest' '(' A ')'
    outcome    := (A '-' B | 'P' '(' [NAME | condition] ')' | NAME | condition) ['@' STEP]

A parenthesis holds a value unless a comparison, 'is', 'and', 'or' or 'not' stands at
its own depth: ``(0.5)`` is a value, ``(RUS-CHN > 0.5)`` a condition.

:func:`parse_condition` reads a condition and resolves its names against a scenario
(actors, dyads, parameter paths, bands) into a small tree of frozen dataclasses; the
model evaluates that tree (:mod:`sim.model.conditions`). :func:`parse_outcome_syntax`
reads the layout of an outcome expression; :mod:`sim.analysis.outcome_expr` gives it a
meaning. Nothing here evaluates anything, and no text is ever passed to eval.

Errors (:class:`ConditionError`) say where: the column in the expression and what was
expected there. lark reports the first token that cannot follow; :func:`_syntax_message`
turns that into the sentence for the place it stands.

One file on purpose (it is longer than most): the grammar, the tree it reads into and the
messages for its mistakes are one definition of the language, and change together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from sim.scenario.dyads import Dyad, dyad_indices, known
from sim.scenario.paths import Target, parse_target
from sim.scenario.schema import Scenario

BANDS = ("hostile", "rivalry", "hedging", "aligned", "allied")
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
FUNCTIONS = ("together", "strongest", "weakest")

GRAMMAR = r"""
?condition: or_test
outcome: _subject (AT NUMBER)?
_subject: probability | spaced_dyad | or_test
probability: PROB "(" [or_test] ")"
spaced_dyad: NAME "-" NAME

?or_test: and_test | and_test (OR and_test)+ -> any_of
?and_test: not_test | not_test (AND not_test)+ -> all_of
?not_test: NOT not_test -> negation
         | "(" or_test ")"
         | test
// '( value' followed by ')' is a shift/reduce conflict (close a parenthesised value, or
// end a condition that is a bare value): lark shifts, so the parenthesis holds a value.
?test: value OP value -> compare
     | value IS [NOT] NAME -> in_band
     | value -> bare
?value: NUMBER -> number
      | NAME -> name
      | "-" value -> negative
      | "(" value ")"
      | TOGETHER "(" NAME "," NAME ")" -> together
      | (STRONGEST | WEAKEST) "(" NAME ")" -> extreme

AND: "and"
OR: "or"
NOT: "not"
IS: "is"
TOGETHER: "together"
STRONGEST: "strongest"
WEAKEST: "weakest"
PROB: "P"
AT: "@"
OP: "<=" | ">=" | "==" | "!=" | "<" | ">"
NUMBER: /\d+(\.\d*)?|\.\d+/
NAME: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Z][A-Z0-9_]*)?(?:\.[A-Za-z0-9_-]+)*/
%ignore /\s+/
"""


def _parser_cache() -> str | bool:
    """Where lark keeps the grammar's parse tables between processes: beside this module's
    bytecode, or nowhere if that folder cannot be made.

    Building the tables takes about 0.06 s of every command; loading them 0.004 s. lark
    writes them with pickle and checks a hash of the grammar, its options and its own
    version before it reads them (a stale or cut-short file is built again). The folder is
    the package's own ``__pycache__``, trusted as its bytecode is; lark's ``cache=True``
    would use the shared temporary folder, which is not.
    """
    folder = Path(__file__).resolve().parent / "__pycache__"
    try:
        folder.mkdir(exist_ok=True)
    except OSError:  # a read-only installation: build the tables each time
        return False
    return str(folder / "grammar.lark-tables")


PARSER = Lark(
    GRAMMAR,
    parser="lalr",
    start=["condition", "outcome"],
    propagate_positions=True,
    cache=_parser_cache(),
)

_OUTCOME_ONLY = {"AT", "PROB"}
_CALLS = {"TOGETHER", "STRONGEST", "WEAKEST"}
_ACTOR_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class ConditionError(ValueError):
    """A condition that cannot be parsed or does not fit the scenario; says where and why."""


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Relation:
    """The relation of actors i and j (written ``A-B`` or ``dyads.A-B.relation``)."""

    text: str
    i: int
    j: int


@dataclass(frozen=True)
class Parameter:
    """A parameter of the world, named by its path (``actors.CHN.assertiveness``)."""

    text: str
    target: Target


@dataclass(frozen=True)
class Step:
    """The current step of the run."""


@dataclass(frozen=True)
class Blocs:
    """How many blocs of two or more actors there are."""


@dataclass(frozen=True)
class Together:
    """1 when actors i and j are in the same bloc, else 0."""

    i: int
    j: int


@dataclass(frozen=True)
class Extreme:
    """An actor's warmest ('strongest') or coldest ('weakest') relation to the others."""

    i: int
    strongest: bool


@dataclass(frozen=True)
class Negative:
    operand: Value


@dataclass(frozen=True)
class Compare:
    left: Value
    op: str
    right: Value


@dataclass(frozen=True)
class InBand:
    value: Relation
    band: str
    negate: bool


@dataclass(frozen=True)
class Logical:
    op: Literal["and", "or"]
    parts: tuple[Test, ...]


@dataclass(frozen=True)
class Not:
    part: Test


Value = Number | Relation | Parameter | Step | Blocs | Together | Extreme | Negative
Test = Compare | InBand | Logical | Not


@dataclass(frozen=True)
class Condition:
    """A parsed condition: its text and its tree, resolved against one scenario."""

    text: str
    tree: Test


# --------------------------------------------------------------------------- conditions


def parse_condition(text: str, scenario: Scenario, relations_only: bool = False) -> Condition:
    """Parse a condition against a scenario's actors, or raise ConditionError.

    ``relations_only``: for end-states, which read only the final relations (no
    parameter paths, no ``step``).
    """
    if not text.strip():
        raise ConditionError("the condition is empty")
    tokens = _tokens(text)
    resolver = _Resolver(text, tokens, scenario, relations_only)
    try:
        tree = PARSER.parse(text, start="condition")
    except UnexpectedToken as exc:
        resolver.prefix(exc)  # a wrong name before the error is what a reader meets first
        raise ConditionError(_syntax_message(exc, tokens, resolver.ids)) from None
    return Condition(text, resolver.test(tree))


def _tokens(text: str) -> list[Token]:
    """Every token of a condition, or ConditionError at the first character that is none."""
    try:
        tokens = list(PARSER.lex(text))
    except UnexpectedCharacters as exc:
        raise ConditionError(f"unexpected character '{exc.char}' at column {exc.column}") from None
    for token in tokens:
        if token.type in _OUTCOME_ONLY and token.type != "PROB":
            raise ConditionError(f"unexpected character '{token}' at column {token.column}")
    return tokens


def _syntax_message(exc: UnexpectedToken, tokens: list[Token], ids: Sequence[str]) -> str:
    """What was expected where lark stopped, in the words of the language's docs."""
    token = exc.token
    if token.type == "$END":
        return "the condition ends too early"
    if token.type in _OUTCOME_ONLY:
        return f"unexpected character '{token}' at column {token.column}"
    accepts = exc.interactive_parser.accepts()
    stack = exc.interactive_parser.parser_state.value_stack
    at = f"at column {token.column}"
    if "OP" in accepts:  # right after the value a comparison starts with
        inside = _open_paren(stack, tokens)
        if _follows_together(tokens, token):
            return f"expected ')' {at}, got '{token}'" if inside else f"unexpected '{token}' {at}"
        if inside == "value":
            return f"expected ')' {at}, got '{token}'"
        return f"expected a comparison (<, <=, >, >=, ==, !=, is) {at}, got '{token}'"
    if accepts <= {"AND", "OR", "$END"}:
        return f"unexpected '{token}' {at}"
    if accepts == {"NAME"} and stack and getattr(stack[-1], "type", "") in ("LPAR", "COMMA"):
        return f"unknown actor '{token}' {at}; {known(ids)}"
    if accepts <= {"NAME", "NOT"}:
        return f"'is' takes a band ({', '.join(BANDS)}), got '{token}' {at}"
    if "NUMBER" in accepts:
        return f"expected a number, a dyad (A-B) or a path {at}, got '{token}'"
    punct = {"RPAR": ")", "LPAR": "(", "COMMA": ","}
    wanted = next((punct[a] for a in ("RPAR", "COMMA", "LPAR") if a in accepts), ")")
    return f"expected '{wanted}' {at}, got '{token}'"


def _open_paren(stack: list, tokens: list[Token]) -> str | None:
    """'value' or 'condition': what the innermost open parenthesis holds (None at the top).

    A parenthesis holds a condition when a comparison, 'is', 'and', 'or' or 'not' stands
    at its own depth before it closes.
    """
    opening = None
    for k, item in enumerate(stack):
        if isinstance(item, Token) and item.type == "LPAR":
            before = stack[k - 1] if k else None
            if not (isinstance(before, Token) and before.type in _CALLS | {"PROB"}):
                opening = item
    if opening is None:
        return None
    depth = 0
    for token in tokens:
        if token.start_pos < opening.start_pos:
            continue
        if token.type == "LPAR":
            depth += 1
        elif token.type == "RPAR":
            depth -= 1
            if depth == 0:
                return "value"
        elif depth == 1 and token.type in ("OP", "IS", "AND", "OR", "NOT"):
            return "condition"
    return "value"


def _follows_together(tokens: list[Token], token: Token) -> bool:
    """Whether ``token`` comes right after a call ``together(A, B)``."""
    before = [t for t in tokens if t.start_pos < token.start_pos]
    return len(before) >= 6 and before[-1].type == "RPAR" and before[-6].type == "TOGETHER"


class _Resolver:
    """Turns lark's tree into the condition tree, resolving names against a scenario."""

    def __init__(
        self, text: str, tokens: list[Token], scenario: Scenario, relations_only: bool
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.scenario = scenario
        self.ids = list(scenario.actors)
        self.relations_only = relations_only

    def prefix(self, exc: UnexpectedToken) -> None:
        """Resolve what was read before a syntax error, so its first wrong name is told."""
        stack = exc.interactive_parser.parser_state.value_stack
        for k, item in enumerate(stack):
            if isinstance(item, Tree):
                if item.data in ("compare", "in_band", "bare", "any_of", "all_of", "negation"):
                    self.test(item)
                else:
                    self.value(item)
            elif item.type == "NAME":
                kind = getattr(stack[k - 1], "type", "") if k else ""
                call = getattr(stack[k - 2], "type", "") if k >= 2 else ""
                if kind == "COMMA" or (kind == "LPAR" and call in _CALLS):
                    self.actor(item)
                elif kind not in ("IS", "NOT"):
                    self.name(item)

    def test(self, tree: Tree) -> Test:
        kind, kids = tree.data, [k for k in tree.children if not _is_keyword(k)]
        if kind in ("any_of", "all_of"):
            op: Literal["and", "or"] = "or" if kind == "any_of" else "and"
            return Logical(op, tuple(self.test(k) for k in kids))
        if kind == "negation":
            return Not(self.test(kids[0]))
        if kind == "compare":
            left = self.value(kids[0])
            return Compare(left, str(kids[1]), self.value(kids[2]))
        if kind == "in_band":
            return self.in_band(tree)
        if kind == "bare":
            value = self.value(kids[0])
            if isinstance(value, Together):  # together(A, B) reads as a condition
                return Compare(value, "==", Number(1.0))
            after = next((t for t in self.tokens if t.start_pos >= tree.meta.end_pos), None)
            if after is None:
                raise ConditionError(f"'{self.text}' needs a comparison, e.g. RUS-CHN > 0.6")
            raise ConditionError(
                f"expected a comparison (<, <=, >, >=, ==, !=, is) at column "
                f"{after.column}, got '{after}'"
            )
        raise ConditionError(f"'{self.text}': not a condition")  # pragma: no cover

    def in_band(self, tree: Tree) -> InBand:
        left, is_, negate, band = tree.children
        value = self.value(left)
        if isinstance(value, Together):  # a condition already: 'is' cannot follow it
            before = [t for t in self.tokens if t.start_pos < is_.start_pos]
            depth = sum({"LPAR": 1, "RPAR": -1}.get(t.type, 0) for t in before)
            if depth:
                raise ConditionError(f"expected ')' at column {is_.column}, got 'is'")
            raise ConditionError(f"unexpected 'is' at column {is_.column}")
        if band not in BANDS:
            raise ConditionError(
                f"'is' takes a band ({', '.join(BANDS)}), got '{band}' at column {band.column}"
            )
        if not isinstance(value, Relation):
            raise ConditionError("only a relation (A-B) is in a band, e.g. RUS-CHN is allied")
        return InBand(value, str(band), negate is not None)

    def value(self, tree: Tree | Token) -> Value:
        if isinstance(tree, Token):
            return self.name(tree) if tree.type == "NAME" else Number(float(tree))
        kind, kids = tree.data, tree.children
        if kind == "number":
            return Number(float(kids[0]))
        if kind == "name":
            return self.name(kids[0])
        if kind == "negative":
            return Negative(self.value(kids[0]))
        if kind == "together":
            a, b = self.actor(kids[1]), self.actor(kids[2])
            if a == b:
                raise ConditionError("together() needs two different actors")
            return Together(a, b)
        if kind == "extreme":
            return Extreme(self.actor(kids[1]), kids[0].type == "STRONGEST")
        raise ConditionError(f"'{self.text}': not a value")  # pragma: no cover

    def name(self, token: Token) -> Value:
        word = str(token)
        if word == "step":
            if self.relations_only:
                raise ConditionError(
                    "an end-state is read at the end of the run: 'step' cannot be used here"
                )
            return Step()
        if word == "blocs":
            return Blocs()
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

    def actor(self, token: Token) -> int:
        if token not in self.ids:
            raise ConditionError(
                f"unknown actor '{token}' at column {token.column}; {known(self.ids)}"
            )
        return self.ids.index(str(token))


def _is_keyword(item: object) -> bool:
    return isinstance(item, Token) and item.type in ("AND", "OR", "NOT")


# --------------------------------------------------------------------------- outcomes


class OutcomeSyntaxError(ValueError):
    """An outcome expression the grammar does not accept (the analysis says why)."""


@dataclass(frozen=True)
class OutcomeSyntax:
    """The layout of an outcome expression, before it is given a meaning.

    ``form``: 'dyad' (``A-B``, a relation), 'probability' (``P(...)``) or 'bare' (a name
    or a condition without ``P( )``). ``subject``: the dyad as written ('A-B'), the text
    inside ``P( )`` or the bare text; ``step``: the text after '@' (None without one).
    """

    form: Literal["dyad", "probability", "bare"]
    subject: str
    step: str | None = None
    dyad: Dyad | None = None


def parse_outcome_syntax(text: str) -> OutcomeSyntax:
    """Read the layout of an outcome expression, or raise OutcomeSyntaxError."""
    try:
        tree = PARSER.parse(text, start="outcome")
    except UnexpectedInput as exc:
        raise OutcomeSyntaxError(str(exc)) from None
    subject, *rest = tree.children
    step = str(rest[1]) if rest else None
    if subject.data == "spaced_dyad":
        a, b = (str(t) for t in subject.children)
        if _ACTOR_ID.fullmatch(a) and _ACTOR_ID.fullmatch(b):
            return OutcomeSyntax("dyad", f"{a}-{b}", step, Dyad(a, b))
        raise OutcomeSyntaxError(f"{text!r}: not a dyad")
    if subject.data == "probability":
        inner = subject.children[1]
        body = "" if inner is None else text[inner.meta.start_pos : inner.meta.end_pos]
        return OutcomeSyntax("probability", body, step)
    body = text[subject.meta.start_pos : subject.meta.end_pos]
    parts = body.split("-")
    if len(parts) == 2 and all(_ACTOR_ID.fullmatch(p) for p in parts):
        return OutcomeSyntax("dyad", body, step, Dyad(parts[0], parts[1]))
    return OutcomeSyntax("bare", body, step)


__all__ = [
    "BANDS",
    "COMPARISONS",
    "FUNCTIONS",
    "Blocs",
    "Compare",
    "Condition",
    "ConditionError",
    "Extreme",
    "InBand",
    "Logical",
    "Negative",
    "Not",
    "Number",
    "OutcomeSyntax",
    "OutcomeSyntaxError",
    "Parameter",
    "Relation",
    "Step",
    "Test",
    "Together",
    "Value",
    "parse_condition",
    "parse_outcome_syntax",
]
