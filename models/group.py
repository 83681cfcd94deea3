from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.contact import Contact
from models.enums import GroupKind, GroupStatus


class ContactGroup(Model):
    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.BigIntField()
    uuid = fields.UUIDField(unique=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(GroupKind, max_length=8)
    query = fields.TextField(null=True)
    status = fields.CharEnumField(GroupStatus, max_length=16, default=GroupStatus.READY)
    member_count = fields.BigIntField(default=0)
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_group"


class GroupContact(Model):
    # The key is (group_id, contact_id); Tortoise takes one key column, so the first stands for
    # it, and an instance's save() or delete() would reach the whole group: write these rows
    # set-wise. group_id references contact_group(id) ON DELETE CASCADE.
    group_id = fields.BigIntField(primary_key=True, generated=False)
    workspace_id = fields.BigIntField()
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "contacts.Contact", related_name=False
    )
    contact_id: int

    class Meta:
        table = "group_contact"
