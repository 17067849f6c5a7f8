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
    path("achievements/<int:pk>/canal/", views.achievement_canal, name="canal"),
    path(
        "achievements/<int:achievement_pk>/projects/new/",
        views.project_create,
        name="project_new",
    ),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/move/", views.project_move, name="project_move"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "projects/<int:pk>/milestones/<int:milestone>/done/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("projects/<int:pk>/products/", views.product_add, name="product_add"),
    path("milestones/overdue/", views.overdue_milestones, name="overdue_milestones"),
]
