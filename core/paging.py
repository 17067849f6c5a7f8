"""Paging shared by the portal's pages and the API: absurd page numbers never reach SQL.

``?page=99999999999999999999`` would overflow PostgreSQL's bigint as an OFFSET; a page
number is read as ASCII digits, at most ``MAX_PAGE``.
"""

from __future__ import annotations

from django.core.paginator import PageNotAnInteger, Paginator

MAX_PAGE = 100_000


def page_number(value, default: int = 1) -> int:
    """The page asked for in 1…MAX_PAGE; anything that is not a plain number is ``default``."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_PAGE)):
        return default
    return min(max(1, int(text)), MAX_PAGE)


class BoundedPaginator(Paginator):
    """Django's paginator, refusing a page number past ``MAX_PAGE`` as not a number."""

    def validate_number(self, number):
        text = str(number).strip()
        if isinstance(number, str) and not (text.isascii() and text.isdigit()):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        if len(text) > len(str(MAX_PAGE)):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        return super().validate_number(number)


def get_page(request, object_list, per_page: int, param: str = "page"):
    """The page of ``object_list`` the query string asks for; the last one past the end."""
    return BoundedPaginator(object_list, per_page).get_page(page_number(request.GET.get(param)))
