from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.job import Job
from models.workspace import Workspace


class AudienceSnapshot(Model):
    id = fields.BigIntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "contacts.Workspace", related_name=False
    )
    workspace_id: int
    uuid = fields.UUIDField(unique=True)
    job: fields.ForeignKeyNullableRelation[Job] = fields.ForeignKeyField(
        "contacts.Job", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    job_id: int | None
    query = fields.TextField()
    contact_count = fields.BigIntField(default=0)
    created_on = fields.DatetimeField(auto_now_add=True)
    expired_on = fields.DatetimeField(null=True)

    class Meta:
        table = "audience_snapshot"


class AudienceSnapshotContact(Model):
    # The key is (snapshot_id, contact_id); Tortoise takes one key column, so the first stands
    # for it, and an instance's save() or delete() would reach the whole snapshot: write these
    # rows set-wise. snapshot_id references audience_snapshot(id) ON DELETE CASCADE.
    snapshot_id = fields.BigIntField(primary_key=True, generated=False)
    contact_id = fields.BigIntField()  # no foreign key: the frozen contact may be deleted

    class Meta:
        table = "audience_snapshot_contact"
