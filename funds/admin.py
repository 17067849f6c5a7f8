from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    CommitteeDecision,
    Deal,
    DealEvent,
    DealReview,
    Exit,
    Fund,
    Investment,
    ReviewCriterion,
    Valuation,
)


class VisibleMixin:
    """The admin lists fund data as the portal does: the fund's team and the analysts."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class CriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    autocomplete_fields = ("limited_partner",)


@admin.register(Fund)
class FundAdmin(VisibleMixin, SimpleHistoryAdmin):
    list_display = ("name", "manager", "target_size", "currency", "vintage_year", "status")
    list_filter = ("status", "currency")
    search_fields = ("name",)
    filter_horizontal = ("team",)
    autocomplete_fields = ("manager",)
    inlines = [CriterionInline, CommitmentInline]


class AllocationInline(admin.TabularInline):
    model = CapitalCallAllocation
    extra = 0
    can_delete = False
    readonly_fields = ("limited_partner", "amount")
    fields = ("limited_partner", "amount", "paid_amount", "paid_on")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CapitalCall)
class CapitalCallAdmin(VisibleMixin, SimpleHistoryAdmin):
    """Calls are issued in the portal (which allocates them); here they are read."""

    list_display = ("fund", "number", "amount", "call_date", "due_date")
    list_filter = ("fund",)
    readonly_fields = ("fund", "number", "amount", "call_date")
    inlines = [AllocationInline]

    def has_add_permission(self, request):
        return False


class DealEventInline(admin.TabularInline):
    model = DealEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "from_status", "to_status", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deal)
class DealAdmin(VisibleMixin, SimpleHistoryAdmin):
    list_display = ("company", "fund", "stage", "requested_amount", "owner", "average_score")
    list_filter = ("fund", "stage", "source")
    search_fields = ("company__name",)
    list_select_related = ("company", "fund", "owner")
    readonly_fields = ("stage", "stage_reason", "resume_stage", "stage_changed_at", "average_score")
    autocomplete_fields = ("company",)
    inlines = [DealEventInline]


@admin.register(DealReview)
class DealReviewAdmin(VisibleMixin, admin.ModelAdmin):
    list_display = ("deal", "reviewer", "weighted_score", "created")
    readonly_fields = ("deal", "reviewer", "scores", "weighted_score")


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(VisibleMixin, SimpleHistoryAdmin):
    list_display = (
        "deal",
        "meeting_date",
        "decision",
        "votes_for",
        "votes_against",
        "votes_abstain",
    )
    list_filter = ("decision",)


@admin.register(Investment)
class InvestmentAdmin(VisibleMixin, SimpleHistoryAdmin):
    list_display = ("deal", "fund", "amount", "invested_on", "instrument", "stake")
    list_filter = ("fund", "instrument")
    readonly_fields = ("fund",)


@admin.register(Valuation)
class ValuationAdmin(VisibleMixin, SimpleHistoryAdmin):
    list_display = ("investment", "valued_on", "fair_value", "method")


@admin.register(Exit)
class ExitAdmin(VisibleMixin, SimpleHistoryAdmin):
    list_display = ("investment", "exited_on", "kind", "proceeds")
