"""The flags domain's root query fields."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import Context
from api.flags.types import Flag
from services.flags import definitions as flags


@strawberry.field(name="flags")
async def flag_list(info: Info[Context, None]) -> list[Flag]:
    return [Flag.from_record(f) for f in await flags.list_flags(info.context.caller)]


QUERIES = [flag_list]
