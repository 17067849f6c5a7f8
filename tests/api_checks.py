"""Generic API checks written once and reused for every resource (NetBox's idea).

A test class for a resource sets ``list_url``, the personas (fixture names) and
``make_rows``; it inherits:

* a query-count guard on the list at 3 and at 30 rows;
* the detail of a row for the ``reader``, 404 for the ``outsider`` (a persona of another
  organisation, alliance or fund) and 401 for an anonymous client;
* create and update by the ``writer`` with the database state checked afterwards, when the
  class gives ``create_payload_for`` / ``update_payload_for``;
* refusal of every write by an anonymous client and by the outsider, the row unchanged;
* delete: done when ``delete_allowed``, refused otherwise, the row still there.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.forms.models import model_to_dict
from django.urls import resolve

REFUSED = (401, 403, 404, 405)


class APIResourceChecks:
    list_url: str
    reader = "superuser"
    writer: str | None = None
    outsider: str | None = None
    max_queries = 8
    anonymous_may_read = False
    anonymous_may_create = False
    delete_allowed = False
    create_payload: dict = {}

    def make_rows(self, count: int, request) -> None:
        raise NotImplementedError

    def create_payload_for(self, request) -> dict | None:
        """The body of a valid create by the writer, or None when the resource has none."""
        return None

    def update_payload_for(self, request, row) -> dict | None:
        """The body of a valid PATCH of ``row`` by the writer, or None."""
        return None

    # --- helpers ----------------------------------------------------------------------

    @property
    def model(self):
        return resolve(self.list_url).func.cls.queryset.model

    def _count(self):
        return self.model._default_manager.count()

    def _newest(self, request):
        """Make one row and answer the newest row of the resource's model."""
        self.make_rows(1, request)
        return self.model._default_manager.order_by("-pk").first()

    def _detail(self, row) -> str:
        return f"{self.list_url}{row.pk}/"

    def _as(self, api, request, persona):
        api.force_authenticate(None)
        if persona is not None:
            api.force_authenticate(request.getfixturevalue(persona))
        return api

    @staticmethod
    def _state(row):
        row.refresh_from_db()
        return model_to_dict(row)

    @staticmethod
    def _same(expected, actual) -> bool:
        if isinstance(actual, Decimal):
            return actual == Decimal(str(expected))
        if isinstance(actual, datetime.date):
            return actual.isoformat() == str(expected)
        if hasattr(actual, "pk"):
            return actual.pk == expected
        return actual == expected

    def _assert_saved(self, row, payload):
        for key, value in payload.items():
            field = getattr(type(row), key, None)
            if field is None or isinstance(value, (list, dict)):
                continue
            actual = getattr(row, f"{key}_id", None) if hasattr(row, f"{key}_id") else None
            actual = actual if actual is not None else getattr(row, key)
            assert self._same(value, actual), (key, value, actual)

    # --- the checks -------------------------------------------------------------------

    def test_list_runs_a_fixed_number_of_queries_at_3_and_30_rows(
        self, request, api, django_assert_max_num_queries
    ):
        self._as(api, request, self.reader)
        self.make_rows(3, request)
        with django_assert_max_num_queries(self.max_queries):
            first = api.get(self.list_url, {"page_size": 100})
        assert first.status_code == 200, first.data
        assert first.data["count"] >= 3
        self.make_rows(27, request)
        with django_assert_max_num_queries(self.max_queries):
            second = api.get(self.list_url, {"page_size": 100})
        assert second.status_code == 200, second.data
        assert second.data["count"] >= 30
        assert len(second.data["results"]) >= 30

    def test_the_reader_gets_the_detail(self, request, api):
        row = self._newest(request)
        response = self._as(api, request, self.reader).get(self._detail(row))
        assert response.status_code == 200, response.data
        assert response.data["id"] == row.pk

    def test_anonymous_read(self, request, api):
        row = self._newest(request)
        listing = api.get(self.list_url)
        detail = api.get(self._detail(row))
        if self.anonymous_may_read:
            assert listing.status_code == 200
        else:
            assert listing.status_code == 401
            assert detail.status_code == 401

    def test_the_outsider_neither_lists_nor_reads_a_row_out_of_scope(self, request, api):
        if self.outsider is None or self.anonymous_may_read:
            return  # a public resource has no outsider
        row = self._newest(request)
        self._as(api, request, self.outsider)
        assert api.get(self._detail(row)).status_code == 404
        listing = api.get(self.list_url, {"page_size": 100})
        assert listing.status_code == 200
        assert row.pk not in {item["id"] for item in listing.data["results"]}

    def test_anonymous_write_refused(self, request, api):
        model_count = self._count()
        response = api.post(self.list_url, self.create_payload, format="json")
        # A resource open to anonymous submissions still validates them.
        assert response.status_code == (400 if self.anonymous_may_create else 401)
        assert self._count() == model_count
        row = self._newest(request)
        before = self._state(row)
        assert api.patch(self._detail(row), {}, format="json").status_code in REFUSED
        assert api.delete(self._detail(row)).status_code in REFUSED
        assert self._state(row) == before

    def test_the_writer_creates_a_row(self, request, api):
        payload = self.create_payload_for(request) if self.writer else None
        if payload is None:
            return
        before = self._count()
        response = self._as(api, request, self.writer).post(self.list_url, payload, format="json")
        assert response.status_code == 201, response.data
        assert self._count() == before + 1
        self._assert_saved(self.model._default_manager.get(pk=response.data["id"]), payload)

    def test_the_writer_updates_a_row(self, request, api):
        row = self._newest(request)
        payload = self.update_payload_for(request, row) if self.writer else None
        if payload is None:
            return
        response = self._as(api, request, self.writer).patch(
            self._detail(row), payload, format="json"
        )
        assert response.status_code == 200, response.data
        row.refresh_from_db()
        self._assert_saved(row, payload)

    def test_the_outsider_changes_nothing(self, request, api):
        if self.outsider is None:
            return
        row = self._newest(request)
        before = self._state(row)
        self._as(api, request, self.outsider)
        payload = (self.update_payload_for(request, row) if self.writer else None) or {}
        assert api.patch(self._detail(row), payload, format="json").status_code in REFUSED
        assert api.put(self._detail(row), payload, format="json").status_code in REFUSED
        assert api.delete(self._detail(row)).status_code in REFUSED
        assert self._state(row) == before

    def test_delete(self, request, api):
        row = self._newest(request)
        persona = self.writer or self.reader
        response = self._as(api, request, persona).delete(self._detail(row))
        exists = self.model._default_manager.filter(pk=row.pk).exists()
        if self.delete_allowed:
            assert response.status_code == 204
            assert not exists
        else:
            assert response.status_code in REFUSED
            assert exists
