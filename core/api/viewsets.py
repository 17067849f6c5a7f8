"""Base viewset that applies the role scoping of the models' querysets to the API."""

from __future__ import annotations

from django.db import transaction
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import BrowsableAPIRenderer

from core import roles
from core.api.filters import FilterBackend
from core.api.pagination import KeysetPagination, wants_cursor
from core.api.read import read_plan
from core.api.renderers import JSONRenderer

# ``write_roles`` for resources any logged-in user may write, the services checking whom for.
ANY_AUTHENTICATED = ("*",)


class WriteRolesPermission(permissions.BasePermission):
    """Reads follow the viewset's queryset scoping; writes need one of its ``write_roles``."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return bool(view.public_read or request.user.is_authenticated)
        user = request.user
        if not user.is_authenticated:
            return False
        if view.write_roles == ANY_AUTHENTICATED:
            return True
        return user.is_superuser or bool(set(view.write_roles) & roles.role_names(user))


class ScopedModelViewSet(viewsets.ModelViewSet):
    """``visible_to(user)`` for reads, ``editable_by(user)`` for writes.

    A write is checked on the row as it was and as it is after the save, inside the
    transaction: a user can neither change a row outside their scope nor move one out
    of (or create one outside) it.
    """

    permission_classes = [WriteRolesPermission]
    filter_backends = [FilterBackend, OrderingFilter]
    public_read = False
    write_roles: tuple[str, ...] = ()
    # The service that saves a row, called as ``save_with(<model name>=row, actor=user)``
    # for creates and updates (``membership_save(membership=..., actor=...)``)...
    save_with = None
    # ...or the one that records a new row from the serializer's fields
    # (``investment_record(actor=..., deal=..., amount=...)``).
    create_with = None
    # The service that deletes a row, called as ``delete_with(<model name>=row, actor=user)``.
    delete_with = None

    @property
    def paginator(self):
        """Page numbers, or keyset pages for a list whose client asks for a cursor."""
        if not hasattr(self, "_paginator"):
            request = getattr(self, "request", None)
            if self.action == "list" and request is not None and wants_cursor(request):
                self._paginator = KeysetPagination()
            else:
                self._paginator = self.pagination_class() if self.pagination_class else None
        return self._paginator

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_object(self):
        """The row, and for a write the check that the user may change it, before the
        request body is even validated."""
        row = super().get_object()
        if self.action in ("update", "partial_update", "destroy"):
            self.check_editable(row)
        return row

    def editable(self):
        return self.queryset.model._default_manager.editable_by(self.request.user)

    def check_editable(self, obj) -> None:
        if not self.editable().filter(pk=obj.pk).exists():
            raise PermissionDenied()

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.instance = self.save_new(serializer)
            self.check_editable(serializer.instance)

    def perform_update(self, serializer):
        with transaction.atomic():
            self.check_editable(serializer.instance)
            serializer.instance = self.save_changes(serializer)
            self.check_editable(serializer.instance)

    def perform_destroy(self, instance):
        """Through ``delete_with`` (a service) or, as in the admin, for a user holding the
        model's delete permission; the row must be editable either way."""
        self.check_editable(instance)
        if self.delete_with is not None:
            type(self).delete_with(
                **{instance._meta.model_name: instance, "actor": self.request.user}
            )
            return
        opts = instance._meta
        if not self.request.user.has_perm(f"{opts.app_label}.delete_{opts.model_name}"):
            raise PermissionDenied()
        instance.delete()

    def _save_row(self, row):
        return type(self).save_with(**{row._meta.model_name: row, "actor": self.request.user})

    def save_new(self, serializer):
        if self.create_with is not None:
            return type(self).create_with(actor=self.request.user, **serializer.validated_data)
        if self.save_with is not None:
            return self._save_row(self.queryset.model(**serializer.validated_data))
        return serializer.save()

    def save_changes(self, serializer):
        if self.save_with is None:
            return serializer.save()
        row = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(row, key, value)
        return self._save_row(row)


class ReadPathMixin:
    """Lists through the read path: a page is ONE statement — the rows of the page's keys
    (sliced in a subquery: an index-only scan even deep in the list) as ``.values()``,
    with the capped count and each nested list as JSON riding along (core/paging.py,
    core/api/read.py) — shaped by the serializer's compiled plan and rendered with orjson.
    Details, actions and writes keep the validated serializer; ``tests`` compare both
    outputs row for row.
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        self.plan = read_plan(self.get_serializer_class(), queryset.query.annotations)
        queryset = self.filter_queryset(queryset)
        paginator = self.paginator
        context = self.get_serializer_context()
        if isinstance(paginator, KeysetPagination):
            keys = paginator.keys(queryset, request, self)
            ids = [key["pk"] for key in paginator.paginate_queryset(keys, request, self)]
            rows = self.plan.render(ids, queryset, context)
        else:
            page = paginator.paginate_queryset(queryset, request, self)
            rows = self.plan.render_rows(page, context)
        return paginator.get_paginated_response(rows)

    def read_page(self, queryset) -> list[dict]:
        """The ``.values()`` rows of a page's queryset (the paginator slices it)."""
        return self.plan.values(queryset, self.request.user)
