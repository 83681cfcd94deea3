"""Matching staged rows to existing contacts, set-wise in the database once every row is in.

A row with a UUID updates that contact (an unknown UUID is an error); otherwise a row whose
addresses belong to one existing contact updates it; addresses of two different contacts are
an error naming both, and so is an address of another contact on a row with a UUID. Rows that
match nothing stay creates, with the contact id and uuid their defaults reserved.
"""

from __future__ import annotations

import asyncio

from core.sql import sql, transaction
from services.imports.records import RowAction

# The database does the matching: one part per core.
MATCHING_PARTS = 2

# $1 import id, $2 workspace, $3 the action of a matched row, $4 and $5 the rows' bounds, $6
# whether the workspace hides addresses (then an address's owner is not named).
_BY_UUID = """
UPDATE import_row r SET contact_id = c.id, contact_uuid = c.uuid, action = $3
FROM contact c
WHERE r.import_id = $1 AND r.row_number > $4 AND r.row_number <= $5
  AND r.action = 'create' AND r.given_uuid IS NOT NULL
  AND c.workspace_id = $2 AND c.uuid = r.given_uuid
"""

# $1 import id, $2 the label of the UUID column, $3 and $4 the rows' bounds.
_UNKNOWN_UUID = """
UPDATE import_row r SET action = 'error', errors = jsonb_build_array(jsonb_build_object(
    'code', 'unknown_uuid', 'column', $2::text, 'value', r.given_uuid::text,
    'message', format('no contact in this workspace has the UUID "%s"', r.given_uuid)))
WHERE r.import_id = $1 AND r.row_number > $3 AND r.row_number <= $4
  AND r.action = 'create' AND r.given_uuid IS NOT NULL
"""

# $1 import id, $2 workspace, $3 the action of a matched row, $4 and $5 the rows' bounds, $6
# whether the workspace hides addresses (then an address's owner is not named).
# Owners are looked up one address at a time (a unique-index probe each): a join would let
# the planner, misled by a young staging table's statistics, scan the workspace's addresses
# once per row.
_BY_ADDRESS = """
WITH addressed AS (
    SELECT r.row_number, r.given_uuid IS NOT NULL AS by_uuid, r.contact_id AS target,
        u.urn, u.position,
        (SELECT cu.contact_id FROM contact_urn cu
         WHERE cu.workspace_id = $2 AND cu.scheme = split_part(u.urn, ':', 1)
           AND cu.path = substr(u.urn, strpos(u.urn, ':') + 1)) AS owner
    FROM import_row r CROSS JOIN LATERAL unnest(r.urns) WITH ORDINALITY AS u(urn, position)
    WHERE r.import_id = $1 AND r.row_number > $4 AND r.row_number <= $5 AND r.action <> 'error'
), held AS (
    SELECT a.row_number, a.by_uuid, a.target, a.urn, a.position, a.owner, c.uuid AS owner_uuid,
        CASE WHEN $6 THEN 'another contact'
             WHEN c.name IS NULL THEN format('a contact without a name (%s)', c.uuid)
             ELSE format('"%s" (%s)', c.name, c.uuid) END AS described
    FROM addressed a CROSS JOIN LATERAL (
        SELECT c.uuid, c.name FROM contact c WHERE c.id = a.owner) AS c
), owners AS (
    SELECT DISTINCT ON (row_number, owner) * FROM held ORDER BY row_number, owner, position
), decided AS (
    SELECT row_number, bool_or(by_uuid) AS by_uuid, count(*) AS owners,
        (array_agg(owner ORDER BY position))[1] AS owner,
        (array_agg(owner_uuid ORDER BY position))[1] AS owner_uuid,
        (array_agg(urn ORDER BY position) FILTER (WHERE owner <> target))[1] AS taken,
        (array_agg(CASE WHEN $6 THEN format('%s already belongs to another contact', urn)
                        ELSE format('%s already belongs to another contact, %s', urn, described)
                   END ORDER BY position) FILTER (WHERE owner <> target))[1] AS taken_message,
        array_to_string((array_agg(format('%s to %s', urn, described) ORDER BY position))[1:2],
                        ' and ') AS owners_described
    FROM owners GROUP BY row_number
)
UPDATE import_row r SET
    action = CASE WHEN d.by_uuid OR d.owners > 1 THEN 'error' ELSE $3 END,
    contact_id = CASE WHEN d.by_uuid OR d.owners > 1 THEN r.contact_id ELSE d.owner END,
    contact_uuid = CASE WHEN d.by_uuid OR d.owners > 1 THEN r.contact_uuid ELSE d.owner_uuid END,
    errors = CASE
        WHEN d.by_uuid THEN jsonb_build_array(jsonb_build_object(
            'code', 'address_taken', 'column', NULL, 'value', d.taken,
            'message', d.taken_message))
        WHEN d.owners > 1 THEN jsonb_build_array(jsonb_build_object(
            'code', 'address_conflict', 'column', NULL, 'value', NULL,
            'message', 'the addresses belong to different contacts: ' || d.owners_described))
        END
FROM decided d
WHERE r.import_id = $1 AND r.row_number = d.row_number
  AND (NOT d.by_uuid OR d.taken IS NOT NULL)
"""


async def _match_part(
    import_id: int,
    workspace_id: int,
    matched: str,
    uuid_label: str | None,
    bounds: tuple[int, int],
    anonymous: bool,
) -> None:
    async with transaction() as tx:
        await tx.execute(_BY_UUID, import_id, workspace_id, matched, *bounds)
        await tx.execute(_UNKNOWN_UUID, import_id, uuid_label, *bounds)
        await tx.execute(_BY_ADDRESS, import_id, workspace_id, matched, *bounds, anonymous)


def split_rows(first: int, last: int, parts: int) -> list[tuple[int, int]]:
    """Bounds (after, up to and including) of about equal runs of rows first..last."""
    size = -(-(last - first + 1) // parts)
    return [(start - 1, min(start + size - 1, last)) for start in range(first, last + 1, size)]


async def match_rows(
    import_id: int, workspace_id: int, *, update_existing: bool, uuid_label: str | None
) -> None:
    """Each row is matched on its own, so the rows are matched in parts side by side, one
    connection each; every part commits on its own (a failed validation starts over)."""
    matched = (RowAction.UPDATE if update_existing else RowAction.SKIP).value
    span = await sql().fetchrow(
        "SELECT min(row_number) AS first, max(row_number) AS last, "
        "(SELECT anonymous FROM workspace WHERE id = $2) AS anonymous "
        "FROM import_row WHERE import_id = $1",
        import_id,
        workspace_id,
    )
    if span is None or span["first"] is None:
        return
    async with asyncio.TaskGroup() as parts:
        for bounds in split_rows(span["first"], span["last"], MATCHING_PARTS):
            parts.create_task(
                _match_part(import_id, workspace_id, matched, uuid_label, bounds, span["anonymous"])
            )
