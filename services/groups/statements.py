"""Every statement the groups domain sends, in one place. `$n` parameters are named beside each."""

from __future__ import annotations

from collections.abc import Sequence

# The columns a GroupRecord is read from.
GROUP_COLUMNS = "id, uuid, name, kind, query, status, member_count, created_on"

# $1 workspace.
COUNT_GROUPS = "SELECT count(*) FROM contact_group WHERE workspace_id = $1"

# Serializes group creation in a workspace: $1 the workspace id modulo 2**31.
LOCK_GROUP_CREATION = "SELECT pg_advisory_xact_lock(hashtext('contact_group'), $1::int)"

# $1 workspace, $2 the kind, NULL for every group.
GROUPS_BY_NAME = (
    f"SELECT {GROUP_COLUMNS} FROM contact_group WHERE workspace_id = $1 "
    "AND ($2::text IS NULL OR kind = $2) ORDER BY lower(name)"
)

# $1 workspace, $2 uuids.
GROUP_IDS_BY_UUID = (
    "SELECT id FROM contact_group WHERE workspace_id = $1 AND uuid = ANY($2::uuid[])"
)
GROUPS_BY_UUID = (
    f"SELECT {GROUP_COLUMNS} FROM contact_group WHERE workspace_id = $1 AND uuid = ANY($2::uuid[])"
)

# $1 workspace, $2 uuid.
GROUP_BY_UUID = f"SELECT {GROUP_COLUMNS} FROM contact_group WHERE workspace_id = $1 AND uuid = $2"
LOCK_GROUP_BY_UUID = (
    f"SELECT {GROUP_COLUMNS} FROM contact_group WHERE workspace_id = $1 AND uuid = $2 FOR UPDATE"
)

# $1 the group's id.
GROUP_BY_ID = f"SELECT {GROUP_COLUMNS} FROM contact_group WHERE id = $1"

# Whether workspace $1 has a group named $2 in any case other than group $3 (NULL: any).
GROUP_NAMED = (
    "SELECT 1 FROM contact_group WHERE workspace_id = $1 AND lower(name) = lower($2) "
    "AND ($3::bigint IS NULL OR id <> $3)"
)

# The fields a smart group's query uses: $1 workspace, $2 their keys.
FIELD_IDS_BY_KEY = "SELECT id FROM contact_field WHERE workspace_id = $1 AND key = ANY($2::text[])"

# $1 workspace.
COUNT_CONTACTS = "SELECT count(*) FROM contact WHERE workspace_id = $1"

# Whether an evaluation job of a group is still queued or running: $1 workspace, $2 the
# evaluation job kind, $3 the group's id.
EVALUATION_PENDING = (
    "SELECT 1 FROM job WHERE workspace_id = $1 AND kind = $2 "
    "AND status IN ('queued', 'running') AND (params->>'group_id')::bigint = $3"
)

# $1 workspace, $2 uuid, $3 name, $4 kind, $5 query, $6 status.
CREATE_GROUP = f"""
    INSERT INTO contact_group (workspace_id, uuid, name, kind, query, status)
    VALUES ($1, $2, $3, $4, $5, $6) RETURNING {GROUP_COLUMNS}
"""

# $1 the group's id, $2 its new name.
RENAME_GROUP = "UPDATE contact_group SET name = $2 WHERE id = $1"

# $1 the group's id, $2 its new query.
SET_QUERY = "UPDATE contact_group SET query = $2, status = 'evaluating' WHERE id = $1"

# $1 the group's id.
DELETE_GROUP = "DELETE FROM contact_group WHERE id = $1"

# The group an evaluation chunk works on: $1 its id, $2 workspace.
LOCK_EVALUATED_GROUP = (
    "SELECT id, query FROM contact_group WHERE id = $1 AND workspace_id = $2 FOR UPDATE"
)

# $1 the group's id.
MARK_GROUP_INVALID = "UPDATE contact_group SET status = 'invalid' WHERE id = $1"


def matching_contacts(ws: str, chunk: str, condition: str) -> str:
    """The active contacts of the chunk that `condition` (a query's SQL) matches; `ws` and
    `chunk` are the placeholders of the workspace and the chunk's contact ids."""
    return (
        f"SELECT c.id FROM contact c WHERE c.workspace_id = {ws} AND c.id = ANY({chunk}::bigint[]) "
        f"AND c.status = 'active' AND {condition}"
    )


# The group's members among a chunk become the matching ones, its member count following:
# $1 workspace, $2 the group's id, $3 the chunk's contact ids, $4 those that match.
EVALUATE_CHUNK = """
    WITH removed AS (
        DELETE FROM group_contact gc
        WHERE gc.group_id = $2 AND gc.contact_id = ANY($3::bigint[])
          AND gc.contact_id <> ALL($4::bigint[])
        RETURNING 1
    ),
    added AS (
        INSERT INTO group_contact (workspace_id, group_id, contact_id)
        SELECT $1, $2, m FROM unnest($4::bigint[]) AS m
        ON CONFLICT DO NOTHING RETURNING 1
    ),
    counted AS (
        UPDATE contact_group SET member_count = member_count
            + (SELECT count(*) FROM added) - (SELECT count(*) FROM removed)
        WHERE id = $2
    )
    SELECT (SELECT count(*) FROM added) AS added, (SELECT count(*) FROM removed) AS removed
"""

# $1 the group's id.
FINISH_EVALUATION = """
    UPDATE contact_group SET status = 'ready',
        member_count = (SELECT count(*) FROM group_contact WHERE group_id = $1)
    WHERE id = $1 AND status IN ('initializing', 'evaluating')
"""

