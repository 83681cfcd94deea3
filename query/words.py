"""Name words as the name search sees them.

The SQL side (query/sql_attributes.py) matches the same words with a regular expression built
from WORD_SEPARATOR, so the two must change together.
"""

from __future__ import annotations

import re

# Whitespace and ASCII punctuation, spelled out so SQL and Python agree whatever the locale;
# the same bracket expression reads alike in Python and PostgreSQL regular expressions.
WORD_SEPARATOR = r"[ \t\n\r\f\v!-/:-@\[-`{-~]"
MIN_WORD_LENGTH = 2
PREFIX_LENGTH = 8

_SEPARATORS = re.compile(WORD_SEPARATOR + "+")


def words(text: str) -> list[str]:
    return [word for word in _SEPARATORS.split(text.lower()) if word]


def has_searchable_word(text: str) -> bool:
    return any(len(word) >= MIN_WORD_LENGTH for word in words(text))


def search_prefixes(text: str) -> tuple[str, ...]:
    """What some name word must start with, one entry per searchable word of `text`."""
    prefixes = (word[:PREFIX_LENGTH] for word in words(text) if len(word) >= MIN_WORD_LENGTH)
    return tuple(dict.fromkeys(prefixes))


def word_start_pattern(prefix: str) -> str:
    """A regular expression (Python or PostgreSQL) for lowercase text that has a word
    starting with `prefix`, itself a lowercase word."""
    literal = "".join(char if char.isalnum() else "\\" + char for char in prefix)
    return f"(^|{WORD_SEPARATOR}){literal}"
