"""The admin crawled from its registry: every view of every registered model, per persona.

The URLs come from each ``ModelAdmin.get_urls()``, so a newly registered model or a new
admin view (history, export, import...) is crawled without touching this file; a model
without a builder in ``tests/admin/builders.py`` fails
``test_every_registered_model_has_a_builder``.

* The secretariat of alliance B and a staff user without a role ask for every page of
  alliance A's objects: each answers as for an id that does not exist (403, 404 or a
  redirect), shows none of the object's texts, and no POST (change, delete, history
  version, admin actions) changes the row or its history.
* The secretariat of A opens every changelist, add page and page of its own objects
  (200, or 403 where its role has no permission), and the superuser every page (200).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, reverse

from core.admin import ScopedAdminMixin
from core.models import OutboxMessage
from members import roles
from members.models import (
    Alliance,
    Contact,
    Membership,
    MembershipApplication,
    MembershipEvent,
    Organization,
)
from projects.models import Achievement, Product, Project
from tests.admin.builders import BUILDERS, make_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"core", "members", "projects", "funds", "canal"}
# What the secretariat's role reads in the admin (its alliances' rows).
SECRETARIAT_READS = {
    Alliance,
    Organization,
    Membership,
    Contact,
    MembershipApplication,
    MembershipEvent,
    Achievement,
    Project,
    Product,
    OutboxMessage,
}
MISSING = "987654321"


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


REGISTERED = sorted(admin.site._registry, key=_label)


def _admin(model):
    return admin.site._registry[model]


def _history(obj):
    attribute = getattr(obj._meta, "simple_history_manager_attribute", None)
    return getattr(obj, attribute) if attribute else None


def admin_urls(model, obj, object_id=None):
    """``(view, url)`` for every named URL of the model's admin, filled with ``obj``'s ids
    (or ``object_id`` instead of its primary key)."""
    object_id = quote(obj.pk) if object_id is None else object_id
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    for pattern in _admin(model).get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        view = pattern.name.removeprefix(prefix)
        arguments = pattern.pattern.regex.groups
        if arguments == 0:
            yield view, reverse(f"admin:{pattern.name}")
        elif arguments == 1:
            yield view, reverse(f"admin:{pattern.name}", args=[object_id])
        elif arguments == 2 and view == "simple_history":
            for history_id in _history(obj).values_list("history_id", flat=True):
                yield view, reverse(f"admin:{pattern.name}", args=[object_id, history_id])
        else:
            pytest.fail(f"The crawler does not know how to fill {pattern.name} ({pattern}).")


def _filtered(model, view, url, obj):
    """A changelist or an export narrowed to ``obj``, as a link from its page would be."""
    if view in ("changelist", "export"):
        return f"{url}?{model._meta.pk.name}__exact={quote(obj.pk)}"
    return url


def _body(response) -> str:
    content = getattr(response, "streaming_content", None)
    raw = b"".join(content) if content is not None else response.content
    return raw.decode("utf-8", errors="replace")


def _assert_hidden(response, secrets, url):
    body = _body(response)
    leaked = [secret for secret in secrets if secret and secret in body]
    assert not leaked, f"{url} shows {leaked}"


def snapshot(obj):
    """The row as stored and the ids of its historical records."""
    model = type(obj)
    key = {model._meta.pk.attname: getattr(obj, model._meta.pk.attname)}
    row = list(model._default_manager.filter(**key).values())
    history = _history(obj)
    versions = list(history.values_list("history_id", "history_type")) if history else []
    return row, versions


def tampered(obj) -> dict:
    """A form as an attacker would post it: the row's own values, every text replaced."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            data[field.name] = "篡改"
        elif value is not None and not isinstance(value, list | dict):
            data[field.name] = str(value)
    return data


def _export_form(model) -> dict:
    """The export form with the first format and every column of the first resource."""
    resource = _admin(model).get_export_resource_classes(RequestFactory().get("/"))[0]
    columns = resource().get_export_order()
    return {"format": "0", "resource": "0"} | {
        f"{resource.__name__.lower()}_{column}": "on" for column in columns
    }


