"""Splits query text into tokens, each remembering where it starts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, auto

from query.ast import Operator
from query.errors import ErrorCode, QueryError

WORD_PUNCTUATION = frozenset("_.-+/'@:")

_SYMBOL_OPERATORS = {
    "!=": Operator.NEQ,
    ">=": Operator.GTE,
    "<=": Operator.LTE,
    "=": Operator.EQ,
    "~": Operator.CONTAINS,
    ">": Operator.GT,
    "<": Operator.LT,
}
_WORD_OPERATORS = {"is": Operator.EQ, "has": Operator.CONTAINS}
_ESCAPABLE = frozenset('"\\')


class TokenKind(Enum):
    WORD = auto()
    STRING = auto()
    OPERATOR = auto()
    AND = auto()
    OR = auto()
    LPAREN = auto()
    RPAREN = auto()
    END = auto()


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str  # a STRING's text is its unescaped content
    position: int
    end: int
    operator: Operator | None = None

    def describe(self) -> str:
        if self.kind is TokenKind.END:
            return "the end of the query"
        if self.kind is TokenKind.STRING:
            return f'"{self.text}"'
        return f"'{self.text}'"


def tokenize(text: str) -> Iterator[Token]:
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            yield Token(TokenKind.END, "", position, position)
            return
        token = _read_token(text, position)
        yield token
        position = token.end


def _read_token(text: str, start: int) -> Token:
    char = text[start]
    if char == "(":
        return Token(TokenKind.LPAREN, char, start, start + 1)
    if char == ")":
        return Token(TokenKind.RPAREN, char, start, start + 1)
    if char == '"':
        return _read_string(text, start)
    for symbol, operator in _SYMBOL_OPERATORS.items():
        if text.startswith(symbol, start):
            return Token(TokenKind.OPERATOR, symbol, start, start + len(symbol), operator)
    if _is_word_char(char):
        return _read_word(text, start)
    raise QueryError(
        ErrorCode.SYNTAX,
        f"Unexpected character '{char}' at position {start}: quote values that contain it.",
        {"position": str(start), "token": char},
    )


def _read_word(text: str, start: int) -> Token:
    end = start
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    word = text[start:end]
    folded = word.lower()
    if folded == "and":
        return Token(TokenKind.AND, word, start, end)
    if folded == "or":
        return Token(TokenKind.OR, word, start, end)
    if folded in _WORD_OPERATORS:
        return Token(TokenKind.OPERATOR, word, start, end, _WORD_OPERATORS[folded])
    return Token(TokenKind.WORD, word, start, end)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in WORD_PUNCTUATION


def _read_string(text: str, start: int) -> Token:
    chars: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == '"':
            return Token(TokenKind.STRING, "".join(chars), start, position + 1)
        if char == "\\" and position + 1 < len(text) and text[position + 1] in _ESCAPABLE:
            position += 1
            char = text[position]
        chars.append(char)
        position += 1
    raise QueryError(
        ErrorCode.SYNTAX,
        f"The quoted value that starts at position {start} has no closing quote.",
        {"position": str(start), "token": '"'},
    )