# Shared locks on every contact of the chunk wait for a status change in flight and keep
# each status as read until the chunk commits. $1 workspace, $2 the chunk's contact ids.
SHARE_LOCK_CHUNK_CONTACTS = (
    "SELECT id, status FROM contact WHERE workspace_id = $1 AND id = ANY($2::bigint[]) "
    "ORDER BY id FOR SHARE"
)

# $1 workspace, $2 contact uuids.
SHARE_LOCK_CONTACTS_BY_UUID = (
    "SELECT id, uuid, name, status FROM contact WHERE workspace_id = $1 "
    "AND uuid = ANY($2::uuid[]) FOR SHARE"
)
CONTACT_IDS_BY_UUID = "SELECT id FROM contact WHERE workspace_id = $1 AND uuid = ANY($2::uuid[])"

# Contacts leave every group, the member counts following: $1 workspace, $2 contact ids.
LEAVE_ALL_GROUPS = """
    WITH removed AS (
        DELETE FROM group_contact
        WHERE workspace_id = $1 AND contact_id = ANY($2::bigint[])
        RETURNING group_id
    ), per_group AS (
        SELECT group_id, count(*) AS n FROM removed GROUP BY group_id
    )
    UPDATE contact_group g SET member_count = g.member_count - p.n
    FROM per_group p WHERE g.id = p.group_id
"""

# The active ones of the contacts join a manual group; answers how many joined.
# $1 workspace, $2 the group's id, $3 contact ids.
JOIN_MANUAL_GROUP = """
    WITH added AS (
        INSERT INTO group_contact (workspace_id, group_id, contact_id)
        SELECT $1, g.id, c.id FROM contact c
        JOIN contact_group g ON g.id = $2 AND g.workspace_id = $1 AND g.kind = 'manual'
        WHERE c.workspace_id = $1 AND c.id = ANY($3::bigint[]) AND c.status = 'active'
        ON CONFLICT DO NOTHING RETURNING 1
    ), counted AS (
        UPDATE contact_group SET member_count = member_count + (SELECT count(*) FROM added)
        WHERE id = $2
    )
    SELECT count(*) FROM added
"""

# The contacts leave one group; answers how many left. $1 workspace, $2 the group's id,
# $3 contact ids.
LEAVE_GROUP = """
    WITH removed AS (
        DELETE FROM group_contact
        WHERE workspace_id = $1 AND group_id = $2 AND contact_id = ANY($3::bigint[])
        RETURNING 1
    ), counted AS (
        UPDATE contact_group SET member_count = member_count - (SELECT count(*) FROM removed)
        WHERE id = $2
    )
    SELECT count(*) FROM removed
"""


def smart_groups(*, lock: bool) -> str:
    """The workspace's smart groups whose query counts, key-share locked when `lock`:
    $1 workspace."""
    return f"""
        SELECT id, name, query FROM contact_group
        WHERE workspace_id = $1 AND kind = 'smart'
          AND status IN ('initializing', 'evaluating', 'ready')
        ORDER BY id {"FOR KEY SHARE" if lock else ""}
    """


# $1 the groups' ids.
MARK_GROUPS_INVALID = "UPDATE contact_group SET status = 'invalid' WHERE id = ANY($1::bigint[])"


def smart_group_matches(group: str, ws: str, ids: str, condition: str) -> str:
    """The (group_id, contact_id) pairs of the active contacts that `condition` (the group's
    query as SQL) matches; `group`, `ws` and `ids` are the placeholders of the group's id,
    the workspace and the contact ids."""
    return (
        f"SELECT {group}::bigint AS group_id, c.id AS contact_id "
        f"FROM contact c WHERE c.workspace_id = {ws} AND c.id = ANY({ids}::bigint[]) "
        f"AND c.status = 'active' AND {condition}"
    )


def refresh_memberships(matches: Sequence[str], ws: str, ids: str, group_ids: str) -> str:
    """Membership of the contacts in the groups becomes the union of `matches`
    (`smart_group_matches`), member counts following; `ws`, `ids` and `group_ids` are the
    placeholders of the workspace, the contact ids and the groups' ids."""
    return f"""
        WITH matched AS ({" UNION ALL ".join(matches)}),
        removed AS (
            DELETE FROM group_contact gc
            WHERE gc.group_id = ANY({group_ids}::bigint[]) AND gc.contact_id = ANY({ids}::bigint[])
              AND NOT EXISTS (SELECT 1 FROM matched m
                              WHERE m.group_id = gc.group_id AND m.contact_id = gc.contact_id)
            RETURNING gc.group_id
        ),
        added AS (
            INSERT INTO group_contact (workspace_id, group_id, contact_id)
            SELECT {ws}, group_id, contact_id FROM matched
            ON CONFLICT DO NOTHING
            RETURNING group_id
        ),
        deltas AS (
            SELECT group_id, count(*) AS n FROM added GROUP BY group_id
            UNION ALL
            SELECT group_id, -count(*) FROM removed GROUP BY group_id
        )
        UPDATE contact_group g SET member_count = g.member_count + d.n
        FROM (SELECT group_id, sum(n) AS n FROM deltas GROUP BY group_id) d
        WHERE g.id = d.group_id
    """


# Each contact's groups by name: $1 workspace, $2 contact ids.
GROUPS_OF_CONTACTS = (
    f"SELECT gc.contact_id, {', '.join('g.' + c.strip() for c in GROUP_COLUMNS.split(','))} "
    "FROM group_contact gc JOIN contact_group g ON g.id = gc.group_id "
    "WHERE gc.workspace_id = $1 AND gc.contact_id = ANY($2::bigint[]) ORDER BY lower(g.name)"
)
