"""The error summary at the top of a page: ``{% load errors %}{% error_summary %}``.

It looks through the template context for bound forms and formsets that failed validation
(whatever name the view gave them) and lists their errors, each linking to its field, so
that an error inside a closed section or far down the page is never out of sight.
"""

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.template.loader import render_to_string

register = template.Library()


def _form_errors(form, seen):
    if id(form) in seen or not form.is_bound or not form.errors:
        return []
    seen.add(id(form))
    items = []
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            items.extend({"label": "", "anchor": "", "message": e} for e in errors)
            continue
        field = form[name]
        anchor = field.id_for_label or ""
        items.extend({"label": field.label, "anchor": anchor, "message": e} for e in errors)
    return items


def _errors(value, seen):
    if isinstance(value, forms.BaseForm):
        return _form_errors(value, seen)
    if isinstance(value, BaseFormSet):
        if id(value) in seen or not value.is_bound:
            return []
        seen.add(id(value))
        items = [{"label": "", "anchor": "", "message": e} for e in value.non_form_errors()]
        for form in value.forms:
            items.extend(_form_errors(form, seen))
        return items
    return []


@register.simple_tag(takes_context=True)
def error_summary(context):
    request = context.get("request")
    if request is None or request.method != "POST":
        return ""  # a list's invalid filters are not a failed submission
    seen: set[int] = set()
    items = []
    for value in context.flatten().values():
        if isinstance(value, dict):
            for inner in value.values():
                items.extend(_errors(inner, seen))
        else:
            items.extend(_errors(value, seen))
    if not items:
        return ""
    return render_to_string("includes/error_summary.html", {"items": items})
