from django.urls import path

from core import views

urlpatterns = [
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/status/", views.export_job_status, name="export_job_status"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("exports/<int:pk>/confirm/", views.import_job_confirm, name="import_job_confirm"),
]
