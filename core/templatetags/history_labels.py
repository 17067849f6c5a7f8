"""Labels for the admin's change history: ``{% load history_labels %}``.

``{% field_label record "status" %}`` gives the field's verbose name and
``{% value_label record "status" "active" %}`` the value as people read it: a choice by its
label, a boolean as yes/no, an empty value as —.
"""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

register = template.Library()


def _field(record, name):
    model = getattr(record, "instance_type", None) or type(record)
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


@register.simple_tag
def field_label(record, name):
    field = _field(record, name)
    return str(field.verbose_name) if field is not None else name


@register.simple_tag
def value_label(record, name, value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    field = _field(record, name)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return value
