"""Notifications go once the transaction commits, with or without attachments, and a
failing mail server never fails the request."""

import logging

import pytest
from django.core import mail

from core.notify import notify_on_commit

pytestmark = pytest.mark.django_db


def test_a_plain_notification_goes_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_on_commit(subject="通知", body="正文", recipients=["a@example.cn", ""])
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert (message.subject, message.body, message.to) == ("通知", "正文", ["a@example.cn"])
    assert message.attachments == []


def test_attachments_travel_with_the_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(
            subject="缴款通知",
            body="见附件",
            recipients=["a@example.cn"],
            attachments=[("notice.pdf", b"%PDF-1.7 test", "application/pdf")],
        )
    [message] = mail.outbox
    assert message.attachments == [("notice.pdf", b"%PDF-1.7 test", "application/pdf")]
    assert b"notice.pdf" in message.message().as_bytes()


def test_nobody_to_mail_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_on_commit(subject="x", body="y", recipients=["", ""])
    assert callbacks == [] and mail.outbox == []


def test_a_failing_mail_server_is_logged_not_raised(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with (
        caplog.at_level(logging.ERROR, logger="core.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify_on_commit(subject="x", body="y", recipients=["a@example.cn"])
    assert "could not send" in caplog.text
