from __future__ import annotations

import pytest

from services.errors import InvalidInput
from services.keyset import SortKey, decode_cursor, encode_cursor


def test_a_cursor_whose_text_value_holds_a_nul_is_not_valid() -> None:
    """Made by hand (ours never holds one): the value would reach PostgreSQL as a parameter."""
    key = SortKey("c.name", "text", nullable=True)
    assert decode_cursor(encode_cursor("ab", 7), key).value == "ab"
    with pytest.raises(InvalidInput, match="The cursor is not valid"):
        decode_cursor(encode_cursor("a\x00b", 7), key)
