"""The admin's Import/Export buttons (django-import-export) on the streamed exports and the
background jobs.

* Export: the rows the changelist shows (its filters, search, the user's scope), with the
  columns ticked in the form, read by one SELECT: the resource's fields map to database
  columns (a foreign key shown by a natural key becomes ``<fk>__<field>``; a column computed
  in Python names its path in ``Resource.export_paths``). The file keeps the import's column
  names and values, so it can be imported again. Past ``EXPORT_TASK_ROWS`` rows it is a job.
* Import: the uploaded file is stored and a job checks it (a dry run, batch by batch, in one
  transaction that is rolled back); the page lists each refused row with its reason, or
  offers "Confirm import", which runs a second job that saves — all rows or none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import partial

import tablib
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from import_export.signals import post_import

from core import exports, jobs
from core.models import ExportJob
from core.tasks import queue_job
from core.views import back_url, export_or_queue

BATCH_ROWS = 1000
MAX_REFUSED_LISTED = 1000


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _model_admin(kind: str):
    model = apps.get_model(kind.split(":", 1)[1])
    return admin.site._registry[model]


def request_for(user, query: str = "") -> HttpRequest:
    """A stand-in for the request a job was asked in: its user and its query string."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = QueryDict(query)
    request.path = request.path_info = "/admin/"
    return request


# --- Columns in the reader's language -------------------------------------------------------


class LabelledColumnsResource(resources.ModelResource):
    """A resource whose columns are headed in the reader's language and whose imports read
    a header in any language.

    A column's key stays its ``column_name`` (the documented English header, which the
    resource's code reads in ``row``); a reader sees its label: the model field's
    ``verbose_name``, or ``column_labels[column_name]`` for a computed column. An export is
    headed by the labels; an import accepts, for each column, its key or its label in any of
    ``LANGUAGES`` (case and surrounding spaces ignored) and renames it to the key before the
    rows are read, so a file exported in either language is imported again as it is.
    """

    column_labels: dict = {}

    def column_label(self, field) -> str:
        name = field.column_name
        if name in self.column_labels:
            return str(self.column_labels[name])
        try:
            return str(self._meta.model._meta.get_field(field.attribute or name).verbose_name)
        except FieldDoesNotExist:
            return name

    def header_keys(self) -> dict[str, str]:
        """Every accepted header (lower case) → the column's key; a key wins over a label."""
        keys = {field.column_name.lower(): field.column_name for field in self.fields.values()}
        for field in self.fields.values():
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    keys.setdefault(self.column_label(field).strip().lower(), field.column_name)
        return keys

    def get_export_headers(self, selected_fields=None):
        return [self.column_label(f) for f in self.get_export_fields(selected_fields) if f]

    def get_diff_headers(self):
        return [self.column_label(field) for field in self.get_import_fields()]

    def before_import(self, dataset, **kwargs):
        keys = self.header_keys()
        dataset.headers = [
            keys.get(str(header or "").strip().lower(), header) for header in dataset.headers
        ]
        super().before_import(dataset, **kwargs)


def _column_labels(resource) -> list[str]:
    """The labels of the columns a user sees on the import and export pages."""
    label = getattr(resource, "column_label", None)
    fields = resource.get_user_visible_fields()
    return [label(f) if label else f.column_name for f in fields]


class LabelledExportForm(SelectableFieldsExportForm):
    """The export's column boxes, named as the file's headers will be."""

    def _get_field_label(self, resource, field_name: str) -> str:
        instance = resource()
        field = instance.fields.get(field_name)
        if field is None or not hasattr(instance, "column_label"):
            return super()._get_field_label(resource, field_name)
        return instance.column_label(field)


class CSV(base_formats.CSV):
    def get_title(self):
        return "CSV"  # the format's name, as it is written in either language


class XLSX(base_formats.XLSX):
    def get_title(self):
        return "XLSX"


# --- Export ---------------------------------------------------------------------------------


