"""Every statement the audiences domain sends, in one place. `$n` parameters are named beside
each."""

from __future__ import annotations

from services.contacts.records import CONTACT_COLUMNS

# Creating and reading a snapshot.

# $1 workspace, $2 uuid, $3 the canonical query.
INSERT_SNAPSHOT = (
    "INSERT INTO audience_snapshot (workspace_id, uuid, query) VALUES ($1, $2, $3) RETURNING id"
)

# $1 workspace.
COUNT_WORKSPACE_CONTACTS = "SELECT count(*) FROM contact WHERE workspace_id = $1"

# $1 snapshot, $2 the job building it.
SET_SNAPSHOT_JOB = "UPDATE audience_snapshot SET job_id = $2 WHERE id = $1"

# $1 workspace, $2 uuid; the snapshot and its job.
SNAPSHOT_AND_JOB = """
    SELECT s.id, s.uuid, s.query, s.contact_count, s.expired_on,
        j.uuid AS job_uuid, j.status AS job_status, j.finished_on
    FROM audience_snapshot s LEFT JOIN job j ON j.id = s.job_id
    WHERE s.workspace_id = $1 AND s.uuid = $2
"""

# $1 workspace, $2 snapshot, $3 the last contact id of the previous page (0 for the first),
# $4 the page size.
SNAPSHOT_CONTACTS_PAGE = f"""
    SELECT {CONTACT_COLUMNS} FROM audience_snapshot_contact s
    JOIN contact c ON c.id = s.contact_id AND c.workspace_id = $1
    WHERE s.snapshot_id = $2 AND s.contact_id > $3
    ORDER BY s.contact_id LIMIT $4
"""

# $1 workspace, $2 snapshot.
COUNT_SNAPSHOT_CONTACTS = """
    SELECT count(*) FROM audience_snapshot_contact s
    JOIN contact c ON c.id = s.contact_id AND c.workspace_id = $1
    WHERE s.snapshot_id = $2
"""


# Expiry, for core.sql.in_locked_batches: $1 how long a snapshot is kept (interval), $2 the
# last id of the previous batch, $3 the batch size.
EXPIRED_SNAPSHOTS = """
    SELECT s.id FROM audience_snapshot s
    LEFT JOIN job j ON j.id = s.job_id
    WHERE s.expired_on IS NULL AND s.created_on < now() - $1::interval AND s.id > $2
        AND (j.id IS NULL OR j.status IN ('failed', 'cancelled')
             OR (j.status = 'succeeded' AND j.finished_on < now() - $1::interval))
    ORDER BY s.id LIMIT $3
    FOR UPDATE OF s SKIP LOCKED
"""

# $1 snapshot ids.
DELETE_SNAPSHOTS_CONTACTS = (
    "DELETE FROM audience_snapshot_contact WHERE snapshot_id = ANY($1::bigint[])"
)
MARK_SNAPSHOTS_EXPIRED = (
    "UPDATE audience_snapshot SET expired_on = now() WHERE id = ANY($1::bigint[])"
)


# The snapshot's job.


def freeze_matching(snapshot: str, ws: str, chunk: str, condition: str) -> str:
    """The chunk's contacts that match `condition` (over `c`) join the snapshot, answering
    each contact added; the placeholders are numbered by the caller."""
    return f"""
        INSERT INTO audience_snapshot_contact (snapshot_id, contact_id)
        SELECT {snapshot}, c.id FROM contact c
        WHERE c.workspace_id = {ws} AND c.id = ANY({chunk}::bigint[]) AND {condition}
        ON CONFLICT DO NOTHING RETURNING contact_id
    """


# $1 snapshot, $2 workspace; the contacts deleted since their chunk ran leave the snapshot.
DROP_DELETED_CONTACTS = """
    DELETE FROM audience_snapshot_contact s
    WHERE s.snapshot_id = $1 AND NOT EXISTS (
        SELECT 1 FROM contact c WHERE c.id = s.contact_id AND c.workspace_id = $2
    )
"""

# $1 snapshot.
COUNT_SNAPSHOT = """
    UPDATE audience_snapshot SET contact_count =
        (SELECT count(*) FROM audience_snapshot_contact WHERE snapshot_id = $1)
    WHERE id = $1
"""

# $1 snapshot.
DISCARD_SNAPSHOT_CONTACTS = "DELETE FROM audience_snapshot_contact WHERE snapshot_id = $1"
