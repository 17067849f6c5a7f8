"""CSV and XLSX exports of the portal's tables, streamed at the speed of the database.

A table to export is a ``Table``: translated headers and either a SELECT whose columns are
already what the file shows (``Table.from_queryset``: choice labels computed by the database
with ``labelled``) or, where the rows need Python, a generator of rows. Then:

* CSV of a SELECT is PostgreSQL's own ``COPY (SELECT …) TO STDOUT WITH (FORMAT csv)``, passed
  through in blocks: no Python object per value, memory flat at any size;
* CSV of a generator goes through ``csv.writer`` row by row;
* XLSX goes through ``core.xlsx``, which writes each row as it comes.

Both stream: a response starts with its first rows, and a background job writes the same
bytes into a file (``core.jobs``). Exports that may be large are registered under a kind
(``register``) so that a job can build them again in the worker, for the user who asked and
in their language.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, CharField, F, Value, When
from django.http import StreamingHttpResponse
from django.utils.module_loading import autodiscover_modules

from core.templatetags.names import named as named  # names in the reader's language
from core.xlsx import XlsxWriter

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff".encode()  # so that spreadsheet programs read Chinese as UTF-8
CHUNK_BYTES = 64 * 1024
FETCH_ROWS = 2000

# progress(rows_written): called as rows are written, at most once per block of rows.
Progress = Callable[[int], None]


def task_threshold() -> int:
    """Exports of more rows than this run as background jobs (``ALLIANCE_EXPORT_TASK_ROWS``)."""
    return getattr(settings, "EXPORT_TASK_ROWS", 20_000)


def labelled(field_name: str, choices) -> Case:
    """A choice field shown by its label in the active language, computed by the database."""
    return Case(
        *(When(**{field_name: value}, then=Value(str(label))) for value, label in choices),
        default=F(field_name),
        output_field=CharField(),
    )


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal | int | float | datetime.date):
        return value
    return str(value)


def _no_progress(rows: int) -> None:
    return None


@dataclass
class Table:
    """What one export writes: headers, and the rows as a SELECT or as a generator."""

    headers: Sequence[str]
    filename: str
    title: str = ""
    sql: str | None = None
    params: Sequence = ()
    rows: Callable[[], Iterable[Sequence]] | None = None
    counter: Callable[[], int] | None = field(default=None, repr=False)
    # exceeds(n): whether there are more than n rows, without counting them all.
    exceeder: Callable[[int], bool] | None = field(default=None, repr=False)

    @classmethod
    def from_queryset(cls, headers, queryset, filename: str, title: str = "") -> Table:
        """``queryset`` is a ``values_list`` whose columns are the file's, in order."""
        sql, params = queryset.query.sql_with_params()
        return cls(
            headers=[str(h) for h in headers],
            filename=filename,
            title=title,
            sql=sql,
            params=params,
            counter=queryset.order_by().count,
            exceeder=lambda n: queryset.order_by()[n : n + 1].exists(),
        )

    @classmethod
    def from_rows(cls, headers, rows, filename: str, title: str = "", count=None) -> Table:
        """``rows``: a callable answering the rows afresh at each call (so that a job can
        read them again), or a list. ``count``: their number, or a callable answering it."""
        source = rows if callable(rows) else (lambda: rows)
        if count is None and isinstance(rows, list):
            count = len(rows)
        counter = count if count is None or callable(count) else (lambda: count)
        return cls([str(h) for h in headers], filename, title, rows=source, counter=counter)

    # --- Reading -------------------------------------------------------------------------

    def count(self) -> int:
        if self.counter is not None:
            return self.counter()
        if self.sql is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({self.sql}) AS export", self.params)
                return cursor.fetchone()[0]
        return sum(1 for _ in self.rows())

    def exceeds(self, limit: int) -> bool:
        if self.exceeder is not None:
            return self.exceeder(limit)
        return self.count() > limit

    def iter_rows(self) -> Iterator[Sequence]:
        if self.rows is not None:
            yield from self.rows()
            return
        # A server-side cursor: only FETCH_ROWS rows are in Python at a time.
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(self.sql, self.params)
            while batch := cursor.fetchmany(FETCH_ROWS):
                yield from batch

    # --- Writing -------------------------------------------------------------------------

    def csv_chunks(self, progress: Progress = _no_progress) -> Iterator[bytes]:
        """The CSV file in blocks of about 64 KB (the first block is the BOM alone)."""
        yield BOM
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(self.headers)
        yield header.getvalue().encode()
        if self.sql is not None:
            yield from self._copy_chunks(progress)
        else:
            yield from self._csv_rows(progress)

    def _copy_chunks(self, progress: Progress) -> Iterator[bytes]:
        done, size, blocks = 0, 0, []
        # COPY takes no bound parameters: psycopg merges them into the statement.
        statement = psycopg.ClientCursor(connection.connection).mogrify(
            f"COPY ({self.sql}) TO STDOUT WITH (FORMAT csv)", self.params or None
        )
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            # PostgreSQL sends one message per row: counting blocks counts rows.
            for block in copy:
                blocks.append(block)
                size += len(block)
                done += 1
                if size >= CHUNK_BYTES:
                    yield b"".join(blocks)
                    blocks.clear()
                    size = 0
                    progress(done)
        if blocks:
            yield b"".join(blocks)
        progress(done)

    def _csv_rows(self, progress: Progress) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        done = 0
        for row in self.iter_rows():
            writer.writerow([_cell(v) for v in row])
            done += 1
            if buffer.tell() >= CHUNK_BYTES:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
                progress(done)
        if buffer.tell():
            yield buffer.getvalue().encode()
        progress(done)

    def xlsx_chunks(self, progress: Progress = _no_progress) -> Iterator[bytes]:
        """The XLSX file, in blocks as the rows are compressed."""
        sink = _Sink()
        writer = XlsxWriter(sink, self.headers, title=self.title or self.filename)
        done = 0
        for row in self.iter_rows():
            writer.append(row)
            done += 1
            if done % FETCH_ROWS == 0:
                progress(done)
                if sink.size >= CHUNK_BYTES:
                    yield sink.take()
        writer.close()
        progress(done)
        yield sink.take()

    def chunks(self, fmt: str, progress: Progress = _no_progress) -> Iterator[bytes]:
        if fmt == "xlsx":
            return self.xlsx_chunks(progress)
        return self.csv_chunks(progress)

    def write(self, fmt: str, output, progress: Progress = _no_progress) -> None:
        for chunk in self.chunks(fmt, progress):
            output.write(chunk)

    def response(self, fmt: str) -> StreamingHttpResponse:
        fmt = fmt if fmt in FORMATS else "csv"
        response = StreamingHttpResponse(self.chunks(fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{self.filename}.{fmt}"'
        return response


class _Sink:
    """A write-only buffer the zip is written into and the response drains."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


# --- Small tables, answered at once --------------------------------------------------------


def csv_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str):
    return Table.from_rows(headers, lambda: rows, filename).response("csv")


def xlsx_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str, title: str = ""):
    return Table.from_rows(headers, lambda: rows, filename, title).response("xlsx")


def export_response(fmt: str, headers, rows, filename: str, title: str = ""):
    return Table.from_rows(headers, lambda: rows, filename, title).response(fmt)


# --- The kinds a background job can build again ---------------------------------------------

# kind -> builder(user, params) -> Table; the apps register theirs in their exports.py.
_BUILDERS: dict[str, Callable[..., Table]] = {}
_discovered = False


def register(kind: str):
    """Register ``builder(user, params) -> Table`` under ``kind``. The builder applies the
    user's rights itself: a job builds the table again for its requester."""

    def decorator(builder):
        _BUILDERS[kind] = builder
        return builder

    return decorator


def build(kind: str, user, params: dict) -> Table:
    global _discovered
    if kind not in _BUILDERS and not _discovered:
        autodiscover_modules("exports")
        _discovered = True
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise LookupError(f"No export is registered as {kind!r}.") from None
    return builder(user, params)
