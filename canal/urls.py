from django.urls import path

from canal import views

urlpatterns = [
    path("canal/", views.canal_dashboard, name="canal"),
    path("holding/", views.holding_overview, name="holding"),
    path("holding/organizations/", views.organization_roles, name="organization_roles"),
    path("import-substitution/", views.import_substitution, name="import_substitution"),
]
