"""Streamed CSV and XLSX exports of the portal's tables.

Rows come from an iterator (a queryset's ``.iterator()``, say) and leave as they come: CSV is
written row by row into the response; XLSX goes through openpyxl's write-only workbook, which
keeps rows on disk rather than in memory, then is streamed from a temporary file.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse

FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal | int | float | datetime.date):
        return value
    return str(value)


def csv_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM, so that spreadsheet programs read Chinese as UTF-8
        yield writer.writerow([str(h) for h in headers])
        for row in rows:
            yield writer.writerow([_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str, title: str = ""):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or filename)[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    # Spills to disk past 8 MB: a large export never sits in memory whole.
    stream = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(stream)
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(fmt: str, headers, rows, filename: str, title: str = ""):
    if fmt == "xlsx":
        return xlsx_response(headers, rows, filename, title)
    return csv_response(headers, rows, filename)
