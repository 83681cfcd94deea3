"""Imports, exports and the download links of their files."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.fields.db_defaults import SqlDefault
from tortoise.models import Model

from models.group import ContactGroup
from models.job import Job
from models.workspace import Member, Workspace


class ContactImport(Model):
    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    uuid = fields.UUIDField(unique=True)
    status = fields.CharField(max_length=16, default="uploaded")  # services.imports ImportStatus
    file_name = fields.CharField(max_length=255)
    file_format = fields.CharField(max_length=8)  # csv or xlsx
    file_path = fields.TextField()
    file_size = fields.BigIntField()
    options: dict[str, Any] = fields.JSONField()
    columns: list[dict[str, Any]] = fields.JSONField(default=list)
    failure = fields.TextField(null=True)
    total_rows = fields.IntField(default=0)
    blank_rows = fields.IntField(default=0)
    create_rows = fields.IntField(default=0)
    update_rows = fields.IntField(default=0)
    skip_rows = fields.IntField(default=0)
    error_rows = fields.IntField(default=0)
    duplicate_rows = fields.IntField(default=0)
    created_count = fields.IntField(default=0)
    updated_count = fields.IntField(default=0)
    unchanged_count = fields.IntField(default=0)
    late_error_count = fields.IntField(default=0)
    group: fields.ForeignKeyNullableRelation[ContactGroup] = fields.ForeignKeyField(
        "contacts.ContactGroup", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    group_id: int | None
    validate_job: fields.ForeignKeyNullableRelation[Job] = fields.ForeignKeyField(
        "contacts.Job", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    validate_job_id: int | None
    commit_job: fields.ForeignKeyNullableRelation[Job] = fields.ForeignKeyField(
        "contacts.Job", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    commit_job_id: int | None
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "contacts.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_on = fields.DatetimeField(auto_now_add=True)
    validated_on = fields.DatetimeField(null=True)
    finished_on = fields.DatetimeField(null=True)
    reading_types: dict[str, str] | None = fields.JSONField(null=True)
    file_expired_on = fields.DatetimeField(null=True)
    error_tally: list[dict[str, Any]] = fields.JSONField(default=list)

    class Meta:
        table = "contact_import"


class ImportRow(Model):
    """A staged row (migrations/0010_imports.py says what its values hold)."""

    # The key is (import_id, row_number); Tortoise takes one key column, so the first stands
    # for it, and an instance's save() or delete() would reach every row of the import: write
    # these rows set-wise. No foreign key: rows are copied in bulk.
    import_id = fields.BigIntField(primary_key=True, generated=False)
    row_number = fields.IntField()
    action = fields.CharField(max_length=8)  # create, update, skip or error
    given_uuid = fields.UUIDField(null=True)
    contact_id: int = fields.BigIntField(db_default=SqlDefault("nextval('contact_id_seq')"))
    contact_uuid: UUID = fields.UUIDField(db_default=SqlDefault("gen_random_uuid()"))
    name = fields.TextField(null=True)
    language = fields.TextField(null=True)
    status = fields.TextField(null=True)
    company = fields.TextField(null=True)
    job_title = fields.TextField(null=True)
    country = fields.TextField(null=True)
    state = fields.TextField(null=True)
    notes = fields.TextField(null=True)
    cleared: list[str] | None = ArrayField(element_type="text", null=True)
    urns: list[str] | None = ArrayField(element_type="text", null=True)
    field_values: dict[str, Any] | None = fields.JSONField(null=True, source_field="fields")
    cleared_fields: list[str] | None = ArrayField(element_type="text", null=True)
    flags: list[str] | None = ArrayField(element_type="text", null=True)
    errors: list[dict[str, Any]] | None = fields.JSONField(null=True)
    duplicate_of = fields.IntField(null=True)
    readings: dict[str, Any] | None = fields.JSONField(null=True)

    class Meta:
        table = "import_row"


class ContactExport(Model):
    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    uuid = fields.UUIDField(unique=True)
    file_format = fields.CharField(max_length=8)  # csv or xlsx
    file_path = fields.TextField()
    params: dict[str, Any] = fields.JSONField()
    row_count = fields.BigIntField(default=0)
    job: fields.ForeignKeyNullableRelation[Job] = fields.ForeignKeyField(
        "contacts.Job", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    job_id: int | None
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "contacts.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_on = fields.DatetimeField(auto_now_add=True)
    finished_on = fields.DatetimeField(null=True)
    expired_on = fields.DatetimeField(null=True)

    class Meta:
        table = "contact_export"


class DownloadLink(Model):
    """A link to an export's file or to an import's error file (exactly one of the two)."""

    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "contacts.Member", related_name=False
    )
    member_id: int
    export: fields.ForeignKeyNullableRelation[ContactExport] = fields.ForeignKeyField(
        "contacts.ContactExport", related_name=False, null=True
    )
    export_id: int | None
    # `import` is a keyword: the relation takes the table's name, the column keeps its own.
    contact_import: fields.ForeignKeyNullableRelation[ContactImport] = fields.ForeignKeyField(
        "contacts.ContactImport", related_name=False, null=True, source_field="import_id"
    )
    contact_import_id: int | None
    expires_on: datetime = fields.DatetimeField()
    created_on = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "download_link"
