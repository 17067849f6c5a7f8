"""Where a form goes back to: the ``next`` it names, when that is one of the portal's own."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """``next`` from the POST (else the query string) when it points into this site.

    ``//evil.example``, ``https://evil.example`` or ``javascript:`` give ``fallback``.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def redirect_next(request, fallback):
    """A redirect to ``safe_next`` (``fallback`` may be a model with get_absolute_url)."""
    if hasattr(fallback, "get_absolute_url"):
        fallback = fallback.get_absolute_url()
    return redirect(safe_next(request, fallback))
