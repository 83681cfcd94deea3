from tortoise import migrations
from tortoise.migrations import operations as ops

# A snapshot's frozen contacts are deleted once kept long enough (services/audiences.py);
# the row keeps when, so a later read says the snapshot expired. The worker's clean-up finds
# the snapshots still holding contacts through the partial index.
SQL = """
ALTER TABLE audience_snapshot ADD COLUMN expired_on TIMESTAMPTZ;
CREATE INDEX audience_snapshot_kept ON audience_snapshot (created_on) WHERE expired_on IS NULL;
"""

REVERSE_SQL = """
DROP INDEX audience_snapshot_kept;
ALTER TABLE audience_snapshot DROP COLUMN expired_on;
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0016_file_retention")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
