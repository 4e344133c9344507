"""The refresh analyzes the summary tables it rewrites so the planner sizes its aggregates and the
page's index lookups right; a small sample (300 x 10 rows) tells their sizes and spread well
enough, and the figures' JSON documents, which no query filters on, get no statistics at all."""

from django.db import migrations

COLUMNS = {
    "dashboard_figure": ["snapshot_id", "level", "area_code", "parent_code"],
    "dashboard_basecount": ["area_code", "metric", "key", "value"],
    "dashboard_areacount": ["level", "area_code", "metric", "key", "value"],
}


def statements(target: int, data_target: int) -> list[str]:
    sql = [
        f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {column} SET STATISTICS {target}" for column in columns)
        for table, columns in COLUMNS.items()
    ]
    sql.append(f"ALTER TABLE dashboard_figure ALTER COLUMN data SET STATISTICS {data_target}")
    return sql


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0002_incremental_tallies")]

    operations = [migrations.RunSQL(statements(10, 0), reverse_sql=statements(-1, -1))]
