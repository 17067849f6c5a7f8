from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Field(models.TextChoices):
    POLYMER = "advanced_polymer", _("Advanced polymer materials")
    SPECIAL_CHEMICALS = "special_chemicals", _("Special chemicals")
    ELECTRONIC_CHEMICALS = "electronic_chemicals", _("Electronic chemicals")
    BIOLOGICAL = "biological_materials", _("Biological materials")
    CATALYSIS = "catalysis_process", _("Catalysis and process")
    OTHER = "other", _("Other")


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", pgettext_lazy("achievement", "Rejected")


# The owner may change an achievement only in these states.
EDITABLE_STATUSES = (AchievementStatus.DRAFT, AchievementStatus.RETURNED)


class Cooperation(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    EQUITY = "equity", _("Equity investment")


class LegalStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    PUBLISHED = "published", _("Published")
    GRANTED = "granted", _("Granted")
    LAPSED = "lapsed", _("Lapsed")
    EXPIRED = "expired", _("Expired")


class Jurisdiction(models.TextChoices):
    CN = "CN", _("China")
    US = "US", _("United States")
    EP = "EP", _("European Patent Office")
    WO = "WO", _("PCT (WIPO)")
    JP = "JP", _("Japan")
    KR = "KR", _("Korea")
    DE = "DE", _("Germany")
    OTHER = "other", _("Other")


# Technology readiness levels of GB/T 22900-2022, shortened.
TRL_LABELS = {
    1: _("1 · Basic principles observed"),
    2: _("2 · Technology concept formulated"),
    3: _("3 · Proof of concept in the laboratory"),
    4: _("4 · Key functions validated in the laboratory"),
    5: _("5 · Validated in a relevant environment"),
    6: _("6 · Pilot-scale demonstration"),
    7: _("7 · Demonstrated in an operational environment"),
    8: _("8 · Industrial production qualified"),
    9: _("9 · Proven in industrial production"),
}
TRL_CHOICES = list(TRL_LABELS.items())


class ProjectStage(models.TextChoices):
    PILOT = "pilot", _("Pilot scale-up")
    INDUSTRIALIZATION = "industrialization", _("Industrialization")
    MARKET = "market", _("On the market")
    COMPLETED = "completed", _("Completed")
    ON_HOLD = "on_hold", _("On hold")
    TERMINATED = "terminated", _("Terminated")


# The forward path; on_hold and terminated may be reached from any stage on it.
STAGE_PATH = (
    ProjectStage.PILOT,
    ProjectStage.INDUSTRIALIZATION,
    ProjectStage.MARKET,
    ProjectStage.COMPLETED,
)
ACTIVE_STAGES = (ProjectStage.PILOT, ProjectStage.INDUSTRIALIZATION, ProjectStage.MARKET)
# Stages that need a reason.
REASONED_STAGES = (ProjectStage.ON_HOLD, ProjectStage.TERMINATED)


def legal_moves(stage: str, resume_stage: str = "") -> tuple[str, ...]:
    """The stages a project in ``stage`` may move to."""
    if stage in ACTIVE_STAGES:
        following = STAGE_PATH[STAGE_PATH.index(stage) + 1]
        return (following, ProjectStage.ON_HOLD, ProjectStage.TERMINATED)
    if stage == ProjectStage.ON_HOLD:
        return tuple(s for s in (resume_stage, ProjectStage.TERMINATED) if s)
    return ()


class CapacityUnit(models.TextChoices):
    TONNES = "t/a", _("tonnes a year")
    UNITS = "units/a", _("units a year")
    SQUARE_METRES = "m2/a", _("square metres a year")
