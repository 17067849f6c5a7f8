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


router = routers.DefaultRouter()
router.APIRootView = APIRootView
for app_router in (members_router, projects_router, funds_router):
    router.registry.extend(app_router.registry)
router.register("canal", CanalViewSet, basename="canal")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
