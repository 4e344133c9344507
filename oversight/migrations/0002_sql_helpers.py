"""SQL the rules rely on: pg_trgm (fuzzy names) and a NIK birth-date decoder."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Same reading as villages.nik: day + 40 for women; a two-digit year takes the
# latest century that does not put the birth date after `ref`; NULL when impossible.
# No exception handler: in plpgsql an EXCEPTION block opens a subtransaction on every
# call, which over a million workers costs more than the rest of the scan.
NIK_BIRTH_DATE = """
CREATE OR REPLACE FUNCTION nik_days_in_month(y int, m int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN m = 2 THEN CASE WHEN y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0) THEN 29 ELSE 28 END
                WHEN m IN (4, 6, 9, 11) THEN 30 ELSE 31 END
$$;
CREATE OR REPLACE FUNCTION nik_birth_date(nik text, ref date) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    d int; m int; y int;
BEGIN
    IF nik !~ '^[0-9]{16}$' THEN RETURN NULL; END IF;
    d := substr(nik, 7, 2)::int; m := substr(nik, 9, 2)::int; y := substr(nik, 11, 2)::int;
    IF d > 40 THEN d := d - 40; END IF;
    IF m < 1 OR m > 12 OR d < 1 THEN RETURN NULL; END IF;
    IF d <= nik_days_in_month(2000 + y, m) AND make_date(2000 + y, m, d) <= ref THEN
        RETURN make_date(2000 + y, m, d);
    END IF;
    IF d <= nik_days_in_month(1900 + y, m) THEN RETURN make_date(1900 + y, m, d); END IF;
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(
            NIK_BIRTH_DATE,
            reverse_sql="DROP FUNCTION IF EXISTS nik_birth_date(text, date); "
            "DROP FUNCTION IF EXISTS nik_days_in_month(int, int);",
        ),
    ]
