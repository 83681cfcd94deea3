from tortoise import migrations
from tortoise.migrations import operations as ops

# Exports, and expiring download links for export files and import error files. A link is a
# random token (stored hashed) tied to the member who asked for it; the member's permission is
# checked again on every download.
SQL = """
CREATE TABLE contact_export (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    file_format VARCHAR(8) NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
    file_path TEXT NOT NULL,
    params JSONB NOT NULL,
    row_count BIGINT NOT NULL DEFAULT 0,
    job_id BIGINT REFERENCES job(id) ON DELETE SET NULL,
    created_by_id BIGINT REFERENCES member(id) ON DELETE SET NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_on TIMESTAMPTZ
);
CREATE INDEX contact_export_ws ON contact_export (workspace_id, created_on DESC, id DESC);

CREATE TABLE download_link (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    token_hash CHAR(64) NOT NULL UNIQUE,
    member_id BIGINT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    export_id BIGINT REFERENCES contact_export(id) ON DELETE CASCADE,
    import_id BIGINT REFERENCES contact_import(id) ON DELETE CASCADE,
    expires_on TIMESTAMPTZ NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((export_id IS NULL) <> (import_id IS NULL))
);
CREATE INDEX download_link_expiry ON download_link (expires_on);
"""

REVERSE_SQL = "DROP TABLE IF EXISTS download_link, contact_export;"


class Migration(migrations.Migration):
    dependencies = [("contacts", "0010_imports")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
