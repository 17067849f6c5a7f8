"""django-filter filters with the portal's rules on query strings (shared by API and pages)."""

import django_filters

from core.forms import DateField, SearchField


class SearchFilter(django_filters.CharFilter):
    """Free text ``?q=``: refuses a NUL character and over-long text with a clear error."""

    field_class = SearchField


class DateFilter(django_filters.DateFilter):
    """A date in the portal's range (1900–2100)."""

    field_class = DateField
