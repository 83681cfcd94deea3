from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import ActorKind, ContactSource, ContactStatus, EventKind
from models.workspace import Member, Workspace


class Contact(Model):
    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    uuid = fields.UUIDField(unique=True)
    name = fields.CharField(max_length=128, null=True)
    language = fields.CharField(max_length=3, null=True)
    status = fields.CharEnumField(ContactStatus, max_length=8, default=ContactStatus.ACTIVE)
    company = fields.CharField(max_length=128, null=True)
    job_title = fields.CharField(max_length=128, null=True)
    country = fields.CharField(max_length=2, null=True)
    state = fields.CharField(max_length=128, null=True)
    notes = fields.TextField(null=True)
    source = fields.CharEnumField(ContactSource, max_length=16, default=ContactSource.MANUAL)
    field_values: dict[str, Any] = fields.JSONField(default=dict, source_field="fields")
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "contacts.Member", related_name=False, null=True, db_constraint=False
    )  # attribution only: kept as a plain id (migrations/0014_lighter_writes.py)
    created_by_id: int | None
    created_on = fields.DatetimeField()
    modified_on = fields.DatetimeField()
    last_seen_on = fields.DatetimeField(null=True)

    class Meta:
        table = "contact"


class ContactURN(Model):
    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.BigIntField()
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "contacts.Contact", related_name=False
    )
    contact_id: int
    scheme = fields.CharField(max_length=16)
    path = fields.CharField(max_length=255)
    priority = fields.SmallIntField(default=0)

    class Meta:
        table = "contact_urn"


class Flag(Model):
    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.BigIntField()
    uuid = fields.UUIDField(unique=True)
    name = fields.CharField(max_length=64)
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "flag"


class ContactEvent(Model):
    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.BigIntField()
    contact_id = fields.BigIntField()
    contact_uuid = fields.UUIDField()
    kind = fields.CharEnumField(EventKind, max_length=32)
    data: dict[str, Any] = fields.JSONField(default=dict)
    actor_kind = fields.CharEnumField(ActorKind, max_length=8)
    member_id = fields.BigIntField(null=True)
    job_id = fields.BigIntField(null=True)
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_event"


class ContactFlag(Model):
    # The key is (contact_id, flag_id); Tortoise takes one key column, so the first stands for
    # it, and an instance's save() or delete() would reach all the contact's flags: write these
    # rows set-wise. contact_id references contact(id) ON DELETE CASCADE.
    contact_id = fields.BigIntField(primary_key=True, generated=False)
    workspace_id = fields.BigIntField()
    flag: fields.ForeignKeyRelation[Flag] = fields.ForeignKeyField(
        "contacts.Flag", related_name=False
    )
    flag_id: int

    class Meta:
        table = "contact_flag"


class ContactSearch(Model):
    """A contact's status and field readings for queries and counts, kept by triggers on
    contact (migrations/0012_contact_search.py onwards)."""

    contact_id = fields.BigIntField(primary_key=True, generated=False)
    workspace_id = fields.BigIntField()
    status = fields.CharEnumField(ContactStatus, max_length=8)
    readings: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "contact_search"
