"""Collations sorting text as each reader reads it: ``reader_zh`` in pinyin order (ICU's
Chinese), ``reader_en`` with Latin letters first (ICU's root order). A PostgreSQL built
without ICU (the embedded one) gets both as copies of "C", code point order, so that every
query naming them still runs."""

from django.db import DatabaseError, migrations, transaction

COLLATIONS = {"reader_zh": "zh-u-co-pinyin", "reader_en": "und"}


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, locale in COLLATIONS.items():
            try:
                with transaction.atomic(using=schema_editor.connection.alias):
                    cursor.execute(
                        f"CREATE COLLATION IF NOT EXISTS {name} (provider = icu, locale = %s)",
                        [locale],
                    )
            except DatabaseError:
                cursor.execute(f'CREATE COLLATION IF NOT EXISTS {name} FROM "C"')


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in COLLATIONS:
            cursor.execute(f"DROP COLLATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_export_jobs")]

    operations = [migrations.RunPython(create, drop)]
