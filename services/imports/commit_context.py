"""What every commit chunk needs, prepared once (idempotently) before the first chunk: the
group (created if new), the import's flags, new text fields, and field keys to UUIDs."""

from __future__ import annotations

import json
from dataclasses import dataclass

from core.sql import transaction
from models import Member, Workspace
from models.enums import ActorKind, FieldType
from services.access.actor import Actor
from services.access.caller import Caller
from services.errors import InvalidState, PermissionDenied
from services.fields.definitions import create_field, list_fields
from services.flags.definitions import ensure_flags
from services.imports import statements
from services.imports.groups import ensure_group
from services.imports.records import ColumnState, ImportRecord


@dataclass(frozen=True, slots=True)
class RowSpan:
    """The staging rows of one chunk: row numbers after `after`, up to and including `last`."""

    import_id: int
    after: int
    last: int

    @property
    def args(self) -> tuple[int, int, int]:
        return (self.import_id, self.after, self.last)


@dataclass(frozen=True, slots=True)
class CommitContext:
    import_id: int
    job_id: int
    workspace: Workspace
    member_id: int | None
    group_id: int | None
    flags: tuple[str, ...]
    field_uuids: dict[str, str]  # field key -> uuid
    reading_types: dict[int, str] | None  # see ImportRecord.reading_types

    @property
    def workspace_id(self) -> int:
        return int(self.workspace.id)

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.IMPORT, member_id=self.member_id, job_id=self.job_id)

    @property
    def field_map(self) -> str:
        return json.dumps(self.field_uuids)


async def _create_new_fields(
    record: ImportRecord, workspace: Workspace, member_id: int | None
) -> None:
    wanted = [c for c in record.columns if c.new_field and c.state is ColumnState.MATCHED]
    existing = {f.key for f in await list_fields(workspace.id)}
    missing = [c for c in wanted if (c.target or "").removeprefix("Field:") not in existing]
    if not missing:
        return
    member = (
        await Member.get_or_none(id=member_id, workspace_id=workspace.id) if member_id else None
    )
    if member is None:
        raise InvalidState("The member who confirmed this import no longer exists.", field="id")
    caller = Caller(workspace=workspace, member=member)
    for column in missing:
        try:
            await create_field(
                caller,
                name=column.new_field or "",
                value_type=FieldType.TEXT,
                key=(column.target or "").removeprefix("Field:"),
            )
        except PermissionDenied as exc:
            raise InvalidState(f"The new field cannot be created: {exc}", field="id") from exc


def _used_field_keys(record: ImportRecord) -> list[str]:
    return [
        c.target.removeprefix("Field:")
        for c in record.columns
        if c.state is ColumnState.MATCHED and c.target and c.target.startswith("Field:")
    ]


async def prepare_commit(record: ImportRecord, job_id: int, member_id: int | None) -> CommitContext:
    """Raises a DomainError when the workspace changed since the preview in a way the commit
    cannot follow (a field or the group deleted)."""
    workspace = await Workspace.get(id=record.workspace_id)
    await _create_new_fields(record, workspace, member_id)
    field_uuids = {f.key: f.uuid for f in await list_fields(workspace.id)}
    for key in _used_field_keys(record):
        if key not in field_uuids:
            raise InvalidState(
                f'The field "{key}" was deleted after the preview; upload the file again.',
                field="id",
            )
    group_id: int | None = None
    async with transaction() as tx:
        if record.options.group_name is not None:
            group_id = await ensure_group(
                tx,
                workspace_id=workspace.id,
                group_id=record.options.group_id,
                name=record.options.group_name,
            )
            await tx.execute(statements.SET_IMPORT_GROUP, record.id, group_id)
        flags = await ensure_flags(tx, workspace_id=workspace.id, names=record.options.flags)
    return CommitContext(
        import_id=record.id,
        job_id=job_id,
        workspace=workspace,
        member_id=member_id,
        group_id=group_id,
        flags=tuple(f.name for f in flags),
        field_uuids=field_uuids,
        reading_types=record.reading_types,
    )
