"""``POST /api/v1/auth/token/``: DRF's token view with the login rate limit and lockout."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authtoken.views import ObtainAuthToken

from core.api.throttles import LoginThrottle


class LockedOut(exceptions.Throttled):
    default_detail = gettext_lazy("Too many failed logins: try again later.")


class ObtainAuthTokenView(ObtainAuthToken):
    """Answers ``{"token"}`` for a right username and password.

    DRF's serializer calls ``authenticate(request=...)``, so django-axes counts each failure
    against the username and address (as on the login page and the admin) and refuses a
    locked-out pair even with the right password: 429 with ``Retry-After``.
    """

    throttle_classes = [LoginThrottle]

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(
                    wait=settings.AXES_COOLOFF_TIME.total_seconds(),
                    detail=_("Too many failed logins: try again later."),
                ) from None
            raise


obtain_auth_token = ObtainAuthTokenView.as_view()
