from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import FORMATS
from core.forms import apply_service, filtered
from core.idempotency import once_per_key
from core.views import back_url, export_or_queue
from funds import services
from funds.choices import BOARD_STAGES, DealStage
from funds.filtersets import DealFilterSet
from funds.forms import (
    CapitalCallForm,
    DealForm,
    DecisionForm,
    ExitForm,
    InvestmentForm,
    MoveForm,
    PaymentForm,
    ReferForm,
    ReviewForm,
    ValuationForm,
)
from funds.metrics import fund_figures
from funds.models import CapitalCall, Deal, DealEvent, Fund, Investment
from projects import views as project_views
from projects.models import Project

PAGE_SIZE = 25


def _fund(request, pk) -> Fund:
    return get_object_or_404(Fund.objects.visible_to(request.user).select_related("manager"), pk=pk)


def _on_team(request, fund) -> bool:
    return services.on_team(fund, request.user)


@login_required
def fund_list(request):
    funds = (
        Fund.objects.visible_to(request.user)
        .select_related("manager")
        .annotate(deal_count=Count("deals", distinct=True))
    )
    return render(request, "funds/fund_list.html", {"funds": funds})


@login_required
def fund_detail(request, pk, call_form=None):
    fund = _fund(request, pk)
    on_team = _on_team(request, fund)
    context = {
        "fund": fund,
        "figures": fund_figures(fund),
        "commitments": fund.commitments.select_related("limited_partner"),
        "calls": fund.capital_calls.prefetch_related("allocations"),
        "on_team": on_team,
    }
    if on_team:
        context["call_form"] = call_form or CapitalCallForm(
            initial={"call_date": timezone.localdate(), "due_date": timezone.localdate()}
        )
    return render(request, "funds/fund_detail.html", context, status=400 if call_form else 200)


@login_required
@require_POST
@once_per_key
def capital_call_create(request, pk):
    fund = _fund(request, pk)
    form = CapitalCallForm(request.POST)
    call = apply_service(
        request,
        form,
        lambda data: services.capital_call_create(fund=fund, actor=request.user, **data),
        lambda call: _("Capital call %(number)d issued.") % {"number": call.number},
    )
    if call:
        call.mailing.tell(request)
        return redirect(call)
    return fund_detail(request, pk, call_form=form)


@login_required
def capital_call_detail(request, pk):
    call = get_object_or_404(
        CapitalCall.objects.visible_to(request.user).select_related("fund"), pk=pk
    )
    allocations = call.allocations.select_related("limited_partner")
    return render(
        request,
        "funds/call_detail.html",
        {"call": call, "allocations": allocations, "on_team": _on_team(request, call.fund)},
    )


@login_required
@require_POST
@once_per_key
def allocation_payment(request, pk, allocation):
    call = get_object_or_404(CapitalCall.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(call.allocations, pk=allocation)
    form = PaymentForm(request.POST)

    def action(data):
        services.allocation_record_payment(allocation=item, actor=request.user, **data)

    if not apply_service(request, form, action, _("Payment recorded.")):
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect(call)


@login_required
def call_notice(request, pk, allocation):
    """The call notice of one limited partner: a page made for printing (or saving as PDF)."""
    call = get_object_or_404(
        CapitalCall.objects.visible_to(request.user).select_related("fund__manager"), pk=pk
    )
    item = get_object_or_404(call.allocations.select_related("limited_partner"), pk=allocation)
    commitment = call.fund.commitments.filter(limited_partner=item.limited_partner).first()
    return render(
        request,
        "funds/call_notice.html",
        {"call": call, "allocation": item, "commitment": commitment},
    )


def _board_deals(request, fund):
    return (
        Deal.objects.filter(fund=fund)
        .select_related("company", "owner", "project")
        .order_by("stage_changed_at", "id")
    )


@login_required
def board(request, pk):
    """The pipeline: a column per stage; each card moves by the same service as the API."""
    fund = _fund(request, pk)
    on_team = _on_team(request, fund)
    deals = list(_board_deals(request, fund))
    columns = [
        {
            "stage": stage,
            "label": DealStage(stage).label,
            "deals": [d for d in deals if d.stage == stage],
        }
        for stage in BOARD_STAGES
    ]
    aside = [d for d in deals if d.stage not in BOARD_STAGES]
    if on_team:
        for deal in deals:
            deal.move_form = MoveForm(deal=deal, prefix=f"d{deal.pk}") if deal.legal_moves else None
    return render(
        request,
        "funds/board.html",
        {
            "fund": fund,
            "columns": columns,
            "aside": aside,
            "on_team": on_team,
            "deal_form": DealForm(fund=fund, user=request.user) if on_team else None,
        },
    )


@login_required
@require_POST
def deal_create(request, pk):
    fund = _fund(request, pk)
    form = DealForm(request.POST, fund=fund, user=request.user)
    deal = apply_service(
        request,
        form,
        lambda data: services.deal_save(deal=form.save(commit=False), actor=request.user),
        _("Deal sourced."),
    )
    if deal:
        return redirect(deal)
    for field, errors in form.errors.items():
        for text in errors:
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''} {text}"
            )
    return redirect("funds:board", pk=fund.pk)


