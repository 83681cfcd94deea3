from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass

from core.sql import sql
from models import Workspace
from models.enums import DateFormat
from normalize.countries import is_timezone, normalize_country
from normalize.errors import InvalidValue
from services.access import statements
from services.errors import InvalidInput

DEFAULT_IMPORT_ROWS = 2_000_000  # as the column's default
MAX_IMPORT_ROWS = 2**31 - 1  # the column is an INTEGER


async def create_workspace(
    *,
    name: str,
    country: str,
    timezone: str = "UTC",
    date_format: DateFormat | None = None,
    anonymous: bool = False,
    max_import_rows: int | None = None,
) -> Workspace:
    """`date_format`: how dates such as 05/03/2024 are read, by default as the country writes
    them. `anonymous`: members never see contacts' addresses (nor query, export or learn
    them). `max_import_rows`: the largest import, in rows after the header (2,000,000 by
    default)."""
    name = name.strip()
    if not name or len(name) > 128:
        raise InvalidInput("A workspace name needs 1 to 128 characters.", field="name")
    try:
        country = normalize_country(country)
    except InvalidValue as exc:
        raise InvalidInput(str(exc), field="country") from exc
    if not is_timezone(timezone):
        raise InvalidInput(f'"{timezone}" is not a known timezone.', field="timezone")
    if date_format is None:
        date_format = country_date_format(country)
    return await Workspace.create(
        uuid=uuidlib.uuid4(),
        name=name,
        country=country,
        timezone=timezone,
        date_format=date_format,
        anonymous=anonymous,
        max_import_rows=DEFAULT_IMPORT_ROWS if max_import_rows is None else _rows(max_import_rows),
    )


def _rows(max_import_rows: int) -> int:
    if not 1 <= max_import_rows <= MAX_IMPORT_ROWS:
        raise InvalidInput(
            f"The largest import must be 1 to {MAX_IMPORT_ROWS:,} rows.", field="max_import_rows"
        )
    return max_import_rows


async def set_max_import_rows(workspace: Workspace, max_import_rows: int) -> Workspace:
    """Changes the workspace's largest import; imports already checked keep their rows."""
    workspace.max_import_rows = _rows(max_import_rows)
    await workspace.save(update_fields=["max_import_rows"])
    return workspace


# Where month-first dates (05/03/2024 for May 3) are the everyday form: the United States
# and its territories, and countries that took the form from them.
MONTH_FIRST_COUNTRIES = frozenset(
    {"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"}
)


def country_date_format(country: str) -> DateFormat:
    return DateFormat.MONTH_FIRST if country in MONTH_FIRST_COUNTRIES else DateFormat.DAY_FIRST


async def first_workspace() -> Workspace | None:
    return await Workspace.all().order_by("id").first()


async def get_workspace_by_uuid(workspace_uuid: uuidlib.UUID | str) -> Workspace | None:
    try:
        key = uuidlib.UUID(str(workspace_uuid))
    except ValueError:
        return None
    return await Workspace.get_or_none(uuid=key)


@dataclass(frozen=True, slots=True)
class WorkspaceSummary:
    workspace: Workspace
    contacts: int


async def list_workspaces() -> list[WorkspaceSummary]:
    """Every workspace of the service, oldest first, for its operator (not an API caller)."""
    counts = {r["id"]: r["contacts"] for r in await sql().fetch(statements.WORKSPACES_WITH_COUNTS)}
    workspaces = await Workspace.all().order_by("created_on", "id")
    return [WorkspaceSummary(w, counts.get(w.id, 0)) for w in workspaces]
