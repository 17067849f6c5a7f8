from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CanalConfig(AppConfig):
    name = "canal"
    verbose_name = _("The canal")
