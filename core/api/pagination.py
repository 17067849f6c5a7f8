from rest_framework.pagination import PageNumberPagination

from core.paging import BoundedPaginator


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` with M at most 100; a page past the end answers 404."""

    django_paginator_class = BoundedPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
