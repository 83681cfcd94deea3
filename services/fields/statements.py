"""Every statement the fields domain sends, in one place. `$n` parameters are named beside each."""

from __future__ import annotations

# The columns a FieldDefinition is read from.
FIELD_COLUMNS = "id, uuid, key, name, value_type, featured, position"

# Contacts holding a value that reads as each field's type, for `holder_counts`: $1 workspace,
# $2 the field ids.
HOLDER_COUNTS = """
    SELECT f.id, (
        SELECT count(*) FROM contact_search s
        WHERE s.workspace_id = $1 AND s.readings ? f.id::text
          AND CASE WHEN f.readings_stale
                   THEN field_reading((SELECT c.fields FROM contact c
                                       WHERE c.id = s.contact_id) -> f.uuid::text,
                                      f.value_type) IS NOT NULL
                   ELSE s.readings -> f.id::text <> 'null' END
    ) AS n
    FROM contact_field f
    WHERE f.workspace_id = $1 AND f.id = ANY($2::bigint[])
"""

# Display order: featured fields in their order, then the others by name. $1 workspace,
# $2 featured or not, NULL for both.
FIELDS_IN_ORDER = f"""
    SELECT {FIELD_COLUMNS} FROM contact_field
    WHERE workspace_id = $1 AND ($2::boolean IS NULL OR featured = $2)
    ORDER BY featured DESC, position NULLS LAST, lower(name)
"""

# $1 workspace, $2 key.
FIELD_BY_KEY = f"SELECT {FIELD_COLUMNS} FROM contact_field WHERE workspace_id = $1 AND key = $2"
LOCK_FIELD_BY_KEY = (
    f"SELECT {FIELD_COLUMNS} FROM contact_field WHERE workspace_id = $1 AND key = $2 FOR UPDATE"
)

# $1 the field's id.
FIELD_BY_ID = f"SELECT {FIELD_COLUMNS} FROM contact_field WHERE id = $1"

# One definition writer at a time per workspace keeps the limit and positions exact.
# $1 the workspace id modulo 2**31.
LOCK_DEFINITIONS = "SELECT pg_advisory_xact_lock(hashtext('contact_field'), $1::int)"

# $1 workspace.
NEXT_FEATURED_POSITION = (
    "SELECT coalesce(max(position), 0) + 1 FROM contact_field WHERE workspace_id = $1 AND featured"
)

# The key of the field named $2 in any case, in workspace $1, other than field $3 (NULL: any).
KEY_OF_FIELD_NAMED = (
    "SELECT key FROM contact_field WHERE workspace_id = $1 AND lower(name) = lower($2) "
    "AND ($3::bigint IS NULL OR id <> $3)"
)

# $1 workspace.
COUNT_FIELDS = "SELECT count(*) FROM contact_field WHERE workspace_id = $1"

# $1 workspace, $2 key.
KEY_TAKEN = "SELECT 1 FROM contact_field WHERE workspace_id = $1 AND key = $2"

# $1 workspace, $2 uuid, $3 key, $4 name, $5 value type, $6 featured, $7 position.
CREATE_FIELD = f"""
    INSERT INTO contact_field
        (workspace_id, uuid, key, name, value_type, featured, position)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {FIELD_COLUMNS}
"""

# $1 the field's id, $2 its new name.
RENAME_FIELD = "UPDATE contact_field SET name = $2 WHERE id = $1"

# $1 the field's id, $2 featured, $3 its position (NULL when not featured).
SET_FEATURED = "UPDATE contact_field SET featured = $2, position = $3 WHERE id = $1"

# $1 workspace, $2 keys.
KEYS_AMONG = "SELECT key FROM contact_field WHERE workspace_id = $1 AND key = ANY($2::text[])"

# $1 workspace, $2 the featured keys in their order; every other field stops being featured.
REORDER_FEATURED = """
    UPDATE contact_field f SET featured = o.position IS NOT NULL, position = o.position
    FROM contact_field f2
    LEFT JOIN unnest($2::text[]) WITH ORDINALITY AS o(key, position) ON o.key = f2.key
    WHERE f.id = f2.id AND f2.workspace_id = $1
"""

# $1 the field's id, $2 its new type.
SET_VALUE_TYPE = "UPDATE contact_field SET value_type = $2 WHERE id = $1"

# $1 the field's id.
DELETE_FIELD = "DELETE FROM contact_field WHERE id = $1"

# $1 workspace, $2 the field's uuid (the values' key), $3 its id (the readings' key).
DELETE_VALUES = (
    "UPDATE contact c SET fields = fields - $2::text FROM contact_search s "
    "WHERE s.workspace_id = $1 AND s.readings ? $3::text AND c.id = s.contact_id"
)

