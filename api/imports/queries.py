"""The imports domain's root query fields: one import, the list, the template to fill in."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.common import Connection
from api.context import Context
from api.imports.types import HeaderAlias, Import, ImportTemplate
from api.relay import node_uuid
from services.imports import queries as import_queries
from services.imports.columns import HEADER_ALIASES
from services.imports.records import ImportStatus
from services.keyset import LIST_PAGE_SIZE

TEMPLATE_PATH = "/templates/contacts.csv"


@strawberry.field(name="import")
async def import_(info: Info[Context, None], id: strawberry.ID) -> Import | None:
    uuid = node_uuid(id, "Import")
    if uuid is None:
        return None
    return (await Import.resolve_nodes(info=info, node_ids=[str(uuid)]))[0]


@strawberry.field(description="Newest first.")
async def imports(
    info: Info[Context, None],
    status: list[ImportStatus] | None = None,
    first: Annotated[int, strawberry.argument(description=LIST_PAGE_SIZE)] = 20,
    after: str | None = None,
) -> Connection[Import]:
    page = await import_queries.list_imports(
        info.context.caller, statuses=status or (), first=first, after=after
    )
    return Connection[Import].from_page(page, Import.from_record)


@strawberry.field
async def import_template(info: Info[Context, None]) -> ImportTemplate:
    columns = await import_queries.template_columns(info.context.caller.workspace_id)
    url = str(info.context.request.base_url).rstrip("/") + TEMPLATE_PATH
    return ImportTemplate(
        columns=columns,
        csv=import_queries.template_csv(columns),
        url=url,
        aliases=[HeaderAlias(header=h, column=c) for h, c in HEADER_ALIASES.items()],
    )


QUERIES = [import_, imports, import_template]
