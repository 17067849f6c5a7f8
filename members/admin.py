from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    NameInLanguageMixin,
    ScopedAdminMixin,
    ScopedImportExportMixin,
    ScopedInlineMixin,
    code_label,
    run_transition,
)
from core.forms import ConstraintValidatedModelForm
from members import services
from members.admin_confirm import confirm_then_run
from members.choices import MembershipRole, MembershipStatus
from members.models import (
    Alliance,
    Contact,
    Membership,
    MembershipApplication,
    MembershipEvent,
    Organization,
)
from members.resources import MembershipResource, OrganizationResource


class ReasonActionForm(ActionForm):
    """The action bar with a text box for the reason or comment a transition needs."""

    reason = forms.CharField(
        label=_("Reason or comment"), required=False, widget=forms.TextInput(attrs={"size": 40})
    )


class ToStatusFilter(admin.SimpleListFilter):
    """The events' new status, offered by its name (the column stores the code)."""

    title = _("to")
    parameter_name = "to_status"

    def lookups(self, request, model_admin):
        return MembershipStatus.choices

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(to_status=value) if value else queryset


class TermEndingFilter(admin.SimpleListFilter):
    title = _("term")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [
            ("30", _("ending within 30 days")),
            ("90", _("ending within 90 days")),
            ("ended", _("ended but not marked lapsed")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in ("30", "90"):
            return queryset.ending_within(int(value))
        if value == "ended":
            return queryset.current().filter(term_end__lt=timezone.localdate())
        return queryset


class AllianceChoicesMixin:
    """Offers only the alliances the user serves in the alliance drop-downs."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "alliance":
            kwargs["queryset"] = Alliance.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Alliance)
class AllianceAdmin(NameInLanguageMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "name_en", "city", "founded_on")
    search_fields = ("name", "name_en", "city")
    filter_horizontal = ("secretariat",)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser decides who serves an alliance and changes its address.
        return () if request.user.is_superuser else ("secretariat", "slug")

    def get_prepopulated_fields(self, request, obj=None):
        # Only a field of the form can be filled in from another: not a read-only slug.
        readonly = self.get_readonly_fields(request, obj)
        return {} if "slug" in readonly else {"slug": ("name_en",)}


class MembershipInline(AllianceChoicesMixin, ScopedInlineMixin, admin.TabularInline):
    model = Membership
    form = ConstraintValidatedModelForm
    scope_visible = False
    extra = 0
    fields = ("alliance", "role", "status", "term_start", "term_end", "joined_on")
    readonly_fields = ("status",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("alliance")


class LoginLinkMixin:
    """Linking a login to a contact gives it the organisation's rights: superusers only."""

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else (*fields, "user")


class ContactInline(LoginLinkMixin, ScopedInlineMixin, admin.TabularInline):
    model = Contact
    form = ConstraintValidatedModelForm
    scope_visible = False  # only the contacts the user keeps, as in the contacts' own list
    extra = 0
    fields = ("name", "title", "email", "phone", "is_primary", "user")
    raw_id_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(
    NameInLanguageMixin, ScopedImportExportMixin, ScopedAdminMixin, SimpleHistoryAdmin
):
    # The organisations of the user's alliances and those in no alliance yet: another
    # alliance's members are not this secretariat's to read here (the public directory
    # shows what is public; an import matches existing organisations by code or name).
    # Of those in no alliance, only the ones its secretariat added can be changed.
    resource_classes = [OrganizationResource]
    list_display = ("name", "name_en", "kind", "credit_code", "city", "parent")

    list_filter = ("kind", ("memberships__alliance", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "name_en", "credit_code", "city")
    autocomplete_fields = ("parent",)
    inlines = [MembershipInline, ContactInline]
    list_select_related = ("parent",)

    def scope(self, queryset, user):
        """Listed (and offered in the memberships' choices): those the secretariat may
        make members; changed: ``editable_by`` (the others read-only)."""
        return queryset.attachable_by(user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Memberships go through the service so that each change is recorded.
        for membership in formset.save(commit=False):
            services.membership_save(membership=membership, actor=request.user)
        return None


@admin.register(Membership)
class MembershipAdmin(
    ScopedImportExportMixin, AllianceChoicesMixin, ScopedAdminMixin, SimpleHistoryAdmin
):
    resource_classes = [MembershipResource]
    form = ConstraintValidatedModelForm
    action_form = ReasonActionForm
    list_display = (
        "organization",
        "alliance",
        "role",
        "status",
        "term_start",
        "term_end",
        "joined_on",
    )
    list_filter = (
        ("alliance", admin.RelatedOnlyFieldListFilter),
        "role",
        "status",
        "organization__kind",
        TermEndingFilter,
    )
    search_fields = ("organization__name", "organization__name_en", "organization__credit_code")
    autocomplete_fields = ("organization",)
    readonly_fields = ("status", "withdrawal_reason")
    list_select_related = ("organization", "alliance")
    actions = ["suspend", "reinstate", "withdraw", "expel", "hand_over_chair"]
    date_hierarchy = "term_end"

    def save_model(self, request, obj, form, change):
        services.membership_save(membership=obj, actor=request.user)

    def _reason(self, request):
        return request.POST.get("reason", "")

    @admin.action(description=_("Suspend the selected memberships"))
    def suspend(self, request, queryset):
        run_transition(
            self,
            request,
            queryset,
            lambda m: services.membership_suspend(
                membership=m, actor=request.user, comment=self._reason(request)
            ),
            _("%(count)d membership(s) suspended."),
        )

    @admin.action(description=_("Reinstate the selected memberships"))
    def reinstate(self, request, queryset):
        run_transition(
            self,
            request,
            queryset,
            lambda m: services.membership_reinstate(
                membership=m, actor=request.user, comment=self._reason(request)
            ),
            _("%(count)d membership(s) reinstated."),
        )

    @admin.action(description=_("Record withdrawal (give the reason)"))
    def withdraw(self, request, queryset):
        run_transition(
            self,
            request,
            queryset,
            lambda m: services.membership_withdraw(
                membership=m, actor=request.user, reason=self._reason(request)
            ),
            _("%(count)d membership(s) withdrawn."),
        )

    @admin.action(description=_("Expel (give the reason)"))
    def expel(self, request, queryset):
        return confirm_then_run(
            self,
            request,
            queryset,
            action="expel",
            question=_("Expel these members?"),
            warning=_(
                "Expelled organisations leave the alliance and its directory. This cannot be "
                "undone from here: give the reason, which is kept in the history."
            ),
            service=lambda m, reason: services.membership_expel(
                membership=m, actor=request.user, reason=reason
            ),
            success=_("%(count)d membership(s) expelled."),
        )

    @admin.action(description=_("Hand the chairman role to the selected member"))
    def hand_over_chair(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one membership to hand the chair to."), level="error"
            )
            return None
        return confirm_then_run(
            self,
            request,
            queryset,
            action="hand_over_chair",
            question=_("Hand the chairman role over?"),
            warning=_(
                "The selected member becomes the chairman unit; the present chairman unit "
                "becomes a governing unit. Give the reason (the council's decision), which is "
                "kept in the history of both memberships."
            ),
            service=lambda m, reason: services.membership_hand_over_chair(
                membership=m, actor=request.user, comment=reason
            ),
            success=_("The chairman role was handed over."),
        )


@admin.register(MembershipEvent)
class MembershipEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "membership",
        "from_label",
        "to_label",
        "from_role_label",
        "to_role_label",
        "actor",
        "at",
    )
    list_filter = (ToStatusFilter,)
    list_select_related = ("membership__organization", "membership__alliance", "actor")
    search_fields = ("membership__organization__name", "comment")

    def scope(self, queryset, user):
        return queryset.filter(membership__in=Membership.objects.editable_by(user))

    # Statuses and roles by their names, never their stored codes.
    @admin.display(description=_("from"), ordering="from_status")
    def from_label(self, event):
        return event.from_label or "—"

    @admin.display(description=_("to"), ordering="to_status")
    def to_label(self, event):
        return event.to_label

    @admin.display(description=_("from role"), ordering="from_role")
    def from_role_label(self, event):
        return code_label(event.from_role, MembershipRole.choices)

    @admin.display(description=_("to role"), ordering="to_role")
    def to_role_label(self, event):
        return code_label(event.to_role, MembershipRole.choices)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(LoginLinkMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    form = ConstraintValidatedModelForm
    list_display = ("name", "organization", "title", "email", "phone", "is_primary")
    list_filter = ("is_primary", "organization__kind")
    search_fields = ("name", "email", "organization__name")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("user",)
    list_select_related = ("organization",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization" and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.filter(
                memberships__alliance__in=Alliance.objects.editable_by(request.user)
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(AllianceChoicesMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    action_form = ReasonActionForm
    list_display = ("organization_name", "alliance", "kind", "contact_name", "status", "created")
    list_filter = ("status", ("alliance", admin.RelatedOnlyFieldListFilter), "kind")
    search_fields = ("organization_name", "organization_name_en", "credit_code", "contact_name")
    list_select_related = ("alliance",)
    actions = ["approve", "reject"]
    readonly_fields = (
        "status",
        "decided_by",
        "decided_at",
        "decision_comment",
        "membership",
        "created",
    )

    def has_add_permission(self, request):
        return False  # applications come from the public form

    @admin.action(description=_("Approve the selected applications"))
    def approve(self, request, queryset):
        run_transition(
            self,
            request,
            queryset,
            lambda a: services.application_approve(
                application=a, actor=request.user, comment=request.POST.get("reason", "")
            ),
            _("%(count)d application(s) approved."),
        )

    @admin.action(description=_("Reject the selected applications (give the reason)"))
    def reject(self, request, queryset):
        return confirm_then_run(
            self,
            request,
            queryset,
            action="reject",
            question=_("Reject these applications?"),
            warning=_(
                "Each applicant is told by e-mail and on its status page, with the reason "
                "you give here."
            ),
            service=lambda a, reason: services.application_reject(
                application=a, actor=request.user, reason=reason
            ),
            success=_("%(count)d application(s) rejected."),
        )
