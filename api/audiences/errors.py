"""A contact query that cannot be read answers as a QueryError, with the query language's code."""

from __future__ import annotations

from typing import cast

from strawberry.scalars import JSON

from api.errors import register_error_type
from api.groups.types import QueryError
from services.errors import InvalidQuery


def query_error(exc: InvalidQuery) -> QueryError:
    return QueryError(
        message=exc.message,
        code=exc.code,
        field="query",
        query_code=exc.query_code,
        extra=cast(JSON, exc.extra),
    )


register_error_type(InvalidQuery, QueryError, query_error)
