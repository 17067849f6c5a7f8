"""Middleware of the ground layer: a safety net for races, and the Permissions-Policy header."""

import logging

from django.conf import settings
from django.db import IntegrityError
from django.shortcuts import render

from core.validation import constraint_message

logger = logging.getLogger(__name__)


class IntegrityErrorMiddleware:
    """Answers a database constraint violation with a 409 page naming the rule, not a 500.

    Forms validate every constraint first; this only catches two requests racing past
    the validation at the same moment. The API has its own handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        logger.info("integrity error answered as 409: %s", exception)
        return render(request, "409.html", {"message": constraint_message(exception)}, status=409)


class PermissionsPolicyMiddleware:
    """Sets ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY``.

    ``{"camera": []}`` refuses the camera to every frame, ``{"fullscreen": ["self"]}``
    allows it to the portal's own pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in policy.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
