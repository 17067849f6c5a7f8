import secrets

from django.db import migrations, models

import members.models.contacts


def give_each_application_a_token(apps, schema_editor):
    Application = apps.get_model("members", "MembershipApplication")
    for application in Application.objects.filter(status_token=""):
        application.status_token = secrets.token_urlsafe(24)
        application.save(update_fields=["status_token"])
    Historical = apps.get_model("members", "HistoricalMembershipApplication")
    tokens = dict(Application.objects.values_list("pk", "status_token"))
    for row in Historical.objects.filter(status_token=""):
        row.status_token = tokens.get(row.id, "")
        row.save(update_fields=["status_token"])


class Migration(migrations.Migration):
    dependencies = [("members", "0002_labels")]

    operations = [
        migrations.AddField(
            model_name="membershipapplication",
            name="status_token",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalmembershipapplication",
            name="status_token",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_application_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membershipapplication",
            name="status_token",
            field=models.CharField(
                default=members.models.contacts.new_status_token,
                editable=False,
                help_text="The private key in the applicant's status link.",
                max_length=64,
                unique=True,
                verbose_name="status link key",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmembershipapplication",
            name="status_token",
            field=models.CharField(
                db_index=True,
                default=members.models.contacts.new_status_token,
                editable=False,
                help_text="The private key in the applicant's status link.",
                max_length=64,
                verbose_name="status link key",
            ),
        ),
    ]
