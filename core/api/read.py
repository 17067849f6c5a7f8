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

* A nested list (``inventors = InventorSerializer(many=True)``) is read in the same
  statement as its rows: a correlated subquery aggregating the children, in the related
  model's ordering (as the serializer's prefetch reads them), into one JSON array of
  arrays per row; decimals travel as text and every value is brought back to the Python
  type the model field reads, so that the children are shown exactly as fetched ones.
* A field read from a model property or a ``SerializerMethodField`` is computed on a
  stand-in instance: the model's class filled with the row's columns, without
  ``Model.__init__``. The property stays the one rule.
* A serializer may declare ``hidden_fields(instance, user)``: the fields that read as null
  for that user (confidential ones), and ``hidden_on_every_row(user)``: those that read
  as null on every row for that user, which are then not read at all.

A field the plan cannot read (a many-to-many list, a relation to a relation's relation
list, a list nested in a nested list) stops the compilation with ``ImproperlyConfigured``:
such a viewset keeps DRF's path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import orjson
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connection, models
from django.db.models import Aggregate, F, Func, OuterRef, Subquery
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import get_attribute
from rest_framework.settings import api_settings

from core.paging import COUNT_ALIAS

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

# Model fields whose values JSON carries as strings: read back with the field's to_python.
FROM_JSON_TEXT = (
    models.DecimalField,
    models.DateTimeField,  # before DateField: a DateTimeField is a DateField
    models.DateField,
    models.TimeField,
    models.DurationField,
    models.UUIDField,
)


class JSONRows(Aggregate):
    """``json_agg``: the children of one row (cast to text for orjson to decode)."""

    function = "json_agg"
    allow_order_by = True
    output_field = models.TextField()


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
    alias: str = ""  # for NESTED: the annotation carrying the children's JSON
    iso_datetime: bool = False  # shown as DRF shows an aware datetime in ISO 8601
    children: object = None  # for NESTED: the expression reading the children (built once)


