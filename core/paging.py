"""A paginator that does not count a million rows to show twenty.

Django's ``Paginator`` counts every row before it shows a page, and its pages know whether
a next page exists only from that count. ``CappedPaginator`` instead reads one row more
than the page (so ``has_next`` costs nothing) and counts at most ``count_limit + 1`` rows:
below the limit the count is exact, past it ``count`` is the limit and
``count_is_estimate`` is true ("10,000+"). When a page reaches the end of the list the
count is exact whatever its size, without a count query at all.

The API pagination (core/api/pagination.py) and the HTML lists share it.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000
# Past this page number the offset would overflow the database's bigint: no such page.
MAX_OFFSET = 10**15


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1


class CappedPaginator(Paginator):
    """Pages of ``per_page`` rows with a count capped at ``count_limit``."""

    def __init__(self, object_list, per_page, *, count_limit: int = COUNT_LIMIT, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit
        # Rows known to exist from the page read, and whether that page reached the end.
        self._seen = 0
        self._end_seen = False

    def validate_number(self, number):
        """Any whole number from 1: whether the page exists is known once it is read."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = list(self.object_list[offset : offset + self.per_page + 1])
        has_next = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        self._seen = max(self._seen, offset + len(rows) + (1 if has_next else 0))
        if not has_next:
            self._end_seen = True
            self.__dict__["count"] = offset + len(rows)
        return CappedPage(rows, number, self, has_next)

    def get_page(self, number):
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(max(1, self.num_pages))

    @cached_property
    def _probe(self) -> int:
        """How many rows there are, counting no further than ``count_limit + 1``."""
        if self._seen > self.count_limit:
            return self._seen
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return _keys_to_count(rows)[: self.count_limit + 1].count()
        return min(len(rows), self.count_limit + 1)

    @cached_property
    def count(self) -> int:
        return min(self._probe, self.count_limit)

    @property
    def count_is_estimate(self) -> bool:
        """True when there are more rows than ``count``: it is then a lower bound."""
        return not self._end_seen and self._probe > self.count_limit


def _keys_to_count(queryset: QuerySet) -> QuerySet:
    """Only the key, in the list's own order when that is by columns: the database then
    counts along the index that serves the list (an index-only scan that stops at the
    limit) rather than scanning the table. An order by an annotation (a search's rank) is
    dropped: it would be computed for every row just to be counted."""
    query = queryset.query
    ordering = query.order_by or (query.default_ordering and queryset.model._meta.ordering) or ()
    keys = queryset.values("pk")
    if any(str(term).lstrip("-") in query.annotations for term in ordering):
        return keys.order_by()
    return keys
