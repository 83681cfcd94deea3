"""Errors a query can have, each with a stable code that clients can rely on."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ErrorCode(StrEnum):
    SYNTAX = "syntax"
    UNKNOWN_PROPERTY = "unknown_property"
    UNKNOWN_PROPERTY_TYPE = "unknown_property_type"
    UNSUPPORTED_CONTAINS = "unsupported_contains"
    UNSUPPORTED_COMPARISON = "unsupported_comparison"
    UNSUPPORTED_SETCHECK = "unsupported_setcheck"
    INVALID_PARTIAL_NAME = "invalid_partial_name"
    INVALID_PARTIAL_URN = "invalid_partial_urn"
    INVALID_NUMBER = "invalid_number"
    INVALID_DATE = "invalid_date"
    INVALID_UUID = "invalid_uuid"
    INVALID_STATUS = "invalid_status"
    INVALID_LANGUAGE = "invalid_language"
    INVALID_GROUP = "invalid_group"
    INVALID_FLAG = "invalid_flag"
    REDACTED_URNS = "redacted_urns"
    TOO_COMPLEX = "too_complex"


class QueryError(Exception):
    """A query that cannot be run, explained: `extra` holds the details named by the code."""

    def __init__(self, code: ErrorCode, message: str, extra: Mapping[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra: dict[str, str] = dict(extra or {})

    def __repr__(self) -> str:
        return f"QueryError({self.code.value!r}, {self.message!r}, {self.extra!r})"
