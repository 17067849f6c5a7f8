"""Sorting and paging of the portal's lists, driven by the query string.

``?ordering=name`` sorts ascending, ``?ordering=-name`` descending. Each list names the keys
it accepts and the model fields behind them (a whitelist): any other value is ignored, so a
hand-made URL can neither sort by a hidden field nor cause an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Collate

from core.paging import get_page
from core.templatetags.names import named, reads_english

PAGE_SIZE = 25


def reader_collation() -> str:
    """The collation text sorts in for the reader: pinyin order for Chinese readers, Latin
    letters first for English ones (core migration 0005; code point order where the
    database has no ICU)."""
    return "reader_en" if reads_english() else "reader_zh"


@dataclass(frozen=True)
class Text:
    """A column of text (a city, a title) sorted in the reader's collation."""

    field: str

    def expression(self):
        return F(self.field)

    def order(self, descending: bool):
        collated = Collate(self.expression(), reader_collation())
        return collated.desc() if descending else collated.asc()


@dataclass(frozen=True)
class Name(Text):
    """A column of names sorted as the reader sees them: by the English name (``name_en``)
    for English readers where there is one, else by the Chinese ``name``
    (``core.templatetags.names.named``, the rule the templates show names by), in the
    reader's collation (北京 before 上海 in pinyin)."""

    def expression(self):
        return named(self.field)


@dataclass(frozen=True)
class Age:
    """A column of ages, the time since ``field`` (days in a stage): the youngest first when
    ascending, the oldest first when descending; a row without the date last either way."""

    field: str

    def order(self, descending: bool):
        since = F(self.field)
        return since.asc(nulls_last=True) if descending else since.desc(nulls_last=True)


@dataclass(frozen=True)
class Choice:
    """A column of stored codes sorted in the order their ``choices`` are declared (a deal's
    stages in the pipeline's order, a project's stages from pilot to market), as the
    reader reads the labels, not by the codes' spelling; a code not declared last."""

    field: str
    choices: tuple

    def order(self, descending: bool):
        codes = [code for code, _label in self.choices]
        position = Case(
            *(When(**{self.field: code}, then=Value(i)) for i, code in enumerate(codes)),
            default=Value(len(self.choices)),
            output_field=IntegerField(),
        )
        return position.desc() if descending else position.asc()


@dataclass(frozen=True)
class Sorting:
    """The ordering a list applies: ``key`` (public name) and its direction."""

    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def sort(queryset, request, columns: dict, default: str):
    """``queryset`` ordered by ``?ordering=`` when its key is in ``columns``, else by
    ``default`` (a key of ``columns`` with an optional ``-``). Answers (rows, Sorting).

    Each column is a field path, a ``Name`` (names in the reader's language), a ``Text``
    (text in the reader's collation), a ``Choice`` (codes in their choices' order), an
    ``Age`` (time since a date) or a tuple of them (ties broken by the next).

    The primary key closes each ordering, so that pages never repeat or skip a row.
    """
    return sort_by(queryset, request.GET.get("ordering"), columns, default)


def sort_by(queryset, requested: str | None, columns: dict, default):
    """``sort`` for an ordering read elsewhere than the request (an export job's query)."""
    requested = (requested or "").strip()
    key = requested.removeprefix("-")
    if key not in columns:
        requested, key = default, default.removeprefix("-")
    descending = requested.startswith("-")
    fields = columns[key]
    fields = fields if isinstance(fields, tuple) else (fields,)
    order = [_order(field, descending) for field in fields]
    return queryset.order_by(*order, "-pk" if descending else "pk"), Sorting(key, descending)


def _order(field, descending: bool):
    """A field path, or a column that orders itself (``Text``, ``Name``, ``Age``, ``Choice``)."""
    if isinstance(field, str):
        return f"-{field}" if descending else field
    return field.order(descending)


def paginate(request, rows, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``rows`` (the last one for a page number past the end; an
    absurd page number never reaches the database: ``core.paging``)."""
    return get_page(request, rows, per_page)


def sort_rows(rows: list, request, columns: dict, default: str):
    """``sort`` for a short list computed in Python (a summary of a dozen rows): ``columns``
    maps each key to a function answering the row's value (``None`` sorts last, whichever
    the direction). Answers (rows, Sorting)."""
    requested = (request.GET.get("ordering") or "").strip()
    key = requested.removeprefix("-")
    if key not in columns:
        requested, key = default, default.removeprefix("-")
    descending = requested.startswith("-")
    value = columns[key]
    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    present.sort(key=value, reverse=descending)  # stable: ties keep the given order
    return present + missing, Sorting(key, descending)
