"""Every statement the imports domain sends, in one place. `$n` parameters are named beside each.

The staging rows of one commit chunk are `$1` the import id, `$2` and `$3` the chunk's row
numbers (after, up to and including): `RowSpan.args`."""

from __future__ import annotations

from services.imports.records import IMPORT_COLUMNS

# --- The import (`contact_import`) -----------------------------------------------------------

# $1 workspace, $2 the import's uuid.
IMPORT_BY_UUID = (
    f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE workspace_id = $1 AND uuid = $2"
)

# $1 the import's id.
IMPORT_BY_ID = f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE id = $1"

# $1 workspace, $2 the import's uuid.
LOCK_IMPORT = (
    f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE workspace_id = $1 AND uuid = $2 FOR UPDATE"
)

# $1 the import's id.
LOCK_IMPORT_BY_ID = f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE id = $1 FOR UPDATE"

# $1 the job (validation or commit) naming the import in its params.
IMPORT_ID_FOR_JOB = (
    "SELECT i.id FROM job j JOIN contact_import i ON i.uuid = (j.params ->> 'import')::uuid "
    "WHERE j.id = $1 AND i.workspace_id = j.workspace_id"
)

# $1 the import, $2 the new status, $3 the statuses it may move from, $4 the failure (NULL
# keeps the one it has); a row only when it moved.
SET_STATUS = """
    UPDATE contact_import SET status = $2::text, failure = coalesce($4, failure),
        finished_on = CASE WHEN $2::text IN ('committed', 'cancelled', 'failed') THEN now()
                           ELSE finished_on END
    WHERE id = $1 AND status = ANY($3::text[]) RETURNING 1
"""

# $1 the import, $2 its columns as matched, $3 the field types its rows' readings follow.
SAVE_PLAN = "UPDATE contact_import SET columns = $2::jsonb, reading_types = $3::jsonb WHERE id = $1"

# $1 workspace, $2 uuid, $3 file name, $4 format, $5 path, $6 size, $7 options, $8 columns,
# $9 the validation job, $10 the member uploading.
INSERT_IMPORT = """
    INSERT INTO contact_import (workspace_id, uuid, file_name, file_format,
        file_path, file_size, options, columns, validate_job_id, created_by_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10) RETURNING id
"""

# $1 the import, $2 its commit job.
MARK_COMMITTING = (
    "UPDATE contact_import SET status = 'committing', commit_job_id = $2 WHERE id = $1"
)

# $1 the import, $2 the group it fills.
SET_IMPORT_GROUP = "UPDATE contact_import SET group_id = $2 WHERE id = $1"

# The rare imports still waiting on a job that has ended: $1 workspace, $2 the statuses that
# wait on a job, $3 the committing status (it waits on the commit job, the others on the
# validation job), $4 the job statuses that end an import.
IMPORTS_WAITING_ON_ENDED_JOBS = f"""
    SELECT {IMPORT_COLUMNS} FROM contact_import i
    WHERE workspace_id = $1 AND status = ANY($2::text[]) AND EXISTS (
        SELECT 1 FROM job j
        WHERE j.id = CASE WHEN i.status = $3 THEN i.commit_job_id ELSE i.validate_job_id END
          AND j.status = ANY($4::text[]))
"""

# The status filter of the workspace's list of imports (services.keyset fills in `{}`).
STATUS_AMONG = "status = ANY({}::text[])"

# Uploads to delete, for in_locked_batches: $1 how long a committed or failed import keeps
# its file, $2 the last id of the previous batch, $3 the batch size.
FINISHED_UPLOADS = """
    SELECT id, file_path FROM contact_import
    WHERE file_expired_on IS NULL AND id > $2
        AND (status = 'cancelled'
             OR (status IN ('committed', 'failed') AND finished_on < now() - $1::interval))
    ORDER BY id LIMIT $3
    FOR UPDATE SKIP LOCKED
"""

# Imports to cancel, for in_locked_batches: $1 how long an import may wait for confirmation,
# $2 the last id of the previous batch, $3 the batch size.
UNCONFIRMED_IMPORTS = """
    SELECT id FROM contact_import
    WHERE file_expired_on IS NULL AND id > $2
        AND status IN ('uploaded', 'validating', 'previewed')
        AND created_on < now() - $1::interval
        AND coalesce(validated_on, created_on) < now() - $1::interval
    ORDER BY id LIMIT $3
    FOR UPDATE SKIP LOCKED
"""

