"""Names in the reader's language: ``{% load names %}`` then ``{{ organization|display_name }}``.

A record with an English name (``name_en``) shows it to English readers; every other
reader, and every record without one, sees the Chinese ``name``. Anything without a
``name`` is shown as it is.
"""

from django import template
from django.utils.translation import get_language

register = template.Library()


def in_language(name: str, name_en: str = "", language: str | None = None) -> str:
    """``name_en`` for an English reader when there is one, else ``name``."""
    language = language or get_language() or ""
    if name_en and language.startswith("en"):
        return name_en
    return name


@register.filter
def display_name(value):
    if value is None or value == "":
        return ""
    name = getattr(value, "name", None)
    if name is None:
        return value
    return in_language(name, getattr(value, "name_en", "") or "")