def export_path(resource, field) -> str:
    """The database path of one exported column of ``resource``."""
    paths = getattr(resource, "export_paths", {})
    if field.column_name in paths:
        return paths[field.column_name]
    if hasattr(resource, f"dehydrate_{field.column_name}") or not field.attribute:
        raise ImproperlyConfigured(
            f"{type(resource).__name__}.{field.column_name} is computed in Python: "
            "name its database path in export_paths."
        )
    if isinstance(field.widget, widgets.ForeignKeyWidget):
        return f"{field.attribute}__{field.widget.field}"
    return field.attribute


def admin_table(model_admin, user, params: dict) -> exports.Table:
    request = request_for(user, params.get("query", ""))
    if not (
        model_admin.has_view_permission(request) and model_admin.has_export_permission(request)
    ):
        raise PermissionDenied
    queryset = model_admin.get_export_queryset(request)
    if params.get("items") is not None:
        queryset = queryset.filter(pk__in=params["items"])
    resource_class = model_admin.get_export_resource_classes(request)[params.get("resource", 0)]
    resource = resource_class(**model_admin.get_export_resource_kwargs(request))
    selected = params.get("fields") or None
    fields = resource.get_export_fields(selected)
    rows = queryset.values_list(*(export_path(resource, f) for f in fields))
    return exports.Table.from_queryset(
        resource.get_export_headers(selected_fields=selected),
        rows,
        filename=model_admin.model.__name__,
        title=str(model_admin.model._meta.verbose_name_plural),
    )


class JobImportExportMixin(ImportExportMixin):
    """Import/Export buttons whose exports stream and whose imports run as jobs."""

    formats = [CSV, XLSX]
    export_form_class = LabelledExportForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        exports.register(f"admin:{_label(self.model)}")(partial(admin_table, self))

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        items = None
        if export_form is not None and "export_items" in export_form.changed_data:
            items = [int(pk) for pk in export_form.cleaned_data["export_items"]]
        params = {
            "query": request.GET.urlencode(),
            "resource": self.get_resource_index(export_form) if export_form else 0,
            "fields": self.get_export_resource_fields_from_form(export_form) or [],
            "items": items,
        }
        fmt = "xlsx" if isinstance(file_format, XLSX) else "csv"
        return export_or_queue(request, f"admin:{_label(self.model)}", params, fmt)

    def _label_columns(self, response, resource_classes, request) -> None:
        """The import and export pages list the columns by their labels."""
        context = getattr(response, "context_data", None)
        if not context or "fields_list" not in context:
            return
        kwargs = self.get_export_resource_kwargs(request)
        context["fields_list"] = [
            (resource_class.get_display_name(), _column_labels(resource_class(**kwargs)))
            for resource_class in resource_classes
        ]

    def export_action(self, request):
        response = super().export_action(request)
        self._label_columns(response, self.get_export_resource_classes(request), request)
        return response

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            response = super().import_action(request, **kwargs)
            self._label_columns(response, self.get_import_resource_classes(request), request)
            return response
        upload = form.cleaned_data["import_file"]
        fmt = self.get_import_formats()[int(form.cleaned_data["format"])]
        stored = default_storage.save(jobs.storage_name("imports", upload.name), upload)
        job = jobs.create_job(
            user=request.user,
            kind=f"import:{_label(self.model)}",
            title=_("Import of %(what)s from %(file)s")
            % {"what": self.model._meta.verbose_name_plural, "file": upload.name},
            fmt=fmt().get_extension(),
            params={
                "file": stored,
                "file_name": upload.name,
                "resource": self.get_resource_index(form),
                "confirmed": False,
            },
            back_url=back_url(request),
        )
        queue_job(job)
        return redirect(job)


# --- Import ---------------------------------------------------------------------------------


