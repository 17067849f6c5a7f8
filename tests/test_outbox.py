"""The outbox: mail decided in the request, sent in the background, reported truly.

Mail servers that refuse and that hang show that requests stay fast, that the state change
happens once, and that the pages say exactly who was (and was not) mailed.
"""

import datetime
import socket
import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import OutboxMessage, OutboxStatus
from core.notify import Party, notify_on_commit
from core.tasks import backoff, send_outbox_message
from funds.models import CapitalCall, CapitalCallAllocation
from members import roles
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    FundFactory,
    OrganizationFactory,
    UserFactory,
)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TODAY = datetime.date.today()


class RefusingMailer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server refused the connection")


@pytest.fixture
def hanging_smtp():
    """A server on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def hanging_mailer(settings, hanging_smtp):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": hanging_smtp, "timeout": 0.5},
        }
    }


@pytest.fixture
def fund_with_partners():
    """A fund with three partners: two with a liaison address, one with none."""
    manager = UserFactory(username="mgr_outbox", groups=[roles.FUND_MANAGER])
    fund = FundFactory(name="基金O", team=[manager])
    named = []
    for index, name in enumerate(["国科控股（测试）", "山东引导基金（测试）"]):
        partner = OrganizationFactory(name=name)
        CommitmentFactory(fund=fund, limited_partner=partner, amount=Decimal("1000000.00"))
        ContactFactory(organization=partner, email=f"lp{index}@example.cn", is_primary=True)
        named.append(partner)
    # No English name: every reader reads it as entered (an English name would be read by
    # the English readers of the page and the API).
    silent = OrganizationFactory(name="成都有机化学有限公司", name_en="")
    CommitmentFactory(fund=fund, limited_partner=silent, amount=Decimal("1000000.00"))
    ContactFactory(organization=silent, email="")
    return fund, manager


def _issue_call(client, fund):
    return client.post(
        reverse("funds:call_create", args=[fund.pk]),
        {
            "amount": "300.00",
            "call_date": TODAY.isoformat(),
            "due_date": TODAY.isoformat(),
            "idempotency_key": "call-key-1",
        },
        follow=True,
    )


def test_the_page_names_who_was_mailed_and_who_could_not_be_reached(
    client, fund_with_partners, django_capture_on_commit_callbacks
):
    fund, manager = fund_with_partners
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _issue_call(client, fund)
    text = response.content.decode()
    assert "Mail queued to 2 addresses: lp0@example.cn, lp1@example.cn." in text
    assert "成都有机化学有限公司 has no contact with an e-mail address — add one." in text
    assert "notified" not in text
    assert sorted(m.to[0] for m in mail.outbox) == ["lp0@example.cn", "lp1@example.cn"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_nothing_is_said_to_be_queued_when_nobody_has_an_address(
    client, alliance_a, secretariat_a, org_a, django_capture_on_commit_callbacks
):
    from projects.models import Achievement
    from tests.factories import member_achievement

    secretariat_a.email = ""
    secretariat_a.save()
    submitter = UserFactory(username="inst_noaddr", email="", groups=[roles.INSTITUTE_SUBMITTER])
    ContactFactory(organization=org_a, user=submitter)
    achievement = member_achievement(org_a, alliance_a, created_by=submitter)
    client.force_login(submitter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:achievement_edit", args=[achievement.pk]),
            _achievement_post(achievement),
            follow=True,
        )
    achievement = Achievement.objects.get(pk=achievement.pk)
    text = response.content.decode()
    assert achievement.status == "submitted", text
    assert "Mail queued" not in text
    assert "has no login with an e-mail address" in text
    assert not OutboxMessage.objects.exists()


def _achievement_post(achievement):
    """The edit form as a browser sends it back: the rows it showed (marked for deletion),
    and one inventor holding the whole share."""
    inventors = list(achievement.inventors.all())
    ip_items = list(achievement.ip_items.all())
    data = {
        "title": achievement.title,
        "alliance": achievement.alliance_id,
        "field": achievement.field,
        "summary": achievement.summary or "摘要",
        "trl": achievement.trl or 5,
        "trl_justification": achievement.trl_justification or "中试完成",
        "cooperation": achievement.cooperation or "transfer",
        "inventors-TOTAL_FORMS": str(len(inventors) + 1),
        "inventors-INITIAL_FORMS": str(len(inventors)),
        f"inventors-{len(inventors)}-name": "张三",
        f"inventors-{len(inventors)}-share": "100",
        "ip-TOTAL_FORMS": str(len(ip_items)),
        "ip-INITIAL_FORMS": str(len(ip_items)),
        "submit": "1",
    }
    for index, inventor in enumerate(inventors):
        data |= {
            f"inventors-{index}-id": inventor.pk,
            f"inventors-{index}-name": inventor.name,
            f"inventors-{index}-share": inventor.share,
            f"inventors-{index}-DELETE": "on",
        }
    for index, item in enumerate(ip_items):
        data |= {
            f"ip-{index}-id": item.pk,
            f"ip-{index}-number": item.number,
            f"ip-{index}-title": item.title,
            f"ip-{index}-jurisdiction": item.jurisdiction,
            f"ip-{index}-legal_status": item.legal_status,
            f"ip-{index}-DELETE": "on",
        }
    return data


def test_a_hanging_mail_server_never_slows_a_request_and_the_call_is_issued_once(
    client, settings, hanging_mailer, fund_with_partners, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    fund, manager = fund_with_partners
    client.force_login(manager)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = _issue_call(client, fund)
    assert time.monotonic() - started < 2, "the request waited for the mail server"
    assert response.status_code == 200
    assert CapitalCall.objects.filter(fund=fund).count() == 1
    assert CapitalCallAllocation.objects.filter(call__fund=fund).count() == 3
    messages = list(OutboxMessage.objects.order_by("recipient"))
    assert [m.status for m in messages] == [OutboxStatus.QUEUED] * 2
    assert DBTaskResult.objects.count() == 2  # one sending task per message, none run yet

    # The worker's turn: the send times out, is recorded and scheduled again.
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_outbox_message.call(messages[0].pk) == OutboxStatus.QUEUED
    messages[0].refresh_from_db()
    assert messages[0].attempts == 1
    assert "timed out" in messages[0].last_error
    assert messages[0].next_attempt_at >= before + backoff(1)
    retry = DBTaskResult.objects.get(run_after__gt=before, run_after__lt=before + backoff(2))
    assert retry.args_kwargs["args"] == [messages[0].pk]
    assert CapitalCall.objects.filter(fund=fund).count() == 1


def test_a_refusing_mail_server_is_retried_then_marked_failed(
    settings, fund_with_partners, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_outbox.RefusingMailer"}}
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        mailing = notify_on_commit(
            subject="测试", body="正文", to=[Party.of("测试单位", ["a@example.cn"])]
        )
    assert mailing.queued == ["a@example.cn"]
    message = OutboxMessage.objects.get()
    for attempt in (2, 3):
        assert message.status == OutboxStatus.QUEUED
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        send_outbox_message.call(message.pk)
        message.refresh_from_db()
        assert message.attempts == attempt
    assert message.status == OutboxStatus.FAILED
    assert "refused" in message.last_error
    assert send_outbox_message.call(message.pk) == OutboxStatus.FAILED  # no fourth try
    message.refresh_from_db()
    assert message.attempts == 3


def test_a_message_not_yet_due_is_left_for_its_time(django_capture_on_commit_callbacks):
    message = OutboxMessage.objects.create(
        recipient="b@example.cn",
        subject="s",
        body="b",
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert send_outbox_message.call(message.pk) == OutboxStatus.QUEUED
    message.refresh_from_db()
    assert message.attempts == 0
    assert not mail.outbox


def test_without_a_mail_server_mail_is_kept_as_not_configured_and_said_so(
    settings, client, fund_with_partners, django_capture_on_commit_callbacks
):
    settings.ALLIANCE_MAIL_CONFIGURED = False
    settings.TASKS = DB_TASKS
    fund, manager = fund_with_partners
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _issue_call(client, fund)
    text = response.content.decode()
    assert "E-mail is not configured on this server" in text
    assert "Mail queued" not in text
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {
        OutboxStatus.NOT_CONFIGURED
    }
    assert not DBTaskResult.objects.exists()


def test_a_rolled_back_change_leaves_no_mail(django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_on_commit(subject="s", body="b", to=[Party.of("X", ["x@example.cn"])])
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert not mail.outbox


# --- The outbox page -----------------------------------------------------------------------


@pytest.fixture
def failed_call_message(fund_with_partners, settings, django_capture_on_commit_callbacks):
    from funds import services

    settings.MAILERS = {"default": {"BACKEND": "tests.test_outbox.RefusingMailer"}}
    settings.OUTBOX_MAX_ATTEMPTS = 1
    fund, manager = fund_with_partners
    with django_capture_on_commit_callbacks(execute=True):
        services.capital_call_create(
            fund=fund, actor=manager, amount=Decimal("30.00"), call_date=TODAY, due_date=TODAY
        )
    return OutboxMessage.objects.filter(status=OutboxStatus.FAILED).first(), manager


def test_the_fund_team_sees_its_funds_mail_and_sends_it_again(
    client, settings, failed_call_message, django_capture_on_commit_callbacks
):
    message, manager = failed_call_message
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    listing = client.get(reverse("admin:core_outboxmessage_changelist"))
    assert listing.status_code == 200
    assert message.recipient in listing.content.decode()

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_outboxmessage_changelist"),
            {"action": "send_again", "_selected_action": [message.pk]},
            follow=True,
        )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [[message.recipient]]


def test_others_do_not_see_a_funds_mail(client, failed_call_message, secretariat_a):
    message, _ = failed_call_message
    outsider = UserFactory(username="mgr_other", groups=[roles.FUND_MANAGER], is_staff=True)
    assert not OutboxMessage.objects.visible_to(outsider).exists()
    assert not OutboxMessage.objects.visible_to(secretariat_a).exists()
    client.force_login(secretariat_a)
    listing = client.get(reverse("admin:core_outboxmessage_changelist"))
    assert message.recipient not in listing.content.decode()
    analyst = UserFactory(username="analyst_o", groups=[roles.HOLDING_ANALYST])
    assert OutboxMessage.objects.visible_to(analyst).filter(pk=message.pk).exists()


def test_the_secretariat_sees_the_mail_about_its_applications(
    alliance_a, secretariat_a, secretariat_b, django_capture_on_commit_callbacks
):
    from members import services
    from tests.factories import MembershipApplicationFactory

    application = MembershipApplicationFactory(alliance=alliance_a, contact_email="x@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=application, actor=secretariat_a, reason="否")
    assert OutboxMessage.objects.visible_to(secretariat_a).get().recipient == "x@example.cn"
    assert not OutboxMessage.objects.visible_to(secretariat_b).exists()


def test_the_sweep_enqueues_messages_whose_task_was_lost(settings):
    from django.core.management import call_command

    settings.TASKS = DB_TASKS
    lost = OutboxMessage.objects.create(
        recipient="c@example.cn",
        subject="s",
        body="b",
        next_attempt_at=timezone.now() - datetime.timedelta(hours=1),
    )
    OutboxMessage.objects.create(recipient="d@example.cn", subject="s", body="b")
    call_command("send_outbox")
    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.all()] == [[lost.pk]]


def test_the_api_says_who_was_mailed_and_who_could_not_be_reached(
    api, fund_with_partners, django_capture_on_commit_callbacks
):
    fund, manager = fund_with_partners
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(manager).post(
            "/api/v1/capital-calls/",
            {
                "fund": fund.pk,
                "amount": "300.00",
                "call_date": TODAY.isoformat(),
                "due_date": TODAY.isoformat(),
            },
        )
    assert response.status_code == 201, response.data
    mailing = response.data["mailing"]
    assert sorted(mailing["queued"]) == ["lp0@example.cn", "lp1@example.cn"]
    assert [party["name"] for party in mailing["unreachable"]] == ["成都有机化学有限公司"]
    assert mailing["unreachable"][0]["reason"]
    # A plain read is no write: nothing was mailed by it.
    assert api.get(f"/api/v1/capital-calls/{response.data['id']}/").data["mailing"] is None
