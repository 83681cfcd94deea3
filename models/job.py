from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import JobKind, JobStatus


class Job(Model):
    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.BigIntField()
    uuid = fields.UUIDField(unique=True)
    kind = fields.CharEnumField(JobKind, max_length=32)
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.QUEUED)
    params: dict[str, Any] = fields.JSONField(default=dict)
    created_by_id = fields.BigIntField(null=True)
    progress_done = fields.BigIntField(default=0)
    progress_total = fields.BigIntField(default=0)
    changed_count = fields.BigIntField(default=0)
    skipped_count = fields.BigIntField(default=0)
    errors: list[dict[str, Any]] = fields.JSONField(default=list)
    checkpoint = fields.BigIntField(default=0)
    cancel_requested = fields.BooleanField(default=False)
    attempts = fields.IntField(default=0)
    created_on = fields.DatetimeField(auto_now_add=True)
    started_on = fields.DatetimeField(null=True)
    finished_on = fields.DatetimeField(null=True)
    heartbeat_on = fields.DatetimeField(null=True)

    class Meta:
        table = "job"


class JobTarget(Model):
    """A contact a job works on, frozen when the job was created."""

    # The key is (job_id, contact_id); Tortoise takes one key column, so the first stands for
    # it, and an instance's save() or delete() would reach every target of the job: write these
    # rows set-wise. job_id references job(id) ON DELETE CASCADE.
    job_id = fields.BigIntField(primary_key=True, generated=False)
    contact_id = fields.BigIntField()  # no foreign key

    class Meta:
        table = "job_target"
