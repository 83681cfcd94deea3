from tortoise import migrations
from tortoise.migrations import operations as ops

# The worker's sweep looks for fields left with stale readings (a re-read job that failed)
# every few seconds; the few such fields are found without reading every field definition.
SQL = "CREATE INDEX contact_field_readings_stale ON contact_field (id) WHERE readings_stale;"

REVERSE_SQL = "DROP INDEX contact_field_readings_stale;"


class Migration(migrations.Migration):
    dependencies = [("contacts", "0014_lighter_writes")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
