"""The boolean text query of the filter bar: parsed by hand-written recursive descent, checked
here against a brute-force evaluator over random queries and texts, both in Python and as the
SQL the store compiles (run by DuckDB on the same texts)."""

from __future__ import annotations

import random

import duckdb
import pytest

from app.core import metrics
from app.core import text_query as tq
from app.core.store.metrics_sql import where
from app.core.store.text_query_sql import compile_query

WORDS = [
    "refund",
    "Delay",
    "CANCEL",
    "bot",
    "e-mail",
    "café",
    "CAFÉ",
    "a b",
    "or",
    "not",
    "and",
    "x(y",
    "50%",
    "😀",
]
TEXT_WORDS = [
    "refund",
    "REFUNDS",
    "delay",
    "delayed",
    "cancel",
    "robot",
    "bot",
    "e-mail",
    "email",
    "Café",
    "cafe",
    "a b",
    "ab",
    "Or",
    "NOT",
    "and",
    "x(y",
    "50%",
    "😀",
    "?",
    "\n",
]


# ---- a random query as a tree, and written out in one of its many surface forms -------------


def random_tree(rng: random.Random, depth: int = 0):
    r = rng.random()
    if depth >= 3 or r < 0.35:
        return ("term", rng.choice(WORDS))
    if r < 0.5:
        return ("not", random_tree(rng, depth + 1))
    kind = "and" if r < 0.75 else "or"
    return (kind, [random_tree(rng, depth + 1) for _ in range(rng.randint(2, 3))])


def needs_quotes(word: str) -> bool:
    return word.lower() in ("or", "and", "not") or " " in word or "(" in word or word.startswith("-")


def write(rng: random.Random, tree) -> str:
    kind = tree[0]
    if kind == "term":
        word = tree[1]
        return f'"{word}"' if needs_quotes(word) or rng.random() < 0.15 else word
    if kind == "not":
        inner = tree[1]
        text = write(rng, inner)
        if inner[0] in ("and", "or"):
            text = f"({text})"
        return rng.choice(["-", "NOT ", "not "]) + text
    parts = []
    for child in tree[1]:
        text = write(rng, child)
        # an OR inside an AND needs its parentheses; anything may have extra ones
        if (kind == "and" and child[0] == "or") or (child[0] in ("and", "or") and rng.random() < 0.4):
            text = f"({text})"
        parts.append(text)
    joiner = rng.choice([" ", " AND ", " and "]) if kind == "and" else rng.choice([" OR ", " or "])
    return joiner.join(parts)


def brute(tree, text: str) -> bool:
    kind = tree[0]
    if kind == "term":
        return tree[1].lower() in text.lower()
    if kind == "not":
        return not brute(tree[1], text)
    results = [brute(c, text) for c in tree[1]]
    return all(results) if kind == "and" else any(results)


def random_text(rng: random.Random) -> str:
    return rng.choice(["", " ", ", "]).join(rng.choice(TEXT_WORDS) for _ in range(rng.randint(0, 6)))


def test_random_queries_agree_with_brute_force_in_python_and_in_sql():
    rng = random.Random(20131113)
    texts = [random_text(rng) for _ in range(300)]
    con = duckdb.connect()
    con.execute("CREATE TABLE posts (i INTEGER, text VARCHAR)")
    con.executemany("INSERT INTO posts VALUES (?, ?)", list(enumerate(texts)))
    checked = 0
    for _ in range(400):
        tree = random_tree(rng)
        query = write(rng, tree)
        node = tq.parse(query)
        expected = {i for i, t in enumerate(texts) if brute(tree, t)}
        assert {i for i, t in enumerate(texts) if tq.matches(node, t)} == expected, query
        fragment = compile_query(node)
        got = {
            r[0]
            for r in con.execute(f"SELECT i FROM posts WHERE {fragment}", list(fragment.params)).fetchall()
        }
        assert got == expected, query
        # written back canonically, it means the same
        assert {i for i, t in enumerate(texts) if tq.matches(tq.parse(tq.to_text(node)), t)} == expected
        checked += 1
    assert checked == 400


def test_the_example_of_the_issue():
    node = tq.parse("refund AND (delay OR cancel) -bot")
    assert tq.matches(node, "Still no REFUND after the delay")
    assert tq.matches(node, "refund? they cancel everything")
    assert not tq.matches(node, "refund delay, said the bot")
    assert not tq.matches(node, "refund please")
    # implicit AND, and NOT binds tighter than AND, which binds tighter than OR
    assert tq.parse("a b OR c") == tq.Or((tq.And((tq.Term("a"), tq.Term("b"))), tq.Term("c")))
    assert tq.parse('NOT "a b"') == tq.Not(tq.Term("a b", phrase=True))
    assert tq.parse("e-mail") == tq.Term("e-mail")
    assert tq.parse("  ") is None


@pytest.mark.parametrize(
    ("query", "words", "position"),
    [
        ("refund AND", "ends after AND", 7),
        ("OR delay", "starts with OR", 0),
        ("(refund", "is not closed", 0),
        ("refund)", "has no “(” before it", 6),
        ("()", "are empty", 0),
        ('"refund', "quote at character 1 is not closed", 0),
        ('""', "hold nothing", 0),
        ("refund NOT", "ends after NOT", 7),
        ("refund OR AND delay", "followed by AND", 10),
        ("(refund OR)", "followed by “)”", 8),
        ("(" * 40 + "x" + ")" * 40, "nests more than", 32),
    ],
)
def test_malformed_queries_say_what_is_wrong_and_where(query, words, position):
    with pytest.raises(tq.QueryError) as err:
        tq.parse(query)
    assert words in str(err.value)
    assert err.value.position == position
    assert tq.check(query) == str(err.value)
    with pytest.raises(tq.QueryError):
        metrics.PostFilter(text=query)  # never reaches the SQL


def test_user_text_only_ever_travels_as_parameters():
    hostile = "x'); DROP TABLE posts; -- quoted') OR 1=1 --"
    flt = metrics.PostFilter(text=f'"{hostile}" OR (robert\'; -"1=1")')
    names, params = flt.sql([])
    sql = where(names)
    assert "DROP" not in sql and "1=1" not in sql and "robert" not in sql
    assert sql.count("?") == len(params)
    con = duckdb.connect()
    con.execute("CREATE TABLE posts (text VARCHAR)")
    con.execute("INSERT INTO posts VALUES (?)", [hostile])
    assert con.execute(f"SELECT count(*) FROM posts WHERE {sql}", params).fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 1


def test_a_plain_word_is_described_as_contains():
    assert metrics.PostFilter(text="bell").describe() == "text contains “bell”"
    assert metrics.PostFilter(text="bell -rt").describe() == "text matches “bell -rt”"
