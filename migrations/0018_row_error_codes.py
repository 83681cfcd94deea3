from tortoise import migrations
from tortoise.migrations import operations as ops

# A staged row's errors carry a code beside the message (services/imports/records.py,
# RowErrorCode). Rows staged before, waiting for a confirmation, get theirs from the message
# each kind of error was written with.
SQL = """
UPDATE import_row r SET errors = (
    SELECT jsonb_agg(e || jsonb_build_object('code', CASE
        WHEN e->>'message' LIKE 'missing name%' THEN 'missing_name'
        WHEN e->>'message' LIKE 'holds a NUL character%' THEN 'binary_data'
        WHEN e->>'message' LIKE 'has % cells but the header has % columns' THEN 'extra_cells'
        WHEN e->>'message' LIKE 'repeats row %' THEN 'duplicate_row'
        WHEN e->>'message' LIKE 'no contact in this workspace has the UUID %' THEN 'unknown_uuid'
        WHEN e->>'message' LIKE 'the addresses belong to different contacts: %'
            THEN 'address_conflict'
        WHEN e->>'message' LIKE '% already belongs to another contact%'
          OR e->>'message' LIKE '% was given to another contact after the preview'
            THEN 'address_taken'
        WHEN e->>'message' LIKE 'the contact this row matched was deleted%'
            THEN 'contact_deleted'
        ELSE 'invalid_value' END) ORDER BY n)
    FROM jsonb_array_elements(r.errors) WITH ORDINALITY AS x(e, n))
WHERE r.errors IS NOT NULL
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.errors) AS x(e) WHERE NOT e ? 'code');
"""

REVERSE_SQL = """
UPDATE import_row r SET errors = (
    SELECT jsonb_agg(e - 'code' ORDER BY n)
    FROM jsonb_array_elements(r.errors) WITH ORDINALITY AS x(e, n))
WHERE r.errors IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0017_snapshot_retention")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
