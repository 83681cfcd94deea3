from tortoise import migrations
from tortoise.migrations import operations as ops

# An import keeps its error rows counted by code and column (services/imports/staging.py,
# ERROR_TALLY), written when the preview is ready and again when a commit found late errors.
# Imports previewed before get theirs from the error rows they still hold.
SQL = """
ALTER TABLE contact_import ADD COLUMN error_tally JSONB NOT NULL DEFAULT '[]';
UPDATE contact_import i SET error_tally = (
    SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'column', label, 'rows', n)
                              ORDER BY n DESC, code, label NULLS FIRST), '[]')
    FROM (SELECT e ->> 'code' AS code, e ->> 'column' AS label,
              count(DISTINCT r.row_number) AS n
          FROM import_row r CROSS JOIN LATERAL jsonb_array_elements(r.errors) AS x(e)
          WHERE r.import_id = i.id AND r.action = 'error'
          GROUP BY 1, 2) AS tally)
WHERE EXISTS (SELECT 1 FROM import_row r WHERE r.import_id = i.id AND r.action = 'error');
"""

REVERSE_SQL = "ALTER TABLE contact_import DROP COLUMN error_tally;"


class Migration(migrations.Migration):
    dependencies = [("contacts", "0018_row_error_codes")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
