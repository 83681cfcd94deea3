from tortoise import migrations
from tortoise.migrations import operations as ops

# Imports: the uploaded file's record, and a staging table of its validated, normalized rows.
#
# import_row is filled by COPY during validation and read in row order by the commit, so it has
# no foreign key (a check per copied row) and no index beyond its key; a partial index finds the
# error rows for the preview and the error file. Values are stored ready to write: attributes
# as cleaned text, addresses as `scheme:path`, field values keyed by field key with every
# reading, flags by name. NULL means "leave unchanged"; names listed in `cleared` are cleared.
# Every row is copied in as a create, with a contact id and uuid reserved by the defaults;
# matching then points the rows that match existing contacts at them.
SQL = """
CREATE TABLE contact_import (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    status VARCHAR(16) NOT NULL DEFAULT 'uploaded' CHECK (status IN (
        'uploaded', 'validating', 'previewed', 'committing', 'committed', 'cancelled', 'failed')),
    file_name VARCHAR(255) NOT NULL,
    file_format VARCHAR(8) NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
    file_path TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    options JSONB NOT NULL,
    columns JSONB NOT NULL DEFAULT '[]',
    failure TEXT,
    total_rows INTEGER NOT NULL DEFAULT 0,
    blank_rows INTEGER NOT NULL DEFAULT 0,
    create_rows INTEGER NOT NULL DEFAULT 0,
    update_rows INTEGER NOT NULL DEFAULT 0,
    skip_rows INTEGER NOT NULL DEFAULT 0,
    error_rows INTEGER NOT NULL DEFAULT 0,
    duplicate_rows INTEGER NOT NULL DEFAULT 0,
    created_count INTEGER NOT NULL DEFAULT 0,
    updated_count INTEGER NOT NULL DEFAULT 0,
    unchanged_count INTEGER NOT NULL DEFAULT 0,
    late_error_count INTEGER NOT NULL DEFAULT 0,
    group_id BIGINT REFERENCES contact_group(id) ON DELETE SET NULL,
    validate_job_id BIGINT REFERENCES job(id) ON DELETE SET NULL,
    commit_job_id BIGINT REFERENCES job(id) ON DELETE SET NULL,
    created_by_id BIGINT REFERENCES member(id) ON DELETE SET NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    validated_on TIMESTAMPTZ,
    finished_on TIMESTAMPTZ
);
CREATE INDEX contact_import_ws ON contact_import (workspace_id, created_on DESC, id DESC);

CREATE TABLE import_row (
    import_id BIGINT NOT NULL,
    row_number INTEGER NOT NULL,
    action VARCHAR(8) NOT NULL CHECK (action IN ('create', 'update', 'skip', 'error')),
    given_uuid UUID,
    contact_id BIGINT NOT NULL DEFAULT nextval('contact_id_seq'),
    contact_uuid UUID NOT NULL DEFAULT gen_random_uuid(),
    name TEXT,
    language TEXT,
    status TEXT,
    company TEXT,
    job_title TEXT,
    country TEXT,
    state TEXT,
    notes TEXT,
    cleared TEXT[],
    urns TEXT[],
    fields JSONB,
    cleared_fields TEXT[],
    flags TEXT[],
    errors JSONB,
    duplicate_of INTEGER,
    PRIMARY KEY (import_id, row_number)
);
CREATE INDEX import_row_errors ON import_row (import_id, row_number) WHERE action = 'error';
"""

REVERSE_SQL = "DROP TABLE IF EXISTS import_row, contact_import;"


class Migration(migrations.Migration):
    dependencies = [("contacts", "0007_custom_plans")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
