"""Attachments travel with the outbox: kept with each message, sent with every attempt."""

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import get_language, override

from core.models import OutboxAttachment, OutboxMessage, OutboxStatus
from core.notify import Party, Printed, notify_on_commit, register_renderer
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


def test_a_printed_attachment_is_printed_by_the_worker_in_the_deciding_language(
    django_capture_on_commit_callbacks,
):
    printed = []

    def render(key):
        printed.append((key, get_language()))
        return (f"doc-{key}.bin", f"{key} {get_language()}".encode(), "application/octet-stream")

    register_renderer("tests.doc", render)
    with override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(
            subject="s",
            body="b",
            to=[Party.of("丁", ["e@example.cn"])],
            attachments=[Printed("tests.doc", 42)],
        )
    assert printed == [(42, "zh-hans")]
    [message] = mail.outbox
    assert message.attachments == [("doc-42.bin", b"42 zh-hans", "application/octet-stream")]
    attachment = OutboxAttachment.objects.get()
    assert (attachment.filename, bytes(attachment.content)) == ("doc-42.bin", b"42 zh-hans")
