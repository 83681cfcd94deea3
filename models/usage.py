from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.field import ContactField
from models.group import ContactGroup
from models.workspace import Workspace


class Usage(Model):
    """One consumer's reliance on one field or one group (never both)."""

    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    consumer_kind = fields.CharField(max_length=32)
    consumer_ref = fields.CharField(max_length=255)
    consumer_name = fields.CharField(max_length=255)
    field: fields.ForeignKeyNullableRelation[ContactField] = fields.ForeignKeyField(
        "contacts.ContactField", related_name=False, null=True
    )
    field_id: int | None
    group: fields.ForeignKeyNullableRelation[ContactGroup] = fields.ForeignKeyField(
        "contacts.ContactGroup", related_name=False, null=True
    )
    group_id: int | None
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "usage"
