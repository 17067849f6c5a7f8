"""The sessions open in Django's table, carried over with their user's key: nobody is
logged out by the move to members_session."""

from django.db import migrations


def carry_over(apps, schema_editor):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    connection = schema_editor.connection
    if "django_session" not in connection.introspection.table_names():
        return
    Session = apps.get_model("members", "Session")
    store = SessionStore()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_key, session_data, expire_date FROM django_session"
            " WHERE expire_date > %s",
            [timezone.now()],
        )
        rows = cursor.fetchall()
    carried = []
    for key, data, expires in rows:
        try:
            user_id = int(store.decode(data).get(SESSION_KEY))
        except (TypeError, ValueError):
            user_id = None
        carried.append(
            Session(session_key=key, session_data=data, expire_date=expires, user_id=user_id)
        )
    Session.objects.bulk_create(carried, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_session_with_user"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
