"""Each allocation paid so far becomes one dated payment; exited deals reach ``exited``.

Before, an allocation kept only a running total (``paid_amount``) and the date of its last
payment (``paid_on``): the payment is dated then (the call's due date when no date was
kept). A deal whose every investment is exited moves from ``invested`` to ``exited``, with
an event dated at its last exit.
"""

import datetime

from django.db import migrations
from django.utils import timezone


def payments(apps, schema_editor):
    Allocation = apps.get_model("funds", "CapitalCallAllocation")
    Payment = apps.get_model("funds", "Payment")
    Payment.objects.bulk_create(
        Payment(
            allocation=allocation,
            amount=allocation.paid_amount,
            paid_on=allocation.paid_on or allocation.call.due_date,
            reference="",
        )
        for allocation in Allocation.objects.filter(paid_amount__gt=0).select_related("call")
    )


def no_payments(apps, schema_editor):
    apps.get_model("funds", "Payment").objects.all().delete()


def exited_deals(apps, schema_editor):
    Deal = apps.get_model("funds", "Deal")
    DealEvent = apps.get_model("funds", "DealEvent")
    Exit = apps.get_model("funds", "Exit")
    for deal in Deal.objects.filter(stage="invested"):
        investments = deal.investments.all()
        exits = list(Exit.objects.filter(investment__deal=deal))
        if not exits or len(exits) < investments.count():
            continue
        last = max(exit_.exited_on for exit_ in exits)
        at = timezone.make_aware(datetime.datetime.combine(last, datetime.time(12)))
        deal.stage = "exited"
        deal.stage_changed_at = at
        deal.save(update_fields=["stage", "stage_changed_at"])
        DealEvent.objects.create(deal=deal, from_status="invested", to_status="exited", at=at)


def invested_again(apps, schema_editor):
    apps.get_model("funds", "DealEvent").objects.filter(to_status="exited").delete()
    apps.get_model("funds", "Deal").objects.filter(stage="exited").update(stage="invested")


class Migration(migrations.Migration):
    dependencies = [("funds", "0007_payments_and_sane_dates")]

    operations = [
        migrations.RunPython(payments, no_payments),
        migrations.RunPython(exited_deals, invested_again),
    ]