# $1 the imports whose files were deleted.
DELETE_ROWS_OF_IMPORTS = "DELETE FROM import_row WHERE import_id = ANY($1::bigint[])"
MARK_FILES_EXPIRED = (
    "UPDATE contact_import SET file_expired_on = now() WHERE id = ANY($1::bigint[])"
)

# --- The staging table (`import_row`) ----------------------------------------------------------

# $1 the import.
CLEAR_ROWS = "DELETE FROM import_row WHERE import_id = $1"

# Rows repeating an earlier valid row (same address, or the same matched contact) become
# errors naming the row they repeat; the earliest row wins. $1 the import; answers how many.
MARK_DUPLICATES = """
    WITH keys AS (
        SELECT r.row_number, 'urn' AS kind, u.urn AS key
        FROM import_row r CROSS JOIN LATERAL unnest(r.urns) AS u(urn)
        WHERE r.import_id = $1 AND r.action <> 'error'
        UNION ALL
        SELECT r.row_number, 'contact', r.contact_id::text
        FROM import_row r
        WHERE r.import_id = $1 AND r.action IN ('update', 'skip')
    ), firsts AS (
        SELECT kind, key, min(row_number) AS first_row
        FROM keys GROUP BY kind, key HAVING count(*) > 1
    ), repeats AS (
        SELECT DISTINCT ON (k.row_number) k.row_number, f.first_row, k.kind, k.key
        FROM keys k JOIN firsts f ON f.kind = k.kind AND f.key = k.key
        WHERE k.row_number > f.first_row
        ORDER BY k.row_number, f.first_row, k.kind DESC, k.key
    ), marked AS (
        UPDATE import_row r SET action = 'error', duplicate_of = d.first_row,
            errors = jsonb_build_array(jsonb_build_object(
                'code', 'duplicate_row', 'column', NULL,
                'value', CASE WHEN d.kind = 'urn' THEN d.key END,
                'message', CASE WHEN d.kind = 'urn'
                    THEN format('repeats row %s (same address %s)', d.first_row, d.key)
                    ELSE format('repeats row %s (both rows match the same contact)',
                                d.first_row)
                END))
        FROM repeats d
        WHERE r.import_id = $1 AND r.row_number = d.row_number
        RETURNING 1
    )
    SELECT count(*) FROM marked
"""

# $1 the import.
COUNT_ACTIONS = "SELECT action, count(*) AS n FROM import_row WHERE import_id = $1 GROUP BY action"

# $1 import id, then the filter's code and column (NULL: any).
_FILTERED = """
import_id = $1 AND action = 'error'
AND ($2::text IS NULL AND $3::text IS NULL OR errors @> jsonb_build_array(jsonb_strip_nulls(
    jsonb_build_object('code', $2::text, 'column', $3::text))))
"""

# Error rows in row order, keyset-paginated: _FILTERED's $1 to $3, $4 the last row number
# seen, $5 the page size.
ERROR_ROWS_PAGE = f"""
    SELECT row_number, errors::text AS errors, duplicate_of FROM import_row
    WHERE {_FILTERED} AND row_number > $4
    ORDER BY row_number LIMIT $5
"""

# _FILTERED's $1 to $3.
COUNT_ERROR_ROWS = f"SELECT count(*) FROM import_row WHERE {_FILTERED}"

# The import's error rows counted by code and column, most rows first, for
# `contact_import.error_tally` ($1 the import id): kept there, so reading it costs nothing
# however many rows failed, and it outlives the rows.
ERROR_TALLY = """
(SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'column', label, 'rows', n)
                           ORDER BY n DESC, code, label NULLS FIRST), '[]')
 FROM (SELECT e ->> 'code' AS code, e ->> 'column' AS label, count(DISTINCT r.row_number) AS n
       FROM import_row r CROSS JOIN LATERAL jsonb_array_elements(r.errors) AS x(e)
       WHERE r.import_id = $1 AND r.action = 'error'
       GROUP BY 1, 2) AS tally)
"""

# Counts again once a commit turned rows into errors (after the preview's count): $1 the import.
COUNT_LATE_ERRORS_IN_TALLY = (
    f"UPDATE contact_import SET error_tally = {ERROR_TALLY} WHERE id = $1 AND late_error_count > 0"
)

