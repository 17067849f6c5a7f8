from rest_framework.routers import DefaultRouter

from projects.api import views

router = DefaultRouter()
router.register("achievements", views.AchievementViewSet)
router.register("projects", views.ProjectViewSet)
router.register("milestones", views.MilestoneViewSet)
router.register("products", views.ProductViewSet)
