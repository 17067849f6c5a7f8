"""The canal, stored: each achievement's hop dates, and day histograms per group.

``AchievementHops`` is the one truth of the canal (see ``core.canal`` and ``docs/canal.md``):
the date each hop was first reached. The services write it through ``projects.hops.mark``;
the database (migration ``0007_canal_hops``) fills in the rest in the same transaction:

* a BEFORE trigger copies the achievement's alliance, owner (with the owner's chain of
  parent organisations), field, and computes the cohort year and each hop's days;
* an AFTER trigger keeps ``CanalCell`` (day histograms) and ``CanalYearCell`` (hops reached
  per calendar year) up to date for every combination of filters, so that the dashboard
  reads a few hundred rows at any scale and still gives exact medians and percentiles.

The cells are derived data: no foreign keys, and 0 / '' stand for "all" in a filter column.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from projects.models.achievements import Achievement


class AchievementHops(models.Model):
    """The date each hop of the canal was first reached by one achievement."""

    achievement = models.OneToOneField(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="hops",
    )
    # Copied from the achievement by the database, for the filters.
    alliance_id = models.BigIntegerField(_("alliance"), editable=False)
    organization_id = models.BigIntegerField(_("owner"), editable=False)
    ancestors = ArrayField(
        models.BigIntegerField(),
        verbose_name=_("owner and its parent organisations"),
        default=list,
        editable=False,
    )
    field = models.CharField(_("field"), max_length=32, editable=False)
    cohort = models.PositiveSmallIntegerField(_("year of submission"), null=True, editable=False)

    submitted = models.DateField(_("submitted"), null=True, blank=True)
    accepted = models.DateField(_("accepted"), null=True, blank=True)
    pilot = models.DateField(_("pilot scale-up"), null=True, blank=True)
    industrialization = models.DateField(_("industrialization"), null=True, blank=True)
    market = models.DateField(_("on the market"), null=True, blank=True)
    deal = models.DateField(_("in the fund's deal flow"), null=True, blank=True)
    invested = models.DateField(_("invested"), null=True, blank=True)
    exited = models.DateField(_("exited"), null=True, blank=True)

    # Days since the latest earlier hop reached on or before it (computed by the database).
    accepted_days = models.IntegerField(null=True, editable=False)
    pilot_days = models.IntegerField(null=True, editable=False)
    industrialization_days = models.IntegerField(null=True, editable=False)
    market_days = models.IntegerField(null=True, editable=False)
    deal_days = models.IntegerField(null=True, editable=False)
    invested_days = models.IntegerField(null=True, editable=False)
    exited_days = models.IntegerField(null=True, editable=False)

    class Meta:
        ordering = ["-achievement_id"]
        verbose_name = _("canal hops of an achievement")
        verbose_name_plural = _("canal hops of achievements")
        indexes = [
            models.Index(fields=["alliance_id", "field"], name="projects_hops_alliance"),
            models.Index(fields=["organization_id"], name="projects_hops_organization"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(accepted__isnull=True) | Q(pilot__isnull=True) | Q(pilot__gte=F("accepted"))
                )
                & (
                    Q(accepted__isnull=True)
                    | Q(industrialization__isnull=True)
                    | Q(industrialization__gte=F("accepted"))
                )
                & (
                    Q(accepted__isnull=True) | Q(market__isnull=True) | Q(market__gte=F("accepted"))
                ),
                name="projects_achievementhops_no_project_before_acceptance",
                violation_error_message=_(
                    "A project cannot start before its achievement was accepted."
                ),
            ),
            models.CheckConstraint(
                condition=Q(invested__isnull=True)
                | Q(exited__isnull=True)
                | Q(exited__gte=F("invested")),
                name="projects_achievementhops_no_exit_before_investment",
                violation_error_message=_("An exit cannot precede the investment."),
            ),
        ]

    def __str__(self):
        return f"{self.achievement_id}"


class CanalCell(models.Model):
    """How many achievements of a group reached a hop after so many days.

    A group is one value or "all" (0, '') in each filter: alliance, organisation (the owner
    or any of its parents), field, cohort year. ``days`` is -1 when no earlier hop was
    reached; ``prior`` says whether the previous hop of the canal was reached (conversion).
    """

    alliance_id = models.BigIntegerField()
    organization_id = models.BigIntegerField()
    field = models.CharField(max_length=32)
    cohort = models.SmallIntegerField()
    hop = models.SmallIntegerField()
    days = models.IntegerField()
    prior = models.BooleanField()
    count = models.IntegerField()

    class Meta:
        ordering = ["hop", "days"]
        verbose_name = _("canal histogram cell")
        verbose_name_plural = _("canal histogram cells")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "alliance_id",
                    "organization_id",
                    "field",
                    "cohort",
                    "hop",
                    "days",
                    "prior",
                ],
                name="projects_canalcell_key",
                # The dashboard reads a group's cells by index only.
                include=["count"],
            )
        ]

    def __str__(self):
        return f"{self.hop}: {self.days} d × {self.count}"


class CanalYearCell(models.Model):
    """How many achievements of a group reached a hop in a calendar year (the timeline)."""

    alliance_id = models.BigIntegerField()
    organization_id = models.BigIntegerField()
    field = models.CharField(max_length=32)
    cohort = models.SmallIntegerField()
    hop = models.SmallIntegerField()
    year = models.SmallIntegerField()
    count = models.IntegerField()

    class Meta:
        ordering = ["year", "hop"]
        verbose_name = _("canal timeline cell")
        verbose_name_plural = _("canal timeline cells")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance_id", "organization_id", "field", "cohort", "hop", "year"],
                name="projects_canalyearcell_key",
                include=["count"],
            )
        ]

    def __str__(self):
        return f"{self.year} {self.hop}: {self.count}"
