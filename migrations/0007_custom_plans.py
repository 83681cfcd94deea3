from tortoise import migrations
from tortoise.migrations import operations as ops

# Every statement goes through a prepared statement (asyncpg). After five runs PostgreSQL may
# switch to a generic plan that ignores the parameters; for contact queries whose selectivity
# depends entirely on them (field terms, name words) that turned an 18 ms first page into
# 2.3 s. Planning each time costs about a millisecond.
SQL = """
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan',
                   current_database());
END $$;
"""

REVERSE_SQL = """
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I RESET plan_cache_mode', current_database());
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0006_field_terms_column")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
