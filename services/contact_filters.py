"""The contact filters shared by lists, counts and bulk selections, compiled to one WHERE."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from core.sqlbuilder import Params
from models.enums import ContactStatus
from normalize.urns import looks_like_phone_fragment
from query.api import ParsedQuery


@dataclass(frozen=True, slots=True)
class ContactFilter:
    statuses: Sequence[ContactStatus] = ()
    any_flag_ids: Sequence[int] = ()
    all_flag_ids: Sequence[int] = ()
    group_ids: Sequence[int] = ()
    search: str | None = None
    uuids: Sequence[UUID] | None = None
    exclude_group_ids: Sequence[int] = ()
    query: ParsedQuery | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SEARCH_TEXT = (
    "lower(coalesce(c.name, '') || ' ' || coalesce(c.company, '') || ' ' || coalesce(c.state, ''))"
)


def filter_sql(workspace_id: int, flt: ContactFilter, params: Params) -> str:
    """A boolean SQL expression over alias `c`, always scoped to the workspace."""
    ws = params.add(workspace_id)
    clauses = [f"c.workspace_id = {ws}"]
    if flt.uuids is not None:
        clauses.append(f"c.uuid = ANY({params.add(list(flt.uuids))}::uuid[])")
    if flt.statuses:
        clauses.append(f"c.status = ANY({params.add([s.value for s in flt.statuses])}::text[])")
    if flt.any_flag_ids:
        ids = params.add(list(flt.any_flag_ids))
        clauses.append(
            "EXISTS (SELECT 1 FROM contact_flag cf WHERE cf.contact_id = c.id "
            f"AND cf.flag_id = ANY({ids}::bigint[]))"
        )
    for flag_id in dict.fromkeys(flt.all_flag_ids):
        clauses.append(
            "EXISTS (SELECT 1 FROM contact_flag cf WHERE cf.contact_id = c.id "
            f"AND cf.flag_id = {params.add(flag_id)})"
        )
    if flt.group_ids:
        ids = params.add(list(flt.group_ids))
        clauses.append(
            "EXISTS (SELECT 1 FROM group_contact gc WHERE gc.contact_id = c.id "
            f"AND gc.group_id = ANY({ids}::bigint[]))"
        )
    if flt.exclude_group_ids:
        ids = params.add(list(flt.exclude_group_ids))
        clauses.append(
            "NOT EXISTS (SELECT 1 FROM group_contact gc WHERE gc.contact_id = c.id "
            f"AND gc.group_id = ANY({ids}::bigint[]))"
        )
    if flt.query is not None:
        condition, values = flt.query.to_sql(params.next_index)
        params.extend(values)
        clauses.append(condition)
    if flt.search and flt.search.strip():
        clauses.append(_search_sql(flt.search.strip().lower(), ws, params))
    return " AND ".join(clauses)


def _search_sql(term: str, ws: str, params: Params) -> str:
    """Phone fragments and emails search addresses only; other text searches name, company
    and state, and addresses too. Each side is read through its own trigram index."""
    if looks_like_phone_fragment(term.replace(" ", "")):
        digits = params.add(f"%{_escape_like(re.sub(r'[^0-9]', '', term))}%")
        return (
            f"c.id IN (SELECT u.contact_id FROM contact_urn u WHERE u.workspace_id = {ws} "
            f"AND u.scheme = 'tel' AND u.path LIKE {digits})"
        )
    pattern = params.add(f"%{_escape_like(term)}%")
    addresses = (
        f"SELECT u.contact_id FROM contact_urn u WHERE u.workspace_id = {ws} "
        f"AND u.path LIKE {pattern}"
    )
    if "@" in term:
        return f"c.id IN ({addresses})"
    return (
        f"c.id IN (SELECT s.id FROM contact s WHERE s.workspace_id = {ws} "
        f"AND {SEARCH_TEXT.replace('c.', 's.')} LIKE {pattern} UNION {addresses})"
    )
