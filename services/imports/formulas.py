"""CSV cells a spreadsheet program would run as a formula, and the quote that keeps them text.

OWASP's advice on CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is opened as a formula (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`), so a CSV
export writes it with a leading single quote, which spreadsheet programs show as text and do
not keep. The rule here:

- a cell starting with one of those characters, after any single quotes, gets one more quote
  in front (`=x` is written `'=x`; `'=x` is written `''=x`);
- except a plain number (`-5`, `+250788383383`, `-2.5`, `3,5`: an optional sign, digits and
  at most one decimal mark), which a spreadsheet reads as a number and never as a formula, so
  phone numbers and numeric fields stay as they are; `-2+3` or `+1+cmd|...` are quoted.

A CSV import undoes it: a cell of a quote followed by such a start (`'=x`, `''=x`, `'-5`)
loses its first quote, so an export imports back unchanged, and a file quoted by another tool
the OWASP way (every such cell, numbers included) imports as it was typed.
"""

from __future__ import annotations

import re

_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")

# The same rule for PostgreSQL (which renders CSV exports): regular expressions, as literals.
SQL_FORMULA_START = r"'^''*[-=+@\t\r]'"
SQL_PLAIN_NUMBER = r"'^[+-]?[0-9]+([.,][0-9]+)?$'"


def needs_quote(text: str) -> bool:
    return _FORMULA_START.match(text) is not None and _PLAIN_NUMBER.fullmatch(text) is None


def quoted(text: str) -> str:
    """The cell as a CSV file should hold it."""
    return "'" + text if needs_quote(text) else text


def unquoted(text: str) -> str:
    """The cell a CSV file holds, as it was typed."""
    if text.startswith("'") and _FORMULA_START.match(text, 1):
        return text[1:]
    return text


def sql_quoted(expression: str) -> str:
    """`quoted` in SQL over a text expression (NULL stays NULL)."""
    return (
        f"CASE WHEN ({expression}) ~ {SQL_FORMULA_START} "
        f"AND ({expression}) !~ {SQL_PLAIN_NUMBER} THEN '''' || ({expression}) "
        f"ELSE ({expression}) END"
    )
