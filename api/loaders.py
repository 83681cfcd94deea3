"""Per-request DataLoaders: every relation a list can ask for costs one query per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from strawberry.dataloader import DataLoader

from models import Job, Member
from services.access.batches import members_by_id
from services.contacts.batches import contacts_by_uuid, flags_of_contacts, urns_of_contacts
from services.contacts.records import ContactRecord, FlagRecord, URNRecord
from services.fields.batches import holder_counts
from services.fields.definitions import list_fields
from services.fields.values import FieldDefinition
from services.flags.definitions import holder_counts as flag_holder_counts
from services.groups.batches import groups_of_contacts
from services.groups.definitions import GroupRecord
from services.jobs.batches import job_uuids, jobs_by_id
from services.usages.registry import Usage, usages_of_fields, usages_of_groups


async def _field_usages(workspace_id: int, field_ids: Sequence[int]) -> list[list[Usage]]:
    found = await usages_of_fields(workspace_id, field_ids)
    return [found[i] for i in field_ids]


async def _group_usages(workspace_id: int, group_ids: Sequence[int]) -> list[list[Usage]]:
    found = await usages_of_groups(workspace_id, group_ids)
    return [found[i] for i in group_ids]


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
    flag_counts: DataLoader[int, int] = field(init=False)
    contact_groups: DataLoader[int, list[GroupRecord]] = field(init=False)

    _fields: list[FieldDefinition] | None = field(init=False, default=None)

    async def field_definitions(self) -> list[FieldDefinition]:
        """The workspace's fields in display order, read once per request."""
        if self._fields is None:
            self._fields = await list_fields(self.workspace_id)
        return self._fields

    def __post_init__(self) -> None:
        ws = self.workspace_id
        self.urns = DataLoader(lambda ids: urns_of_contacts(ws, ids))
        self.flags = DataLoader(lambda ids: flags_of_contacts(ws, ids))
        self.contacts = DataLoader(lambda uuids: contacts_by_uuid(ws, uuids))
        self.members = DataLoader(lambda ids: members_by_id(ws, ids))
        self.job_uuids = DataLoader(lambda ids: job_uuids(ws, ids))
        self.jobs = DataLoader(lambda ids: jobs_by_id(ws, ids))
        self.field_counts = DataLoader(lambda ids: holder_counts(ws, ids))
        self.field_usages = DataLoader(lambda ids: _field_usages(ws, ids))
        self.group_usages = DataLoader(lambda ids: _group_usages(ws, ids))
        self.flag_counts = DataLoader(lambda ids: flag_holder_counts(ws, ids))
        self.contact_groups = DataLoader(lambda ids: groups_of_contacts(ws, ids))
