from rest_framework.routers import DefaultRouter

from funds.api import views

router = DefaultRouter()
router.register("funds", views.FundViewSet)
router.register("commitments", views.CommitmentViewSet)
router.register("capital-calls", views.CapitalCallViewSet)
router.register("payments", views.PaymentViewSet)
router.register("deals", views.DealViewSet)
router.register("deal-reviews", views.DealReviewViewSet)
router.register("committee-decisions", views.CommitteeDecisionViewSet)
router.register("investments", views.InvestmentViewSet)
router.register("valuations", views.ValuationViewSet)
router.register("exits", views.ExitViewSet)
router.register("projects", views.ProjectReferralViewSet, basename="project-referral")
