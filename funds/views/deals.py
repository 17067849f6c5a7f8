"""Deal flow pages: the board, the table, the deal page and what is recorded on it."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import FORMATS
from core.forms import apply_service, filtered
from core.idempotency import once_per_key
from core.lists import sort
from core.paging import get_page
from core.redirects import redirect_next
from core.views import back_url, export_or_queue
from funds import services
from funds.choices import BOARD_STAGES, REOPENABLE_STAGES, DealStage
from funds.exports import DEAL_COLUMNS, DEAL_ORDER
from funds.filtersets import DealFilterSet
from funds.forms import (
    DealForm,
    DecisionForm,
    ExitForm,
    InvestmentForm,
    MoveForm,
    ReopenForm,
    ReviewForm,
    ValuationForm,
)
from funds.metrics import ratio
from funds.models import Deal, DealEvent, Investment
from funds.views.common import PAGE_SIZE, is_on_team, visible_fund


def _board_deals(request, fund):
    return (
        Deal.objects.filter(fund=fund)
        .select_related("company", "owner", "project")
        .order_by("stage_changed_at", "id")
    )


@login_required
def board(request, pk):
    """The pipeline: a column per stage; each card moves by the same service as the API."""
    fund = visible_fund(request, pk)
    on_team = is_on_team(request, fund)
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
    fund = visible_fund(request, pk)
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
    if request.headers.get("Accept") == "application/json":
        return _move_as_json(request, deal)
    form = MoveForm(request.POST, deal=deal, prefix=f"d{deal.pk}")

    def action(data):
        services.deal_move(deal=deal, actor=request.user, **data)

    if not apply_service(request, form, action, _("Deal moved.")):
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"{deal.company}: {text}")
    return redirect_next(request, deal)


def _move_as_json(request, deal):
    """The board's drag and drop: the service decides; a refusal answers its message."""
    try:
        services.deal_move(
            deal=deal,
            actor=request.user,
            stage=request.POST.get("stage", ""),
            comment=request.POST.get("comment", ""),
        )
    except PermissionDenied as error:
        return JsonResponse({"errors": [str(error)]}, status=403)
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=400)
    messages.success(request, _("Deal moved."))
    return JsonResponse({"message": _("Deal moved.")})


@login_required
def deal_table(request, pk):
    """The deals as a table with filters; ``?export=csv`` (or ``xlsx``) exports them: streamed,
    or a background job past ``EXPORT_TASK_ROWS`` rows."""
    fund = visible_fund(request, pk)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        query = back_url(request).partition("?")[2]
        return export_or_queue(request, "funds.deals", {"fund": fund.pk, "query": query}, fmt)
    queryset, sorting = sort(_board_deals(request, fund), request, DEAL_COLUMNS, DEAL_ORDER)
    filterset = DealFilterSet(request.GET or None, queryset=queryset)
    rows = filtered(filterset)
    page = get_page(request, rows, PAGE_SIZE)
    return render(
        request,
        "funds/deal_table.html",
        {"fund": fund, "filter": filterset, "page": page, "sorting": sorting},
    )


@login_required
def deal_detail(request, pk, forms=None):
    deal = get_object_or_404(
        Deal.objects.visible_to(request.user).select_related(
            "fund", "company", "owner", "project__achievement__organization", "project__enterprise"
        ),
        pk=pk,
    )
    on_team = is_on_team(request, deal.fund)
    forms = forms or {}
    investments = list(
        deal.investments.select_related("exit").prefetch_related(Prefetch("valuations"))
    )
    exited = [i for i in investments if getattr(i, "exit", None) is not None]
    reviews = deal.reviews.select_related("reviewer")
    context = {
        "deal": deal,
        "fund": deal.fund,
        "events": DealEvent.objects.filter(deal=deal).select_related("actor"),
        "reviews": reviews,
        "criteria": deal.fund.criteria.all(),
        "decisions": deal.decisions.all(),
        "investments": investments,
        # Realised MOIC of what was exited: proceeds / cost.
        "realised_moic": ratio(
            sum((i.exit.proceeds for i in exited), Decimal("0")),
            sum((i.amount for i in exited), Decimal("0")),
        ),
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
        if deal.stage in REOPENABLE_STAGES:
            context["reopen_form"] = forms.get("reopen") or ReopenForm()
        context["valuation_form"] = forms.get("valuation") or ValuationForm()
        context["exit_form"] = forms.get("exit") or ExitForm()
    return render(request, "funds/deal_detail.html", context, status=400 if forms else 200)


def _deal_post(request, pk, key, form_class, action, success, **form_kwargs):
    deal = get_object_or_404(Deal.objects.visible_to(request.user).select_related("fund"), pk=pk)
    if not is_on_team(request, deal.fund):
        raise PermissionDenied
    form = form_class(request.POST, **{k: v(deal) for k, v in form_kwargs.items()})
    if apply_service(request, form, lambda data: action(deal, form, data), success):
        return redirect(deal)
    return deal_detail(request, pk, forms={key: form})


@login_required
@require_POST
def deal_reopen(request, pk):
    """Take a declined deal back to screening, with the reason."""
    return _deal_post(
        request,
        pk,
        "reopen",
        ReopenForm,
        lambda deal, form, data: services.deal_reopen(deal=deal, actor=request.user, **data),
        _("Deal reopened into screening."),
    )


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
