from tortoise import migrations
from tortoise.migrations import operations as ops

# Indexes for the contact query language (query/sql_*.py builds the matching conditions).
#
# contact_name_prefixes: every prefix of 2..8 characters of every lowercase name word, so
# `name ~ "will smi"` is one GIN lookup: prefixes @> '{will,smi}'. Words are split on
# whitespace and ASCII punctuation, exactly as query/words.py does.
#
# contact_field_terms: one entry per custom field value, keyed by the field's uuid:
# `<uuid>:text` and `<uuid>:number` say a value of that type is present, `<uuid>:text=<value>`
# holds the text lowercased and trimmed (first 100 characters), `<uuid>:number=<n>` the
# number without trailing zeros, as query/sql_fields.py writes them.
SQL = r"""
CREATE FUNCTION contact_name_prefixes(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ARRAY(
    SELECT DISTINCT left(word, size)
    FROM regexp_split_to_table(lower(name), '[ \t\n\r\f\v!-/:-@\[-`{-~]+') AS word,
        generate_series(2, least(length(word), 8)) AS size
);

CREATE FUNCTION contact_field_terms(fields jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ARRAY(
    SELECT entry.key || ':' || term.kind || coalesce('=' || term.value, '')
    FROM jsonb_each(fields) AS entry
    CROSS JOIN LATERAL (
        SELECT 'text', NULL WHERE entry.value ? 'text'
        UNION ALL
        SELECT 'text', left(lower(btrim(entry.value ->> 'text')), 100)
        WHERE jsonb_typeof(entry.value -> 'text') = 'string'
        UNION ALL
        SELECT 'number', NULL WHERE entry.value ? 'number'
        UNION ALL
        SELECT 'number', trim_scale((entry.value ->> 'number')::numeric)::text
        WHERE jsonb_typeof(entry.value -> 'number') = 'number'
        UNION ALL
        SELECT 'datetime', NULL WHERE entry.value ? 'datetime'
    ) AS term (kind, value)
    WHERE jsonb_typeof(entry.value) = 'object'
);

CREATE INDEX contact_name_prefixes ON contact USING gin (workspace_id, contact_name_prefixes(name));
CREATE INDEX contact_field_terms ON contact USING gin (workspace_id, contact_field_terms(fields));
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS contact_field_terms;
DROP INDEX IF EXISTS contact_name_prefixes;
DROP FUNCTION IF EXISTS contact_field_terms(jsonb);
DROP FUNCTION IF EXISTS contact_name_prefixes(text);
"""


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]
    operations = [ops.RunSQL(SQL, reverse_sql=REVERSE_SQL)]
