"""Creating the contacts of a chunk straight from the staging table, set-wise: contacts,
addresses, flags, then one `created` history event each (as `createContact` writes it)."""

from __future__ import annotations

from core.sql import Sql
from services.contacts.history import write_events_from
from services.imports.commit_context import CommitContext, RowSpan
from services.imports.timing import timed

# $1 import id, $2 and $3 the chunk's row numbers (after, up to and including).
IN_SPAN = "r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3 AND r.action = 'create'"


_CONTACT_ROWS = f"""
    INSERT INTO contact (id, workspace_id, uuid, name, language, status, company, job_title,
        country, state, notes, source, fields, created_by_id, created_on, modified_on)
    SELECT r.contact_id, $4, r.contact_uuid, r.name, r.language, coalesce(r.status, 'active'),
        r.company, r.job_title, r.country, r.state, r.notes, 'import',
        coalesce((SELECT jsonb_object_agg($5::jsonb ->> e.key, e.value)
                  FROM jsonb_each(r.fields) AS e), '{{}}'::jsonb),
        $6, now(), now()
    FROM import_row r WHERE {IN_SPAN}
"""

# The search rows written with the contacts, from the staged readings (the database reads
# the values of a row that has none); the insert trigger stands aside meanwhile.
_CONTACT_AND_SEARCH_ROWS = f"""
WITH added AS ({_CONTACT_ROWS} RETURNING id, status, fields)
INSERT INTO contact_search (contact_id, workspace_id, status, readings)
SELECT a.id, $4, a.status, coalesce(r.readings, contact_search_readings($4, a.fields))
FROM added a JOIN import_row r ON r.contact_id = a.id AND {IN_SPAN}
RETURNING contact_id
"""


async def _insert_contacts(
    tx: Sql, ctx: CommitContext, span: RowSpan, *, readings_hold: bool
) -> list[int]:
    args = (*span.args, ctx.workspace_id, ctx.field_map, ctx.member_id)
    if not readings_hold:
        rows = await tx.fetch(f"{_CONTACT_ROWS} RETURNING id", *args)
        return [r["id"] for r in rows]
    await tx.execute("SELECT set_config('contacts.search_rows', 'supplied', true)")
    rows = await tx.fetch(_CONTACT_AND_SEARCH_ROWS, *args)
    await tx.execute("SELECT set_config('contacts.search_rows', '', true)")
    return [r["contact_id"] for r in rows]


async def readings_hold(tx: Sql, ctx: CommitContext) -> bool:
    """Whether the staged readings still fit the fields' types. Locks those fields (as a
    re-read does) so no type changes until the chunk commits."""
    if ctx.reading_types is None:
        return False
    if not ctx.reading_types:
        return True
    rows = await tx.fetch(
        "SELECT id, value_type FROM contact_field WHERE id = ANY($1::bigint[]) ORDER BY id "
        "FOR SHARE",
        list(ctx.reading_types),
    )
    return {r["id"]: r["value_type"] for r in rows} == ctx.reading_types


async def _insert_urns(tx: Sql, ctx: CommitContext, span: RowSpan) -> None:
    await tx.execute(
        f"""
        INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority)
        SELECT $4, r.contact_id, split_part(u.urn, ':', 1), substr(u.urn, strpos(u.urn, ':') + 1),
            (cardinality(r.urns) - u.position + 1)::smallint
        FROM import_row r CROSS JOIN LATERAL unnest(r.urns) WITH ORDINALITY AS u(urn, position)
        WHERE {IN_SPAN}
        """,
        *span.args,
        ctx.workspace_id,
    )


async def _insert_flags(tx: Sql, ctx: CommitContext, span: RowSpan) -> None:
    await tx.execute(
        f"""
        INSERT INTO contact_flag (workspace_id, flag_id, contact_id)
        SELECT DISTINCT $4::bigint, f.id, r.contact_id
        FROM import_row r
        CROSS JOIN LATERAL unnest(coalesce(r.flags, '{{}}') || $5::text[]) AS n(name)
        JOIN flag f ON f.workspace_id = $4 AND lower(f.name) = lower(n.name)
        WHERE {IN_SPAN}
        ON CONFLICT DO NOTHING
        """,
        *span.args,
        ctx.workspace_id,
        list(ctx.flags),
    )


async def _write_created_events(tx: Sql, ctx: CommitContext, span: RowSpan) -> None:
    # A row without flags of its own has the import's flags: one list for all those rows.
    await write_events_from(
        tx,
        f"""
        SELECT $4, r.contact_id, r.contact_uuid, 'created',
            jsonb_strip_nulls(jsonb_build_object(
                'name', r.name, 'language', r.language, 'company', r.company,
                'job_title', r.job_title, 'country', r.country, 'state', r.state,
                'notes', r.notes))
            || jsonb_build_object(
                'status', coalesce(r.status, 'active'),
                'source', 'import',
                'urns', coalesce(to_jsonb(r.urns), '[]'::jsonb),
                'flags', coalesce(CASE WHEN coalesce(cardinality(r.flags), 0) = 0
                    THEN (SELECT jsonb_agg(f.name ORDER BY lower(f.name)) FROM flag f
                          WHERE f.workspace_id = $4
                            AND lower(f.name) IN (SELECT lower(n) FROM unnest($8::text[]) n))
                    ELSE (SELECT jsonb_agg(f.name ORDER BY lower(f.name))
                          FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
                          WHERE cf.contact_id = r.contact_id) END, '[]'::jsonb),
                'fields', coalesce((SELECT jsonb_object_agg(e.key, e.value -> 'text')
                                    FROM jsonb_each(r.fields) AS e), '{{}}'::jsonb)),
            $5, $6, $7
        FROM import_row r WHERE {IN_SPAN}
        """,
        *span.args,
        ctx.workspace_id,
        ctx.actor.kind.value,
        ctx.member_id,
        ctx.job_id,
        list(ctx.flags),
    )


async def create_contacts(
    tx: Sql, ctx: CommitContext, span: RowSpan, *, readings_hold: bool
) -> list[int]:
    """The new contacts' ids; `readings_hold` from `readings_hold()`."""
    with timed("insert contacts"):
        created = await _insert_contacts(tx, ctx, span, readings_hold=readings_hold)
    if created:
        with timed("insert addresses"):
            await _insert_urns(tx, ctx, span)
        with timed("insert flags"):
            await _insert_flags(tx, ctx, span)
        with timed("write history"):
            await _write_created_events(tx, ctx, span)
    return created
