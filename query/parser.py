"""Reads query text into a syntax tree.

Precedence, loosest first: OR, then conditions written side by side (an implied AND), then an
explicit AND. So `a and b or c d` reads as `(a AND b) OR (c AND d)`.
"""

from __future__ import annotations

import re

from normalize.urns import looks_like_phone_fragment
from query.ast import BoolOp, Condition, Node, Operator, Prefix, Property, combine
from query.errors import ErrorCode, QueryError
from query.lexer import Token, TokenKind, tokenize
from query.limits import MAX_CONDITIONS, MAX_DEPTH, check_length, too_complex
from query.words import has_searchable_word

_TERM_STARTS = (TokenKind.WORD, TokenKind.STRING, TokenKind.LPAREN)
_VALUES = (TokenKind.WORD, TokenKind.STRING)
_PROPERTY = re.compile(r"(?:(\w+)\.)?(\w+)")


def parse(text: str) -> Node:
    check_length(text)
    return _Parser(text).parse()


def bare_value_condition(value: str) -> Condition:
    """What a value written without property and operator searches for."""
    if looks_like_phone_fragment(value):
        return Condition(Property("tel", Prefix.URNS), Operator.CONTAINS, value, implicit=True)
    return bare_name_condition(value)


def bare_name_condition(value: str) -> Condition:
    operator = Operator.CONTAINS if has_searchable_word(value) else Operator.EQ
    return Condition(Property("name"), operator, value)


def parse_property(token: Token) -> Property:
    match = _PROPERTY.fullmatch(token.text)
    if match is None:
        raise _syntax_error(
            token,
            f"'{token.text}' at position {token.position} is not a property name: "
            "use letters, digits and underscores, optionally after fields. or urns.",
        )
    prefix, name = match.groups()
    if prefix is None:
        return Property(name.lower())
    try:
        return Property(name.lower(), Prefix(prefix.lower()))
    except ValueError:
        raise QueryError(
            ErrorCode.UNKNOWN_PROPERTY_TYPE,
            f"'{prefix}.' is not a property prefix: use fields. or urns.",
            {"type": prefix.lower()},
        ) from None


class _Parser:
    def __init__(self, text: str) -> None:
        self._tokens = list(tokenize(text))
        self._index = 0
        self._depth = 0
        self._conditions = 0

    def parse(self) -> Node:
        if self._peek().kind is TokenKind.END:
            raise _syntax_error(self._peek(), "The query is empty.")
        node = self._any_of()
        end = self._advance()
        if end.kind is not TokenKind.END:
            raise _unexpected(end)
        return node

    def _any_of(self) -> Node:
        children = [self._side_by_side()]
        while self._peek().kind is TokenKind.OR:
            self._advance()
            children.append(self._side_by_side())
        return combine(BoolOp.OR, children)

    def _side_by_side(self) -> Node:
        children = [self._all_of()]
        while self._peek().kind in _TERM_STARTS:
            children.append(self._all_of())
        return combine(BoolOp.AND, children)

    def _all_of(self) -> Node:
        children = [self._term()]
        while self._peek().kind is TokenKind.AND:
            self._advance()
            children.append(self._term())
        return combine(BoolOp.AND, children)

    def _term(self) -> Node:
        token = self._advance()
        if token.kind is TokenKind.LPAREN:
            return self._group(token)
        if token.kind is TokenKind.WORD and self._peek().kind is TokenKind.OPERATOR:
            return self._counted(self._condition(token))
        if token.kind in _VALUES:
            return self._counted(bare_value_condition(token.text))
        raise _unexpected(token)

    def _group(self, opening: Token) -> Node:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise too_complex(
                "depth", MAX_DEPTH, f"The query nests parentheses more than {MAX_DEPTH} deep."
            )
        node = self._any_of()
        closing = self._advance()
        if closing.kind is not TokenKind.RPAREN:
            raise _syntax_error(
                closing,
                f"The parenthesis opened at position {opening.position} is not closed: "
                f"found {closing.describe()} at position {closing.position}.",
            )
        self._depth -= 1
        return node

    def _condition(self, property_token: Token) -> Condition:
        prop = parse_property(property_token)
        operator_token = self._advance()
        value = self._advance()
        if value.kind not in _VALUES:
            raise _syntax_error(
                value,
                f"A value must follow '{operator_token.text}' (position "
                f"{operator_token.position}): found {value.describe()} at position "
                f"{value.position}.",
            )
        assert operator_token.operator is not None
        return Condition(prop, operator_token.operator, value.text)

    def _counted(self, condition: Condition) -> Condition:
        self._conditions += 1
        if self._conditions > MAX_CONDITIONS:
            raise too_complex(
                "conditions",
                MAX_CONDITIONS,
                f"The query has more than {MAX_CONDITIONS} conditions.",
            )
        return condition

    def _peek(self) -> Token:
        return self._tokens[self._index]

    def _advance(self) -> Token:
        token = self._tokens[self._index]
        if token.kind is not TokenKind.END:
            self._index += 1
        return token


def _unexpected(token: Token) -> QueryError:
    if token.kind is TokenKind.END:
        return _syntax_error(token, "The query ends too early: a condition or value is missing.")
    return _syntax_error(token, f"Unexpected {token.describe()} at position {token.position}.")


def _syntax_error(token: Token, message: str) -> QueryError:
    found = "" if token.kind is TokenKind.END else token.text
    return QueryError(ErrorCode.SYNTAX, message, {"position": str(token.position), "token": found})
