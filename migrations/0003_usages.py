from tortoise import migrations
from tortoise.migrations import operations as ops

# "Where is this used": one row per consumer (a smart group, a pending import, or a campaign,
# flow, form... registered by another system) and each field or group it relies on.
SQL = """
CREATE TABLE usage (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    consumer_kind VARCHAR(32) NOT NULL,
    consumer_ref VARCHAR(255) NOT NULL,
    consumer_name VARCHAR(255) NOT NULL,
    field_id BIGINT REFERENCES contact_field(id) ON DELETE CASCADE,
    group_id BIGINT REFERENCES contact_group(id) ON DELETE CASCADE,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((field_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX usage_consumer_field
    ON usage (workspace_id, consumer_kind, consumer_ref, field_id) WHERE field_id IS NOT NULL;
CREATE UNIQUE INDEX usage_consumer_group
    ON usage (workspace_id, consumer_kind, consumer_ref, group_id) WHERE group_id IS NOT NULL;
CREATE INDEX usage_field ON usage (workspace_id, field_id) WHERE field_id IS NOT NULL;
CREATE INDEX usage_group ON usage (workspace_id, group_id) WHERE group_id IS NOT NULL;
"""

REVERSE_SQL = "DROP TABLE IF EXISTS usage;"


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_search_indexes")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
