"""System checks of the ground (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.mail, deploy=True)
def check_mail_configured(app_configs=None, **kwargs):
    """Production without ``EMAIL_URL`` would mail nobody: say so before it goes live."""
    if settings.DEBUG or getattr(settings, "ALLIANCE_MAIL_CONFIGURED", True):
        return []
    return [
        Warning(
            "EMAIL_URL is not set: no e-mail will be sent; the outbox keeps every message as "
            "'not configured'.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.cn:587.",
            id="core.W001",
        )
    ]
