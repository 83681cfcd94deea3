"""Every statement the usages domain sends, in one place. `$n` parameters are named beside each."""

from __future__ import annotations


def delete_usages_of(column: str) -> str:
    """A consumer's usages of fields or groups (`column`, field_id or group_id): $1 workspace,
    $2 the consumer's kind, $3 its ref."""
    return (
        "DELETE FROM usage WHERE workspace_id = $1 AND consumer_kind = $2 AND consumer_ref = $3 "
        f"AND {column} IS NOT NULL"
    )


def insert_usages_of(column: str) -> str:
    """One usage of each field or group (`column`, field_id or group_id): $1 workspace,
    $2 the consumer's kind, $3 its ref, $4 its name, $5 the ids."""
    return f"""
        INSERT INTO usage (workspace_id, consumer_kind, consumer_ref, consumer_name, {column})
        SELECT $1, $2, $3, $4, x FROM unnest($5::bigint[]) AS x
    """


def remove_consumer(column: str | None) -> str:
    """Forgets a consumer's usages, only those of fields or groups when `column` (field_id or
    group_id) names them: $1 workspace, $2 the consumer's kind, $3 its ref. Returns their ids."""
    only = f"AND {column} IS NOT NULL" if column is not None else ""
    return (
        "DELETE FROM usage WHERE workspace_id = $1 AND consumer_kind = $2 AND consumer_ref = $3 "
        f"{only} RETURNING id"
    )


# $1 workspace, $2 the consumer's kind, $3 its ref, $4 its new name.
RENAME_CONSUMER = (
    "UPDATE usage SET consumer_name = $4 WHERE workspace_id = $1 AND consumer_kind = $2 "
    "AND consumer_ref = $3"
)

# Names of the consumers of a kind using a field: $1 workspace, $2 the field's id,
# $3 the consumer kind.
CONSUMERS_OF_FIELD = (
    "SELECT consumer_name FROM usage WHERE workspace_id = $1 AND field_id = $2 "
    "AND consumer_kind = $3 ORDER BY lower(consumer_name)"
)


def usages_of(column: str) -> str:
    """Who uses these fields or groups (`column`, field_id or group_id), as `used`:
    $1 workspace, $2 the ids."""
    return f"""
        SELECT consumer_kind, consumer_ref, consumer_name, {column} AS used FROM usage
        WHERE workspace_id = $1 AND {column} = ANY($2::bigint[])
        ORDER BY consumer_kind, lower(consumer_name), consumer_ref
    """
