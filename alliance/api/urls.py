"""The REST API under /api/v1/: one router joining every app's resources."""

from django.urls import include, path
from rest_framework import permissions, routers

from canal.api.views import CanalViewSet
from core.api.auth import obtain_auth_token
from funds.api.urls import router as funds_router
from members.api.urls import router as members_router
from projects.api.urls import router as projects_router


class APIRootView(routers.APIRootView):
    """The alliance portal's REST API: every resource, listed."""

    permission_classes = [permissions.AllowAny]


class Router(routers.DefaultRouter):
    APIRootView = APIRootView

    def get_api_root_view(self, api_urls=None):
        """The root lists each prefix by the viewset registered first for it: the funds'
        referral action shares the ``projects`` prefix and, registered later, replaced the
        projects' list in the root (it has no list of its own)."""
        list_name = self.routes[0].name
        api_root_dict = {}
        for prefix, _viewset, basename in self.registry:
            api_root_dict.setdefault(prefix, list_name.format(basename=basename))
        return self.APIRootView.as_view(api_root_dict=api_root_dict)


router = Router()
for app_router in (members_router, projects_router, funds_router):
    router.registry.extend(app_router.registry)
router.register("canal", CanalViewSet, basename="canal")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
