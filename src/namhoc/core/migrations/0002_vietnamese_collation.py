from django.db import migrations


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE COLLATION IF NOT EXISTS vi (provider = icu, locale = 'vi-VN')"
        )


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS vi")


class Migration(migrations.Migration):
    """The ``vi`` collation for Vietnamese alphabetical order (core.collation.collate_vi).
    On SQLite it is registered per connection instead (CoreConfig.ready)."""

    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_collation, drop_collation)]