# The staging table's statistics, once every row is in and before the rows are matched.
ANALYZE_STAGING = "ANALYZE import_row"

# $1 the import, $2 total rows, $3 blank, $4 create, $5 update, $6 skip, $7 error and $8
# duplicate rows; no row when the import was cancelled meanwhile.
MARK_PREVIEWED = f"""
    UPDATE contact_import SET status = 'previewed', validated_on = now(),
        total_rows = $2, blank_rows = $3, create_rows = $4, update_rows = $5, skip_rows = $6,
        error_rows = $7, duplicate_rows = $8, error_tally = {ERROR_TALLY}
    WHERE id = $1 AND status = 'validating' RETURNING 1
"""

# --- Matching ------------------------------------------------------------------------------------

# $1 the import, $2 workspace: the staged rows' first and last number, and whether the
# workspace hides addresses.
ROW_SPAN_AND_ANONYMITY = (
    "SELECT min(row_number) AS first, max(row_number) AS last, "
    "(SELECT anonymous FROM workspace WHERE id = $2) AS anonymous "
    "FROM import_row WHERE import_id = $1"
)

# $1 import id, $2 workspace, $3 the action of a matched row, $4 and $5 the rows' bounds, $6
# whether the workspace hides addresses (then an address's owner is not named).
MATCH_BY_UUID = """
UPDATE import_row r SET contact_id = c.id, contact_uuid = c.uuid, action = $3
FROM contact c
WHERE r.import_id = $1 AND r.row_number > $4 AND r.row_number <= $5
  AND r.action = 'create' AND r.given_uuid IS NOT NULL
  AND c.workspace_id = $2 AND c.uuid = r.given_uuid
"""

# $1 import id, $2 the label of the UUID column, $3 and $4 the rows' bounds.
MARK_UNKNOWN_UUIDS = """
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
MATCH_BY_ADDRESS = """
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

# --- Committing: the lanes and their checkpoints -----------------------------------------------

# $1 the import, $2 its commit job.
COMMIT_STATE = (
    "SELECT i.status, j.cancel_requested FROM contact_import i JOIN job j ON j.id = $2 "
    "WHERE i.id = $1"
)

# $1 the import, $2 created, $3 updated, $4 unchanged (skipped rows included), $5 late errors.
ADD_CHUNK_COUNTS = """
    UPDATE contact_import SET created_count = created_count + $2,
        updated_count = updated_count + $3, unchanged_count = unchanged_count + $4,
        late_error_count = late_error_count + $5
    WHERE id = $1
"""

# An all-or-nothing import has no late errors to count: $1 the import, $2 created, $3
# updated, $4 unchanged (skipped rows included).
ADD_ALL_OR_NOTHING_COUNTS = (
    "UPDATE contact_import SET created_count = created_count + $2, "
    "updated_count = updated_count + $3, unchanged_count = unchanged_count + $4 "
    "WHERE id = $1"
)

# $1 the import, $2 its late errors.
SET_LATE_ERROR_COUNT = "UPDATE contact_import SET late_error_count = $2 WHERE id = $1"

# --- Committing: one chunk ---------------------------------------------------------------------

# Locks the next rows to commit (rows another transaction holds are skipped, so two lanes take
# turns): $1 the import, $2 the last row committed before, $3 the chunk size.
CLAIM_CHUNK = """
    SELECT row_number FROM import_row
    WHERE import_id = $1 AND row_number > $2 AND action <> 'error'
    ORDER BY row_number LIMIT $3
    FOR UPDATE SKIP LOCKED
"""

# $1 the import.
ANY_ROW_LEFT = "SELECT 1 FROM import_row WHERE import_id = $1 AND action <> 'error' LIMIT 1"

# $1 import id, $2 and $3 the chunk's bounds, $4 the workspace.
MARK_VANISHED = """
UPDATE import_row r SET action = 'error', errors = jsonb_build_array(jsonb_build_object(
    'code', 'contact_deleted', 'column', NULL, 'value', NULL,
    'message', 'the contact this row matched was deleted after the preview'))
WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
  AND r.action IN ('update', 'skip')
  AND (SELECT c.workspace_id FROM contact c WHERE c.id = r.contact_id) IS DISTINCT FROM $4
RETURNING r.row_number
"""

