"""Column headers that sort a list, and the result count: ``{% load lists %}``.

``{% sort_header "name" _("Organisation") %}`` renders a ``<th>`` whose link toggles
``?ordering=name`` / ``?ordering=-name``, keeps the other query parameters (not the page)
and announces the current order with ``aria-sort``; the list's view passes ``sorting``.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key, label):
    request = context["request"]
    sorting = context.get("sorting")
    active = sorting is not None and sorting.key == key
    descending = active and sorting.descending
    query = request.GET.copy()
    query.pop("page", None)
    query["ordering"] = key if descending or not active else f"-{key}"
    if active:
        aria = "descending" if descending else "ascending"
        arrow = "↓" if descending else "↑"
        hint = _("sorted descending") if descending else _("sorted ascending")
    else:
        aria, arrow, hint = "none", "", _("sort")
    return format_html(
        '<th aria-sort="{}"><a class="sort" href="?{}" title="{}">{}<span aria-hidden="true">'
        " {}</span></a></th>",
        aria,
        query.urlencode(),
        hint,
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied (a value of None drops the key)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()
