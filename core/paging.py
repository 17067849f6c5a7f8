"""A paginator that does not count a million rows to show twenty, in one statement.

Django's ``Paginator`` counts every row before it shows a page, and its pages know whether
a next page exists only from that count. ``CappedPaginator`` instead reads one row more
than the page (so ``has_next`` costs nothing) and counts at most ``count_limit + 1`` rows:
below the limit the count is exact, past it ``count`` is the limit and
``count_is_estimate`` is true ("10,000+"). When a page reaches the end of the list the
count is exact whatever its size, without counting at all.

A page of a queryset is ONE statement: the capped count rides along as an uncorrelated
scalar subquery (``(SELECT count(*) FROM (... LIMIT 10001) capped)``, which PostgreSQL
runs once) and, with ``keys_first``, the rows past the first page (or ordered by an
annotation) are read for the keys of the page sliced in a subquery (``pk IN (SELECT id
... ORDER BY ... LIMIT 21 OFFSET n)``: an index-only scan even deep in the list, and the
rows' subqueries run for the page alone), ordered again by the list's own ordering. The
count is left out when the page alone shows whether the list holds more than the limit.

A queryset marked with ``order_past_limit`` (a ranked search) is read first in the marked
ordering (newest first) with its capped count: holding more than ``count_limit`` rows,
that page is the answer, in one statement, instead of ranking every row; holding one row
or none, too; else the page is read again ranked.

The API pagination (core/api/pagination.py) and the HTML lists share it.

Absurd page numbers never reach SQL: ``?page=99999999999999999999`` would overflow
PostgreSQL's bigint as an OFFSET; the HTML lists read a page number as ASCII digits, at most
``MAX_PAGE`` (``page_number``, ``BoundedPaginator``, ``get_page``).
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import IntegerField, QuerySet, Subquery
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000
# Past this page number the offset would overflow the database's bigint: no such page.
MAX_OFFSET = 10**15
# The name of the capped count in the page's rows.
COUNT_ALIAS = "capped_count_"


class CappedCount(Subquery):
    """The number of rows of a sliced queryset, as an expression: uncorrelated, so that
    PostgreSQL computes it once for the whole statement."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def order_past_limit(queryset: QuerySet, ordering) -> QuerySet:
    """``queryset`` listed in ``ordering`` by a ``CappedPaginator`` when it holds more than
    the count limit, and in its own ordering otherwise. A ranked search marks itself so:
    ranking tens of thousands of matches to show twenty costs more than the ranking
    tells apart. An ordering asked for later (``?ordering=``) replaces both."""
    marked = queryset.all()
    marked.query.ordering_past_limit = (tuple(marked.query.order_by), tuple(ordering))
    return marked


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1


class CappedPaginator(Paginator):
    """Pages of ``per_page`` rows with a count capped at ``count_limit``.

    ``keys_first`` reads a page's rows for its keys sliced in a subquery (deep pages stay
    index-only); ``read`` turns the page's queryset into its rows (``list`` by default, the
    API reads ``.values()``): each row carries the capped count as ``COUNT_ALIAS`` when
    it was asked for.
    """

    keys_first = False
    read = staticmethod(list)

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
        end = offset + self.per_page + 1
        if isinstance(self.object_list, QuerySet):
            rows = self._read(offset, end)
        else:
            rows = list(self.object_list[offset:end])
        has_next = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        self._seen = max(self._seen, offset + len(rows) + (1 if has_next else 0))
        if not has_next:
            self._end_seen = True
            self.__dict__["count"] = offset + len(rows)
        return CappedPage(rows, number, self, has_next)

    def _read(self, offset: int, end: int) -> list:
        """The rows ``offset`` to ``end`` (one more than the page) in one statement, with
        the capped count when a full page would not tell it.

        A queryset marked by ``order_past_limit`` is read first in its ordering past the
        limit, with the count: holding more than the limit, that is its page (one
        statement); holding at most one row, its order does not matter; else its page is
        read again in its own (ranked) ordering."""
        marked = self._marked()
        if marked is None or "_probe" in self.__dict__ or "ordered" in self.__dict__:
            want_count = end <= self.count_limit and "_probe" not in self.__dict__
            return self._read_rows(self.ordered, offset, end, want_count)
        past = self.object_list.order_by(*marked[1])
        # Counted unordered (the ranked list's count drops its ordering): counting along
        # the newest-first order would read and sort every match to count 10,001.
        found = self._read_rows(past, offset, end, want_count=True, counted=self.object_list)
        if "_probe" not in self.__dict__:
            if offset:  # past the end of the list: its count is asked for on its own
                ranked = self._probe <= self.count_limit
                self.__dict__["ordered"] = self.object_list if ranked else past
                return found
            self.__dict__["_probe"] = 0  # no row at all
        if self._probe > self.count_limit:
            self.__dict__["ordered"] = past
            return found
        self.__dict__["ordered"] = self.object_list
        if offset == 0 and self._probe <= 1:
            return found
        return self._read_rows(self.object_list, offset, end, want_count=False)

    def _read_rows(self, rows, offset: int, end: int, want_count: bool, counted=None) -> list:
        # From the first row an index walk reads only the page: no need for the keys.
        keys_first = self.keys_first and (offset > 0 or _by_annotation(rows))
        page = rows
        if keys_first:
            # The outer query orders the page's rows again: the subquery's order is lost.
            page = rows.filter(pk__in=rows.values("pk")[offset:end])
        if want_count:
            page = page.annotate(
                **{
                    COUNT_ALIAS: CappedCount(
                        _keys_to_count(rows if counted is None else counted)[: self.count_limit + 1]
                    )
                }
            )
        if not keys_first:
            page = page[offset:end]
        found = self.read(page)
        if want_count and found:
            first = found[0]
            counted = first[COUNT_ALIAS] if isinstance(first, dict) else getattr(first, COUNT_ALIAS)
            self.__dict__["_probe"] = counted
        return found

    def _marked(self):
        """``(own ordering, ordering past the limit)`` of a queryset marked by
        ``order_past_limit`` and not reordered since, else None."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return None
        marked = getattr(rows.query, "ordering_past_limit", None)
        if marked is None or tuple(rows.query.order_by) != marked[0]:
            return None
        return marked

    @cached_property
    def ordered(self):
        """The list in the order it is shown: a queryset marked by ``order_past_limit``
        is counted first, and reordered when it holds more than the limit."""
        rows = self.object_list
        marked = self._marked()
        if marked is None:
            return rows
        if self._probe > self.count_limit:
            return rows.order_by(*marked[1])
        return rows

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
    """Only the key, in the list's own order when that is by its own columns: the database
    then counts along the index that serves the list (an index-only scan that stops at the
    limit) rather than scanning the table. An order by an annotation (a search's rank) or
    through a relation (an alliance's name) is dropped: it would be computed, joined and
    sorted for every row just to be counted."""
    keys = queryset.values("pk")
    if any(term in queryset.query.annotations or "__" in term for term in _terms(queryset)):
        return keys.order_by()
    return keys


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


def _terms(queryset: QuerySet) -> list[str]:
    query = queryset.query
    ordering = query.order_by or (query.default_ordering and queryset.model._meta.ordering) or ()
    return [str(term).lstrip("-") for term in ordering]


def _by_annotation(queryset: QuerySet) -> bool:
    return any(term in queryset.query.annotations for term in _terms(queryset))
