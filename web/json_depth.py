"""How deeply a JSON text nests arrays and objects, found without parsing it.

Python's JSON parser recurses once per level: arrays nested 100,000 deep raise RecursionError
deep inside it (an HTTP 500). The request's JSON is measured first and refused past a limit.
"""

from __future__ import annotations

import re
from itertools import accumulate

# A JSON string, escapes included: its brackets are text, not structure.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def exceeds_depth(text: str | bytes, limit: int) -> bool:
    """True when `text` nests arrays and objects more than `limit` levels deep. Malformed JSON
    is left to the parser: an unterminated string only hides brackets after it."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False  # cannot nest deeper than it opens
    return max(accumulate(_STEP[b] for b in brackets)) > limit
