"""The text search of the filter bar: a small boolean query language, parsed into a tree.

``refund AND (delay OR cancel) -bot`` finds the posts whose text contains "refund" and either
"delay" or "cancel", and not "bot". The language:

* a word matches anywhere in the text, whatever the case (``refund`` matches "Refunds");
* ``"a phrase"`` matches those characters in that order (spaces included);
* two terms side by side must both match (AND is implied; ``AND`` may be written);
* ``OR`` between terms: either; ``NOT`` or a leading ``-``: must not match;
* parentheses group; NOT binds tightest, then AND, then OR (``a b OR c`` is ``(a b) OR c``).

Operators are recognised in any case (``or`` is OR); quote one to search for it as a word
(``"or"``). A ``-`` inside a word (``e-mail``) is part of the word.

:func:`parse` turns the text into a tree of :class:`Term`, :class:`Not`, :class:`And` and
:class:`Or`, or raises :class:`QueryError` with a message a user can act on and the place of
the problem. :func:`matches` evaluates a tree over a text in Python (the reference the SQL
compiled by :mod:`app.core.store.text_query_sql` is tested against). A tree never holds SQL:
the store turns it into SQL whose only variable parts are ``?`` parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.core.errors import UserError

#: nesting and size limits: a query is a few words typed by a person, and the SQL it becomes
#: must stay small
MAX_DEPTH = 32
MAX_TERMS = 64

_OPERATORS = {"AND", "OR", "NOT"}


class QueryError(UserError):
    """A query that cannot be read; ``position`` is the 0-based character where it goes wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class Term:
    """Text to find, case-insensitively; ``phrase`` when it was quoted."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Term | Not | And | Or


# ---- tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "(", ")", "AND", "OR", "NOT", "-", "end"
    text: str
    pos: int


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(_Token(c, c, i))
            i += 1
        elif c == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError(
                    f'The quote at character {i + 1} is not closed: add a closing " after the phrase.',
                    i,
                )
            out.append(_Token("phrase", query[i + 1 : end], i))
            i = end + 1
        elif c == "-" and (i + 1 < n and not query[i + 1].isspace()):
            # a minus sign before a term negates it; a lone "-" is a word of its own
            out.append(_Token("-", c, i))
            i += 1
        else:
            m = re.compile(r'[^\s()"]+').match(query, i)
            assert m is not None
            word = m.group(0)
            upper = word.upper()
            out.append(_Token(upper if upper in _OPERATORS else "word", word, i))
            i = m.end()
    out.append(_Token("end", "", n))
    return out


# ---- parsing ----------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the grammar::

    query   := or_expr END
    or_expr := and_expr (OR and_expr)*
    and_expr:= unary ([AND] unary)*
    unary   := (NOT | "-") unary | primary
    primary := "(" or_expr ")" | WORD | PHRASE
    """

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.i = 0
        self.depth = 0
        self.terms = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def parse(self) -> Node:
        node = self.or_expr()
        if self.tok.kind == ")":
            raise QueryError(f"The “)” at character {self.tok.pos + 1} has no “(” before it.", self.tok.pos)
        if self.tok.kind != "end":  # pragma: no cover - every other token starts a term
            raise QueryError(f"Unexpected “{self.tok.text}” at character {self.tok.pos + 1}.", self.tok.pos)
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.tok.kind == "OR":
            op = self.take()
            self._need_operand(op, "OR")
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while True:
            if self.tok.kind == "AND":
                op = self.take()
                self._need_operand(op, "AND")
            elif self.tok.kind not in ("word", "phrase", "(", "NOT", "-"):
                break
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node:
        if self.tok.kind in ("NOT", "-"):
            op = self.take()
            self._need_operand(op, "NOT" if op.kind == "NOT" else "-")
            self._enter(op)
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "(":
            self.take()
            self._enter(t)
            if self.tok.kind == ")":
                raise QueryError(
                    f"The parentheses at character {t.pos + 1} are empty: put words inside, or remove them.",
                    t.pos,
                )
            node = self.or_expr()
            if self.tok.kind != ")":
                raise QueryError(f"The “(” at character {t.pos + 1} is not closed: add a “)”.", t.pos)
            self.take()
            self.depth -= 1
            return node
        if t.kind in ("word", "phrase"):
            self.take()
            if t.kind == "phrase" and not t.text.strip():
                raise QueryError(
                    f"The quotes at character {t.pos + 1} hold nothing: put a phrase between them.", t.pos
                )
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise QueryError(f"The query has more than {MAX_TERMS} words: shorten it.", t.pos)
            return Term(t.text, phrase=t.kind == "phrase")
        if t.kind == ")":
            raise QueryError(f"The “)” at character {t.pos + 1} has no “(” before it.", t.pos)
        # AND / OR where a term should be
        if t.kind in ("AND", "OR"):
            where = (
                f"The query starts with {t.text.upper()}"
                if t.pos == self.tokens[0].pos
                else f"{t.text.upper()} at character {t.pos + 1} has nothing before it"
            )
            raise QueryError(
                f'{where}: put a word before it, or write "{t.text.lower()}" in quotes to '
                "search for the word.",
                t.pos,
            )
        raise QueryError(f"Unexpected “{t.text}” at character {t.pos + 1}.", t.pos)  # pragma: no cover

    def _need_operand(self, op: _Token, name: str) -> None:
        nxt = self.tok
        if nxt.kind == "end":
            raise QueryError(
                f"The query ends after {name}: add a word after it"
                + (
                    f', or write "{op.text.lower()}" in quotes to search for the word.'
                    if name != "-"
                    else "."
                ),
                op.pos,
            )
        if nxt.kind == ")":
            raise QueryError(
                f"{name} at character {op.pos + 1} is followed by “)”: add a word after {name}.", op.pos
            )
        if nxt.kind in ("AND", "OR"):
            raise QueryError(
                f"{name} at character {op.pos + 1} is followed by {nxt.text}: put a word between them.",
                nxt.pos,
            )

    def _enter(self, t: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"The query nests more than {MAX_DEPTH} levels deep: simplify it.", t.pos)


