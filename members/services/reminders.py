"""Whom to mail for an organisation, and the reminders of terms ending soon."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import OutboxMessage
from core.notify import Party, notify_on_commit
from members.models import (
    Membership,
    Organization,
)


def liaison(organization: Organization) -> Party:
    """An organisation to mail: its primary liaison's address, else every contact's."""
    contacts = list(organization.contacts.exclude(email=""))
    primary = [c.email for c in contacts if c.is_primary]
    return Party.of(
        organization,
        primary or [c.email for c in contacts],
        missing=_("has no contact with an e-mail address — add one."),
    )


def mailed_today(obj, *, today: datetime.date) -> bool:
    """Whether the outbox already holds a message about ``obj`` from ``today`` (so that a
    scheduled job run twice on one day mails once)."""
    return OutboxMessage.objects.filter(
        concerns_type=ContentType.objects.get_for_model(obj),
        concerns_id=obj.pk,
        created__date=today,
    ).exists()


@transaction.atomic
def memberships_remind_renewal(*, today: datetime.date, days: int = 30) -> list[tuple]:
    """Mail each member whose term ends in exactly ``days`` days; answers (membership,
    mailing) for each. Run daily: every term gets its reminder once."""
    sent = []
    due = (
        Membership.objects.current()
        .filter(term_end=today + datetime.timedelta(days=days))
        .select_related("alliance", "organization")
    )
    for membership in due:
        if mailed_today(membership, today=today):
            continue
        mailing = notify_on_commit(
            subject=_("Your membership of %(alliance)s ends on %(date)s")
            % {"alliance": membership.alliance, "date": membership.term_end.isoformat()},
            body=_(
                "The membership of %(organization)s in %(alliance)s ends on %(date)s. "
                "Please contact the alliance's secretariat to renew it.\n"
            )
            % {
                "organization": membership.organization,
                "alliance": membership.alliance,
                "date": membership.term_end.isoformat(),
            },
            to=[liaison(membership.organization)],
            concerns=membership,
        )
        sent.append((membership, mailing))
    return sent
