"""The catalogue's version token, rewritten by triggers on its tables (issue 15).

The catalogue snapshot used to digest every row of the five tables on every request (0.44 ms of
PostgreSQL on ~85 % of a deadline rush's requests, its costliest statement). A token that the
database itself rewrites whenever any of those tables changes says the same — in the writing
transaction, for any writer — for the price of reading one row.

PostgreSQL: one statement-level trigger per table (insert, update, delete, truncate). SQLite has
row-level triggers only (and no truncate). The table names are written here, not read from the
models: a migration stays what it was when written.
"""

from django.db import migrations, models

TABLES = (
    "indicators_period",
    "indicators_dataset",
    "indicators_datasetelement",
    "indicators_dataelement",
    "indicators_validationrule",
)
VERSION = "indicators_catalogueversion"
FUNCTION = "indicators_catalogue_changed"

PG_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {VERSION} (id, token)
  VALUES (1, md5(random()::text || clock_timestamp()::text || txid_current()::text))
  ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
  RETURN NULL;
END $$
"""
SQLITE_TOKEN = "lower(hex(randomblob(16)))"


def _trigger_names(table: str) -> list[str]:
    return [f"{table}_catalogue_{op}" for op in ("insert", "update", "delete")]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_catalogue AFTER INSERT OR UPDATE OR DELETE OR "
                    f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
            cursor.execute(
                f"INSERT INTO {VERSION} (id, token) VALUES (1, md5(random()::text || "
                "clock_timestamp()::text))"
            )
        else:
            for table in TABLES:
                for name, op in zip(_trigger_names(table), ("INSERT", "UPDATE", "DELETE")):
                    cursor.execute(
                        f"CREATE TRIGGER {name} AFTER {op} ON {table} BEGIN "
                        f"INSERT OR REPLACE INTO {VERSION} (id, token) VALUES (1, {SQLITE_TOKEN}); "
                        "END"
                    )
            cursor.execute(f"INSERT INTO {VERSION} (id, token) VALUES (1, {SQLITE_TOKEN})")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_catalogue ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        else:
            for table in TABLES:
                for name in _trigger_names(table):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_aggregate_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("token", models.CharField(max_length=64, verbose_name="phiên bản danh mục")),
            ],
            options={
                "verbose_name": "phiên bản danh mục số liệu",
                "verbose_name_plural": "phiên bản danh mục số liệu",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="catalogueversion_single_row"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
