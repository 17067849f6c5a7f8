"""Abstract bases shared by the apps."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def _label(self, value: str) -> str:
        if not value or self.status_choices is None:
            return value
        try:
            return str(self.status_choices(value).label)
        except ValueError:
            return value

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