@lru_cache(maxsize=256)
def parse(query: str) -> Node | None:
    """The tree of ``query``; ``None`` for a query with nothing in it (no filter)."""
    if not query or not query.strip():
        return None
    return _Parser(query).parse()


def check(query: str) -> str | None:
    """The problem with ``query`` in words (``None`` when it can be read)."""
    try:
        parse(query)
    except QueryError as exc:
        return str(exc)
    return None


def is_plain(node: Node | None) -> bool:
    """Whether the query is a single word or phrase (described as "contains")."""
    return isinstance(node, Term)


# ---- evaluation -------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _pattern(text: str) -> re.Pattern:
    return re.compile(re.escape(text), re.IGNORECASE)


def matches(node: Node | None, text: str) -> bool:
    """Whether ``text`` satisfies the query (``None`` matches everything)."""
    if node is None:
        return True
    if isinstance(node, Term):
        return _pattern(node.text).search(text) is not None
    if isinstance(node, Not):
        return not matches(node.operand, text)
    if isinstance(node, And):
        return all(matches(n, text) for n in node.operands)
    return any(matches(n, text) for n in node.operands)


def terms(node: Node | None) -> list[Term]:
    """The words and phrases of a query, in order (to highlight them, say)."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.operand)
    return [t for n in node.operands for t in terms(n)]


def to_text(node: Node | None) -> str:
    """The query written back in its canonical form (fully parenthesised where it matters)."""
    if node is None:
        return ""
    if isinstance(node, Term):
        return f'"{node.text}"' if node.phrase or _needs_quotes(node.text) else node.text
    if isinstance(node, Not):
        return "-" + _wrap(node.operand)
    joiner = " " if isinstance(node, And) else " OR "
    return joiner.join(_wrap(n) if not isinstance(n, (Term, Not)) else to_text(n) for n in node.operands)


def _wrap(node: Node) -> str:
    return to_text(node) if isinstance(node, (Term, Not)) else f"({to_text(node)})"


def _needs_quotes(text: str) -> bool:
    return text.upper() in _OPERATORS or text.startswith("-") or any(c in text for c in ' ()"')