# $1 import id, $2 and $3 the chunk's bounds, $4 the workspace.
# Owners are looked up one address at a time (a unique-index probe each): a join would let
# the planner, misled by a young staging table's statistics, scan a workspace's addresses
# once per row.
MARK_TAKEN = """
WITH owned AS (
    SELECT r.row_number, r.contact_id, u.urn, u.position,
        (SELECT cu.contact_id FROM contact_urn cu
         WHERE cu.workspace_id = $4 AND cu.scheme = split_part(u.urn, ':', 1)
           AND cu.path = substr(u.urn, strpos(u.urn, ':') + 1)) AS owner
    FROM import_row r CROSS JOIN LATERAL unnest(r.urns) WITH ORDINALITY AS u(urn, position)
    WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
      AND r.action IN ('create', 'update')
), taken AS (
    SELECT DISTINCT ON (row_number) row_number, urn
    FROM owned WHERE owner <> contact_id
    ORDER BY row_number, position
)
UPDATE import_row r SET action = 'error', errors = jsonb_build_array(jsonb_build_object(
    'code', 'address_taken', 'column', NULL, 'value', t.urn,
    'message', format('%s was given to another contact after the preview', t.urn)))
FROM taken t WHERE r.import_id = $1 AND r.row_number = t.row_number
RETURNING r.row_number
"""

# The contacts the chunk updates, locked in id order so none changes or goes away between the
# re-check and the update. The chunk's rows.
LOCK_MATCHED_CONTACTS = """
    SELECT c.id FROM contact c
    WHERE c.id = ANY(ARRAY(
        SELECT r.contact_id FROM import_row r
        WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
          AND r.action IN ('update', 'skip')))
    ORDER BY c.id FOR UPDATE
"""

# The flags the chunk's rows name. The chunk's rows.
FLAG_NAMES_OF_CHUNK = """
    SELECT DISTINCT n FROM import_row r CROSS JOIN LATERAL unnest(r.flags) AS n
    WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
      AND r.action IN ('create', 'update')
"""

# The chunk's rows.
COUNT_SKIPPED_ROWS = (
    "SELECT count(*) FROM import_row WHERE import_id = $1 AND row_number > $2 "
    "AND row_number <= $3 AND action = 'skip'"
)

# The new active contacts join the group (they cannot be members yet): the chunk's rows, $4
# the workspace, $5 the group.
JOIN_GROUP_CREATED = """
    INSERT INTO group_contact (workspace_id, group_id, contact_id)
    SELECT $4, $5, r.contact_id FROM import_row r
    WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
      AND r.action = 'create' AND coalesce(r.status, 'active') = 'active'
"""

# The matched active contacts join the group; answers how many were not members yet. The
# chunk's rows, $4 the workspace, $5 the group.
JOIN_GROUP_MATCHED = """
    WITH joined AS (
        INSERT INTO group_contact (workspace_id, group_id, contact_id)
        SELECT $4, $5, r.contact_id FROM import_row r
        WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
          AND r.action IN ('update', 'skip')
          AND (SELECT c.status FROM contact c WHERE c.id = r.contact_id) = 'active'
        ON CONFLICT DO NOTHING
        RETURNING 1
    )
    SELECT count(*) FROM joined
"""

# $1 the group, $2 how many joined it.
ADD_GROUP_MEMBERS = "UPDATE contact_group SET member_count = member_count + $2 WHERE id = $1"

# The chunk's rows, committed.
CLEAR_COMMITTED_ROWS = (
    "DELETE FROM import_row WHERE import_id = $1 AND row_number > $2 "
    "AND row_number <= $3 AND action <> 'error'"
)

# --- Committing: new contacts ------------------------------------------------------------------

# $1 import id, $2 and $3 the chunk's row numbers (after, up to and including).
CREATES_IN_SPAN = (
    "r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3 AND r.action = 'create'"
)

