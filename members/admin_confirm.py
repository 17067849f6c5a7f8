"""A confirmation step for the admin actions that cannot be undone.

The action first answers a page (like Django's "delete selected" confirmation) listing the
chosen rows, with a required box for the reason; only the second POST, with ``post=yes``
and a reason, runs the service, which records the reason in the history.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.admin import run_transition


class ConfirmReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text=_("Kept in the history and, where the service mails, sent with the notice."),
    )


def confirm_then_run(
    modeladmin,
    request,
    queryset,
    *,
    action: str,
    question: str,
    warning: str,
    service: Callable[[object, str], object],
    success: str,
):
    """Answer the confirmation page, or, once confirmed with a reason, run ``service``
    (``service(obj, reason)``) on each selected row and return to the list."""
    confirmed = request.POST.get("post") == "yes"
    form = ConfirmReasonForm(
        request.POST if confirmed else {"reason": request.POST.get("reason", "")}
    )
    if confirmed and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        run_transition(modeladmin, request, queryset, lambda obj: service(obj, reason), success)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": question,
        "question": question,
        "warning": warning,
        "objects": list(queryset),
        "opts": opts,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "form": form,
        "show_errors": confirmed,
        "media": modeladmin.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/confirm_action.html", context)
