from tortoise import migrations
from tortoise.migrations import operations as ops

# Stored files are deleted once kept long enough (services/exports/retention.py,
# services/imports/retention.py); the row keeps when, so a later download can say the file
# expired. The worker's clean-up finds the rows still holding a file through these partial
# indexes, which hold only the few recent rows.
SQL = """
ALTER TABLE contact_export ADD COLUMN expired_on TIMESTAMPTZ;
ALTER TABLE contact_import ADD COLUMN file_expired_on TIMESTAMPTZ;
CREATE INDEX contact_export_file_kept ON contact_export (created_on) WHERE expired_on IS NULL;
CREATE INDEX contact_import_file_kept ON contact_import (created_on)
    WHERE file_expired_on IS NULL;
"""

REVERSE_SQL = """
DROP INDEX contact_import_file_kept;
DROP INDEX contact_export_file_kept;
ALTER TABLE contact_import DROP COLUMN file_expired_on;
ALTER TABLE contact_export DROP COLUMN expired_on;
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0015_stale_fields_index")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
