"""SQL the rules rely on: pg_trgm (fuzzy names) and a NIK birth-date decoder."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Same reading as villages.nik: day + 40 for women; a two-digit year takes the
# latest century that does not put the birth date after `ref`; NULL when impossible.
NIK_BIRTH_DATE = """
CREATE OR REPLACE FUNCTION nik_birth_date(nik text, ref date) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    d int; m int; y int;
BEGIN
    IF nik !~ '^[0-9]{16}$' THEN RETURN NULL; END IF;
    d := substr(nik, 7, 2)::int; m := substr(nik, 9, 2)::int; y := substr(nik, 11, 2)::int;
    IF d > 40 THEN d := d - 40; END IF;
    BEGIN
        IF make_date(2000 + y, m, d) <= ref THEN RETURN make_date(2000 + y, m, d); END IF;
    EXCEPTION WHEN others THEN
        NULL;  -- 29 February exists in one century and not the other
    END;
    RETURN make_date(1900 + y, m, d);
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(NIK_BIRTH_DATE, reverse_sql="DROP FUNCTION IF EXISTS nik_birth_date(text, date);"),
    ]
