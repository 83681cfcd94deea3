"""Every statement the editing domain sends, in one place. `$n` parameters are named beside
each."""

from __future__ import annotations

from collections.abc import Sequence

from services.contacts.history import insert_events_sql
from services.contacts.records import CONTACT_COLUMNS

# Single contacts.

# $1 workspace, $2 uuid.
LOCK_CONTACT = (
    f"SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.workspace_id = $1 AND c.uuid = $2 FOR UPDATE"
)
CONTACT_BY_UUID = (
    f"SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.workspace_id = $1 AND c.uuid = $2"
)

# $1 contact.
CONTACT_BY_ID = f"SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.id = $1"

# $1 workspace, $2 uuid, $3 name, $4 language, $5 status, $6 company, $7 job title, $8 country,
# $9 state, $10 notes, $11 source, $12 the member creating it, $13 field values (jsonb).
INSERT_CONTACT = f"""
    INSERT INTO contact AS c (workspace_id, uuid, name, language, status, company,
        job_title, country, state, notes, source, created_by_id, fields, created_on,
        modified_on)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, now(), now())
    RETURNING {CONTACT_COLUMNS}
"""


def update_attributes(columns: Sequence[str]) -> str:
    """$1 workspace, $2 contact, then the new value of each of `columns` in order, then the
    status."""
    assignments = [f"{key} = ${i + 3}" for i, key in enumerate(columns)]
    assignments.append(f"status = ${len(columns) + 3}")
    return (
        f"UPDATE contact SET {', '.join(assignments)}, modified_on = now() "
        "WHERE workspace_id = $1 AND id = $2"
    )


# $1 contact.
TOUCH_CONTACT = "UPDATE contact SET modified_on = now() WHERE id = $1"

# $1 contact; its addresses as scheme:path, highest priority first.
URN_IDENTITIES_OF_CONTACT = (
    "SELECT scheme || ':' || path AS urn FROM contact_urn WHERE contact_id = $1 "
    "ORDER BY priority DESC"
)

# $1 contact.
DELETE_CONTACT = "DELETE FROM contact WHERE id = $1"


# A contact's flags.

# $1 contact.
FLAG_NAMES_OF_CONTACT = """
    SELECT f.name FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
    WHERE cf.contact_id = $1 ORDER BY lower(f.name)
"""

# $1 workspace, $2 contact, $3 flag ids; returns the flags added.
ADD_CONTACT_FLAGS = """
    INSERT INTO contact_flag (workspace_id, flag_id, contact_id)
    SELECT $1, f, $2 FROM unnest($3::bigint[]) AS f
    ON CONFLICT DO NOTHING RETURNING flag_id
"""

# $1 contact, $2 workspace, $3 lower-cased flag names; returns the names removed.
REMOVE_CONTACT_FLAGS = """
    DELETE FROM contact_flag cf USING flag f
    WHERE cf.contact_id = $1 AND f.id = cf.flag_id AND f.workspace_id = $2
      AND lower(f.name) = ANY($3::text[])
    RETURNING f.name
"""


# Bulk status changes and deletion, a chunk at a time.

# $1 workspace, $2 the chunk's contact ids, $3 the new status, $4 the statuses it may change
# from (all when null), $5 the job, $6 the member who started it.
_STATUS_EVENTS = insert_events_sql("""
        SELECT $1, id, uuid, 'status_changed',
               jsonb_build_object('from', old_status, 'to', $3::text), 'job', $6, $5
        FROM changed
""")
CHANGE_STATUS = f"""
    WITH prev AS (
        SELECT id, status FROM contact
        WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND status <> $3
          AND ($4::text[] IS NULL OR status = ANY($4::text[]))
        FOR UPDATE
    ), changed AS (
        UPDATE contact c SET status = $3, modified_on = now()
        FROM prev WHERE c.id = prev.id
        RETURNING c.id, c.uuid, prev.status AS old_status
    ), events AS ({_STATUS_EVENTS})
    SELECT id FROM changed
"""

# $1 workspace, $2 the chunk's contact ids, $3 whether only archived contacts go.
LOCK_DOOMED = """
    SELECT id FROM contact
    WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND (NOT $3 OR status = 'archived')
    FOR UPDATE
"""

# The history source of a deletion, for write_events_from: $1 workspace, $2 the contacts
# about to be deleted, $3 the job, $4 the member who started it.
DELETED_EVENTS = """
    SELECT $1, c.id, c.uuid, 'deleted',
           jsonb_build_object(
               'name', c.name,
               'urns', coalesce((SELECT jsonb_agg(u.scheme || ':' || u.path
                                                  ORDER BY u.priority DESC)
                                 FROM contact_urn u WHERE u.contact_id = c.id), '[]'),
               'flags', coalesce((SELECT jsonb_agg(f.name ORDER BY lower(f.name))
                                  FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
                                  WHERE cf.contact_id = c.id), '[]')),
           'job', $4, $3
    FROM contact c WHERE c.id = ANY($2::bigint[])
"""

# $1 contact ids.
DELETE_CONTACTS = "DELETE FROM contact WHERE id = ANY($1::bigint[])"
