"""Every statement the exports domain sends, in one place. `$n` parameters are named beside
each."""

from __future__ import annotations

# An export's columns, as ExportRecord.from_row reads them.
EXPORT_COLUMNS = (
    "id, uuid, workspace_id, file_format, file_path, params::text AS params, row_count, job_id, "
    "created_by_id, created_on, finished_on, expired_on"
)

# $1 workspace, $2 the groups' lower-cased names.
GROUP_COLUMNS_BY_NAME = (
    "SELECT id, name FROM contact_group WHERE workspace_id = $1 AND lower(name) = ANY($2::text[])"
)

# $1 workspace, $2 uuid, $3 file format, $4 file path (relative), $5 params (JSON text), $6 the
# job writing it, $7 the member asking.
INSERT_EXPORT = """
    INSERT INTO contact_export (workspace_id, uuid, file_format, file_path, params,
        job_id, created_by_id)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING id
"""

# $1 the export's id.
EXPORT_BY_ID = f"SELECT {EXPORT_COLUMNS} FROM contact_export WHERE id = $1"

# $1 workspace, $2 the export's uuid.
EXPORT_BY_UUID = (
    f"SELECT {EXPORT_COLUMNS} FROM contact_export WHERE workspace_id = $1 AND uuid = $2"
)

# The export a job writes, named in its params: $1 the job's id.
EXPORT_FOR_JOB = (
    f"SELECT {EXPORT_COLUMNS} FROM contact_export WHERE uuid = "
    "(SELECT (params ->> 'export')::uuid FROM job WHERE id = $1)"
)

# $1 the export's id, $2 the rows written.
FINISH_EXPORT = "UPDATE contact_export SET row_count = $2, finished_on = now() WHERE id = $1"

# The holder of an export's snapshot sits idle in its transaction while the others read: a
# server-wide idle timeout would end it, and with it the snapshot, mid-export.
NO_IDLE_TIMEOUT = "SET LOCAL idle_in_transaction_session_timeout = 0"

EXPORT_SNAPSHOT = "SELECT pg_export_snapshot()"


def set_transaction_snapshot(snapshot: str) -> str:
    """Reads the snapshot EXPORT_SNAPSHOT named (checked to be one before it is spliced in)."""
    return f"SET TRANSACTION SNAPSHOT '{snapshot}'"


def range_bounds(where: str, size: int) -> str:
    """The id (and position) of every `size`-th contact `where` selects; `where` is over
    contact `c` and takes the selection's parameters."""
    return f"""
        SELECT id, n FROM (
            SELECT c.id, row_number() OVER (ORDER BY c.id) AS n
            FROM contact c WHERE {where}) AS s
        WHERE n % {int(size)} = 0 ORDER BY id
    """


def selection_end(where: str) -> str:
    """The last id and the count of the contacts `where` selects."""
    return f"SELECT max(c.id) AS id, count(*) AS n FROM contact c WHERE {where}"


def urn_slots(where: str) -> str:
    """Per scheme, the most addresses one contact `where` selects has."""
    return f"""
        SELECT scheme, max(n) AS slots FROM (
            SELECT u.scheme, count(*) AS n
            FROM contact c JOIN contact_urn u ON u.contact_id = c.id
            WHERE {where} GROUP BY u.contact_id, u.scheme) AS per_contact
        GROUP BY scheme
    """


def range_rows(select: str, from_clause: str, where: str) -> str:
    """`select` over `from_clause` (ExportColumns) for the contacts of one id range, in id
    order; `where` takes the range's bounds as its first two parameters."""
    return f"SELECT {select} FROM {from_clause} WHERE {where} ORDER BY c.id"


# $1 workspace, $2 token hash, $3 member, $4 export, $5 import (one of the two), $6 expiry.
CREATE_LINK = """
    INSERT INTO download_link (workspace_id, token_hash, member_id, export_id, import_id,
        expires_on)
    VALUES ($1, $2, $3, $4, $5, $6)
"""

# $1 token hash.
LINK_BY_TOKEN = """
    SELECT workspace_id, member_id, export_id, import_id, expires_on FROM download_link
    WHERE token_hash = $1
"""

# One batch of links expired more than $1 ago, at most $2; answers how many went.
PRUNE_EXPIRED_LINKS = """
    WITH gone AS (
        DELETE FROM download_link WHERE id IN (
            SELECT id FROM download_link WHERE expires_on < now() - $1::interval
            LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING 1
    )
    SELECT count(*) FROM gone
"""

# For in_locked_batches: $1 how long files are kept, $2 the last id of the previous batch, $3
# the batch's size.
EXPIRED_EXPORT_FILES = """
    SELECT e.id, e.file_path FROM contact_export e
    LEFT JOIN job j ON j.id = e.job_id
    WHERE e.expired_on IS NULL AND e.created_on < now() - $1::interval
        AND e.id > $2
        AND (e.finished_on < now() - $1::interval
             OR (e.finished_on IS NULL AND (j.id IS NULL
                 OR j.status IN ('succeeded', 'failed', 'cancelled'))))
    ORDER BY e.id LIMIT $3
    FOR UPDATE OF e SKIP LOCKED
"""

# $1 the exports' ids.
MARK_EXPORTS_EXPIRED = "UPDATE contact_export SET expired_on = now() WHERE id = ANY($1::bigint[])"