# CREATES_IN_SPAN's $1 to $3, $4 the workspace, $5 the field keys' UUIDs (JSON), $6 the member.
_CONTACT_ROWS = f"""
    INSERT INTO contact (id, workspace_id, uuid, name, language, status, company, job_title,
        country, state, notes, source, fields, created_by_id, created_on, modified_on)
    SELECT r.contact_id, $4, r.contact_uuid, r.name, r.language, coalesce(r.status, 'active'),
        r.company, r.job_title, r.country, r.state, r.notes, 'import',
        coalesce((SELECT jsonb_object_agg($5::jsonb ->> e.key, e.value)
                  FROM jsonb_each(r.fields) AS e), '{{}}'::jsonb),
        $6, now(), now()
    FROM import_row r WHERE {CREATES_IN_SPAN}
"""

# The new contacts' ids; the search rows are the insert trigger's.
INSERT_CONTACTS = f"{_CONTACT_ROWS} RETURNING id"

# The search rows written with the contacts, from the staged readings (the database reads
# the values of a row that has none); the insert trigger stands aside meanwhile.
INSERT_CONTACTS_AND_SEARCH_ROWS = f"""
WITH added AS ({_CONTACT_ROWS} RETURNING id, status, fields)
INSERT INTO contact_search (contact_id, workspace_id, status, readings)
SELECT a.id, $4, a.status, coalesce(r.readings, contact_search_readings($4, a.fields))
FROM added a JOIN import_row r ON r.contact_id = a.id AND {CREATES_IN_SPAN}
RETURNING contact_id
"""

# Around INSERT_CONTACTS_AND_SEARCH_ROWS: the insert trigger stands aside, then back.
SEARCH_ROWS_SUPPLIED = "SELECT set_config('contacts.search_rows', 'supplied', true)"
SEARCH_ROWS_BY_TRIGGER = "SELECT set_config('contacts.search_rows', '', true)"

# Locks the fields the staged readings follow (as a re-read does), so no type changes until the
# chunk commits: $1 their ids.
LOCK_READING_FIELDS = (
    "SELECT id, value_type FROM contact_field WHERE id = ANY($1::bigint[]) ORDER BY id FOR SHARE"
)

# CREATES_IN_SPAN's $1 to $3, $4 the workspace.
INSERT_CREATED_URNS = f"""
    INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority)
    SELECT $4, r.contact_id, split_part(u.urn, ':', 1), substr(u.urn, strpos(u.urn, ':') + 1),
        (cardinality(r.urns) - u.position + 1)::smallint
    FROM import_row r CROSS JOIN LATERAL unnest(r.urns) WITH ORDINALITY AS u(urn, position)
    WHERE {CREATES_IN_SPAN}
"""

# CREATES_IN_SPAN's $1 to $3, $4 the workspace, $5 the import's flags.
INSERT_CREATED_FLAGS = f"""
    INSERT INTO contact_flag (workspace_id, flag_id, contact_id)
    SELECT DISTINCT $4::bigint, f.id, r.contact_id
    FROM import_row r
    CROSS JOIN LATERAL unnest(coalesce(r.flags, '{{}}') || $5::text[]) AS n(name)
    JOIN flag f ON f.workspace_id = $4 AND lower(f.name) = lower(n.name)
    WHERE {CREATES_IN_SPAN}
    ON CONFLICT DO NOTHING
"""

# The history source of the new contacts, for write_events_from (one `created` event each,
# as `createContact` writes it): CREATES_IN_SPAN's $1 to $3, $4 the workspace, $5 the actor's
# kind, $6 the member, $7 the job, $8 the import's flags.
# A row without flags of its own has the import's flags: one list for all those rows.
CREATED_EVENTS = f"""
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
    FROM import_row r WHERE {CREATES_IN_SPAN}
"""

# --- Committing: matched contacts --------------------------------------------------------------

# The chunk's rows.
STAGED_UPDATES = """
SELECT r.contact_id, r.name, r.language, r.status, r.company, r.job_title, r.country, r.state,
    r.notes, r.cleared, r.urns, r.fields::text AS fields, r.cleared_fields, r.flags
FROM import_row r
WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3 AND r.action = 'update'
"""