class ReadPlan:
    """How to render ``serializer_class`` from ``.values()`` rows (see the module's doc)."""

    def __init__(self, serializer_class, annotations=()):
        self.serializer_class = serializer_class
        self.model = serializer_class.Meta.model
        self.hidden_fields = getattr(serializer_class, "hidden_fields", None)
        self.hidden_on_every_row = getattr(serializer_class, "hidden_on_every_row", None)
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
        return Column(
            name, VALUE, lookup=lookup, guard=guard, show=show, iso_datetime=_iso(drf_field)
        )

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
        plan = ReadPlan(type(drf_field.child))
        if any(c.kind == NESTED for c in plan.columns):
            raise ImproperlyConfigured(
                f"{self.serializer_class.__name__}.{drf_field.field_name}: a list in a list."
            )
        return Column(
            drf_field.field_name,
            NESTED,
            nested=plan,
            parent_key=relation.field.attname,
            alias=f"nested_{drf_field.field_name}_",
        )

    # --- reading ----------------------------------------------------------------------------

    def values(self, queryset, user) -> list[dict]:
        """The ``.values()`` rows of ``queryset``, in its order, with what the plan reads:
        the columns, each nested list as JSON (unless hidden on every row for ``user``) and
        the capped count when the paginator asked for it. One statement."""
        skip = set(self.hidden_on_every_row(user)) if self.hidden_on_every_row else set()
        nested = {
            column.alias: self._children(column)
            for column in self.columns
            if column.kind == NESTED and column.name not in skip
        }
        count = [COUNT_ALIAS] if COUNT_ALIAS in queryset.query.annotations else []
        return list(
            queryset.prefetch_related(None)
            .annotate(**nested)
            .values(*self.lookups, *nested, *count)
        )

    def _children(self, column):
        """The children of the outer row as ``[[value, ...], ...]`` in the order of
        ``column.nested.lookups``, ordered as the related manager orders them: written
        once per plan as SQL (a subquery built by the ORM for every request costs more to
        compile than to run), through the ORM when the ordering follows a relation."""
        if column.children is None:
            column.children = _children_sql(self.model, column) or _children_subquery(column)
        return column.children

    @cached_property
    def from_json(self):
        """For each lookup, how a JSON value becomes the value the model field reads."""
        converters = []
        for lookup in self.lookups:
            model_field = self.model._meta.get_field(lookup)
            converters.append(
                model_field.to_python if isinstance(model_field, FROM_JSON_TEXT) else None
            )
        return converters

    # --- rendering ------------------------------------------------------------------------

    def render(self, ids, queryset, context) -> list[dict]:
        """The rows of ``ids`` (in that order) from ``queryset``, as the serializer shows
        them to ``context["request"].user``."""
        if not ids:
            return []
        user = getattr(context.get("request"), "user", None)
        pk = self.model._meta.pk.attname
        rows = {row[pk]: row for row in self.values(queryset.order_by().filter(pk__in=ids), user)}
        return self.render_rows([rows[key] for key in ids if key in rows], context)

    def render_rows(self, rows, context) -> list[dict]:
        """``rows`` (from ``values``) as the serializer shows them to the request's user."""
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
        # DRF's DateTimeField shows an aware datetime in the current time zone.
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        return [
            self._render_row(row, stub, hidden_here, nested, bound, index, zone)
            for index, (row, stub, hidden_here) in enumerate(zip(rows, stubs, hidden, strict=True))
        ]

    def _render_row(self, row, stub, hidden, nested, bound, index, zone) -> dict:
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
                out[name] = nested[name][index]
                continue
            elif kind == METHOD:
                out[name] = getattr(bound, column.method)(stub)
                continue
            else:
                value = get_attribute(stub, column.source_attrs)
            if value is None:
                out[name] = None
            elif column.iso_datetime and zone is not None and value.tzinfo is not None:
                # DateTimeField.to_representation, without its per-value lookups.
                text = value.astimezone(zone).isoformat()
                out[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
            else:
                out[name] = column.show(value) if column.show is not None else value
        return out

    def _nested(self, rows, hidden, context) -> dict[str, list]:
        """Each nested list's rendered children, row by row, from the rows' JSON: all the
        children of a list are rendered together."""
        answer = {}
        for column in self.columns:
            if column.kind != NESTED:
                continue
            plan = column.nested
            converters = plan.from_json
            children, owners = [], []
            for index, (row, hidden_here) in enumerate(zip(rows, hidden, strict=True)):
                if column.name in hidden_here:
                    continue
                for cells in orjson.loads(row.get(column.alias) or "[]"):
                    children.append(
                        {
                            lookup: value if convert is None or value is None else convert(value)
                            for lookup, value, convert in zip(
                                plan.lookups, cells, converters, strict=True
                            )
                        }
                    )
                    owners.append(index)
            by_row = [[] for _ in rows]
            for owner, shown in zip(owners, plan.render_rows(children, context), strict=True):
                by_row[owner].append(shown)
            answer[column.name] = by_row
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


def _children_sql(model, column) -> RawSQL | None:
    """The subquery of ``ReadPlan._children`` as SQL on the outer table, or None when the
    children's ordering is not by their own columns."""
    plan, quote = column.nested, connection.ops.quote_name
    opts = plan.model._meta
    order = []
    for term in opts.ordering:
        name = term.lstrip("-") if isinstance(term, str) else ""
        if not name or "__" in name or name == "?":
            return None
        target = opts.pk if name == "pk" else opts.get_field(name)
        order.append(f"c.{quote(target.column)}{' DESC' if term.startswith('-') else ''}")
    cells = []
    for lookup in plan.lookups:
        target = opts.get_field(lookup)
        cast = "::text" if isinstance(target, models.DecimalField) else ""  # not a float
        cells.append(f"c.{quote(target.column)}{cast}")
    parent = model._meta
    sql = (
        f"(SELECT (json_agg(json_build_array({', '.join(cells)})"
        f"{' ORDER BY ' + ', '.join(order) if order else ''}))::text"
        f" FROM {quote(opts.db_table)} c"
        f" WHERE c.{quote(opts.get_field(column.parent_key).column)}"
        f" = {quote(parent.db_table)}.{quote(parent.pk.column)})"
    )
    return RawSQL(sql, (), output_field=models.TextField())


def _children_subquery(column) -> Subquery:
    plan = column.nested
    cells = [
        Cast(F(lookup), models.TextField())
        if isinstance(plan.model._meta.get_field(lookup), models.DecimalField)
        else F(lookup)
        for lookup in plan.lookups
    ]
    children = (
        plan.model._default_manager.filter(**{column.parent_key: OuterRef("pk")})
        .order_by()
        .values(column.parent_key)
        .annotate(
            rows=Cast(
                JSONRows(
                    Func(*cells, function="json_build_array"),
                    order_by=list(plan.model._meta.ordering) or None,
                ),
                models.TextField(),
            )
        )
        .values("rows")
    )
    return Subquery(children, output_field=models.TextField())


def _iso(drf_field) -> bool:
    """Whether DRF shows the field as an ISO 8601 datetime in the current time zone."""
    if type(drf_field) is not serializers.DateTimeField or hasattr(drf_field, "timezone"):
        return False
    output = getattr(drf_field, "format", api_settings.DATETIME_FORMAT)
    return isinstance(output, str) and output.lower() == ISO_8601


_PLANS: dict[tuple, ReadPlan] = {}


def read_plan(serializer_class, annotations=()) -> ReadPlan:
    """The compiled plan of ``serializer_class``, compiled once per process."""
    key = (serializer_class, tuple(sorted(annotations)))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = ReadPlan(serializer_class, annotations)
    return plan
