"""Rate limits kept in the shared cache (every worker counts the same attempts).

A throttled request answers 429 with ``Retry-After`` (DRF's ``Throttled``). The same
classes guard the HTML forms that have an API twin (``core.throttling``), so the join form
and ``POST membership-applications/`` share one counter per address. The rates are read
from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when a request comes, not at import.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class _CurrentRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousWriteThrottle(_CurrentRate, AnonRateThrottle):
    """Writes by anonymous clients (the public join form), per address; reads are free."""

    scope = "anon_write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class LoginThrottle(_CurrentRate, SimpleRateThrottle):
    """Password attempts per address, whoever they claim to be (the token endpoint)."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
