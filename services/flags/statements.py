"""Every statement the flags domain sends, in one place. `$n` parameters are named beside each."""

from __future__ import annotations

from services.contacts.history import insert_events_sql

# $1 workspace, $2 the cleaned names; a name taken in any case is left as it is.
INSERT_MISSING_FLAGS = """
    INSERT INTO flag (workspace_id, uuid, name)
    SELECT $1, gen_random_uuid(), n FROM unnest($2::text[]) AS n
    ON CONFLICT (workspace_id, lower(name)) DO NOTHING
"""

# $1 workspace, $2 lower-cased names.
FLAGS_BY_LOWER_NAME = """
    SELECT id, uuid, name, lower(name) AS key FROM flag
    WHERE workspace_id = $1 AND lower(name) = ANY($2::text[])
"""

# $1 workspace.
FLAGS_BY_NAME = "SELECT id, uuid, name FROM flag WHERE workspace_id = $1 ORDER BY lower(name)"

# $1 workspace, $2 uuid, $3 name; no row when the name is taken in any case.
CREATE_FLAG = """
    INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, $2, $3)
    ON CONFLICT (workspace_id, lower(name)) DO NOTHING
    RETURNING id, uuid, name
"""

# $1 workspace, $2 uuid.
LOCK_FLAG = "SELECT id, uuid, name FROM flag WHERE workspace_id = $1 AND uuid = $2 FOR UPDATE"

# The history source of a flag's deletion, for write_events_from: $1 workspace, $2 the flag,
# $3 its name, $4 the member deleting it.
FLAG_REMOVED_FROM_HOLDERS = """
    SELECT $1, c.id, c.uuid, 'flag_removed', jsonb_build_object('flag', $3::text),
           'member', $4, NULL
    FROM contact_flag cf JOIN contact c ON c.id = cf.contact_id
    WHERE cf.workspace_id = $1 AND cf.flag_id = $2
"""

# $1 the flag's id.
DELETE_FLAG = "DELETE FROM flag WHERE id = $1"

# $1 workspace, $2 the chunk's contact ids, $3 the flag ids; both return the pairs changed.
ADD_FLAGS = """
    INSERT INTO contact_flag (workspace_id, flag_id, contact_id)
    SELECT $1, f.id, c.id FROM contact c CROSS JOIN flag f
    WHERE c.workspace_id = $1 AND c.id = ANY($2::bigint[])
      AND f.workspace_id = $1 AND f.id = ANY($3::bigint[])
    ON CONFLICT DO NOTHING RETURNING contact_id, flag_id
"""
REMOVE_FLAGS = """
    DELETE FROM contact_flag
    WHERE workspace_id = $1 AND contact_id = ANY($2::bigint[]) AND flag_id = ANY($3::bigint[])
    RETURNING contact_id, flag_id
"""

# One event per contact and flag changed: $1 workspace, $4 the job, $5 the member who
# started it, $6 the event's kind.
_FLAG_EVENTS = insert_events_sql("""
    SELECT $1, c.id, c.uuid, $6, jsonb_build_object('flag', f.name), 'job', $5, $4
    FROM changed x JOIN contact c ON c.id = x.contact_id JOIN flag f ON f.id = x.flag_id
""")


def change_flags(change: str) -> str:
    """ADD_FLAGS or REMOVE_FLAGS with its history, answering the contacts changed."""
    return f"""
        WITH changed AS ({change}), events AS ({_FLAG_EVENTS})
        SELECT DISTINCT contact_id FROM changed
    """


# Flags are part of the contact, as a single change shows: it counts as modified. $1 ids.
TOUCH_CONTACTS = "UPDATE contact SET modified_on = now() WHERE id = ANY($1::bigint[])"


# Contacts holding each flag: $1 workspace, $2 flag ids.
HOLDER_COUNTS = """
    SELECT flag_id, count(*) AS holders FROM contact_flag
    WHERE workspace_id = $1 AND flag_id = ANY($2::bigint[]) GROUP BY flag_id
"""

# $1 the flag's id, $2 its new name (unique in any case: a taken name violates the index).
RENAME_FLAG = "UPDATE flag SET name = $2 WHERE id = $1 RETURNING id, uuid, name"
