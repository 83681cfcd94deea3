from tortoise import migrations
from tortoise.migrations import operations as ops

# A workspace's largest import, in rows after the header (services/imports/limits.py): a file
# with more fails as soon as its reading passes it, before more rows are staged.
SQL = """
ALTER TABLE workspace ADD COLUMN max_import_rows INTEGER NOT NULL DEFAULT 2000000
    CHECK (max_import_rows > 0);
"""

REVERSE_SQL = "ALTER TABLE workspace DROP COLUMN max_import_rows;"


class Migration(migrations.Migration):
    dependencies = [("contacts", "0019_import_error_tally")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
