"""Every statement the dispatch domain sends, in one place. `$n` parameters are named beside
each."""

from __future__ import annotations

# A field's values leave every contact of a chunk that has one: $1 workspace, $2 the chunk's
# contact ids, $3 the field's uuid (the key of its value in `fields`).
DELETE_FIELD_VALUES = (
    "UPDATE contact SET fields = fields - $3::text "
    "WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND fields ? $3::text"
)

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
