"""Every statement the jobs domain sends, in one place. `$n` parameters are named beside each."""

from __future__ import annotations

# $1 workspace, $2 job ids.
JOB_UUIDS = "SELECT id, uuid FROM job WHERE workspace_id = $1 AND id = ANY($2::bigint[])"

# $1 workspace, $2 uuid, $3 kind, $4 params (JSON text), $5 the member who starts it (NULL for
# the service).
INSERT_JOB = """
    INSERT INTO job (workspace_id, uuid, kind, params, created_by_id)
    VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id
"""

# $1 workspace, $2 uuid.
LOCK_JOB = "SELECT id, status, kind FROM job WHERE workspace_id = $1 AND uuid = $2 FOR UPDATE"

# $1 the job's id.
CANCEL_QUEUED_JOB = (
    "UPDATE job SET status = 'cancelled', cancel_requested = TRUE, "
    "finished_on = now() WHERE id = $1"
)

# $1 the job's id.
REQUEST_STOP = "UPDATE job SET cancel_requested = TRUE WHERE id = $1"

# $1 queued before this, $2 running without a heartbeat since this. A row a chunk holds
# locked is skipped: its worker is alive and busy (a slow chunk beats only when it commits).
UNQUEUED_JOBS = """
    SELECT uuid, status FROM job
    WHERE (status = 'queued' AND created_on < $1)
       OR (status = 'running' AND coalesce(heartbeat_on, started_on) < $2)
    ORDER BY created_on LIMIT 1000
    FOR UPDATE SKIP LOCKED
"""

# $1 the job's uuid. Skips a row a chunk holds locked rather than wait for the chunk: that
# chunk's checkpoint beats when it commits.
HEARTBEAT = """
    UPDATE job SET heartbeat_on = clock_timestamp()
    WHERE id = (SELECT id FROM job WHERE uuid = $1 AND status = 'running' FOR UPDATE SKIP LOCKED)
"""

# $1 the job's id: the message of its last error, if any.
JOB_LAST_ERROR = "SELECT errors -> -1 ->> 'message' FROM job WHERE id = $1"

# $1 the job's id.
LOCK_JOB_ERRORS = "SELECT errors FROM job WHERE id = $1 FOR UPDATE"

# $1 the job's id, $2 its errors (JSON text).
SET_JOB_ERRORS = "UPDATE job SET errors = $2::jsonb WHERE id = $1"

# $1 the job's id.
JOB_PROGRESS = "SELECT progress_done, progress_total FROM job WHERE id = $1"

# $1 the job's id.
END_STOPPED_JOB = (
    "UPDATE job SET status = 'cancelled', finished_on = now() "
    "WHERE id = $1 AND status = 'running' AND cancel_requested"
)

# --- A job's state and progress, as its runner records them ------------------------------------

# Claims a queued job, or one resumed after a retry or a dead worker: $1 the job's uuid; no row
# once it has ended.
CLAIM_JOB = """
    UPDATE job SET status = 'running', started_on = coalesce(started_on, now()),
        attempts = attempts + 1, heartbeat_on = now()
    WHERE uuid = $1 AND status IN ('queued', 'running')
    RETURNING id, workspace_id, created_by_id, kind, params, attempts
"""

# $1 the job's uuid.
JOB_STATUS_BY_UUID = "SELECT status FROM job WHERE uuid = $1"

# $1 the job's id.
JOB_STATUS = "SELECT status FROM job WHERE id = $1"

# $1 the job's id.
JOB_CREATOR = "SELECT created_by_id FROM job WHERE id = $1"

# $1 the job's id, $2 the message for the person who ran it.
FAIL_JOB = """
    UPDATE job SET status = 'failed', finished_on = now(),
        errors = errors || jsonb_build_array(jsonb_build_object('message', $2::text))
    WHERE id = $1
"""

# $1 the job's id.
LOCK_JOB_STATE = "SELECT status, checkpoint, cancel_requested FROM job WHERE id = $1 FOR UPDATE"

# $1 the job's id.
JOB_STATE = "SELECT status, checkpoint, cancel_requested FROM job WHERE id = $1"

# $1 the job's id.
CANCEL_JOB = "UPDATE job SET status = 'cancelled', finished_on = now() WHERE id = $1"

# $1 the job's id.
SUCCEED_JOB = """
    UPDATE job SET status = 'succeeded', finished_on = now(),
        progress_done = greatest(progress_done, progress_total)
    WHERE id = $1
"""

# $1 the job's id, $2 the new checkpoint, $3 contacts done, $4 changed, $5 skipped.
RECORD_CHUNK = """
    UPDATE job SET checkpoint = $2, progress_done = progress_done + $3,
        changed_count = changed_count + $4, skipped_count = skipped_count + $5,
        heartbeat_on = clock_timestamp()
    WHERE id = $1
"""

# $1 the job, $2 its total: the targets frozen for it, the contacts it walks, the rows it
# commits.
SET_JOB_TOTAL = "UPDATE job SET progress_total = $2 WHERE id = $1"

# The job walks the workspace by id; progress counts contacts examined. $1 the job,
# $2 workspace.
SET_WORKSPACE_JOB_TOTAL = (
    "UPDATE job SET progress_total = (SELECT count(*) FROM contact WHERE workspace_id = $2) "
    "WHERE id = $1"
)

# $1 the job, $2 the chunk's rows.
ADD_PROGRESS = (
    "UPDATE job SET progress_done = progress_done + $2, heartbeat_on = clock_timestamp() "
    "WHERE id = $1"
)

# $1 job, $2 rows done, $3 rows in all; answers whether someone asked the job to stop.
REPORT_PROGRESS = """
    UPDATE job SET progress_done = $2, progress_total = $3, heartbeat_on = now()
    WHERE id = $1 RETURNING cancel_requested
"""

# $1 job, $2 its final status, $3 changed, $4 skipped, $5 an error message (NULL: none).
FINISH_JOB = """
    UPDATE job SET status = $2::text, finished_on = now(), changed_count = $3,
        skipped_count = $4,
        progress_done = CASE WHEN $2::text = 'succeeded' THEN greatest(progress_total, 1)
                             ELSE progress_done END,
        progress_total = CASE WHEN $2::text = 'succeeded' THEN greatest(progress_total, 1)
                              ELSE progress_total END,
        errors = CASE WHEN $5::text IS NULL THEN errors
                      ELSE errors || jsonb_build_array(jsonb_build_object('message', $5::text))
                 END
    WHERE id = $1
"""

# $1 the job, $2 the cancelled status (a queued job ends at once, a running one stops at its
# next progress report).
CANCEL_UNFINISHED_JOB = """
    UPDATE job SET cancel_requested = TRUE,
        status = CASE WHEN status = 'queued' THEN $2 ELSE status END,
        finished_on = CASE WHEN status = 'queued' THEN now() ELSE finished_on END
    WHERE id = $1 AND status IN ('queued', 'running')
"""
