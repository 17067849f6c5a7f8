from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("alliances/<slug:slug>/", views.alliance_detail, name="alliance"),
    path("alliances/<slug:slug>/join/", views.apply, name="apply_to"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("join/", views.apply, name="apply"),
    path("join/thanks/", views.apply_done, name="apply_done"),
    path("join/status/<str:token>/", views.apply_status, name="apply_status"),
]
