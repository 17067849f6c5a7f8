"""The API's rate limits applied to HTML forms, sharing their counters (and store)."""

from __future__ import annotations

import functools
import math

from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with ``DJANGO_PROXY_COUNT`` proxies in front
    the address the outermost of them saw (never a client's own X-Forwarded-For)."""
    return BaseThrottle().get_ident(request)


def throttle_posts(throttle_class):
    """Answer a POST over ``throttle_class``'s rate with a 429 page and ``Retry-After``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                throttle = throttle_class()
                if not throttle.allow_request(request, None):
                    wait = math.ceil(throttle.wait() or 1)
                    response = render(
                        request,
                        "429.html",
                        {"message": _("Too many requests: try again in a while.")},
                        status=429,
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
