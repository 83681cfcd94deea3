from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.enums import FieldType


class ContactField(Model):
    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.BigIntField()
    uuid = fields.UUIDField(unique=True)
    key = fields.CharField(max_length=36)
    name = fields.CharField(max_length=36)
    value_type = fields.CharEnumField(FieldType, max_length=8)
    featured = fields.BooleanField(default=False)
    # True while a job re-reads the field's values after a type change (contact_search).
    readings_stale = fields.BooleanField(default=False)
    position = fields.IntField(null=True)
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_field"
