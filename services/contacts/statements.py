"""Every statement the contacts domain sends, in one place. `$n` parameters are named beside
each."""

from __future__ import annotations

from services.contacts.records import CONTACT_COLUMNS

# Batches, in the keys' order.

# $1 workspace, $2 contact ids; each contact's addresses, highest priority first.
URNS_OF_CONTACTS = """
    SELECT contact_id, scheme, path, priority FROM contact_urn
    WHERE workspace_id = $1 AND contact_id = ANY($2::bigint[])
    ORDER BY contact_id, priority DESC, id
"""

# $1 workspace, $2 contact ids; each contact's flags by name.
FLAGS_OF_CONTACTS = """
    SELECT cf.contact_id, f.id, f.uuid, f.name
    FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
    WHERE cf.workspace_id = $1 AND cf.contact_id = ANY($2::bigint[])
    ORDER BY lower(f.name)
"""

# $1 workspace, $2 uuids.
CONTACTS_BY_UUID = (
    f"SELECT {CONTACT_COLUMNS} FROM contact c "
    "WHERE c.workspace_id = $1 AND c.uuid = ANY($2::uuid[])"
)


# Jobs over a selection.


def freeze_targets(job: str, where: str) -> str:
    """The selected contacts as the job's targets, answering how many: `job` is the job's
    placeholder, `where` the selection's condition over `c`, both numbered by the caller."""
    return f"""
        WITH frozen AS (
            INSERT INTO job_target (job_id, contact_id)
            SELECT {job}, c.id FROM contact c WHERE {where}
            RETURNING 1
        )
        SELECT count(*) FROM frozen
    """


# Field values.

# $1 contact, $2 the values to write by field uuid (jsonb), $3 the field uuids to clear.
SET_FIELD_VALUES = (
    "UPDATE contact SET fields = (fields || $2::jsonb) - $3::text[], modified_on = now() "
    "WHERE id = $1"
)


# Filters and search.


def count_search(where: str) -> str:
    """A count read from contact_search alone; `where` is a condition over `s`."""
    return f"SELECT count(*) FROM contact_search s WHERE {where}"


def _addresses_shown(ws: str) -> str:
    # A workspace in anonymous mode hides its addresses, so search never reads them there.
    return f"NOT EXISTS (SELECT 1 FROM workspace w WHERE w.id = {ws} AND w.anonymous)"


def phone_address_ids(ws: str, digits: str) -> str:
    """The contacts with a phone number LIKE `digits`: a sub-select of contact ids."""
    return (
        f"SELECT u.contact_id FROM contact_urn u WHERE u.workspace_id = {ws} "
        f"AND u.scheme = 'tel' AND u.path LIKE {digits} AND {_addresses_shown(ws)}"
    )


def address_ids(ws: str, pattern: str) -> str:
    """The contacts with an address LIKE `pattern`: a sub-select of contact ids."""
    return (
        f"SELECT u.contact_id FROM contact_urn u WHERE u.workspace_id = {ws} "
        f"AND u.path LIKE {pattern} AND {_addresses_shown(ws)}"
    )


def text_ids(ws: str, text: str, pattern: str) -> str:
    """The contacts whose search `text` (over alias `s`) is LIKE `pattern`: a sub-select of
    contact ids."""
    return f"SELECT s.id FROM contact s WHERE s.workspace_id = {ws} AND {text} LIKE {pattern}"


def explain_json(query: str) -> str:
    """The planner's estimate for `query`, as JSON."""
    return f"EXPLAIN (FORMAT JSON) {query}"


def limited(query: str, limit: int) -> str:
    """At most `limit` rows of `query`."""
    return f"{query} LIMIT {limit}"


# History: the only statements that write contact_event.

_EVENT_COLUMNS = "workspace_id, contact_id, contact_uuid, kind, data, actor_kind, member_id, job_id"


def insert_events(rows: str) -> str:
    """One event per row of `rows`, a SELECT yielding the columns of _EVENT_COLUMNS in order."""
    return f"INSERT INTO contact_event ({_EVENT_COLUMNS})\n{rows}"


# The rows of write_events: $1 workspace, $2 actor kind, $3 member, $4 job, then per event
# $5 contact id, $6 contact uuid, $7 kind, $8 data (JSON text).
PENDING_EVENTS = """
    SELECT $1, e.contact_id, e.contact_uuid, e.kind, e.data::jsonb, $2, $3, $4
    FROM unnest($5::bigint[], $6::uuid[], $7::text[], $8::text[])
        AS e(contact_id, contact_uuid, kind, data)
"""

# $1 workspace, $2 contact, $3 the last event id of the previous page (all when null),
# $4 the page size; newest first.
CONTACT_HISTORY = """
    SELECT id, contact_uuid, kind, data, actor_kind, member_id, job_id, created_on
    FROM contact_event
    WHERE workspace_id = $1 AND contact_id = $2 AND ($3::bigint IS NULL OR id < $3)
    ORDER BY id DESC
    LIMIT $4
"""


# Listing.


def contacts_page(sort_value: str, where: str, order_by: str, limit: int) -> str:
    """A page of contacts with `sort_value` beside each, for services.keyset.paginate."""
    return (
        f"SELECT {CONTACT_COLUMNS}, {sort_value} AS sort_value FROM contact c "
        f"WHERE {where} ORDER BY {order_by} LIMIT {int(limit)}"
    )


def count_contacts(where: str) -> str:
    """`where` is a condition over `c`."""
    return f"SELECT count(*) FROM contact c WHERE {where}"


# What a contact query reads of its workspace. $1 workspace, each.

QUERY_FIELDS = (
    "SELECT id, uuid, key, name, value_type, readings_stale FROM contact_field "
    "WHERE workspace_id = $1"
)
QUERY_GROUPS = "SELECT id, name, kind FROM contact_group WHERE workspace_id = $1"
QUERY_FLAGS = "SELECT id, name FROM flag WHERE workspace_id = $1"


# Addresses.

# $1 workspace, $2 schemes, $3 paths, $4 the contact they may belong to (none when null);
# one address of the list another contact owns, and that contact.
URN_OWNER = """
    SELECT u.scheme, u.path, c.uuid, c.name
    FROM contact_urn u JOIN contact c ON c.id = u.contact_id
    WHERE u.workspace_id = $1
      AND (u.scheme, u.path) IN (SELECT * FROM unnest($2::text[], $3::text[]))
      AND ($4::bigint IS NULL OR u.contact_id <> $4)
    LIMIT 1
"""

# $1 contact.
URNS_OF_CONTACT = "SELECT scheme, path FROM contact_urn WHERE contact_id = $1"

# $1 contact, $2 the identities (scheme:path) to remove.
DELETE_URNS = """
    DELETE FROM contact_urn WHERE contact_id = $1
      AND scheme || ':' || path = ANY($2::text[])
"""

# $1 workspace, $2 contact, $3 schemes, $4 paths, $5 priorities; an address another contact
# owns is not written, and returns no id.
UPSERT_URNS = """
    INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority)
    SELECT $1, $2, u.scheme, u.path, u.priority
    FROM unnest($3::text[], $4::text[], $5::smallint[]) AS u(scheme, path, priority)
    ON CONFLICT (workspace_id, scheme, path) DO UPDATE SET priority = EXCLUDED.priority
        WHERE contact_urn.contact_id = EXCLUDED.contact_id
    RETURNING id
"""
