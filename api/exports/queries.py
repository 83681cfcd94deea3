"""The exports domain's root query fields: one export, the list."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.common import Connection
from api.context import Context
from api.exports.types import Export
from api.relay import node_uuid
from services.exports.starting import list_exports
from services.keyset import LIST_PAGE_SIZE


@strawberry.field
async def export(info: Info[Context, None], id: strawberry.ID) -> Export | None:
    uuid = node_uuid(id, "Export")
    if uuid is None:
        return None
    return (await Export.resolve_nodes(info=info, node_ids=[str(uuid)]))[0]


@strawberry.field(description="Newest first.")
async def exports(
    info: Info[Context, None],
    first: Annotated[int, strawberry.argument(description=LIST_PAGE_SIZE)] = 20,
    after: str | None = None,
) -> Connection[Export]:
    page = await list_exports(info.context.caller, first=first, after=after)
    return Connection[Export].from_page(page, Export.from_record)


QUERIES = [export, exports]
