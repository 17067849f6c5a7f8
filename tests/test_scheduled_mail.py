"""Scheduled work through the outbox: renewal reminders and the overdue-milestone digest."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxMessage
from tests.factories import (
    ContactFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProjectFactory,
)


def _run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_members_are_reminded_thirty_days_before_their_term_ends_once(
    alliance_a, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    ending = MembershipFactory(alliance=alliance_a, term_end=today + datetime.timedelta(days=30))
    ContactFactory(organization=ending.organization, email="renew@example.cn", is_primary=True)
    ContactFactory(organization=ending.organization, email="other@example.cn")
    later = MembershipFactory(alliance=alliance_a, term_end=today + datetime.timedelta(days=31))
    ContactFactory(organization=later.organization, email="later@example.cn")
    silent = MembershipFactory(alliance=alliance_a, term_end=today + datetime.timedelta(days=30))

    with django_capture_on_commit_callbacks(execute=True):
        output = _run("remind_renewals")
    assert [m.to for m in mail.outbox] == [["renew@example.cn"]]
    assert "Mail queued to 1 address: renew@example.cn." in output
    assert f"{silent.organization.display_name} has no contact with an e-mail address" in output

    with django_capture_on_commit_callbacks(execute=True):
        _run("remind_renewals")  # the same day again: nobody is mailed twice
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.count() == 1


def test_the_weekly_digest_lists_overdue_milestones_to_enterprise_and_pilot_centre(
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    pilot = OrganizationFactory(name="工程中心（测试）", kind="engineering_center")
    project = ProjectFactory(pilot_organization=pilot)
    ContactFactory(organization=project.enterprise, email="ent@example.cn", is_primary=True)
    ContactFactory(organization=pilot, email="pilot@example.cn")
    MilestoneFactory(
        project=project, title="中试装置开车", due_on=today - datetime.timedelta(days=3)
    )
    MilestoneFactory(
        project=project, title="已完成", due_on=today - datetime.timedelta(days=9), done_on=today
    )
    MilestoneFactory(project=ProjectFactory(), due_on=today + datetime.timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        output = _run("mail_overdue_milestones")
    assert sorted(m.to[0] for m in mail.outbox) == ["ent@example.cn", "pilot@example.cn"]
    assert "中试装置开车" in mail.outbox[0].body
    assert "已完成" not in mail.outbox[0].body
    assert "1 project(s) have overdue milestones." in output
    assert set(OutboxMessage.objects.values_list("concerns_id", flat=True)) == {project.pk}