def _action_names(model) -> list[str]:
    actions = _admin(model).actions or ()
    return ["delete_selected", *(a if isinstance(a, str) else a.__name__ for a in actions)]


@pytest.fixture(autouse=True)
def _tasks_in_the_database(settings):
    """The task results' admin reads each task through the backend it was queued on: the
    database, as in production (the other tests run tasks at once)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def staff_without_role():
    return UserFactory(username="staff_plain", is_staff=True)


@pytest.fixture
def world(alliance_a, secretariat_a):
    return make_world(alliance_a, secretariat_a)


def test_every_registered_model_has_a_builder():
    missing = [_label(model) for model in REGISTERED if model not in BUILDERS]
    assert not missing, f"Add a builder to tests/admin/builders.py for {missing}"


def test_every_admin_of_the_project_is_scoped():
    unscoped = [
        _label(model)
        for model in REGISTERED
        if model._meta.app_label in PROJECT_APPS and not isinstance(_admin(model), ScopedAdminMixin)
    ]
    assert not unscoped


def test_no_role_holds_a_permission_on_the_unscoped_admins():
    """Django's users and groups and the API tokens are not scoped: superusers only."""
    from django.contrib.auth.models import Group

    apps = {m._meta.app_label for m in REGISTERED} - PROJECT_APPS
    roles.ensure_role_groups()
    granted = Group.objects.filter(
        name__in=roles.ROLE_GROUPS, permissions__content_type__app_label__in=apps
    )
    assert not granted.exists()


