"""The read path of the API lists: ``.values()`` rows shaped exactly as the serializer shapes
model instances.

DRF renders a list by building a model instance per row (and per nested row) and walking
every field of the serializer for each. Here a serializer class is read once and compiled
into a ``ReadPlan``: for each field, the column it reads (``organization__name`` for
``source="organization.name"``, ``organization_id`` for a primary-key relation, an
annotation of the viewset's queryset by its name) and how its value is shown: as it comes
for strings, integers, booleans and keys, through the DRF field's own
``to_representation`` for dates, times, decimals and choices, so that the output is the
serializer's to the character. The serializer stays the one declaration of the fields.

* A nested list (``inventors = InventorSerializer(many=True)``) is one query for the whole
  page, in the related model's ordering, as the serializer's prefetch reads it.
* A field read from a model property or a ``SerializerMethodField`` is computed on a
  stand-in instance: the model's class filled with the row's columns, without
  ``Model.__init__``. The property stays the one rule.
* A serializer may declare ``hidden_fields(instance, user)``: the fields that read as null
  for that user (confidential ones). Nested lists hidden on every row are not queried.

A field the plan cannot read (a many-to-many list, a relation to a relation's relation
list) stops the compilation with ``ImproperlyConfigured``: such a viewset keeps DRF's path.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models.base import ModelState
from rest_framework import serializers
from rest_framework.fields import get_attribute

# Fields whose to_representation gives back a value of the type the database returns.
AS_IS = {
    serializers.CharField,
    serializers.EmailField,
    serializers.SlugField,
    serializers.URLField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ReadOnlyField,
}

VALUE, STUB, METHOD, NESTED = "value", "stub", "method", "nested"


@dataclass
class Column:
    name: str
    kind: str
    lookup: str = ""  # for VALUE: the ``values()`` lookup
    guard: str = ""  # a nullable foreign key on the way: the key is left out when it is null
    show: object = None  # the field's to_representation, or None when values show as they are
    source_attrs: list[str] = field(default_factory=list)  # for STUB
    method: str = ""  # for METHOD
    nested: ReadPlan | None = None  # for NESTED
    parent_key: str = ""  # for NESTED: the related model's key to this model


class ReadPlan:
    """How to render ``serializer_class`` from ``.values()`` rows (see the module's doc)."""

    def __init__(self, serializer_class, annotations=()):
        self.serializer_class = serializer_class
        self.model = serializer_class.Meta.model
        self.hidden_fields = getattr(serializer_class, "hidden_fields", None)
        self.columns = [
            self._compile(f, set(annotations))
            for f in serializer_class().fields.values()
            if not f.write_only
        ]
        self.needs_stub = self.hidden_fields is not None or any(
            c.kind in (STUB, METHOD) for c in self.columns
        )
        lookups = {self.model._meta.pk.attname}
        lookups.update(c.lookup for c in self.columns if c.kind == VALUE)
        lookups.update(c.guard for c in self.columns if c.guard)
        self.stub_columns = []
        if self.needs_stub:
            self.stub_columns = [
                f.attname
                for f in self.model._meta.concrete_fields
                if not isinstance(f, SearchVectorField)
            ]
            lookups.update(self.stub_columns)
        self.lookups = sorted(lookups)

    def _compile(self, drf_field, annotations) -> Column:
        name = drf_field.field_name
        if isinstance(drf_field, serializers.ListSerializer):
            return self._compile_nested(drf_field)
        if isinstance(drf_field, serializers.SerializerMethodField):
            return Column(name, METHOD, method=drf_field.method_name)
        if isinstance(drf_field, serializers.BaseSerializer | serializers.ManyRelatedField):
            raise ImproperlyConfigured(f"{self.serializer_class.__name__}.{name}: no read path.")
        if isinstance(drf_field, serializers.RelatedField):
            if getattr(drf_field, "pk_field", None) is not None or not isinstance(
                drf_field, serializers.PrimaryKeyRelatedField
            ):
                raise ImproperlyConfigured(f"{self.serializer_class.__name__}.{name}: no path.")
            show = None
        else:
            show = None if type(drf_field) in AS_IS else drf_field.to_representation
        resolved = self._lookup(drf_field.source_attrs, annotations)
        if resolved is None:
            return Column(name, STUB, show=show, source_attrs=drf_field.source_attrs)
        lookup, guard = resolved
        if guard and (drf_field.allow_null or drf_field.default is not serializers.empty):
            guard = ""  # DRF answers null (or the default) rather than leaving the key out
        return Column(name, VALUE, lookup=lookup, guard=guard, show=show)

    def _lookup(self, source_attrs, annotations):
        """The ``values()`` lookup of a dotted source and the nullable key on its way, or
        None when the source is not a column (a property or method of the model)."""
        model, parts, guard = self.model, [], ""
        for index, attr in enumerate(source_attrs):
            try:
                model_field = model._meta.get_field(attr)
            except FieldDoesNotExist:
                if index == 0 and attr in annotations and len(source_attrs) == 1:
                    return attr, ""
                return None
            last = index == len(source_attrs) - 1
            if model_field.is_relation and not (
                model_field.concrete and (model_field.many_to_one or model_field.one_to_one)
            ):
                raise ImproperlyConfigured(f"{self.serializer_class.__name__}: {attr} is a list.")
            if last:
                parts.append(model_field.attname if model_field.is_relation else attr)
                return "__".join(parts), guard
            if model_field.null and not guard:
                guard = "__".join([*parts, model_field.attname])
            parts.append(attr)
            model = model_field.related_model
        return None

    def _compile_nested(self, drf_field) -> Column:
        try:
            relation = self.model._meta.get_field(drf_field.source)
        except FieldDoesNotExist as error:
            raise ImproperlyConfigured(
                f"{self.serializer_class.__name__}.{drf_field.field_name}: no read path."
            ) from error
        if not relation.one_to_many:
            raise ImproperlyConfigured(
                f"{self.serializer_class.__name__}.{drf_field.field_name}: no read path."
            )
        return Column(
            drf_field.field_name,
            NESTED,
            nested=ReadPlan(type(drf_field.child)),
            parent_key=relation.field.attname,
        )

    # --- rendering ------------------------------------------------------------------------

    def render(self, ids, queryset, context) -> list[dict]:
        """The rows of ``ids`` (in that order) from ``queryset``, as the serializer shows
        them to ``context["request"].user``."""
        if not ids:
            return []
        rows = {
            row[self.model._meta.pk.attname]: row
            for row in queryset.prefetch_related(None)
            .order_by()
            .filter(pk__in=ids)
            .values(*self.lookups)
        }
        ordered = [rows[pk] for pk in ids if pk in rows]
        return self.render_rows(ordered, context)

    def render_rows(self, rows, context) -> list[dict]:
        request = context.get("request")
        user = getattr(request, "user", None)
        stubs = [self._stub(row) for row in rows] if self.needs_stub else [None] * len(rows)
        hidden = [
            frozenset(self.hidden_fields(stub, user)) if self.hidden_fields else frozenset()
            for stub in stubs
        ]
        nested = self._nested(rows, hidden, context)
        bound = None
        if any(c.kind == METHOD for c in self.columns):
            bound = self.serializer_class(context=context)
        pk = self.model._meta.pk.attname
        return [
            self._render_row(row, stub, hidden_here, nested, bound, pk)
            for row, stub, hidden_here in zip(rows, stubs, hidden, strict=True)
        ]

    def _render_row(self, row, stub, hidden, nested, bound, pk) -> dict:
        out = {}
        for column in self.columns:
            name = column.name
            if name in hidden:
                out[name] = None
                continue
            kind = column.kind
            if kind == VALUE:
                if column.guard and row[column.guard] is None:
                    continue
                value = row[column.lookup]
            elif kind == NESTED:
                out[name] = nested[name].get(row[pk], [])
                continue
            elif kind == METHOD:
                out[name] = getattr(bound, column.method)(stub)
                continue
            else:
                value = get_attribute(stub, column.source_attrs)
            if value is None:
                out[name] = None
            else:
                out[name] = column.show(value) if column.show is not None else value
        return out

    def _nested(self, rows, hidden, context) -> dict[str, dict]:
        """Each nested list's rendered children, by parent key: one query per list."""
        pk = self.model._meta.pk.attname
        answer = {}
        for column in self.columns:
            if column.kind != NESTED:
                continue
            wanted = [
                row[pk]
                for row, hidden_here in zip(rows, hidden, strict=True)
                if column.name not in hidden_here
            ]
            by_parent = defaultdict(list)
            if wanted:
                plan = column.nested
                lookups = sorted({*plan.lookups, column.parent_key})
                children = list(
                    plan.model._default_manager.filter(
                        **{f"{column.parent_key}__in": wanted}
                    ).values(*lookups)
                )
                for child, shown in zip(children, plan.render_rows(children, context), strict=True):
                    by_parent[child[column.parent_key]].append(shown)
            answer[column.name] = by_parent
        return answer

    def _stub(self, row):
        """The model's class filled with the row's columns, for properties and rules."""
        stub = self.model.__new__(self.model)
        stub._state = ModelState()
        stub._state.adding = False
        stub._state.db = "default"
        for attname in self.stub_columns:
            stub.__dict__[attname] = row[attname]
        return stub


_PLANS: dict[tuple, ReadPlan] = {}


def read_plan(serializer_class, annotations=()) -> ReadPlan:
    """The compiled plan of ``serializer_class``, compiled once per process."""
    key = (serializer_class, tuple(sorted(annotations)))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = ReadPlan(serializer_class, annotations)
    return plan
