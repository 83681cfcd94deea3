from __future__ import annotations

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.models import Model

from models.enums import DateFormat, Permission, Role


class Workspace(Model):
    id = fields.BigIntField(primary_key=True)
    uuid = fields.UUIDField(unique=True)
    name = fields.CharField(max_length=128)
    country = fields.CharField(max_length=2)
    timezone = fields.CharField(max_length=64, default="UTC")
    date_format = fields.CharEnumField(DateFormat, max_length=16, default=DateFormat.DAY_FIRST)
    anonymous = fields.BooleanField(default=False)
    max_import_rows = fields.IntField(default=2_000_000)  # rows after an import file's header
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "workspace"


class Member(Model):
    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    uuid = fields.UUIDField(unique=True)
    name = fields.CharField(max_length=128)
    role = fields.CharEnumField(Role, max_length=16)
    disabled_permissions: list[str] = ArrayField(element_type="text", default=list)
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member"

    def can(self, permission: Permission) -> bool:
        return permission.value not in self.disabled_permissions


class ApiToken(Model):
    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "contacts.Member", related_name=False
    )
    member_id: int
    uuid = fields.UUIDField(unique=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    created_on = fields.DatetimeField(auto_now_add=True)
    last_used_on = fields.DatetimeField(null=True)
    revoked_on = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