# $1 workspace.
COUNT_CONTACTS = "SELECT count(*) FROM contact WHERE workspace_id = $1"

# A field's readings read again from the stored values: $1 workspace, $2 the field's id as
# text; REREAD_CHUNK_READINGS only for the contacts $3.
_REREAD = """
    UPDATE contact_search s SET readings = contact_search_readings(c.workspace_id, c.fields)
    FROM contact c
    WHERE s.workspace_id = $1 AND s.readings ? $2::text AND c.id = s.contact_id {only}
"""
REREAD_READINGS = _REREAD.format(only="")
REREAD_CHUNK_READINGS = _REREAD.format(only="AND s.contact_id = ANY($3::bigint[])")

# Contacts holding a value for a field, counted up to a limit: $1 workspace, $2 the field's
# id as text, $3 the limit.
COUNT_HOLDERS_UP_TO = (
    "SELECT count(*) FROM (SELECT 1 FROM contact_search s WHERE s.workspace_id = $1 "
    "AND s.readings ? $2::text LIMIT $3) AS few"
)

# (values held, values that read as a type): $1 workspace, $2 the field's id as text,
# $3 its uuid as text, $4 the type.
COUNT_READABLE = """
    SELECT count(*) AS held, count(field_reading(c.fields -> $3::text, $4::text)) AS readable
    FROM contact_search s JOIN contact c ON c.id = s.contact_id
    WHERE s.workspace_id = $1 AND s.readings ? $2::text
"""

# $1 the field's id.
MARK_READINGS_FRESH = "UPDATE contact_field SET readings_stale = false WHERE id = $1"
MARK_READINGS_STALE = "UPDATE contact_field SET readings_stale = true WHERE id = $1"

# Stale fields that no re-read job is on, nor one that failed lately. $1 the re-read job
# kind, $2 how long after a failure a field is taken again.
LOCK_FIELDS_LEFT_STALE = """
SELECT f.id, f.workspace_id, f.value_type FROM contact_field f
WHERE f.readings_stale AND NOT EXISTS (
    SELECT 1 FROM job j
    WHERE j.workspace_id = f.workspace_id AND j.kind = $1 AND j.params ->> 'field_id' = f.id::text
      AND (j.status IN ('queued', 'running') OR j.finished_on > now() - $2::interval))
ORDER BY f.id LIMIT 100
FOR UPDATE OF f SKIP LOCKED
"""

# Waits for a type change in progress, so a re-read reads the committed type. $1 the field.
SHARE_LOCK_FIELD = "SELECT 1 FROM contact_field WHERE id = $1 FOR SHARE"

# Fresh again unless a later re-read job was started: $1 the field's id, $2 the job, $3 the
# re-read job kind.
FINISH_REREAD = """
    UPDATE contact_field f SET readings_stale = false
    WHERE f.id = $1 AND NOT EXISTS (
        SELECT 1 FROM job j
        WHERE j.workspace_id = f.workspace_id AND j.kind = $3 AND j.id > $2
          AND j.params ->> 'field_id' = $1::text)
"""

# Every featured field of every workspace.
FEATURED_FIELDS = (
    "SELECT id, uuid, key, name, value_type, featured, position FROM contact_field WHERE featured"
)

# The sort indexes on contact and whether each is valid: $1 the LIKE pattern of their names.
SORT_INDEXES = """
    SELECT i.relname AS name, x.indisvalid AS valid
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = 'contact'::regclass AND i.relname LIKE $1
"""

# Keys and ids of the workspace's fields among some keys: $1 workspace, $2 keys.
FIELD_IDS_BY_KEY = (
    "SELECT id, key FROM contact_field WHERE workspace_id = $1 AND key = ANY($2::text[])"
)


def drop_index(name: str) -> str:
    return f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"'


def create_sort_index(name: str, expr: str) -> str:
    """The index of the contacts holding a reading, `expr` (over `fields`), in its order."""
    return (
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" '
        f"ON contact (workspace_id, {expr}, id) WHERE {expr} IS NOT NULL"
    )


# Syncing the sort indexes runs one at a time in the database: two CREATE INDEX CONCURRENTLY
# on the contact table deadlock. Session-level, on the connection that builds the indexes.
TRY_LOCK_SORT_INDEXES = "SELECT pg_try_advisory_lock(hashtext('contact_sort_indexes'))"
UNLOCK_SORT_INDEXES = "SELECT pg_advisory_unlock(hashtext('contact_sort_indexes'))"
