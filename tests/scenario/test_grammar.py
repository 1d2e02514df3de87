"""The expression grammar: what it reads into the condition tree, outcome layouts, and
the messages that say where an expression goes wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from factories import baseline

from sim.scenario import grammar
from sim.scenario.grammar import (
    Compare,
    ConditionError,
    InBand,
    Logical,
    Not,
    Number,
    Relation,
    Together,
    parse_condition,
    parse_outcome_syntax,
)

IDS = ["USA", "CHN", "JPN", "RUS"]


def tree(text: str):
    return parse_condition(text, baseline()).tree


def test_conditions_read_into_the_tree():
    ids = list(baseline().actors)
    rus, chn = ids.index("RUS"), ids.index("CHN")
    assert tree("RUS-CHN > 0.6") == Compare(Relation("RUS-CHN", rus, chn), ">", Number(0.6))
    assert tree("RUS-CHN is not allied") == InBand(Relation("RUS-CHN", rus, chn), "allied", True)
    # together(A, B) alone is a condition: A and B in the same bloc
    assert tree("together(RUS, CHN)") == Compare(Together(rus, chn), "==", Number(1.0))
    both = tree("RUS-CHN > 0.6 and not (RUS-CHN < 0 or RUS-CHN > 1)")
    assert isinstance(both, Logical) and both.op == "and" and isinstance(both.parts[1], Not)
    assert tree("(RUS-CHN) > (0.5)") == tree("RUS-CHN > 0.5")  # a parenthesis holds a value
    assert tree("((RUS-CHN > 0.5))") == tree("RUS-CHN > 0.5")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RUS-CHN > 0.5 ; x", "unexpected character ';' at column 15"),
        ("RUS-CHN > 0.5 @ 3", "unexpected character '@' at column 15"),
        ("together(RUS,", "ends too early"),
        ("together(0.5, RUS)", "unknown actor '0.5' at column 10"),
        ("strongest(RUS, CHN) > 1", "expected ')' at column 14, got ','"),
        ("together > 1", "expected '(' at column 10, got '>'"),
        ("(RUS-CHN 0.5)", "expected ')' at column 10, got '0.5'"),
        ("(RUS-CHN 0.5 > 1)", "expected a comparison (<, <=, >, >=, ==, !=, is) at column 10"),
        ("RUS-CHN > (RUS-JPN > 0)", "expected ')' at column 20, got '>'"),
        ("RUS-CHN and RUS-JPN > 1", "expected a comparison (<, <=, >, >=, ==, !=, is) at column 9"),
        ("RUS-CHN > 0.5 > 0.2", "unexpected '>' at column 15"),
        ("together(RUS, CHN) is allied", "unexpected 'is' at column 20"),
        ("RUS-CHN is 0.5", "'is' takes a band"),
        ("RUS - CHN > 0.5", "unknown name 'RUS' at column 1"),
        ("RUS-CHN > not RUS-JPN", "'not' at column 11 cannot stand here"),
    ],
)
def test_syntax_errors_say_where(text, message):
    with pytest.raises(ConditionError) as info:
        parse_condition(text, baseline())
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "form", "subject", "step"),
    [
        ("RUS-JPN", "dyad", "RUS-JPN", None),
        ("JPN - RUS @ 20", "dyad", "JPN-RUS", "20"),
        ("P(russia_japan_rapprochement)", "probability", "russia_japan_rapprochement", None),
        ("P( RUS-CHN is allied )@12", "probability", "RUS-CHN is allied", "12"),
        ("P()", "probability", "", None),
        ("RUS-CHN is allied", "bare", "RUS-CHN is allied", None),
        ("china_isolated@8", "bare", "china_isolated", "8"),
    ],
)
def test_outcome_layouts(text, form, subject, step):
    syntax = parse_outcome_syntax(text)
    assert (syntax.form, syntax.subject, syntax.step) == (form, subject, step)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RUS-CHN >> 0.6", "expected a number, a dyad (A-B) or a path at column 10"),
        ("RUS-KOR > 0.6", "unknown actor 'KOR'"),
        ("RUS-CHN is friendly", "'is' takes a band"),
        ("0.5 is allied", "only a relation (A-B) is in a band"),
        ("RUS-CHN", "needs a comparison"),
        ("actors.CHN.assertivness > 0.5", "did you mean 'assertiveness'"),
        ("RUS-CHN > 0.6 and", "ends too early"),
        ("RUS-CHN > 0.6 )", "unexpected ')'"),
        ("", "the condition is empty"),
        ("RUS-CHN > 0.6 ; import os", "unexpected character ';'"),
        ("__import__('os')", "unexpected character"),
        ("__import__ > 1", "unknown name '__import__'"),
        ("together(RUS, RUS)", "two different actors"),
        ("allied > 0.3", "cannot stand here"),
        ("(RUS-CHN > 0.6) > 1", "unexpected '>'"),
    ],
)
def test_bad_conditions_say_what_is_wrong(text, message):
    with pytest.raises(ConditionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_condition(text, baseline())


def test_end_states_read_only_relations():
    with pytest.raises(ConditionError, match="not parameters"):
        parse_condition("actors.CHN.assertiveness > 0.5", baseline(), relations_only=True)
    with pytest.raises(ConditionError, match="'step' cannot be used"):
        parse_condition("step > 3", baseline(), relations_only=True)


def test_parse_tables_are_rebuilt_from_a_damaged_cache(tmp_path):
    """The parse tables lark keeps beside the module: a file cut short or overwritten is
    built again (and written again), never trusted; the parser then reads as before."""
    cache = Path(grammar._parser_cache())
    script = (
        "from sim.scenario import grammar; "
        "print(grammar.PARSER.parse('RUS-CHN > 0.5 and not CHN-JPN is hostile', "
        "start='condition').data)"
    )
    for damage in (b"", b"not the tables\n", cache.read_bytes()[:200] if cache.exists() else b"x"):
        cache.write_bytes(damage)
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "all_of"
        assert cache.read_bytes() != damage  # built and written again
