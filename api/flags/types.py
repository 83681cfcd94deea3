from __future__ import annotations

from collections.abc import Iterable

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from services.contacts.records import FlagRecord
from services.flags.definitions import list_flags


@strawberry.type(description="A workspace label such as 'VIP' or 'Do Not Call'.")
class Flag(relay.Node):
    uuid: relay.NodeID[str]
    name: str
    record: strawberry.Private[FlagRecord]

    @classmethod
    def from_record(cls, record: FlagRecord) -> Flag:
        return cls(uuid=str(record.uuid), name=record.name, record=record)

    @strawberry.field(description="Contacts holding the flag, whatever their status.")
    async def count(self, info: Info[Context, None]) -> int:
        return await info.context.loaders.flag_counts.load(self.record.id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Flag | None]:
        flags = {str(f.uuid): f for f in await list_flags(info.context.caller)}
        return [Flag.from_record(flags[i]) if i in flags else None for i in node_ids]
