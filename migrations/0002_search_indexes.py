from tortoise import migrations
from tortoise.migrations import operations as ops

# Indexes for the contact query language; query/sql_*.py writes conditions that match them.
#
# contact_name_trgm: `name ~ "will smi"` becomes one regular expression per word,
# lower(name) ~ '(^|<separator>)will', which pg_trgm answers from this index.
#
# contact_field_terms(fields): for each custom field value (keyed by the field's uuid)
# `<uuid>:text`, `<uuid>:number`, `<uuid>:datetime` when that reading is present (not null),
# plus `<uuid>:text=<first 100 characters, trimmed and lowercased>` and
# `<uuid>:number=<the number without trailing zeros>`; query/sql_fields.py writes the same
# terms, and services count field values with the presence terms. PL/pgSQL runs it several
# times faster than an SQL-language body (about 15 µs a row here); its high COST keeps the
# planner from computing it for every row of a scan when the index can answer instead.
SQL = r"""
CREATE FUNCTION contact_field_terms(fields jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
DECLARE
    keys jsonb := jsonb_path_query_array(fields, '$.keyvalue().key', '{}', true);
    key text;
    entry jsonb;
    value text;
    terms text[] := '{}';
BEGIN
    FOR i IN 0 .. jsonb_array_length(keys) - 1 LOOP
        key := keys ->> i;
        entry := fields -> key;
        value := entry ->> 'text';
        IF value IS NOT NULL THEN
            terms := terms
                || ARRAY[key || ':text', key || ':text=' || left(lower(btrim(value)), 100)];
        END IF;
        value := entry ->> 'number';
        IF value IS NOT NULL THEN
            terms := terms || (key || ':number');
            -- Numbers too precise for a JSON float are stored as strings.
            IF jsonb_typeof(entry -> 'number') = 'number'
                OR value ~ '^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$' THEN
                terms := terms || (key || ':number=' || trim_scale(value::numeric)::text);
            END IF;
        END IF;
        IF entry ->> 'datetime' IS NOT NULL THEN
            terms := terms || (key || ':datetime');
        END IF;
    END LOOP;
    RETURN terms;
END
$$;

CREATE INDEX contact_name_trgm ON contact USING gin (workspace_id, lower(name) gin_trgm_ops);
CREATE INDEX contact_field_terms ON contact
    USING gin (workspace_id, contact_field_terms(fields));
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS contact_field_terms;
DROP INDEX IF EXISTS contact_name_trgm;
DROP FUNCTION IF EXISTS contact_field_terms(jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
