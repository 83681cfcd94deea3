from tortoise import migrations
from tortoise.migrations import operations as ops

# JIT compilation added about 100 ms to mid-size contact queries and saved nothing on the
# short, index-driven statements this service runs; new sessions start without it.
SQL = """
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END $$;
"""

REVERSE_SQL = """
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_audiences")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
