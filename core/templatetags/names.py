"""Names in the reader's language: ``{% load names %}`` then ``{{ organization|display_name }}``,
or ``{{ row.company|in_language:row.company_en }}`` for a name and its English version
carried apart (rows of figures computed once for every reader).

A record with an English name (``name_en``) shows it to English readers; every other
reader, and every record without one, sees the Chinese ``name``. Anything without a
``name`` is shown as it is.
"""

from django import template
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

register = template.Library()


def reads_english(language: str | None = None) -> bool:
    """Whether the reader (the active language unless given) is shown English names."""
    return (language or get_language() or "").startswith("en")


def in_language(name: str, name_en: str = "", language: str | None = None) -> str:
    """``name_en`` for an English reader when there is one, else ``name``."""
    if name_en and reads_english(language):
        return name_en
    return name


def named(field_name: str):
    """The same choice made by the database, for lists read as values and exports: for
    English readers ``<field_name>_en`` where it is not empty, else ``field_name``."""
    if not reads_english():
        return F(field_name)
    return Coalesce(NullIf(F(f"{field_name}_en"), Value("")), F(field_name))


@register.filter
def display_name(value):
    if value is None or value == "":
        return ""
    name = getattr(value, "name", None)
    if name is None:
        return value
    return in_language(name, getattr(value, "name_en", "") or "")


@register.filter(name="in_language")
def in_language_filter(name, name_en=""):
    if name is None:
        return ""
    return in_language(name, name_en or "")
