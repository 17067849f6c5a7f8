"""The API's FilterSet backend: only the filters a request uses are built.

django-filter builds, for every request, a deep copy of every filter of the FilterSet, its
form class and a form field for each (with the querysets of the choice filters), even when
the request filters by nothing. Filters left out of the query string filter nothing, so
``FilterBackend`` skips the FilterSet when the request names none of its filters and
otherwise builds a FilterSet holding only those it names (a subclass made once per set of
names). The answer, the validation errors included, is the full FilterSet's; the
browsable API's form and the schema still show every filter.
"""

from __future__ import annotations

from functools import lru_cache

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend


def used_filters(filterset_class, query_params) -> tuple[str, ...]:
    """The names of the filters ``query_params`` names (a range filter reads
    ``<name>_min`` / ``<name>_max``: the suffixes of its widget)."""
    keys = set(query_params)
    return tuple(
        name
        for name, declared in filterset_class.base_filters.items()
        if name in keys or any(f"{name}_{suffix}" in keys for suffix in _suffixes(declared))
    )


def _suffixes(declared) -> list[str]:
    widget = declared.extra.get("widget") or declared.field_class.widget
    return [suffix for suffix in getattr(widget, "suffixes", ()) if suffix]


@lru_cache(maxsize=512)
def narrowed(filterset_class, names: tuple[str, ...]):
    """A subclass of ``filterset_class`` holding only the filters ``names``."""
    subclass = type(filterset_class.__name__, (filterset_class,), {"__module__": __name__})
    # The metaclass recomputed every filter for the subclass: keep the named ones.
    subclass.base_filters = {name: filterset_class.base_filters[name] for name in names}
    return subclass


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = used_filters(filterset_class, request.query_params)
        if not names:
            return queryset
        filterset = narrowed(filterset_class, names)(
            **self.get_filterset_kwargs(request, queryset, view)
        )
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs
