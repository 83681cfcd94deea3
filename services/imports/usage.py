"""A previewed import relies on its fields and group until it is committed or dropped, so
"where is this used" lists it and deleting them asks first."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql, transaction
from services.fields.values import FieldDefinition
from services.imports.records import ImportRecord
from services.usages.registry import Consumer, ConsumerKind, remove_consumer, replace_usages


def _consumer(record: ImportRecord) -> Consumer:
    return Consumer(ConsumerKind.IMPORT, str(record.uuid), f"import of {record.file_name}")


async def register_import_usages(record: ImportRecord, fields: Sequence[FieldDefinition]) -> None:
    group_ids = [record.options.group_id] if record.options.group_id else []
    async with transaction() as tx:
        await replace_usages(
            tx,
            workspace_id=record.workspace_id,
            consumer=_consumer(record),
            field_ids=[f.id for f in fields],
            group_ids=group_ids,
        )


async def remove_import_usages(tx: Sql, record: ImportRecord) -> None:
    await remove_consumer(
        tx, workspace_id=record.workspace_id, kind=ConsumerKind.IMPORT, ref=str(record.uuid)
    )
