"""Per-request DataLoaders: every relation a list can ask for costs one query per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from strawberry.dataloader import DataLoader

from core.sql import sql
from models import Job, Member
from services.contacts.records import CONTACT_COLUMNS, ContactRecord, FlagRecord, URNRecord
from services.fields.definitions import list_fields
from services.fields.values import FieldDefinition
from services.usages.registry import Usage, usages_of_fields, usages_of_groups


async def _urns(workspace_id: int, contact_ids: Sequence[int]) -> list[list[URNRecord]]:
    rows = await sql().fetch(
        """
        SELECT contact_id, scheme, path, priority FROM contact_urn
        WHERE workspace_id = $1 AND contact_id = ANY($2::bigint[])
        ORDER BY contact_id, priority DESC, id
        """,
        workspace_id,
        list(contact_ids),
    )
    grouped: dict[int, list[URNRecord]] = defaultdict(list)
    for r in rows:
        grouped[r["contact_id"]].append(
            URNRecord(r["contact_id"], r["scheme"], r["path"], r["priority"])
        )
    return [grouped[cid] for cid in contact_ids]


async def _flags(workspace_id: int, contact_ids: Sequence[int]) -> list[list[FlagRecord]]:
    rows = await sql().fetch(
        """
        SELECT cf.contact_id, f.id, f.uuid, f.name
        FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
        WHERE cf.workspace_id = $1 AND cf.contact_id = ANY($2::bigint[])
        ORDER BY lower(f.name)
        """,
        workspace_id,
        list(contact_ids),
    )
    grouped: dict[int, list[FlagRecord]] = defaultdict(list)
    for r in rows:
        grouped[r["contact_id"]].append(FlagRecord(r["id"], r["uuid"], r["name"]))
    return [grouped[cid] for cid in contact_ids]


async def _contacts(workspace_id: int, uuids: Sequence[UUID]) -> list[ContactRecord | None]:
    rows = await sql().fetch(
        f"SELECT {CONTACT_COLUMNS} FROM contact c "
        "WHERE c.workspace_id = $1 AND c.uuid = ANY($2::uuid[])",
        workspace_id,
        list(uuids),
    )
    found = {r["uuid"]: ContactRecord.from_row(r) for r in rows}
    return [found.get(u) for u in uuids]


async def _field_counts(workspace_id: int, field_ids: Sequence[int]) -> list[int]:
    """Contacts holding a value that reads as each field's type (what `fields.key != ""`
    matches), from contact_search; a field whose readings are being redone reads its values."""
    rows = await sql().fetch(
        """
        SELECT f.id, (
            SELECT count(*) FROM contact_search s
            WHERE s.workspace_id = $1 AND s.readings ? f.id::text
              AND CASE WHEN f.readings_stale
                       THEN field_reading((SELECT c.fields FROM contact c
                                           WHERE c.id = s.contact_id) -> f.uuid::text,
                                          f.value_type) IS NOT NULL
                       ELSE s.readings -> f.id::text <> 'null' END
        ) AS n
        FROM contact_field f
        WHERE f.workspace_id = $1 AND f.id = ANY($2::bigint[])
        """,
        workspace_id,
        list(field_ids),
    )
    counts = {r["id"]: r["n"] for r in rows}
    return [counts.get(i, 0) for i in field_ids]


async def _field_usages(workspace_id: int, field_ids: Sequence[int]) -> list[list[Usage]]:
    found = await usages_of_fields(workspace_id, field_ids)
    return [found[i] for i in field_ids]


async def _job_uuids(workspace_id: int, ids: Sequence[int]) -> list[UUID | None]:
    rows = await sql().fetch(
        "SELECT id, uuid FROM job WHERE workspace_id = $1 AND id = ANY($2::bigint[])",
        workspace_id,
        list(ids),
    )
    found = {r["id"]: r["uuid"] for r in rows}
    return [found.get(i) for i in ids]


async def _jobs(workspace_id: int, ids: Sequence[int]) -> list[Job | None]:
    jobs = {j.id: j for j in await Job.filter(workspace_id=workspace_id, id__in=list(ids))}
    return [jobs.get(i) for i in ids]


async def _group_usages(workspace_id: int, group_ids: Sequence[int]) -> list[list[Usage]]:
    found = await usages_of_groups(workspace_id, group_ids)
    return [found[i] for i in group_ids]


async def _members(workspace_id: int, ids: Sequence[int]) -> list[Member | None]:
    members = {m.id: m for m in await Member.filter(workspace_id=workspace_id, id__in=list(ids))}
    return [members.get(i) for i in ids]


@dataclass
class Loaders:
    workspace_id: int
    urns: DataLoader[int, list[URNRecord]] = field(init=False)
    flags: DataLoader[int, list[FlagRecord]] = field(init=False)
    contacts: DataLoader[UUID, ContactRecord | None] = field(init=False)
    members: DataLoader[int, Member | None] = field(init=False)
    job_uuids: DataLoader[int, UUID | None] = field(init=False)
    jobs: DataLoader[int, Job | None] = field(init=False)
    field_counts: DataLoader[int, int] = field(init=False)
    field_usages: DataLoader[int, list[Usage]] = field(init=False)
    group_usages: DataLoader[int, list[Usage]] = field(init=False)

    _fields: list[FieldDefinition] | None = field(init=False, default=None)

    async def field_definitions(self) -> list[FieldDefinition]:
        """The workspace's fields in display order, read once per request."""
        if self._fields is None:
            self._fields = await list_fields(self.workspace_id)
        return self._fields

    def __post_init__(self) -> None:
        ws = self.workspace_id
        self.urns = DataLoader(lambda ids: _urns(ws, ids))
        self.flags = DataLoader(lambda ids: _flags(ws, ids))
        self.contacts = DataLoader(lambda uuids: _contacts(ws, uuids))
        self.members = DataLoader(lambda ids: _members(ws, ids))
        self.job_uuids = DataLoader(lambda ids: _job_uuids(ws, ids))
        self.jobs = DataLoader(lambda ids: _jobs(ws, ids))
        self.field_counts = DataLoader(lambda ids: _field_counts(ws, ids))
        self.field_usages = DataLoader(lambda ids: _field_usages(ws, ids))
        self.group_usages = DataLoader(lambda ids: _group_usages(ws, ids))
