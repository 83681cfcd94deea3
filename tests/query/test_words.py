from __future__ import annotations

import re

import pytest

from query.words import has_searchable_word, search_prefixes, word_start_pattern, words


def test_words_split_on_whitespace_and_ascii_punctuation_and_are_lowercase() -> None:
    assert words("José O'Brien-Smith_x (Jr.)\tÅsa #1") == [
        "josé",
        "o",
        "brien",
        "smith",
        "x",
        "jr",
        "åsa",
        "1",
    ]


def test_a_searchable_word_has_two_characters() -> None:
    assert has_searchable_word("a bc")
    assert not has_searchable_word("a b-c")


def test_search_prefixes_drop_short_words_and_keep_eight_characters() -> None:
    assert search_prefixes("J Christopher o'neil neil") == ("christop", "neil")


@pytest.mark.parametrize(
    ("prefix", "text", "found"),
    [
        ("smi", "ann smith-jones", True),
        ("jon", "ann smith-jones", True),
        ("ann", "ann smith-jones", True),
        ("mit", "ann smith-jones", False),
        ("neil", "éve o'neil", True),
        ("éve", "éve o'neil", True),
        ("ve", "éve o'neil", False),
    ],
)
def test_word_start_patterns_find_words_that_start_with_the_prefix(
    prefix: str, text: str, found: bool
) -> None:
    assert (re.search(word_start_pattern(prefix), text) is not None) is found


def test_characters_outside_letters_and_digits_are_escaped() -> None:
    assert word_start_pattern("a«b").endswith(r")a\«b")
