from rest_framework.routers import DefaultRouter

from members.api import views

router = DefaultRouter()
router.register("alliances", views.AllianceViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("memberships", views.MembershipViewSet)
router.register("contacts", views.ContactViewSet)
router.register("membership-applications", views.MembershipApplicationViewSet)
