from tortoise import migrations
from tortoise.migrations import operations as ops

# A frozen audience: the contacts a query matched when the snapshot job ran, in a stable
# order, so a sender can page through them while contacts keep changing.
SQL = """
CREATE TABLE audience_snapshot (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    job_id BIGINT REFERENCES job(id) ON DELETE SET NULL,
    query TEXT NOT NULL,
    contact_count BIGINT NOT NULL DEFAULT 0,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audience_snapshot_ws ON audience_snapshot (workspace_id, id);

CREATE TABLE audience_snapshot_contact (
    snapshot_id BIGINT NOT NULL REFERENCES audience_snapshot(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, contact_id)
);

CREATE INDEX contact_group_ws_kind ON contact_group (workspace_id, kind, id);
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS contact_group_ws_kind;
DROP TABLE IF EXISTS audience_snapshot_contact, audience_snapshot;
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_usages")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
