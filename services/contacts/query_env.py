"""Reading contact queries for a workspace: its settings, fields, groups and flags."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

from core.sql import sql
from models import Workspace
from models.enums import FieldType, GroupKind
from query.api import ParsedQuery, parse_query
from query.environment import FieldInfo, FlagInfo, GroupInfo, QueryEnvironment
from services.contacts import statements


async def query_environment(workspace: Workspace) -> QueryEnvironment:
    fields = await sql().fetch(statements.QUERY_FIELDS, workspace.id)
    groups = await sql().fetch(statements.QUERY_GROUPS, workspace.id)
    flags = await sql().fetch(statements.QUERY_FLAGS, workspace.id)
    return QueryEnvironment.build(
        workspace_id=workspace.id,
        country=workspace.country,
        timezone=ZoneInfo(workspace.timezone),
        date_format=workspace.date_format,
        anonymous=workspace.anonymous,
        fields=[
            FieldInfo(
                UUID(str(r["uuid"])),
                r["key"],
                r["name"],
                FieldType(r["value_type"]),
                r["id"],
                r["readings_stale"],
            )
            for r in fields
        ],
        groups=[GroupInfo(r["id"], r["name"], GroupKind(r["kind"])) for r in groups],
        flags=[FlagInfo(r["id"], r["name"]) for r in flags],
    )


async def read_query(workspace: Workspace, text: str) -> ParsedQuery:
    """Raises query.errors.QueryError for a query that cannot be read in this workspace."""
    return parse_query(text, await query_environment(workspace))
