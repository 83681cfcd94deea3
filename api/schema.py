from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.permission import PermissionExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import create_type
from strawberry.types import ExecutionContext
from strawberry.types.field import StrawberryField

from api.audiences import mutations as audiences_mutations
from api.audiences import queries as audiences_queries
from api.contacts import mutations as contacts_mutations
from api.contacts import queries as contacts_queries
from api.cost import CostLimit
from api.errors import UserErrors
from api.exports import mutations as exports_mutations
from api.exports import queries as exports_queries
from api.extensions import (
    ErrorCodes,
    is_exposed,
    is_unavailable,
    log_client_error,
    log_unavailable,
    log_unexpected,
    should_mask,
)
from api.fields import mutations as fields_mutations
from api.fields import queries as fields_queries
from api.flags import mutations as flags_mutations
from api.flags import queries as flags_queries
from api.groups import mutations as groups_mutations
from api.groups import queries as groups_queries
from api.imports import mutations as imports_mutations
from api.imports import queries as imports_queries
from api.jobs import mutations as jobs_mutations
from api.jobs import queries as jobs_queries
from api.permissions import Authenticated
from api.timeouts import StatementTimeoutLimit
from api.workspace import mutations as workspace_mutations
from api.workspace import queries as workspace_queries
from core.settings import Settings

# Parsed and validated documents kept per process: clients send the same few documents.
DOCUMENT_CACHE_SIZE = 256


# Each domain lists its root fields in its `queries` module and `mutations` package.
QUERIES = (
    workspace_queries,
    contacts_queries,
    flags_queries,
    fields_queries,
    groups_queries,
    audiences_queries,
    imports_queries,
    exports_queries,
    jobs_queries,
)
MUTATIONS = (
    workspace_mutations,
    contacts_mutations,
    flags_mutations,
    fields_mutations,
    groups_mutations,
    audiences_mutations,
    imports_mutations,
    exports_mutations,
    jobs_mutations,
)


def _root_type(name: str, fields: list[StrawberryField]) -> type:
    """Every root field needs a caller (`Authenticated` runs first), and returns the domain
    errors its result union has members for (`UserErrors`)."""
    for field in fields:
        field.extensions = [
            UserErrors(),
            *field.extensions,
            PermissionExtension([Authenticated()], use_directives=False),  # last runs first
        ]
    return create_type(name, fields)


Query = _root_type("Query", [field for domain in QUERIES for field in domain.QUERIES])
Mutation = _root_type("Mutation", [field for domain in MUTATIONS for field in domain.MUTATIONS])


class ContactsSchema(strawberry.Schema):
    """Logs unexpected errors with their traceback and a client's mistakes in one line, in place
    of Strawberry's traceback for every error. With `masks_errors`, the `MaskErrors` extension
    (see `should_mask`) logs the unexpected ones, so they are not logged twice."""

    def __init__(self, *, masks_errors: bool, **options: Any) -> None:
        super().__init__(**options)
        self.masks_errors = masks_errors

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unavailable = [error for error in errors if is_unavailable(error)]
        if unavailable:
            log_unavailable(unavailable)
        for error in errors:
            if is_unavailable(error):
                continue
            if is_exposed(error):
                log_client_error(error)
            elif not self.masks_errors:
                log_unexpected(error)


def build_schema(settings: Settings) -> strawberry.Schema:
    # The limits' rules are made once per schema: a rule made per request (as the limiter
    # extensions do) would be a new cache key each time, and every document validated again.
    limits: list[type[ASTValidationRule]] = [
        depth_rule(settings.max_query_depth, None),
        aliases_rule(settings.max_aliases),
    ]
    if not settings.allows_introspection:
        limits.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: AddValidationRules(limits),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        ErrorCodes,
        lambda: StatementTimeoutLimit(milliseconds=settings.api_statement_timeout_ms),
        lambda: CostLimit(max_cost=settings.max_query_cost, max_page_size=settings.max_page_size),
    ]
    if settings.is_production:
        extensions.append(lambda: MaskErrors(should_mask_error=should_mask))
    return ContactsSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=settings.is_production),
        masks_errors=settings.is_production,
    )
