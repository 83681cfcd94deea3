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

# $1 queued before this, $2 running without a heartbeat since this.
UNQUEUED_JOBS = """
    SELECT uuid, status FROM job
    WHERE (status = 'queued' AND created_on < $1)
       OR (status = 'running' AND coalesce(heartbeat_on, started_on) < $2)
    ORDER BY created_on LIMIT 1000
"""

# $1 the job's uuid.
HEARTBEAT = "UPDATE job SET heartbeat_on = now() WHERE uuid = $1 AND status = 'running'"

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
