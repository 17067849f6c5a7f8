from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz
from members import views as member_views

urlpatterns = [
    path("", member_views.home, name="home"),
    path("", include("members.urls")),
    path("", include("projects.urls")),
    path("", include("funds.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("alliance.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("healthz", healthz, name="healthz"),
    path("", include("core.urls")),
    path("", include("canal.urls")),
]

# The 400 page names what was wrong (core.views.bad_request).
handler400 = "core.views.bad_request"
