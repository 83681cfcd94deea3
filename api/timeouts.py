"""The statement timeout of an API request: each SQL statement a request sends may run for
`api_statement_timeout_ms`; past it the server cancels the statement and the request answers a
TIMEOUT error (see `ErrorCodes`). Workers' jobs carry their own limit."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from core.sql import statement_timeout


class StatementTimeoutLimit(SchemaExtension):
    def __init__(self, *, milliseconds: int) -> None:
        self.milliseconds = milliseconds

    def on_operation(self) -> Iterator[None]:
        # Set in the request's task before execution starts: the tasks that resolve its fields
        # copy the context, and the limit with it.
        with statement_timeout(self.milliseconds):
            yield
