"""The database cache table that holds the rate limits' counters (see CACHES in settings).

With REDIS_URL (or DJANGO_CACHE_URL) set the cache lives elsewhere and createcachetable has
nothing to do; it never touches an existing table.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_outbox_and_idempotency")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
