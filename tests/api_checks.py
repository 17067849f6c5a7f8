"""Generic API checks written once and reused for every resource (NetBox's idea).

A test class for a resource sets ``list_url``, ``reader`` (the persona fixture that lists)
and ``make_rows``; it inherits a query-count guard at 3 and at 30 rows and the refusal of
anonymous writes.
"""


class APIResourceChecks:
    list_url: str
    reader = "superuser"
    max_queries = 8
    anonymous_may_read = False
    anonymous_may_create = False
    create_payload: dict = {}

    def make_rows(self, count: int, request) -> None:
        raise NotImplementedError

    def _list(self, api, django_assert_max_num_queries):
        with django_assert_max_num_queries(self.max_queries):
            response = api.get(self.list_url, {"page_size": 100})
        assert response.status_code == 200, response.data
        return response.data

    def test_list_runs_a_fixed_number_of_queries_at_3_and_30_rows(
        self, request, api, django_assert_max_num_queries
    ):
        api.as_user(request.getfixturevalue(self.reader))
        self.make_rows(3, request)
        first = self._list(api, django_assert_max_num_queries)
        assert first["count"] >= 3
        self.make_rows(27, request)
        second = self._list(api, django_assert_max_num_queries)
        assert second["count"] >= 30
        assert len(second["results"]) >= 30

    def test_anonymous_read(self, request, api):
        self.make_rows(1, request)
        response = api.get(self.list_url)
        if self.anonymous_may_read:
            assert response.status_code == 200
        else:
            assert response.status_code == 401

    def test_anonymous_write_refused(self, request, api, django_user_model):
        model_count = self._count()
        response = api.post(self.list_url, self.create_payload, format="json")
        # A resource open to anonymous submissions still validates them.
        assert response.status_code == (400 if self.anonymous_may_create else 401)
        assert self._count() == model_count

    def _count(self):
        from django.urls import resolve

        view = resolve(self.list_url).func
        return view.cls.queryset.model._default_manager.count()
