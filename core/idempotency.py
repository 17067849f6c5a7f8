"""Writes a client may send twice: a double-clicked form, an API POST retried after a timeout.

The client names the write with a key (the API's ``Idempotency-Key`` header; a hidden
``idempotency_key`` in the HTML forms). The first request stores the key in its own
transaction, so the key exists exactly when the write does; the same key again answers the
first response and creates nothing. A concurrent twin waits on the key's unique index and
then replays. The same key with a different request is refused (422).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
MAX_KEY_LENGTH = 255


class KeyReused(APIException):
    status_code = 422
    default_detail = gettext_lazy("This Idempotency-Key was already used for a different request.")
    default_code = "idempotency_key_reused"


def fingerprint(method: str, path: str, data) -> str:
    """A digest of what the request asks, independent of key order."""
    if hasattr(data, "lists"):  # a QueryDict: every value of every key
        data = {
            key: values for key, values in data.lists() if key not in (FIELD, "csrfmiddlewaretoken")
        }
    payload = json.dumps([method, path, data], sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _owner(request):
    return request.user if request.user.is_authenticated else None


def _claim(request, key: str, digest: str) -> IdempotencyKey | None:
    """Store the key in the current transaction; answer the earlier record when it exists."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key, user=_owner(request), fingerprint=digest)
    except IntegrityError:
        return IdempotencyKey.objects.get(key=key, user=_owner(request))
    return None


# --- API ---------------------------------------------------------------------------------

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A key of your choice (e.g. a UUID): the same key and body again answer the "
    "first response and create nothing; the same key with another body answers 422.",
)


def idempotent(handler):
    """Decorate a viewset method (``create`` or a POST action) to honour ``Idempotency-Key``."""

    @extend_schema(parameters=[KEY_PARAMETER])
    @wraps(handler)
    def wrapped(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return handler(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationError({HEADER: [_("Give at most 255 characters.")]})
        digest = fingerprint(request.method, request.path, request.data)
        with transaction.atomic():
            earlier = _claim(request, key, digest)
            if earlier is not None:
                if earlier.fingerprint != digest:
                    raise KeyReused()
                return Response(
                    earlier.response_body,
                    status=earlier.response_status,
                    headers={"Idempotent-Replayed": "true"},
                )
            response = handler(self, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)  # nothing kept: the client may try again
                return response
            IdempotencyKey.objects.filter(key=key, user=_owner(request)).update(
                response_status=response.status_code,
                response_body=json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)),
            )
            return response

    return wrapped


class IdempotentCreateMixin:
    # POST to the list honours Idempotency-Key (no docstring: it would become the
    # operation's description in the schema).

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


# --- HTML forms --------------------------------------------------------------------------


def new_key() -> str:
    return uuid.uuid4().hex


class IdempotentFormMixin(forms.Form):
    """Carries a fresh key in a hidden field; the view is decorated with ``once_per_key``.

    The key is read from the request by the decorator and left out of ``cleaned_data``, so
    that the services never see it.
    """

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=MAX_KEY_LENGTH, initial=new_key
    )

    def clean(self):
        cleaned = super().clean()
        cleaned.pop(FIELD, None)
        return cleaned


def mark_done(request) -> None:
    """Called by ``apply_service`` when the service succeeded: the key may be kept."""
    request._idempotent_write_done = True


def once_per_key(view):
    """A POST view whose form carries ``idempotency_key``: the same key again redirects to
    where the first submission led, with a note, and writes nothing."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        key = request.POST.get(FIELD, "").strip()[:MAX_KEY_LENGTH]
        if request.method != "POST" or not key:
            return view(request, *args, **kwargs)
        digest = fingerprint(request.method, request.path, request.POST)
        with transaction.atomic():
            earlier = _claim(request, key, digest)
            if earlier is not None:
                messages.info(
                    request, _("This form was already submitted; nothing was done twice.")
                )
                location = (earlier.response_body or {}).get("location")
                return redirect(location or request.path)
            response = view(request, *args, **kwargs)
            if not getattr(request, "_idempotent_write_done", False):
                transaction.set_rollback(True)  # the key stays free for the corrected form
                return response
            IdempotencyKey.objects.filter(key=key, user=_owner(request)).update(
                response_status=response.status_code,
                response_body={"location": response.get("Location", "")},
            )
            return response

    return wrapped