# $1 the contacts' ids, $2 the workspace.
# The contacts were locked at the start of the chunk (LOCK_MATCHED_CONTACTS, see commit_chunk.py).
CURRENT_CONTACTS = """
SELECT c.id, c.uuid, c.name, c.language, c.status, c.company, c.job_title, c.country, c.state,
    c.notes, c.fields::text AS fields,
    ARRAY(SELECT u.scheme || ':' || u.path FROM contact_urn u WHERE u.contact_id = c.id
          ORDER BY u.priority DESC, u.id) AS urns,
    ARRAY(SELECT f.id FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
          WHERE cf.contact_id = c.id ORDER BY lower(f.name)) AS flag_ids,
    ARRAY(SELECT f.name FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
          WHERE cf.contact_id = c.id ORDER BY lower(f.name)) AS flag_names
FROM contact c WHERE c.id = ANY($1::bigint[]) AND c.workspace_id = $2
"""

# $1 the contacts as they become (JSON records).
UPDATE_CONTACTS = """
    UPDATE contact c SET name = u.name, language = u.language, status = u.status,
        company = u.company, job_title = u.job_title, country = u.country, state = u.state,
        notes = u.notes, fields = u.fields, modified_on = now()
    FROM jsonb_to_recordset($1::jsonb) AS u(id bigint, name text, language text,
        status text, company text, job_title text, country text, state text, notes text,
        fields jsonb)
    WHERE c.id = u.id
"""

# $1 the workspace, $2 and $3 the contacts and their addresses removed.
DELETE_REMOVED_URNS = """
    DELETE FROM contact_urn WHERE workspace_id = $1
      AND (contact_id, scheme || ':' || path) IN
          (SELECT * FROM unnest($2::bigint[], $3::text[]))
"""

# $1 the workspace, $2 and $3 the contacts and their addresses added.
# Added addresses rank after the contact's own, in file order (ties go by id).
INSERT_ADDED_URNS = """
    INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority)
    SELECT $1, a.contact_id, split_part(a.urn, ':', 1),
        substr(a.urn, strpos(a.urn, ':') + 1), 0
    FROM unnest($2::bigint[], $3::text[]) AS a(contact_id, urn)
"""

# $1 the workspace, $2 and $3 the contacts and their flags added.
INSERT_ADDED_FLAGS = """
    INSERT INTO contact_flag (workspace_id, contact_id, flag_id)
    SELECT $1, a.contact_id, a.flag_id FROM unnest($2::bigint[], $3::bigint[])
        AS a(contact_id, flag_id)
    ON CONFLICT DO NOTHING
"""

# $1 and $2 the contacts and their flags removed.
DELETE_REMOVED_FLAGS = """
    DELETE FROM contact_flag
    WHERE (contact_id, flag_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))
"""

# --- The import's group (`contact_group`) ------------------------------------------------------

# $1 workspace, $2 the group's uuid.
GROUP_BY_UUID = "SELECT id, name, kind FROM contact_group WHERE workspace_id = $1 AND uuid = $2"

# $1 workspace, $2 the group's name (any case).
GROUP_BY_NAME = (
    "SELECT id, name, kind FROM contact_group WHERE workspace_id = $1 AND lower(name) = lower($2)"
)

# $1 workspace, $2 the group's name (any case).
GROUP_KIND_BY_NAME = (
    "SELECT id, kind FROM contact_group WHERE workspace_id = $1 AND lower(name) = lower($2)"
)

# $1 workspace, $2 the group's id.
GROUP_KIND = "SELECT kind FROM contact_group WHERE workspace_id = $1 AND id = $2"

# $1 workspace, $2 uuid, $3 name; nothing when the name is taken in any case.
CREATE_MANUAL_GROUP = """
    INSERT INTO contact_group (workspace_id, uuid, name, kind)
    VALUES ($1, $2, $3, 'manual') ON CONFLICT (workspace_id, lower(name)) DO NOTHING
"""

# --- Writing a chunk's rows in bulk ------------------------------------------------------------

# The GIN (trigram and field-term) indexes of the tables an import writes, and whether this
# role may merge their pending lists (only an index's owner may).
SEARCH_INDEXES = """
SELECT i.indexrelid AS id, pg_has_role(c.relowner, 'USAGE') AS mergeable
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
WHERE i.indrelid = ANY('{contact,contact_urn,contact_search}'::regclass[])
  AND a.amname = 'gin'
ORDER BY i.indexrelid
"""

# $1 the indexes (SEARCH_INDEXES's ids), merged one after the other in that order.
MERGE_SEARCH_ENTRIES = "SELECT gin_clean_pending_list(i) FROM unnest($1::oid[]) AS i"
