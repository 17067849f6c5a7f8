from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement"),
    path("achievements/<int:pk>/review/", views.achievement_review, name="achievement_review"),
    path(
        "achievements/<int:pk>/attachments/<int:attachment>/",
        views.attachment_download,
        name="attachment",
    ),
    path("my/achievements/", views.my_achievements, name="mine"),
    path("my/achievements/new/", views.achievement_edit, name="achievement_new"),
    path("my/achievements/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
    path("my/achievements/<int:pk>/delete/", views.achievement_delete, name="achievement_delete"),
    path(
        "my/achievements/<int:pk>/attachments/<int:attachment>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("review/achievements/", views.review_queue, name="review_queue"),
]
