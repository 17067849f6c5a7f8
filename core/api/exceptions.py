"""Turn the errors of the model layer into DRF's shapes, so no input ends in a 500."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.validation import constraint_message

logger = logging.getLogger(__name__)


def validation_error_detail(error: DjangoValidationError):
    """A Django ValidationError as DRF's ``{"field": ["message"]}``."""
    if hasattr(error, "error_dict"):
        detail = {}
        for field, errors in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field
            detail[key] = errors
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # Django's "No Commitment matches the given query." names a class, in English
        # whatever the reader's language: the API says "Not found." in the reader's.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, ProtectedError | RestrictedError):
        return Response(
            {
                "detail": _(
                    "This record is still referred to by other records and cannot be deleted."
                )
            },
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, IntegrityError):
        # A race passed the validation but the database constraint caught it.
        logger.info("integrity error answered as 400: %s", exc)
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [constraint_message(exc)]}
        )
    return drf_exception_handler(exc, context)
