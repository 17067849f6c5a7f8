from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import CodeLabelsMixin, ScopedAdminMixin, ScopedInlineMixin, run_transition
from members import roles
from members.admin import ReasonActionForm
from projects import services
from projects.models import (
    Achievement,
    AchievementEvent,
    Attachment,
    Inventor,
    IPItem,
    Milestone,
    Product,
    Project,
    ProjectEvent,
)


class ReadOnlyInline(CodeLabelsMixin, admin.TabularInline):
    """Rows that belong to the object shown: whoever may read it reads them, nobody changes
    them here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)  # codes by their labels (CodeLabelsMixin)

    def has_view_permission(self, request, obj=None):
        parent_admin = self.admin_site.get_model_admin(self.parent_model)
        return parent_admin.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InventorInline(ReadOnlyInline):
    model = Inventor
    fields = ("name", "organization", "share")


class IPItemInline(ReadOnlyInline):
    model = IPItem
    fields = ("number", "title", "jurisdiction", "legal_status", "filed_on")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("name", "content_type", "size", "created")
    readonly_fields = ("created",)  # not editable: the add page would otherwise fail


class EventInline(ReadOnlyInline):
    model = AchievementEvent
    fields = ("at", "actor", "from_status", "to_status", "comment")


# What only those who may read an achievement's confidential part see.
CONFIDENTIAL_FIELDS = ("confidential_details",)
CONFIDENTIAL_INLINES = (InventorInline, IPItemInline, AttachmentInline)


@admin.register(Achievement)
class AchievementAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The secretariat reviews here as on the portal; the owner edits in the portal only.

    A secretariat reads the achievements of the alliances it serves and never a draft
    (``visible_to`` and ``reviewed_by`` together), even an accepted public one of another
    alliance: the catalogue shows that one. The confidential details, inventors, patents
    and attachments are shown only to whom ``confidential_visible_to`` allows.
    """

    action_form = ReasonActionForm
    list_display = ("title", "organization", "alliance", "field", "trl", "status", "submitted_at")
    list_filter = ("status", ("alliance", admin.RelatedOnlyFieldListFilter), "field", "trl")
    search_fields = ("title", "summary", "organization__name", "ip_items__number")
    list_select_related = ("organization", "alliance")
    inlines = [InventorInline, IPItemInline, AttachmentInline, EventInline]
    actions = ["accept", "return_for_revision", "reject"]
    date_hierarchy = "submitted_at"

    def scope(self, queryset, user):
        return queryset.visible_to(user).reviewed_by(user)

    def _confidential_visible(self, request, obj) -> bool:
        return obj is not None and obj.confidential_visible_to(request.user)

    def get_fields(self, request, obj=None):
        hidden = () if self._confidential_visible(request, obj) else CONFIDENTIAL_FIELDS
        return self.with_code_labels(
            field.name
            for field in Achievement._meta.fields
            if field.name not in ("id", "search_vector", "private_search_vector")
            and field.name not in hidden
        )

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        if self._confidential_visible(request, obj):
            return self.inlines
        return [inline for inline in self.inlines if inline not in CONFIDENTIAL_INLINES]

    def get_history_hidden_fields(self, request, obj):
        return () if self._confidential_visible(request, obj) else CONFIDENTIAL_FIELDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.is_superuser or roles.is_secretariat(request.user)

    def _comment(self, request):
        return request.POST.get("reason", "")

    @admin.action(description=_("Accept the selected achievements"), permissions=["review"])
    def accept(self, request, queryset):
        run_transition(
            self,
            request,
            queryset,
            lambda a: services.achievement_accept(
                achievement=a, actor=request.user, comment=self._comment(request)
            ),
            _("%(count)d achievement(s) accepted."),
        )

    @admin.action(description=_("Return for revision (give the comment)"), permissions=["review"])
    def return_for_revision(self, request, queryset):
        run_transition(
            self,
            request,
            queryset,
            lambda a: services.achievement_return(
                achievement=a, actor=request.user, comment=self._comment(request)
            ),
            _("%(count)d achievement(s) returned for revision."),
        )

    @admin.action(description=_("Reject (give the reason)"), permissions=["review"])
    def reject(self, request, queryset):
        run_transition(
            self,
            request,
            queryset,
            lambda a: services.achievement_reject(
                achievement=a, actor=request.user, comment=self._comment(request)
            ),
            _("%(count)d achievement(s) rejected."),
        )


class MilestoneInline(ScopedInlineMixin, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("title", "due_on", "done_on", "owner_organization")


class ProjectEventInline(ReadOnlyInline):
    model = ProjectEvent
    fields = ("at", "actor", "from_status", "to_status", "comment")


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Read and follow projects; stage moves go through the portal or the API."""

    scope_visible = True  # read what you may see, change what you run

    list_display = ("title", "enterprise", "pilot_organization", "stage", "started_on")
    list_filter = ("stage", ("achievement__alliance", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "achievement__title", "enterprise__name")
    list_select_related = ("enterprise", "pilot_organization")
    inlines = [MilestoneInline, ProjectEventInline]
    readonly_fields = (
        "achievement",
        "stage",
        "stage_reason",
        "resume_stage",
        "pilot_started_on",
        "industrialization_started_on",
        "market_launched_on",
        "completed_on",
        "created_by",
    )
    autocomplete_fields = ("pilot_organization", "enterprise")

    def has_add_permission(self, request):
        return False  # opened from an accepted achievement, in the portal

    def save_model(self, request, obj, form, change):
        services.project_save(project=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Milestone:
            return super().save_formset(request, form, formset, change)
        for milestone in formset.save(commit=False):
            services.milestone_save(milestone=milestone, actor=request.user)
        for milestone in formset.deleted_objects:
            milestone.delete()
        return None


@admin.register(Product)
class ProductAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    # Products are public on the import-substitution page; here each secretariat keeps
    # those of the projects it runs.
    list_display = (
        "name",
        "enterprise",
        "launch_date",
        "domestic_market_share",
        "replaces_import",
        "replaced_product",
    )
    list_filter = (
        "replaces_import",
        ("project__achievement__alliance", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "replaced_product", "enterprise__name")
    list_select_related = ("enterprise",)
    readonly_fields = ("project", "enterprise")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.product_save(product=obj, actor=request.user)
