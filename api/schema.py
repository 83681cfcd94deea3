from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry import relay
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
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.audiences import resolvers as audience_resolvers
from api.audiences.resolvers import AudienceResult, ParseContactQueryResult
from api.audiences.types import AudienceSnapshot
from api.common import Connection
from api.contacts import resolvers as contacts
from api.contacts.types import Contact, ContactConnection, Flag
from api.exports import resolvers as export_resolvers
from api.exports.types import Export
from api.extensions import ErrorCodes, is_exposed, log_client_error, log_unexpected, should_mask
from api.fields import resolvers as field_resolvers
from api.fields.types import ContactField
from api.flags import resolvers as flags
from api.groups import resolvers as group_resolvers
from api.groups.types import Group
from api.imports import resolvers as import_resolvers
from api.imports.types import Import, ImportTemplate
from api.jobs import resolvers as jobs
from api.jobs.types import Job
from api.workspace import resolvers as workspace
from api.workspace.types import Me, Member
from core.settings import Settings

# Parsed and validated documents kept per process: clients send the same few documents.
DOCUMENT_CACHE_SIZE = 256


@strawberry.type
class Query:
    node: relay.Node | None = strawberry.field(resolver=workspace.node)
    me: Me = strawberry.field(resolver=workspace.me)
    members: list[Member] = strawberry.field(resolver=workspace.member_list)
    contact: Contact | None = strawberry.field(resolver=contacts.contact)
    contacts: ContactConnection = strawberry.field(resolver=contacts.contacts_connection)
    flags: list[Flag] = strawberry.field(resolver=flags.flag_list)
    fields: list[ContactField] = strawberry.field(
        resolver=field_resolvers.field_list,
        description="Featured fields first in their order, then the others by name.",
    )
    field: ContactField | None = strawberry.field(resolver=field_resolvers.field)
    groups: list[Group] = strawberry.field(resolver=group_resolvers.group_list)
    group: Group | None = strawberry.field(resolver=group_resolvers.group)
    parse_contact_query: ParseContactQueryResult = strawberry.field(
        resolver=audience_resolvers.parse_contact_query,
        description="Reads a contact query: its canonical form, the fields and groups it uses.",
    )
    audience: AudienceResult = strawberry.field(
        resolver=audience_resolvers.audience,
        description="Who a campaign would reach now: count, canonical query and contacts.",
    )
    import_: Import | None = strawberry.field(resolver=import_resolvers.import_, name="import")
    imports: Connection[Import] = strawberry.field(
        resolver=import_resolvers.imports_connection, description="Newest first."
    )
    import_template: ImportTemplate = strawberry.field(resolver=import_resolvers.import_template)
    export: Export | None = strawberry.field(resolver=export_resolvers.export)
    exports: Connection[Export] = strawberry.field(
        resolver=export_resolvers.exports_connection, description="Newest first."
    )
    audience_snapshot: AudienceSnapshot | None = strawberry.field(
        resolver=audience_resolvers.audience_snapshot
    )
    job: Job | None = strawberry.field(resolver=jobs.job)
    jobs: Connection[Job] = strawberry.field(resolver=jobs.jobs_connection)


@strawberry.type
class Mutation:
    create_contact = strawberry.mutation(resolver=contacts.create_contact)
    update_contact = strawberry.mutation(resolver=contacts.update_contact)
    delete_contact = strawberry.mutation(
        resolver=contacts.delete_contact, description="Deletes an archived contact for good."
    )
    archive_contacts = strawberry.mutation(resolver=jobs.archive_contacts)
    restore_contacts = strawberry.mutation(resolver=jobs.restore_contacts)
    delete_contacts = strawberry.mutation(
        resolver=jobs.delete_contacts, description="Deletes the archived contacts selected."
    )
    delete_all_contacts = strawberry.mutation(
        resolver=jobs.delete_all_contacts,
        description='Deletes every contact; `confirmation` must read "delete all contacts in '
        '<workspace name>". Cannot be undone.',
    )
    cancel_job = strawberry.mutation(resolver=jobs.cancel_job)
    create_flag = strawberry.mutation(resolver=flags.create_flag)
    delete_flag = strawberry.mutation(resolver=flags.delete_flag)
    set_member_permissions = strawberry.mutation(resolver=workspace.set_member_permissions)
    create_field = strawberry.mutation(resolver=field_resolvers.create_field)
    update_field = strawberry.mutation(resolver=field_resolvers.update_field)
    reorder_featured_fields = strawberry.mutation(
        resolver=field_resolvers.reorder_featured_fields,
        description="The full featured order; featured fields left out stop being featured.",
    )
    change_field_type = strawberry.mutation(resolver=field_resolvers.change_field_type)
    delete_field = strawberry.mutation(resolver=field_resolvers.delete_field)
    register_field_usages = strawberry.mutation(resolver=field_resolvers.register_field_usages)
    unregister_field_usages = strawberry.mutation(resolver=field_resolvers.unregister_field_usages)
    create_group = strawberry.mutation(resolver=group_resolvers.create_group)
    update_group = strawberry.mutation(
        resolver=group_resolvers.update_group,
        description="Rename a group, or change a smart group's query (re-evaluated by a job).",
    )
    delete_group = strawberry.mutation(resolver=group_resolvers.delete_group)
    add_contacts_to_group = strawberry.mutation(
        resolver=group_resolvers.add_contacts_to_group,
        description="Up to 100 active contacts at once.",
    )
    remove_contacts_from_group = strawberry.mutation(
        resolver=group_resolvers.remove_contacts_from_group
    )
    add_to_group = strawberry.mutation(
        resolver=group_resolvers.add_to_group, description="A large selection, as a job."
    )
    remove_from_group = strawberry.mutation(
        resolver=group_resolvers.remove_from_group, description="A large selection, as a job."
    )
    add_flags = strawberry.mutation(resolver=jobs.add_flags)
    remove_flags = strawberry.mutation(resolver=jobs.remove_flags)
    register_group_usages = strawberry.mutation(resolver=group_resolvers.register_group_usages)
    unregister_group_usages = strawberry.mutation(resolver=group_resolvers.unregister_group_usages)
    start_import = strawberry.mutation(
        resolver=import_resolvers.start_import,
        description="Upload a CSV/XLSX (multipart) or paste CSV; validation runs as a job.",
    )
    confirm_import = strawberry.mutation(resolver=import_resolvers.confirm_import)
    cancel_import = strawberry.mutation(resolver=import_resolvers.cancel_import)
    start_export = strawberry.mutation(resolver=export_resolvers.start_export)
    create_audience_snapshot = strawberry.mutation(
        resolver=audience_resolvers.create_audience_snapshot,
        description="Freezes who matches now, so a sender can page a stable list.",
    )


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
        for error in errors:
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
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: AddValidationRules(limits),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        ErrorCodes,
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
