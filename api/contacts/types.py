from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

import api.common  # noqa: F401  (registers the shared enums first)
from api.common import Connection, PageInfo
from api.context import Context
from api.fields.types import FieldValue
from api.flags.types import Flag
from api.relay import parse_uuid, schema_type
from models.enums import ActorKind, ContactSource, ContactStatus, EventKind
from services.contacts import history
from services.contacts.records import ContactRecord, EventRecord, URNRecord
from services.keyset import Page, SortKey, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from api.groups.types import Group


@strawberry.type(description="An address a contact can be reached at.")
class URN:
    scheme: str
    path: str
    priority: int

    @strawberry.field(description="`scheme:path`, as accepted by the inputs.")
    def identity(self) -> str:
        return f"{self.scheme}:{self.path}"

    @classmethod
    def from_record(cls, record: URNRecord) -> URN:
        return cls(scheme=record.scheme, path=record.path, priority=record.priority)


@strawberry.type(description="One change in a contact's history.")
class ContactEvent:
    kind: EventKind
    data: JSON
    actor_kind: ActorKind
    created_on: datetime
    member_name: str | None
    job_id: strawberry.ID | None

    @classmethod
    async def build_many(
        cls, info: Info[Context, None], records: list[EventRecord]
    ) -> list[ContactEvent]:
        """Members and jobs for all events in one batch each."""
        found = info.context.loaders
        members = await found.members.load_many(
            [r.member_id for r in records if r.member_id is not None]
        )
        jobs = await found.job_uuids.load_many([r.job_id for r in records if r.job_id is not None])
        member_names = {m.id: m.name for m in members if m is not None}
        job_ids = dict(zip([r.job_id for r in records if r.job_id is not None], jobs, strict=True))
        events = []
        for record in records:
            job_uuid = job_ids.get(record.job_id) if record.job_id is not None else None
            events.append(
                cls(
                    kind=record.kind,
                    data=cast(JSON, record.data),
                    actor_kind=record.actor_kind,
                    created_on=record.created_on,
                    member_name=member_names.get(record.member_id) if record.member_id else None,
                    job_id=strawberry.ID(str(relay.GlobalID("Job", str(job_uuid))))
                    if job_uuid
                    else None,
                )
            )
        return events


@strawberry.type
class Contact(relay.Node):
    uuid: relay.NodeID[str]
    name: str | None
    language: str | None = strawberry.field(description="ISO 639-3 code.")
    status: ContactStatus
    company: str | None
    job_title: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    state: str | None
    notes: str | None
    source: ContactSource
    created_on: datetime
    modified_on: datetime
    last_seen_on: datetime | None
    record: strawberry.Private[ContactRecord]

    @classmethod
    def from_record(cls, record: ContactRecord) -> Contact:
        return cls(
            uuid=str(record.uuid),
            name=record.name,
            language=record.language,
            status=record.status,
            company=record.company,
            job_title=record.job_title,
            country=record.country,
            state=record.state,
            notes=record.notes,
            source=record.source,
            created_on=record.created_on,
            modified_on=record.modified_on,
            last_seen_on=record.last_seen_on,
            record=record,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Contact | None]:
        keys = [parse_uuid(node_id) for node_id in node_ids]
        found = await info.context.loaders.contacts.load_many([k for k in keys if k is not None])
        by_key = {r.uuid: r for r in found if r is not None}
        return [cls.from_record(by_key[k]) if k is not None and k in by_key else None for k in keys]

    @strawberry.field(description="Every field that has a value, in display order.")
    async def fields(self, info: Info[Context, None]) -> list[FieldValue]:
        definitions = await info.context.loaders.field_definitions()
        values = self.record.field_values
        built = [FieldValue.build(d, values.get(d.uuid)) for d in definitions]
        return [v for v in built if v.text is not None]

    @strawberry.field(description="Featured fields in their order, including empty ones.")
    async def featured_fields(self, info: Info[Context, None]) -> list[FieldValue]:
        definitions = await info.context.loaders.field_definitions()
        values = self.record.field_values
        return [FieldValue.build(d, values.get(d.uuid)) for d in definitions if d.featured]

    @strawberry.field(description="Addresses, highest priority first.")
    async def urns(self, info: Info[Context, None]) -> list[URN]:
        return [URN.from_record(u) for u in await info.context.loaders.urns.load(self.record.id)]

    @strawberry.field
    async def flags(self, info: Info[Context, None]) -> list[Flag]:
        return [Flag.from_record(f) for f in await info.context.loaders.flags.load(self.record.id)]

    @strawberry.field(description="The groups the contact is in, manual and smart, by name.")
    async def groups(
        self, info: Info[Context, None]
    ) -> list[Annotated[Group, strawberry.lazy("api.groups.types")]]:
        # The groups domain builds on this one (Group.contacts), so its type is taken from
        # the schema rather than imported.
        group = schema_type(info, "Group")
        found = await info.context.loaders.contact_groups.load(self.record.id)
        return [group.from_record(g) for g in found]

    @strawberry.field(description="Changes to this contact, newest first.")
    async def history(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> Connection[ContactEvent]:
        caller = info.context.caller
        first = max(0, min(first, 100))
        before_id = _event_cursor(after)
        records = await history.contact_history(
            workspace_id=caller.workspace_id,
            contact_id=self.record.id,
            limit=first + 1,
            before_id=before_id,
        )
        page = records[:first]
        nodes = await ContactEvent.build_many(info, page)
        return Connection[ContactEvent].of(
            zip(nodes, (encode_cursor(None, r.id) for r in page), strict=True),
            has_next=len(records) > first,
            has_previous=after is not None,
        )


def _event_cursor(after: str | None) -> int | None:
    if not after:
        return None
    return decode_cursor(after, SortKey("id", "text", nullable=True)).id


@strawberry.type
class ContactEdge:
    cursor: str
    node: Contact


@strawberry.type
class ContactConnection:
    edges: list[ContactEdge]
    page_info: PageInfo
    count_source: strawberry.Private[Any]

    @classmethod
    def from_page(cls, page: Page[ContactRecord], count_source: Any) -> ContactConnection:
        return cls(
            edges=[
                ContactEdge(cursor=cursor, node=Contact.from_record(record))
                for record, cursor in page.entries()
            ],
            page_info=PageInfo.of_page(page),
            count_source=count_source,
        )

    @strawberry.field(description="How many contacts match; computed only when asked for.")
    async def total_count(self) -> int:
        count: int = await self.count_source()
        return count
