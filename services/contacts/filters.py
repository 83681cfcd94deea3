"""The contact filters shared by lists, counts and bulk selections, compiled to one WHERE."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from core.sql import sql
from core.sqlbuilder import Params
from models.enums import ContactStatus
from normalize.urns import looks_like_phone_fragment
from query.api import SEARCH_TEXT, ParsedQuery
from services.contacts import statements


@dataclass(frozen=True, slots=True)
class ContactFilter:
    statuses: Sequence[ContactStatus] = ()
    any_flag_ids: Sequence[int] = ()
    all_flag_ids: Sequence[int] = ()
    group_ids: Sequence[int] = ()
    all_group_ids: Sequence[int] = ()
    search: str | None = None
    uuids: Sequence[UUID] | None = None
    exclude_group_ids: Sequence[int] = ()
    query: ParsedQuery | None = None
    # Set by resolve_search: the term matches many contacts (test each row of an ordered
    # scan), or the few contacts it matches.
    dense_search: bool = False
    search_ids: Sequence[int] | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
    for group_id in dict.fromkeys(flt.all_group_ids):
        clauses.append(
            "EXISTS (SELECT 1 FROM group_contact gc WHERE gc.contact_id = c.id "
            f"AND gc.group_id = {params.add(group_id)})"
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
    if flt.search_ids is not None:
        clauses.append(f"c.id = ANY({params.add(list(flt.search_ids))}::bigint[])")
    elif flt.search and flt.search.strip():
        term = flt.search.strip().lower()
        clauses.append(_search_sql(term, ws, params, dense=flt.dense_search))
    return " AND ".join(clauses)


def search_count_sql(workspace_id: int, flt: ContactFilter) -> tuple[str, list[object]] | None:
    """A count read from contact_search alone, for a filter that is only a query on fields
    and status (with statuses): None for any other filter."""
    query = flt.query
    others = (flt.uuids, flt.search, flt.any_flag_ids, flt.all_flag_ids, flt.group_ids)
    if query is None or not query.reads_search_only or any(others) or flt.exclude_group_ids:
        return None
    params = Params()
    clauses = [f"s.workspace_id = {params.add(workspace_id)}"]
    if flt.statuses:
        clauses.append(f"s.status = ANY({params.add([s.value for s in flt.statuses])}::text[])")
    condition, values = query.to_search_sql(params.next_index)
    params.extend(values)
    clauses.append(condition)
    return statements.count_search(" AND ".join(clauses)), params.values


@dataclass(frozen=True, slots=True)
class _Search:
    """How a search term is read: a condition on name, company and state (if any) and a
    sub-select of contact ids by address."""

    text_pattern: str | None
    addresses: str


def _search_parts(term: str, ws: str, params: Params) -> _Search:
    """Phone fragments and emails read addresses only; other text reads name, company and
    state too. Each part has its own trigram index. A workspace in anonymous mode hides its
    addresses, so search never reads them there."""
    if looks_like_phone_fragment(term.replace(" ", "")):
        digits = params.add(f"%{_escape_like(re.sub(r'[^0-9]', '', term))}%")
        return _Search(None, statements.phone_address_ids(ws, digits))
    pattern = params.add(f"%{_escape_like(term)}%")
    addresses = statements.address_ids(ws, pattern)
    return _Search(None if "@" in term else pattern, addresses)


def _search_text(alias: str) -> str:
    return SEARCH_TEXT.replace("c.", f"{alias}.")


def _id_sets(search: _Search, ws: str, *, distinct: bool) -> str:
    sets = [search.addresses]
    if search.text_pattern is not None:
        sets.insert(0, statements.text_ids(ws, _search_text("s"), search.text_pattern))
    return (" UNION " if distinct else " UNION ALL ").join(sets)


def _search_sql(term: str, ws: str, params: Params, *, dense: bool) -> str:
    search = _search_parts(term, ws, params)
    if not dense:
        return f"c.id IN ({_id_sets(search, ws, distinct=True)})"
    # Many matches: test each contact as an ordered scan reaches it, which fills a page long
    # before the id sets would be collected.
    tests = [f"c.id IN ({search.addresses})"]
    if search.text_pattern is not None:
        tests.insert(0, f"{_search_text('c')} LIKE {search.text_pattern}")
    return "(" + " OR ".join(tests) + ")"


DENSE_SEARCH = 2000


async def resolve_search(workspace_id: int, flt: ContactFilter) -> ContactFilter:
    """Decide how a list reads its search: a term the planner expects in more than
    DENSE_SEARCH contacts is tested row by row along the ordered scan, with no probe; any
    other term is looked up once, and its contacts (if still few) are listed by id."""
    if not flt.search or not flt.search.strip():
        return flt
    params = Params()
    ws = params.add(workspace_id)
    id_sets = _id_sets(_search_parts(flt.search.strip().lower(), ws, params), ws, distinct=False)
    plan = await sql().fetchval(statements.explain_json(id_sets), *params.values)
    if _planned_rows(plan) > DENSE_SEARCH:
        return replace(flt, dense_search=True)
    rows = await sql().fetch(statements.limited(id_sets, DENSE_SEARCH + 1), *params.values)
    if len(rows) > DENSE_SEARCH:
        return replace(flt, dense_search=True)
    return replace(flt, search_ids=sorted({r[0] for r in rows}))


def _planned_rows(plan: str | list[dict[str, Any]]) -> float:
    document = json.loads(plan) if isinstance(plan, str) else plan
    return float(document[0]["Plan"]["Plan Rows"])
