"""A changelist guard for the admin: query strings the database would choke on are refused.

Django's changelist passes the query string to the database as filters; PostgreSQL refuses
a NUL byte in text and a malformed array literal when the page is rendered, and a date
hierarchy year beyond any calendar overflows in Python: each was a 500. The guard checks the
filters first and raises ``IncorrectLookupParameters``, which Django answers with its usual
redirect to ``?e=1`` (the export turns it into a 400, see ``core.admin``).
"""

from __future__ import annotations

import ipaddress

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _

# The lookups whose value is one of the field's own values (a list of them for ``in``).
VALUE_LOOKUPS = {"exact", "iexact", "in", "gt", "gte", "lt", "lte"}
# Fields whose values a query string cannot spell safely: PostgreSQL parses them itself.
UNFILTERABLE = {"ArrayField", "JSONField", "SearchVectorField"}


class ChangeListGuard:
    """Mixed into a changelist: refuses query strings the database would choke on.

    PostgreSQL refuses NUL bytes in text, so ``?status=%00`` failed when the page was
    rendered; a value the field cannot hold (a malformed date, a word for an array) failed
    the same way, and a date hierarchy year beyond any calendar overflowed. A value outside
    a field's choices, or outside a ``SimpleListFilter``'s lookups, cannot match anything and
    is refused as well. Raising ``IncorrectLookupParameters`` gives Django's usual answer (a
    redirect to ``?e=1``).
    """

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        for key, values in lookup_params.items():
            values = values if isinstance(values, list | tuple) else [values]
            if "\x00" in key or any("\x00" in str(value) for value in values):
                raise IncorrectLookupParameters(_("A filter contains a NUL character."))
            self._check_values(key, [str(value) for value in values])
        return lookup_params

    def _check_values(self, key: str, values: list[str]) -> None:
        parts = key.split("__")
        for cut in range(len(parts), 0, -1):  # the longest prefix that names a field
            try:
                field = get_fields_from_path(self.model, "__".join(parts[:cut]))[-1]
            except (FieldDoesNotExist, NotRelationField):
                continue
            lookups = parts[cut:]
            break
        else:
            return  # not a field: Django decides (a wrong lookup is refused there)
        if not hasattr(field, "to_python"):
            return  # a reverse relation: Django checks the path
        if field.get_internal_type() in UNFILTERABLE:
            raise IncorrectLookupParameters(_("This field cannot be filtered on."))
        lookup = lookups[0] if lookups else "exact"
        if len(lookups) > 1 or lookup not in VALUE_LOOKUPS:
            return  # __isnull, __year...: the value is not one of the field's
        allowed = None
        if getattr(field, "choices", None):
            allowed = {str(value).lower() for value, _label in field.flatchoices}
            if field.blank:
                allowed.add("")
        for value in values:
            for item in value.split(",") if lookup == "in" else [value]:
                try:
                    # The validators too: an IP address field checks only there.
                    field.run_validators(field.to_python(item))
                    valid = allowed is None or item.lower() in allowed
                except (ValidationError, ValueError, TypeError, OverflowError):
                    valid = False
                if not valid:
                    raise IncorrectLookupParameters(
                        _("This value is not valid for %(field)s.") % {"field": field.verbose_name}
                    )

    def get_filters(self, request):
        try:
            result = super().get_filters(request)
        except OverflowError as error:  # a date hierarchy's year 10**20
            raise IncorrectLookupParameters(error) from error
        for spec in result[0]:
            if isinstance(spec, admin.SimpleListFilter) and spec.value() is not None:
                choices = {str(value) for value, _label in spec.lookup_choices}
                if str(spec.value()) not in choices:
                    raise IncorrectLookupParameters(
                        _("This value is not valid for %(field)s.") % {"field": spec.title}
                    )
        return result


_GUARDED: dict[type, type] = {}


def guarded(changelist_class):
    """``changelist_class`` with the ``ChangeListGuard`` (one class per base)."""
    if issubclass(changelist_class, ChangeListGuard):
        return changelist_class
    if changelist_class not in _GUARDED:
        _GUARDED[changelist_class] = type(
            f"Guarded{changelist_class.__name__}", (ChangeListGuard, changelist_class), {}
        )
    return _GUARDED[changelist_class]


class GuardedChangeListMixin:
    """A ``ModelAdmin`` whose changelist (and export) goes through ``ChangeListGuard``."""

    def get_changelist(self, request, **kwargs):
        return guarded(super().get_changelist(request, **kwargs))

    def get_search_fields(self, request):
        """The search fields that can hold the search term: an IP address field is searched
        only for an address (PostgreSQL refuses ``inet`` text that is none, a 500). The
        term is the changelist's ``q`` or the autocomplete's ``term``."""
        fields = super().get_search_fields(request)
        term = (request.GET.get("q") or request.GET.get("term") or "").strip()
        return [name for name in fields if _searchable(self.model, name, term)]

    def get_search_results(self, request, queryset, search_term):
        """The changelist's search and the autocomplete of the related fields both come
        here: a search holding a NUL character (which PostgreSQL text cannot hold, a 500)
        is refused with a 400 naming it."""
        if "\x00" in search_term:
            raise BadRequest(_("The search contains a NUL character: remove it."))
        return super().get_search_results(request, queryset, search_term)


def _searchable(model, name: str, term: str) -> bool:
    path = name.lstrip("^=@").split("__")
    for cut in range(len(path), 0, -1):
        try:
            field = get_fields_from_path(model, "__".join(path[:cut]))[-1]
        except (FieldDoesNotExist, NotRelationField):
            continue
        if field.get_internal_type() != "GenericIPAddressField":
            return True
        try:
            ipaddress.ip_address(term)
        except ValueError:
            return False
        return True
    return True


def guard_registered_admins(site) -> None:
    """Gives the guard to the admins registered so far that lack it: Django's users and
    groups and the API's tokens, whose apps come before ours in INSTALLED_APPS."""
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, GuardedChangeListMixin):
            admin_class = type(model_admin)
            site.unregister(model)
            site.register(
                model,
                type(f"Guarded{admin_class.__name__}", (GuardedChangeListMixin, admin_class), {}),
            )