@pytest.mark.parametrize("persona", ["secretariat_b", "staff_without_role"])
@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_outsiders_get_nothing_of_alliance_a(client, request, world, model, persona):
    target = world.get(model)
    obj, secrets = target.obj, target.secrets
    client.force_login(request.getfixturevalue(persona))
    allowed_redirects = (reverse("admin:index"), reverse("admin:login"))
    missing_answers = {
        view: client.get(url).status_code for view, url in admin_urls(model, obj, MISSING)
    }

    for view, url in admin_urls(model, obj):
        response = client.get(_filtered(model, view, url, obj))
        _assert_hidden(response, secrets, url)
        if view in ("changelist", "export", "import", "add", "process_import"):
            assert response.status_code in (200, 302, 403, 405), url
            continue
        assert response.status_code in (302, 403, 404), url
        if isinstance(_admin(model), ScopedAdminMixin):
            # Indistinguishable from an id that does not exist. (Django's own history
            # view tells a missing user or group, 302, from a forbidden one, 403.)
            assert response.status_code == missing_answers.get(view, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith(allowed_redirects), url

    before = snapshot(obj)
    for view, url in admin_urls(model, obj):
        if view in ("change", "simple_history"):
            response = client.post(url, tampered(obj))
        elif view == "delete":
            response = client.post(url, {"post": "yes"})
        else:
            continue
        assert response.status_code in (302, 403, 404, 405), url
        _assert_hidden(response, secrets, url)
        if view == "export":
            response = client.post(_filtered(model, view, url, obj), _export_form(model))
            assert response.status_code in (200, 400, 403), url
            _assert_hidden(response, secrets, f"POST {url}")
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for action in _action_names(model):
        response = client.post(
            changelist,
            {"action": action, "_selected_action": [obj.pk], "reason": "篡改", "post": "yes"},
        )
        assert response.status_code in (200, 302, 403), action
        _assert_hidden(response, secrets, f"{changelist} {action}")
    assert snapshot(obj) == before


def _request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_secretariat_opens_every_page_of_its_own_objects(client, world, secretariat_a, model):
    target = world.get(model)
    obj = target.obj
    model_admin = _admin(model)
    request = _request_of(secretariat_a)
    reads = model in SECRETARIAT_READS
    expected = {
        "changelist": reads,
        "export": reads,
        "change": reads,
        "history": reads,
        "simple_history": reads,
        "add": model_admin.has_add_permission(request),
        "delete": model_admin.has_delete_permission(request, obj),
        "import": reads and model_admin.has_import_permission(request)
        if hasattr(model_admin, "has_import_permission")
        else False,
    }
    client.force_login(secretariat_a)
    for view, url in admin_urls(model, obj):
        response = client.get(url)
        if view not in expected:
            assert response.status_code < 500, url
            continue
        assert response.status_code == (200 if expected[view] else 403), url
        if view == "changelist" and reads:
            assert target.secrets[0] in _body(response), url

    before = snapshot(obj)
    for view, url in admin_urls(model, obj):
        if view == "simple_history":
            assert client.post(url, tampered(obj)).status_code in (403, 405), url
    assert snapshot(obj) == before


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_superuser_opens_every_page(client, world, superuser, model):
    obj = world.get(model).obj
    request = _request_of(superuser)
    may = {
        "add": _admin(model).has_add_permission(request),
        "delete": _admin(model).has_delete_permission(request, obj),
    }
    client.force_login(superuser)
    for view, url in admin_urls(model, obj):
        response = client.get(url)
        if view == "process_import":
            assert response.status_code < 500, url
        elif view in may:
            assert response.status_code == (200 if may[view] else 403), url
        else:
            assert response.status_code == 200, url


GARBAGE = ["\x00", "zz", "99999999999999999999"]


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_garbage_query_strings_never_answer_500(client, superuser, model):
    """Every field as a filter, with values no field accepts, and the changelist's own
    parameters: an error redirect, a 400 or the page, never a 500. (The database checks
    the values even with no row to compare them with.)"""
    model_admin = _admin(model)
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    names = [field.name for field in model._meta.get_fields() if field.concrete]
    names += [f"{name}__in" for name in names[:3]] + [f"{names[-1]}__gte"]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    names += ["q", "o", "p", "_to_field", "e"]
    client.force_login(superuser)
    for name in names:
        for value in GARBAGE:
            response = client.get(changelist, {name: value})
            assert response.status_code in (200, 302, 400), (name, value)


def _autocomplete_fields():
    """``(source model, field name)`` of every autocomplete field, inlines' included."""
    for model in REGISTERED:
        model_admin = _admin(model)
        for name in model_admin.autocomplete_fields:
            yield model, name
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                yield inline.model, name


AUTOCOMPLETE = sorted(set(_autocomplete_fields()), key=lambda pair: (_label(pair[0]), pair[1]))


@pytest.mark.parametrize(
    ("source", "field_name"), AUTOCOMPLETE, ids=[f"{_label(m)}.{f}" for m, f in AUTOCOMPLETE]
)
def test_autocomplete_offers_only_rows_in_scope(
    client, world, secretariat_a, secretariat_b, source, field_name
):
    target = world.get(source._meta.get_field(field_name).remote_field.model)
    query = {
        "app_label": source._meta.app_label,
        "model_name": source._meta.model_name,
        "field_name": field_name,
        "term": target.secrets[0],
    }
    client.force_login(secretariat_b)
    response = client.get(reverse("admin:autocomplete"), query)
    assert response.status_code in (200, 403)
    _assert_hidden(response, target.secrets, str(query))
    client.force_login(secretariat_a)
    response = client.get(reverse("admin:autocomplete"), query)
    if response.status_code == 200:
        # Only what the field may point to (its ``limit_choices_to``), in scope.
        allowed = (
            type(target.obj)
            ._default_manager.complex_filter(
                source._meta.get_field(field_name).get_limit_choices_to() or {}
            )
            .filter(pk=target.obj.pk)
        )
        expected = {str(target.obj.pk)} if allowed.exists() else set()
        assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("source", "field_name"), AUTOCOMPLETE, ids=[f"{_label(m)}.{f}" for m, f in AUTOCOMPLETE]
)
def test_autocomplete_garbage_never_answers_500(client, superuser, source, field_name):
    """Every autocomplete field searched for garbage (a NUL character was a 500): the
    results, or a 400 naming what was wrong."""
    client.force_login(superuser)
    for term in [*GARBAGE, "x\x00y", "1.2.3.4", "%", "_"]:
        query = {
            "app_label": source._meta.app_label,
            "model_name": source._meta.model_name,
            "field_name": field_name,
            "term": term,
        }
        response = client.get(reverse("admin:autocomplete"), query)
        assert response.status_code in (200, 400), (term, response.status_code)
        if "\x00" in term:
            assert response.status_code == 400 and "NUL" in response.content.decode()
