"""Every statement the dispatch domain sends, in one place. `$n` parameters are named beside
each."""

from __future__ import annotations

# A field's values leave every contact of a chunk that has one: $1 workspace, $2 the chunk's
# contact ids, $3 the field's uuid (the key of its value in `fields`).
DELETE_FIELD_VALUES = (
    "UPDATE contact SET fields = fields - $3::text "
    "WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND fields ? $3::text"
)

# Claims a queued job, or one resumed after a retry or a dead worker: $1 the job's uuid; no row
# once it has ended.
CLAIM_JOB = """
    UPDATE job SET status = 'running', started_on = coalesce(started_on, now()),
        attempts = attempts + 1, heartbeat_on = now()
    WHERE uuid = $1 AND status IN ('queued', 'running')
    RETURNING id, workspace_id, created_by_id, kind, params
"""

# $1 the job's uuid.
JOB_STATUS = "SELECT status FROM job WHERE uuid = $1"

# $1 the job's id, $2 the message for the person who ran it.
FAIL_JOB = """
    UPDATE job SET status = 'failed', finished_on = now(),
        errors = errors || jsonb_build_array(jsonb_build_object('message', $2::text))
    WHERE id = $1
"""

# The next chunk of a job over the whole workspace: $1 workspace, $2 the checkpoint (the last
# contact id done), $3 the chunk's size.
NEXT_WORKSPACE_CONTACTS = (
    "SELECT id FROM contact WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3"
)

# The next chunk of the contacts frozen for a job: $1 the job, $2 the checkpoint, $3 the chunk's
# size.
NEXT_FROZEN_TARGETS = """
    SELECT contact_id FROM job_target WHERE job_id = $1 AND contact_id > $2
    ORDER BY contact_id LIMIT $3
"""

# $1 the job's id.
LOCK_JOB_STATE = "SELECT status, checkpoint, cancel_requested FROM job WHERE id = $1 FOR UPDATE"

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
        heartbeat_on = now()
    WHERE id = $1
"""
