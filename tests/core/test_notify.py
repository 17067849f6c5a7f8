"""Attachments travel with the outbox: kept with each message, sent with every attempt."""

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutboxAttachment, OutboxMessage, OutboxStatus
from core.notify import Party, notify_on_commit
from core.tasks import send_outbox_message

pytestmark = pytest.mark.django_db

NOTICE = ("notice.pdf", b"%PDF-1.7 test", "application/pdf")


class RefusingMailer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server refused the connection")


def test_each_message_carries_the_attachments(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mailing = notify_on_commit(
            subject="缴款通知",
            body="见附件",
            to=[Party.of("甲", ["a@example.cn", "b@example.cn"])],
            attachments=[NOTICE],
        )
    assert mailing.queued == ["a@example.cn", "b@example.cn"]
    assert OutboxAttachment.objects.count() == 2  # one per message
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.cn", "b@example.cn"]
    for message in mail.outbox:
        assert message.attachments == [NOTICE]
        assert b"notice.pdf" in message.message().as_bytes()


def test_a_message_without_attachments_goes_bare(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(subject="通知", body="正文", to=[Party.of("乙", ["c@example.cn"])])
    [message] = mail.outbox
    assert message.attachments == []
    assert not OutboxAttachment.objects.exists()


def test_a_retry_sends_the_same_attachment(settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "tests.core.test_notify.RefusingMailer"}}
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(
            subject="s", body="b", to=[Party.of("丙", ["d@example.cn"])], attachments=[NOTICE]
        )
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert send_outbox_message.call(message.pk) == OutboxStatus.SENT
    [sent] = mail.outbox
    assert sent.attachments == [NOTICE]
