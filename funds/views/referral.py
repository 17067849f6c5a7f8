"""The project page's door to the funds: its deals and the referral form."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service
from funds import services
from funds.forms import ReferForm
from funds.models import Deal, Fund
from projects import views as project_views
from projects.models import Project


def project_deals_panel(request, project) -> str:
    """The project page's section on the funds: its deals and the form to refer it."""
    funds = Fund.objects.referable_by(request.user, project)
    refer_form = getattr(request, "refer_form", None)
    if refer_form is None and funds.exists():
        refer_form = ReferForm(user=request.user, project=project)
    deals = Deal.objects.visible_to(request.user).filter(project=project).select_related("fund")
    if refer_form is None and not deals:
        return ""
    return render_to_string(
        "funds/_project_deals.html",
        {"project": project, "deals": deals, "refer_form": refer_form},
        request=request,
    )


@login_required
@require_POST
def project_refer(request, pk):
    """Hand the project over to a fund: a sourced deal, linked to the project."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    form = ReferForm(request.POST, user=request.user, project=project)
    if apply_service(
        request,
        form,
        lambda data: services.deal_refer_from_project(project=project, actor=request.user, **data),
        lambda deal: _("Referred to %(fund)s as a sourced deal.") % {"fund": deal.fund},
    ):
        return redirect(project)
    request.refer_form = form  # the project page's panel shows it with its errors
    response = project_views.project_detail(request, pk)
    response.status_code = 400
    return response
