"""Abstract bases shared by the apps, and the ground's own tables: the outbox of e-mail and
the idempotency keys of writes a client may repeat."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.labels import code_label
from core.roles import reads_everything


class TimeStampedModel(models.Model):
    """Every row knows when it was created and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class StatusChange(models.Model):
    """One recorded transition of a status: from, to, who, when and why.

    The canal's "time in each hop" is computed from these rows, so they are never edited.
    """

    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    # The TextChoices of the status, for the labels (set by each concrete model).
    status_choices = None
    # Other columns holding codes, with their TextChoices (a membership's roles, say).
    code_choices: dict = {}

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @classmethod
    def choices_for(cls, name: str):
        """The TextChoices whose codes the column ``name`` stores, or None."""
        if name in ("from_status", "to_status"):
            return cls.status_choices
        return cls.code_choices.get(name)

    def _label(self, value: str) -> str:
        if not value or self.status_choices is None:
            return value
        return code_label(value, self.status_choices.choices)

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)

    @property
    def transition_label(self) -> str:
        """ "Pilot → Industrialization" by the statuses' names (— for the first entry)."""
        return f"{self.from_label or '—'} → {self.to_label}"


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    NOT_CONFIGURED = "not_configured", _("not configured")


class OutboxMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Superusers and analysts see every message; the secretariat and the fund teams see
        those about the records the apps put in their audience (``core.notify``)."""
        from core.notify import audience_filter  # core.notify imports these models

        if not user.is_authenticated:
            return self.none()
        if reads_everything(user):
            return self
        return self.filter(audience_filter(user))

    def due(self):
        """Queued messages whose next attempt has come."""
        return self.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=timezone.now())


class OutboxMessage(TimeStampedModel):
    """One e-mail to one address, kept from the moment it is decided until it is sent.

    It is written in the transaction of the change it reports, so it exists exactly when
    the change does; a background task sends it (``core.tasks.send_outbox_message``).
    """

    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What the message is about: any record of any app (the ground knows none of them).
    concerns_type = models.ForeignKey(
        ContentType,
        verbose_name=_("concerns (type)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    concerns_id = models.PositiveBigIntegerField(_("concerns (id)"), null=True, blank=True)
    concerns = GenericForeignKey("concerns_type", "concerns_id")
    concerns_label = models.CharField(_("concerns"), max_length=255, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["concerns_type", "concerns_id"], name="core_outbox_concerns_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="core_outbox_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class OutboxAttachment(models.Model):
    """A file sent with an outbox message (a call notice as a PDF, say), kept with it so
    that every attempt, and a "send again", sends the same file.

    A file to print (``renderer`` set) is printed by the worker before the first attempt,
    in the language of the request that decided the mail, and kept: no request waits for it.
    """

    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    mimetype = models.CharField(_("type"), max_length=100, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True)
    renderer = models.CharField(_("printed by"), max_length=100, blank=True)
    key = models.PositiveBigIntegerField(_("prints"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)

    class Meta:
        ordering = ["message", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename or f"{self.renderer}:{self.key}"


class IdempotencyKey(models.Model):
    """A write a client may send twice: the key it chose, what it sent and what it got.

    The same key with the same request answers the stored response and changes nothing.
    """

    key = models.CharField(_("key"), max_length=255)
    # None for an anonymous client (the public join form): its key alone is unique.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    # 0 while the first request runs (its transaction holds the row).
    response_status = models.PositiveSmallIntegerField(_("response status"), default=0)
    response_body = models.JSONField(
        _("response body"), encoder=DjangoJSONEncoder, null=True, blank=True
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=models.Q(user__isnull=False),
                name="%(app_label)s_%(class)s_once_per_user",
                violation_error_message=_("This idempotency key was already used."),
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(user__isnull=True),
                name="%(app_label)s_%(class)s_once_anonymous",
                violation_error_message=_("This idempotency key was already used."),
            ),
        ]

    def __str__(self):
        return self.key


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("in progress")
    DONE = "done", _("ready")
    FAILED = "failed", _("could not be completed")


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job's file and report are for the user who asked for them, and nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)

    def expired(self, now=None):
        return self.filter(expires__lte=now or timezone.now())


class ExportJob(TimeStampedModel):
    """A long export, or an admin import, run by the task worker instead of the request.

    Exports write their file into the default storage, where it stays for a day
    (``EXPORT_EXPIRY_HOURS``) and is served only to its requester. Imports keep the uploaded
    file there until they finish and answer a report: totals and each refused row.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # An export's registered kind (core.exports.register), "admin:<app>.<model>" for an
    # admin export, "import:<app>.<model>" for an admin import.
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(_("format"), max_length=8)
    params = models.JSONField(_("parameters"), encoder=DjangoJSONEncoder, default=dict)
    language = models.CharField(_("language"), max_length=16)
    back_url = models.CharField(_("back to"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ExportJobStatus, default=ExportJobStatus.QUEUED
    )
    rows_done = models.PositiveBigIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveBigIntegerField(_("rows in all"), null=True, blank=True)
    file = models.FileField(_("file"), max_length=500, blank=True)
    report = models.JSONField(_("report"), encoder=DjangoJSONEncoder, null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), db_index=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [
            models.Index(fields=["requested_by", "-created"], name="core_exportjob_user_idx")
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("export_job", args=[self.pk])

    @property
    def is_import(self) -> bool:
        return self.kind.startswith("import:")

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()

    @property
    def percent(self) -> int:
        if self.status == ExportJobStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(100 * self.rows_done / self.rows_total))