def _csv_rows(stored: str) -> Iterator[list]:
    with default_storage.open(stored, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        yield from csv.reader(text)


def _xlsx_rows(stored: str) -> Iterator[list]:
    from openpyxl import load_workbook  # loaded by the worker's imports only

    with default_storage.open(stored, "rb") as raw:
        workbook = load_workbook(raw, read_only=True, data_only=True)
        try:
            for row in workbook.active.iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()


def read_batches(
    stored: str, fmt: str, size: int = BATCH_ROWS
) -> Iterator[tuple[int, tablib.Dataset]]:
    """The stored file as (rows before, dataset of at most ``size`` rows): a file of any
    length is read a batch at a time."""
    rows = _xlsx_rows(stored) if fmt == "xlsx" else _csv_rows(stored)
    headers = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    if not any(headers):
        raise ValueError(_("The file has no header row."))
    width = len(headers)
    offset, batch = 0, []
    for row in rows:
        if not any(v not in (None, "") for v in row):
            continue  # blank lines
        batch.append((list(row) + [""] * width)[:width])
        if len(batch) >= size:
            yield offset, tablib.Dataset(*batch, headers=headers)
            offset += len(batch)
            batch = []
    if batch or not offset:
        yield offset, tablib.Dataset(*batch, headers=headers)


def _field_labels(resource) -> dict[str, str]:
    """Each field a row's error may name (model field or column) → its label for the reader."""
    labels = {}
    for field in resource._meta.model._meta.concrete_fields:
        labels[field.name] = str(field.verbose_name)
    column_label = getattr(resource, "column_label", None)
    if column_label is not None:
        for field in resource.fields.values():
            labels[field.column_name] = column_label(field)
            if field.attribute:
                labels[field.attribute] = column_label(field)
    return labels


def _refusals(result, offset: int, labels: dict | None = None) -> Iterator[dict]:
    labels = labels or {}
    for invalid in result.invalid_rows:
        errors = [
            f"{labels.get(field, field)}: {message}" if field not in ("__all__", None) else message
            for field, messages in invalid.error_dict.items()
            for message in messages
        ]
        yield {"row": offset + invalid.number, "errors": errors, "values": list(invalid.values)}
    for number, errors in result.row_errors():
        yield {"row": offset + number, "errors": [str(e.error) for e in errors], "values": []}
    for error in result.base_errors:
        yield {"row": None, "errors": [str(error.error)], "values": []}


def run_import(job: ExportJob, progress) -> dict:
    """Check or save the job's file; answers the report.

    Both run the import for real inside one transaction, batch by batch, and the check then
    rolls it all back: a row that refers to an organisation an earlier batch creates is
    checked as it will be saved. A confirmed import that meets a refused row after all (the
    data changed since the check) saves nothing either.
    """
    model_admin = _model_admin(job.kind)
    request = request_for(job.requested_by)
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    resource_class = model_admin.get_import_resource_classes(request)[job.params.get("resource", 0)]
    resource = resource_class(**model_admin.get_import_resource_kwargs(request))
    confirmed = bool(job.params.get("confirmed"))
    labels = _field_labels(resource)  # a refused value is named as the reader names its column
    totals = {"new": 0, "update": 0, "skip": 0, "delete": 0}
    refused: list[dict] = []
    refused_count = 0
    done = 0
    with transaction.atomic():
        for offset, dataset in read_batches(job.params["file"], job.format):
            result = resource.import_data(
                dataset,
                dry_run=False,
                raise_errors=False,
                use_transactions=True,
                collect_failed_rows=False,
                retain_instance_in_row_result=confirmed,
                user=job.requested_by,
                file_name=job.params.get("file_name"),
            )
            for key in totals:
                totals[key] += result.totals.get(key, 0)
            for refusal in _refusals(result, offset, labels):
                refused_count += 1
                if len(refused) < MAX_REFUSED_LISTED:
                    refused.append(refusal)
            if confirmed:
                model_admin.generate_log_entries(result, request)
            done = offset + len(dataset)
            progress(done)
        saved = confirmed and not refused_count
        if not saved:
            transaction.set_rollback(True)
    if saved:
        post_import.send(sender=None, model=model_admin.model)
    if confirmed or refused_count:  # the file is of no further use
        default_storage.delete(job.params["file"])
    return {
        "confirmed": saved,
        "rows": done,
        "totals": totals,
        "refused": refused,
        "refused_count": refused_count,
    }
