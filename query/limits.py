"""How big a query may be, so one request cannot tie up the parser or the database."""

from __future__ import annotations

from query.errors import ErrorCode, QueryError

MAX_LENGTH = 10_000
MAX_DEPTH = 100
MAX_CONDITIONS = 250


def too_complex(reason: str, limit: int, message: str) -> QueryError:
    return QueryError(ErrorCode.TOO_COMPLEX, message, {"reason": reason, "limit": str(limit)})


def check_length(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise too_complex(
            "length", MAX_LENGTH, f"The query is longer than {MAX_LENGTH:,} characters."
        )
