from tortoise import migrations
from tortoise.migrations import operations as ops

# Hand-written SQL: partial, expression and GIN indexes, composite keys and checks are part of
# the design, so the schema is written out rather than derived from the models.
SCHEMA = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE workspace (
    id BIGSERIAL PRIMARY KEY,
    uuid UUID NOT NULL UNIQUE,
    name VARCHAR(128) NOT NULL,
    country CHAR(2) NOT NULL,
    timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    date_format VARCHAR(16) NOT NULL DEFAULT 'day_first'
        CHECK (date_format IN ('day_first', 'month_first')),
    anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE member (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    name VARCHAR(128) NOT NULL,
    role VARCHAR(16) NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    disabled_permissions TEXT[] NOT NULL DEFAULT '{}',
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX member_workspace ON member (workspace_id, id);

CREATE TABLE api_token (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    key_hash CHAR(64) NOT NULL UNIQUE,
    prefix VARCHAR(12) NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_on TIMESTAMPTZ,
    revoked_on TIMESTAMPTZ
);
CREATE INDEX api_token_workspace ON api_token (workspace_id, member_id);

CREATE TABLE contact (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    name VARCHAR(128),
    language CHAR(3),
    status VARCHAR(8) NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'archived', 'blocked', 'stopped')),
    company VARCHAR(128),
    job_title VARCHAR(128),
    country CHAR(2),
    state VARCHAR(128),
    notes TEXT,
    source VARCHAR(16) NOT NULL DEFAULT 'manual',
    fields JSONB NOT NULL DEFAULT '{}',
    created_by_id BIGINT REFERENCES member(id) ON DELETE SET NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    modified_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_on TIMESTAMPTZ
);
CREATE INDEX contact_ws_id ON contact (workspace_id, id);
CREATE INDEX contact_ws_status_id ON contact (workspace_id, status, id);
CREATE INDEX contact_ws_name ON contact (workspace_id, lower(name), id);
CREATE INDEX contact_ws_created ON contact (workspace_id, created_on, id);
CREATE INDEX contact_ws_modified ON contact (workspace_id, modified_on, id);
CREATE INDEX contact_ws_seen ON contact (workspace_id, last_seen_on, id);
CREATE INDEX contact_search_trgm ON contact USING gin (
    workspace_id,
    (lower(coalesce(name, '') || ' ' || coalesce(company, '') || ' ' || coalesce(state, '')))
    gin_trgm_ops
);

CREATE TABLE contact_urn (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    scheme VARCHAR(16) NOT NULL,
    path VARCHAR(255) NOT NULL,
    priority SMALLINT NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, scheme, path)
);
CREATE INDEX contact_urn_contact ON contact_urn (contact_id, priority);
CREATE INDEX contact_urn_path_trgm ON contact_urn USING gin (workspace_id, path gin_trgm_ops);

CREATE TABLE flag (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    name VARCHAR(64) NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX flag_ws_name ON flag (workspace_id, lower(name));

CREATE TABLE contact_flag (
    workspace_id BIGINT NOT NULL,
    flag_id BIGINT NOT NULL REFERENCES flag(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, flag_id)
);
CREATE INDEX contact_flag_ws_flag ON contact_flag (workspace_id, flag_id, contact_id);

CREATE TABLE contact_field (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    key VARCHAR(36) NOT NULL,
    name VARCHAR(36) NOT NULL,
    value_type VARCHAR(8) NOT NULL CHECK (value_type IN ('text', 'number', 'datetime')),
    featured BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, key)
);
CREATE UNIQUE INDEX contact_field_ws_name ON contact_field (workspace_id, lower(name));

CREATE TABLE contact_group (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    name VARCHAR(64) NOT NULL,
    kind VARCHAR(8) NOT NULL CHECK (kind IN ('manual', 'smart')),
    query TEXT,
    status VARCHAR(16) NOT NULL DEFAULT 'ready'
        CHECK (status IN ('initializing', 'evaluating', 'ready', 'invalid')),
    member_count BIGINT NOT NULL DEFAULT 0,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contact_group_ws_name ON contact_group (workspace_id, lower(name));

CREATE TABLE group_contact (
    workspace_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL REFERENCES contact_group(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, contact_id)
);
CREATE INDEX group_contact_contact ON group_contact (contact_id);

CREATE TABLE job (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    uuid UUID NOT NULL UNIQUE,
    kind VARCHAR(32) NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    params JSONB NOT NULL DEFAULT '{}',
    created_by_id BIGINT REFERENCES member(id) ON DELETE SET NULL,
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    changed_count BIGINT NOT NULL DEFAULT 0,
    skipped_count BIGINT NOT NULL DEFAULT 0,
    errors JSONB NOT NULL DEFAULT '[]',
    checkpoint BIGINT NOT NULL DEFAULT 0,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_on TIMESTAMPTZ,
    finished_on TIMESTAMPTZ,
    heartbeat_on TIMESTAMPTZ
);
CREATE INDEX job_ws_created ON job (workspace_id, created_on DESC, id DESC);
CREATE INDEX job_pending ON job (created_on) WHERE status IN ('queued', 'running');

CREATE TABLE job_target (
    job_id BIGINT NOT NULL REFERENCES job(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL,
    PRIMARY KEY (job_id, contact_id)
);

CREATE TABLE contact_event (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL,
    contact_uuid UUID NOT NULL,
    kind VARCHAR(32) NOT NULL,
    data JSONB NOT NULL DEFAULT '{}',
    actor_kind VARCHAR(8) NOT NULL CHECK (actor_kind IN ('member', 'job', 'import', 'system')),
    member_id BIGINT REFERENCES member(id) ON DELETE SET NULL,
    job_id BIGINT REFERENCES job(id) ON DELETE SET NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX contact_event_contact ON contact_event (workspace_id, contact_id, id DESC);
"""

DROP = """
DROP TABLE IF EXISTS contact_event, job_target, job, group_contact, contact_group, contact_field,
    contact_flag, flag, contact_urn, contact, api_token, member, workspace CASCADE;
"""


class Migration(migrations.Migration):
    initial = True
    operations = [ops.RunSQL(SCHEMA, reverse_sql=DROP)]
