"""The API's pagination: pages by number with a capped count, or keyset pages by cursor.

* ``?page=N&page_size=M`` (M at most 100) answers ``{"count", "count_is_estimate", "next",
  "previous", "results"}``. ``count`` is exact up to 10,000 rows; past that it reads 10,000
  with ``count_is_estimate: true`` ("more than 10,000") instead of counting every row.
* ``?pagination=cursor`` (then the ``cursor`` of the ``next`` / ``previous`` links) answers
  ``{"next", "previous", "results"}``: DRF's keyset pagination, as fast on the millionth row
  as on the first, by the primary key (newest first, or ``?ordering=id``).
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.paging import CappedPaginator

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CURSOR_ORDERING = ("-id",)


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` with M at most 100; the count capped (core.paging)."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = CappedPaginator
    template = "rest_framework/pagination/previous_and_next.html"
    last_page_message = _(
        "The last page of more than %(count)s results is not counted: follow the cursor "
        "(?pagination=cursor&ordering=...) instead."
    )

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            if paginator.count_is_estimate:
                raise NotFound(self.last_page_message % {"count": f"{paginator.count:,}"})
            number = paginator.num_pages
        return number

    def paginate_queryset(self, queryset, request, view=None):
        """The page's rows, read by the view's ``read_page`` (the API's read path) when it
        has one: then the page is one statement, its rows read for its keys."""
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        read_page = getattr(view, "read_page", None)
        if read_page is not None:
            paginator.read, paginator.keys_first = read_page, True
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage as error:
            raise NotFound(
                self.invalid_page_message.format(page_number=number, message=str(error))
            ) from error
        self.display_page_controls = self.page.has_next() or self.page.has_previous()
        return list(self.page)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_estimate": paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        properties = answer["properties"]
        properties["count"]["description"] = (
            "Exact up to 10,000; past that 10,000 with count_is_estimate true."
        )
        answer["properties"] = {
            "count": properties["count"],
            "count_is_estimate": {
                "type": "boolean",
                "description": "True when there are more results than count.",
            },
            **{key: value for key, value in properties.items() if key != "count"},
        }
        # Keyset pages (?pagination=cursor) answer without a count: only the results are sure.
        answer["required"] = ["results"]
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "pagination",
                "required": False,
                "in": "query",
                "description": "cursor: keyset pages (no count); follow next / previous.",
                "schema": {"type": "string", "enum": ["cursor"]},
            },
            {
                "name": KeysetPagination.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The cursor of a next / previous link (keyset pages).",
                "schema": {"type": "string"},
            },
        ]

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}

    def get_next_link(self):
        if not self.page.has_next():
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.page.number + 1)

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        url = self.request.build_absolute_uri()
        if self.page.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.page.number - 1)


class KeysetPagination(CursorPagination):
    """DRF's cursor pagination over the primary key: newest first, or oldest first with
    ``?ordering=id``. A cursor's position must be unique for a walk to give every row
    exactly once (tried as an outsider: ordered by ``kind`` a walk of 325 organisations
    gave 242 of them, some several times; by a date with empty values it stopped at the
    first; by a relation its second page failed), so no other ordering is taken: sorting
    by a column is what page numbers are for."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_ordering_message = _(
        "Cursor pages are ordered by id (newest first, or ?ordering=id): a unique key, so "
        "that a walk gives every row once. Sort by other columns with page numbers."
    )

    def get_ordering(self, request, queryset, view):
        requested = [
            term.strip()
            for term in request.query_params.get(OrderingFilter.ordering_param, "").split(",")
            if term.strip()
        ]
        if not requested:
            return CURSOR_ORDERING
        if requested in (["id"], ["pk"]):
            return ("id",)
        if requested in (["-id"], ["-pk"]):
            return ("-id",)
        raise ValidationError({"ordering": [self.invalid_ordering_message]})

    def decode_cursor(self, request):
        """The cursor, whose position must be a key: a forged one is refused as invalid
        (a 404, as DRF refuses an unreadable cursor), never passed to the database."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            position = str(cursor.position)
            if not (position.isascii() and position.isdigit() and len(position) <= 19):
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def keys(self, queryset, request, view):
        """The queryset reduced to the primary key, which orders it."""
        return queryset.values("pk", "id")


def wants_cursor(request) -> bool:
    """Whether the client asked for keyset pages; any other ``pagination`` is refused."""
    mode = request.query_params.get("pagination")
    if mode not in (None, "", "cursor", "page"):
        raise ValidationError({"pagination": [_('Use "cursor" or "page".')]})
    return mode == "cursor" or KeysetPagination.cursor_query_param in request.query_params