@login_required
@require_POST
def deal_move(request, pk):
    deal = get_object_or_404(Deal.objects.visible_to(request.user), pk=pk)
    form = MoveForm(request.POST, deal=deal, prefix=f"d{deal.pk}")

    def action(data):
        services.deal_move(deal=deal, actor=request.user, **data)

    if not apply_service(request, form, action, _("Deal moved.")):
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"{deal.company}: {text}")
    return redirect(request.POST.get("next") or deal.get_absolute_url())


@login_required
def deal_table(request, pk):
    """The deals as a table with filters; ``?export=csv`` (or ``xlsx``) exports them: streamed,
    or a background job past ``EXPORT_TASK_ROWS`` rows."""
    fund = _fund(request, pk)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        query = back_url(request).partition("?")[2]
        return export_or_queue(request, "funds.deals", {"fund": fund.pk, "query": query}, fmt)
    queryset = _board_deals(request, fund).order_by("-created", "-id")
    filterset = DealFilterSet(request.GET or None, queryset=queryset)
    rows = filtered(filterset)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "funds/deal_table.html", {"fund": fund, "filter": filterset, "page": page}
    )


@login_required
def deal_detail(request, pk, forms=None):
    deal = get_object_or_404(
        Deal.objects.visible_to(request.user).select_related(
            "fund", "company", "owner", "project__achievement__organization", "project__enterprise"
        ),
        pk=pk,
    )
    on_team = _on_team(request, deal.fund)
    forms = forms or {}
    investments = deal.investments.select_related("exit").prefetch_related(Prefetch("valuations"))
    reviews = deal.reviews.select_related("reviewer")
    context = {
        "deal": deal,
        "fund": deal.fund,
        "events": DealEvent.objects.filter(deal=deal).select_related("actor"),
        "reviews": reviews,
        "criteria": deal.fund.criteria.all(),
        "decisions": deal.decisions.all(),
        "investments": investments,
        "on_team": on_team,
    }
    if on_team:
        if deal.legal_moves:
            context["move_form"] = forms.get("move") or MoveForm(deal=deal, prefix=f"d{deal.pk}")
        reviewed = any(r.reviewer_id == request.user.pk for r in reviews)
        if not reviewed and deal.stage not in (DealStage.SOURCED, DealStage.DECLINED):
            context["review_form"] = forms.get("review") or ReviewForm(
                criteria=deal.fund.criteria.all()
            )
        if deal.stage == DealStage.COMMITTEE:
            context["decision_form"] = forms.get("decision") or DecisionForm()
        if deal.stage in (DealStage.APPROVED, DealStage.INVESTED):
            context["investment_form"] = forms.get("investment") or InvestmentForm()
        context["valuation_form"] = forms.get("valuation") or ValuationForm()
        context["exit_form"] = forms.get("exit") or ExitForm()
    return render(request, "funds/deal_detail.html", context, status=400 if forms else 200)


def _deal_post(request, pk, key, form_class, action, success, **form_kwargs):
    deal = get_object_or_404(Deal.objects.visible_to(request.user).select_related("fund"), pk=pk)
    if not _on_team(request, deal.fund):
        raise PermissionDenied
    form = form_class(request.POST, **{k: v(deal) for k, v in form_kwargs.items()})
    if apply_service(request, form, lambda data: action(deal, form, data), success):
        return redirect(deal)
    return deal_detail(request, pk, forms={key: form})


@login_required
@require_POST
def review_add(request, pk):
    return _deal_post(
        request,
        pk,
        "review",
        ReviewForm,
        lambda deal, form, data: services.review_submit(
            deal=deal, actor=request.user, scores=form.scores(), comment=data["comment"]
        ),
        _("Review recorded."),
        criteria=lambda deal: deal.fund.criteria.all(),
    )


@login_required
@require_POST
def decision_add(request, pk):
    return _deal_post(
        request,
        pk,
        "decision",
        DecisionForm,
        lambda deal, form, data: services.committee_decide(deal=deal, actor=request.user, **data),
        _("Committee decision recorded."),
    )


@login_required
@require_POST
@once_per_key
def investment_add(request, pk):
    return _deal_post(
        request,
        pk,
        "investment",
        InvestmentForm,
        lambda deal, form, data: services.investment_record(deal=deal, actor=request.user, **data),
        _("Investment recorded."),
    )


def _investment(request, pk) -> Investment:
    return get_object_or_404(
        Investment.objects.visible_to(request.user).select_related("deal"), pk=pk
    )


@login_required
@require_POST
def valuation_add(request, pk):
    investment = _investment(request, pk)
    return _deal_post(
        request,
        investment.deal_id,
        "valuation",
        ValuationForm,
        lambda deal, form, data: services.valuation_record(
            investment=investment, actor=request.user, **data
        ),
        _("Valuation recorded."),
    )


@login_required
@require_POST
def exit_add(request, pk):
    investment = _investment(request, pk)
    return _deal_post(
        request,
        investment.deal_id,
        "exit",
        ExitForm,
        lambda deal, form, data: services.exit_record(
            investment=investment, actor=request.user, **data
        ),
        _("Exit recorded."),
    )


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
