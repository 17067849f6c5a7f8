"""E-mail through the outbox: decided in the request, sent in the background, told truly.

A service says whom to mail as ``Party`` rows (a name and the addresses found for it).
``notify_on_commit`` writes one ``OutboxMessage`` per address in the service's transaction
and enqueues its sending once that transaction commits, so a change is mailed exactly when
it is kept and no request ever waits for a mail server. It answers a ``Mailing``: the
addresses queued and the parties nobody could reach, with why, for the page to say.

Who sees which messages: each app registers, for its models, the rows a user may follow
(``register_audience``); ``OutboxMessage.objects.visible_to(user)`` unites them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import OutboxAttachment, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# (file name, content, MIME type), e.g. ("call-notice-F1-01-7.pdf", b"%PDF-…", "application/pdf")
Attachment = tuple[str, bytes, str]


@dataclass(frozen=True)
class Printed:
    """An attachment the worker prints when it sends the message, not the request:
    ``renderer`` is a name an app registered with ``register_renderer``, ``key`` what it
    prints (a row's id)."""

    renderer: str
    key: int


_renderers: dict[str, Callable[[int], Attachment]] = {}


def register_renderer(name: str, render: Callable[[int], Attachment]) -> None:
    """``render(key)`` answers the attachment ``Printed(name, key)`` stands for."""
    _renderers[name] = render


def print_attachment(attachment) -> Attachment:
    """Print an ``OutboxAttachment`` by its renderer, in the language it was decided in."""
    with translation.override(attachment.language or None):
        return _renderers[attachment.renderer](attachment.key)


@dataclass(frozen=True)
class Party:
    """Someone to mail: ``name`` for the page, the ``addresses`` found for them, and what
    to say when there are none (``missing``, e.g. "has no contact with an e-mail address")."""

    name: str
    addresses: tuple[str, ...] = ()
    missing: str = ""

    @classmethod
    def of(cls, name, addresses, missing: str = "") -> Party:
        found = tuple(dict.fromkeys(a.strip() for a in addresses if a and a.strip()))
        return cls(name=str(name), addresses=found, missing=missing)


@dataclass
class Mailing:
    """What became of a notification: the addresses queued, the parties left unreached."""

    queued: list[str] = field(default_factory=list)
    unreachable: list[Party] = field(default_factory=list)
    configured: bool = True

    def __add__(self, other: Mailing) -> Mailing:
        return Mailing(
            queued=[*self.queued, *(a for a in other.queued if a not in self.queued)],
            unreachable=[*self.unreachable, *other.unreachable],
            configured=self.configured and other.configured,
        )

    def as_dict(self) -> dict:
        return {
            "queued": list(self.queued),
            "unreachable": [
                {"name": party.name, "reason": unreached_reason(party)}
                for party in self.unreachable
            ],
            "mail_configured": self.configured,
        }

    def lines(self) -> list[str]:
        """Sentences for the page: exactly what was queued and who was not reached."""
        lines = []
        if self.queued and self.configured:
            lines.append(
                ngettext(
                    "Mail queued to %(count)d address: %(addresses)s.",
                    "Mail queued to %(count)d addresses: %(addresses)s.",
                    len(self.queued),
                )
                % {"count": len(self.queued), "addresses": ", ".join(self.queued)}
            )
        elif self.queued:
            lines.append(
                _(
                    "E-mail is not configured on this server: the mail to %(addresses)s is "
                    "kept in the outbox, not sent."
                )
                % {"addresses": ", ".join(self.queued)}
            )
        lines.extend(f"{party.name} {unreached_reason(party)}" for party in self.unreachable)
        if not lines:
            lines.append(_("Nobody was mailed."))
        return lines

    def tell(self, request) -> None:
        """Put the sentences on the next page: a warning for whatever did not go out."""
        lines = self.lines()
        for index, line in enumerate(lines):
            sent = index == 0 and self.queued and self.configured
            messages.add_message(request, messages.INFO if sent else messages.WARNING, line)

    def summary(self) -> str:
        return " ".join(self.lines())

    @property
    def complete(self) -> bool:
        """Every party was reached and the mail will go out."""
        return self.configured and not self.unreachable and bool(self.queued)


def unreached_reason(party: Party) -> str:
    return party.missing or _("has no e-mail address — add one.")


def mail_configured() -> bool:
    return getattr(settings, "ALLIANCE_MAIL_CONFIGURED", True)


def not_configured_reason() -> str:
    return _("E-mail is not configured on this server (EMAIL_URL is not set).")


def notify_on_commit(
    *,
    subject: str,
    body: str,
    to: list[Party],
    concerns=None,
    attachments: list[Attachment | Printed] | None = None,
) -> Mailing:
    """Queue one message per address of ``to`` about ``concerns`` (any saved model row),
    each with ``attachments`` if any: files as ``(file name, bytes, MIME type)``, or
    ``Printed`` ones that the worker prints before it sends.

    Call it inside the service's transaction: the messages are saved with the change and
    their sending is enqueued when it commits. Without a configured mailer they are kept
    as "not configured" and nothing is enqueued.
    """
    mailing = Mailing(configured=mail_configured())
    concern_fields = {}
    if concerns is not None:
        concern_fields = {
            "concerns_type": ContentType.objects.get_for_model(concerns),
            "concerns_id": concerns.pk,
            "concerns_label": Truncator(str(concerns)).chars(255),
        }
    status = OutboxStatus.QUEUED if mailing.configured else OutboxStatus.NOT_CONFIGURED
    error = "" if mailing.configured else not_configured_reason()
    rows = []
    for party in to:
        if not party.addresses:
            mailing.unreachable.append(party)
            continue
        for address in party.addresses:
            if address in mailing.queued:
                continue
            mailing.queued.append(address)
            rows.append(
                OutboxMessage(
                    recipient=address,
                    subject=Truncator(subject).chars(255),
                    body=body,
                    status=status,
                    last_error=error,
                    **concern_fields,
                )
            )
    OutboxMessage.objects.bulk_create(rows)
    OutboxAttachment.objects.bulk_create(
        _attachment(row, attachment) for row in rows for attachment in attachments or ()
    )
    if mailing.configured:
        for message in rows:
            enqueue_on_commit(message.pk)
    return mailing


def _attachment(message: OutboxMessage, attachment: Attachment | Printed) -> OutboxAttachment:
    if isinstance(attachment, Printed):
        return OutboxAttachment(
            message=message,
            renderer=attachment.renderer,
            key=attachment.key,
            language=translation.get_language() or "",
        )
    name, content, mimetype = attachment
    return OutboxAttachment(message=message, filename=name, content=content, mimetype=mimetype)


def enqueue_on_commit(message_id: int) -> None:
    """Enqueue the sending once the transaction commits. A failure to enqueue leaves the
    message queued for ``manage.py send_outbox`` and never fails the request."""
    from core.tasks import send_outbox_message  # core.tasks imports this module

    def enqueue():
        try:
            send_outbox_message.enqueue(message_id)
        except Exception:  # noqa: BLE001 - the sweep sends it later
            logger.exception("could not enqueue outbox message %s", message_id)

    transaction.on_commit(enqueue)


# --- Who may follow which messages -------------------------------------------------------

Audience = Callable[[object], models.QuerySet]
_audiences: dict[type[models.Model], Audience] = {}


def register_audience(model: type[models.Model], rows_followed_by: Audience) -> None:
    """Messages about ``model`` rows are visible to a user when the row is among
    ``rows_followed_by(user)`` (a queryset of ``model``)."""
    _audiences[model] = rows_followed_by


def audience_filter(user) -> models.Q:
    condition = models.Q(pk__in=[])
    for model, rows_followed_by in _audiences.items():
        condition |= models.Q(
            concerns_type=ContentType.objects.get_for_model(model),
            concerns_id__in=rows_followed_by(user).values("pk"),
        )
    return condition
