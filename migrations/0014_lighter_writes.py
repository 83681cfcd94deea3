from tortoise import migrations
from tortoise.migrations import operations as ops

# Every contact write pays for each index and each foreign-key check (a check is a query:
# about 3-5 µs a row on this hardware, more than a B-tree insert). This migration removes
# what did not earn its cost:
#
# - contact_name_trgm: `name ~` conditions read the trigram index of the search text (name,
#   company and state), which holds every trigram of the name, and recheck the name.
# - contact_urn checks its contact and its workspace with one composite key, which also
#   keeps an address in its contact's workspace.
# - contact_search is kept by triggers on contact and by nothing else, so its rows cannot
#   point at a missing contact: a statement trigger removes them with their contacts
#   instead of a per-row foreign-key check on every insert.
# - contact_event keeps the member and job it names as plain ids, and contact its creator
#   the same way: attribution written by the service from its caller, which outlives both.
# - A bulk writer that already holds each new contact's readings (imports) sets
#   `contacts.search_rows` to `supplied` for its insert and writes the search rows itself:
#   an import's staged rows carry them (`import_row.readings`), read by the field types
#   recorded in `contact_import.reading_types` (field id -> type).
SQL = """
ALTER TABLE import_row ADD COLUMN readings JSONB;
ALTER TABLE contact_import ADD COLUMN reading_types JSONB;

DROP INDEX contact_name_trgm;

CREATE UNIQUE INDEX contact_ws_id_key ON contact (workspace_id, id);
DROP INDEX contact_ws_id;
-- Both key columns, so a contact's deletion finds its addresses by this index alone (with
-- contact_id only, the cascade's generic plan also read the workspace's trigram entries).
CREATE INDEX contact_urn_contact_ws ON contact_urn (contact_id, workspace_id);
DROP INDEX contact_urn_contact;
ALTER TABLE contact_urn
    DROP CONSTRAINT contact_urn_contact_id_fkey,
    DROP CONSTRAINT contact_urn_workspace_id_fkey,
    ADD CONSTRAINT contact_urn_contact_fkey FOREIGN KEY (workspace_id, contact_id)
        REFERENCES contact (workspace_id, id) ON DELETE CASCADE;

ALTER TABLE contact_search DROP CONSTRAINT contact_search_contact_id_fkey;

CREATE FUNCTION contact_search_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM contact_search s USING removed_contacts o WHERE s.contact_id = o.id;
    RETURN NULL;
END $$;

CREATE TRIGGER contact_search_remove AFTER DELETE ON contact
    REFERENCING OLD TABLE AS removed_contacts
    FOR EACH STATEMENT EXECUTE FUNCTION contact_search_remove();

CREATE FUNCTION contact_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE contact_search;
    RETURN NULL;
END $$;

CREATE TRIGGER contact_search_truncate AFTER TRUNCATE ON contact
    FOR EACH STATEMENT EXECUTE FUNCTION contact_search_truncate();

ALTER TABLE contact_event
    DROP CONSTRAINT contact_event_member_id_fkey,
    DROP CONSTRAINT contact_event_job_id_fkey;
ALTER TABLE contact DROP CONSTRAINT contact_created_by_id_fkey;

CREATE OR REPLACE FUNCTION contact_search_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('contacts.search_rows', true) = 'supplied' THEN
        RETURN NULL;
    END IF;
    INSERT INTO contact_search (contact_id, workspace_id, status, readings)
    SELECT n.id, n.workspace_id, n.status, contact_search_readings(n.workspace_id, n.fields)
    FROM added_contacts n;
    RETURN NULL;
END $$;
"""

REVERSE_SQL = """
ALTER TABLE contact_import DROP COLUMN reading_types;
ALTER TABLE import_row DROP COLUMN readings;

CREATE OR REPLACE FUNCTION contact_search_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contact_search (contact_id, workspace_id, status, readings)
    SELECT n.id, n.workspace_id, n.status, contact_search_readings(n.workspace_id, n.fields)
    FROM added_contacts n;
    RETURN NULL;
END $$;

ALTER TABLE contact ADD CONSTRAINT contact_created_by_id_fkey FOREIGN KEY (created_by_id)
    REFERENCES member (id) ON DELETE SET NULL;
ALTER TABLE contact_event
    ADD CONSTRAINT contact_event_member_id_fkey FOREIGN KEY (member_id)
        REFERENCES member (id) ON DELETE SET NULL,
    ADD CONSTRAINT contact_event_job_id_fkey FOREIGN KEY (job_id)
        REFERENCES job (id) ON DELETE SET NULL;

DROP TRIGGER contact_search_truncate ON contact;
DROP FUNCTION contact_search_truncate();
DROP TRIGGER contact_search_remove ON contact;
DROP FUNCTION contact_search_remove();
DELETE FROM contact_search s WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = s.contact_id);
ALTER TABLE contact_search ADD CONSTRAINT contact_search_contact_id_fkey FOREIGN KEY (contact_id)
    REFERENCES contact (id) ON DELETE CASCADE;

ALTER TABLE contact_urn
    DROP CONSTRAINT contact_urn_contact_fkey,
    ADD CONSTRAINT contact_urn_contact_id_fkey FOREIGN KEY (contact_id)
        REFERENCES contact (id) ON DELETE CASCADE,
    ADD CONSTRAINT contact_urn_workspace_id_fkey FOREIGN KEY (workspace_id)
        REFERENCES workspace (id) ON DELETE CASCADE;
CREATE INDEX contact_urn_contact ON contact_urn (contact_id, priority);
DROP INDEX contact_urn_contact_ws;
CREATE INDEX contact_ws_id ON contact (workspace_id, id);
DROP INDEX contact_ws_id_key;

CREATE INDEX contact_name_trgm ON contact USING gin (workspace_id, lower(name) gin_trgm_ops);
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0013_field_readings")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
