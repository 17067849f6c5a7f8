from rest_framework.routers import DefaultRouter

from projects.api import views

router = DefaultRouter()
router.register("achievements", views.AchievementViewSet)
